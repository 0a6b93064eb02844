"""The weekly report job: thin tasks that load by id, claim the run row, build and send.

Idempotent: the `WeeklyReportRun` row (unique per school and week) is claimed before anything
is sent, so a second run, or a second worker, finds it and sends nothing. If sending fails the
claim is released, so the next half-hourly run tries again.
"""

from __future__ import annotations

from datetime import date, timedelta

from crontask import cron
from django.core.mail import EmailMessage
from django.tasks import task
from django.utils import timezone

from rollbook.core.access import PUPIL_READ_ROLES
from rollbook.core.models import School, StaffRole
from rollbook.policy.monitoring import active_policy
from rollbook.reports import weekly
from rollbook.reports.models import RunStatus, WeeklyReportRun
from rollbook.reports.weekly_pdf import pdf_filename, weekly_pdf
from rollbook.reports.weekly_queries import weekly_report


def _recipients(school: School, roles) -> dict[str, bool]:
    """Email address -> whether that person may see pupil names, for the roles named."""
    found: dict[str, bool] = {}
    for_roles = StaffRole.objects.filter(school=school, role__in=list(roles)).exclude(
        user__email=""
    )
    emails = set(for_roles.values_list("user__email", flat=True))
    readers = StaffRole.objects.filter(
        school=school, role__in=list(PUPIL_READ_ROLES), user__email__in=emails
    ).values_list("user__email", flat=True)
    readers = set(readers)
    for email in sorted(emails):
        found[email] = email in readers
    return found


STALE_CLAIM = timedelta(hours=1)


def _reclaim_stale(run: WeeklyReportRun) -> bool:
    """A worker that died mid-build leaves its claim behind; after an hour another may take it.
    Conditional update: of two workers finding the same stale claim, only one wins."""
    now = timezone.now()
    return (
        WeeklyReportRun.objects.filter(
            pk=run.pk, status=RunStatus.BUILDING, claimed_at__lt=now - STALE_CLAIM
        ).update(claimed_at=now)
        == 1
    )


@task
def send_weekly_report(school_id: int, today: str) -> int:
    """Build and email one school's weekly report; how many emails were sent (0 if done before)."""
    school = School.objects.get(pk=school_id)
    day = date.fromisoformat(today)
    week, _ = weekly.report_week(school.calendar().school_days(), day)
    run, created = WeeklyReportRun.objects.get_or_create(
        school=school, week_start=week.monday, defaults={"claimed_at": timezone.now()}
    )
    if not created and not _reclaim_stale(run):
        return 0
    try:
        policy, _ = active_policy(school)
        recipients = _recipients(school, policy.reports.weekly_to)
        built: dict[bool, tuple[weekly.WeeklyReport, bytes]] = {}
        for email, pupil_level in recipients.items():
            if pupil_level not in built:
                report = weekly_report(school, day, pupil_level=pupil_level)
                built[pupil_level] = (report, weekly_pdf(report))
            report, pdf = built[pupil_level]
            message = EmailMessage(
                subject=f"Weekly attendance report: {school.name}, {report.week.label}",
                body=(
                    f"The weekly attendance report for {school.name}, {report.week.label}, "
                    "is attached.\n"
                ),
                to=[email],
            )
            message.attach(pdf_filename(school, report), pdf, "application/pdf")
            message.send()
    except Exception:
        run.delete()
        raise
    run.status = RunStatus.SENT
    run.built_at = timezone.now()
    run.sent_to = list(recipients)
    run.save(update_fields=["status", "built_at", "sent_to"])
    return len(recipients)


@cron("*/30 * * * Mon-Fri")
@task
def weekly_reports() -> int:
    """Enqueue the weekly report for each school whose sending time this week has passed."""
    now = timezone.localtime()
    due = []
    for school in School.objects.all():
        policy, _ = active_policy(school)
        if not weekly.is_due(policy.reports.weekly_day, policy.reports.weekly_time, now):
            continue
        week, _ = weekly.report_week(school.calendar().school_days(), now.date())
        if WeeklyReportRun.objects.filter(school=school, week_start=week.monday).exists():
            continue
        due.append(school)
        send_weekly_report.enqueue(school.pk, now.date().isoformat())
    return len(due)


def _load_governors_report(build, today: date):
    """The report a build was asked for: its period as of today, with the saved commentary."""
    from rollbook.reports import governors, periods
    from rollbook.reports.governors_queries import governors_report

    period = periods.find(
        periods.report_periods(build.school.calendar().terms, today),
        build.period_key,
        ("term", "year"),
    )
    return governors_report(
        build.school, period, today, governors.Commentary(**(build.commentary or {}))
    )


@task
def build_governors_report(build_id: int) -> bool:
    """Build one queued governors' report PDF (the state lives in GovernorsReportBuild)."""
    from rollbook.reports.actions import build_governors_pdf

    return build_governors_pdf(
        build_id=build_id, today=timezone.localdate(), load=_load_governors_report
    )

"""Scheduled monitoring: thin tasks that load by id and call one action (house style 3.6)."""

from datetime import date

from crontask import cron
from django.tasks import task
from django.utils import timezone

from rollbook.admissions.actions import check_registration_duties
from rollbook.casework.actions import open_cases_for_alerts
from rollbook.casework.long_absences import make_long_absence_tasks
from rollbook.core.models import School
from rollbook.leave.actions import check_part_time_timetables
from rollbook.letters.actions import generate_stage_letters
from rollbook.policy.monitoring import run_monitoring


@task
def monitor_school(school_id: int, as_of: str) -> int:
    """Idempotent: alerts carry per-episode keys, so a repeated run raises nothing new."""
    school = School.objects.get(pk=school_id)
    day = date.fromisoformat(as_of)
    created = run_monitoring(school=school, as_of=day, actor_label="daily monitoring").created
    timetables = check_part_time_timetables(
        school=school, as_of=day, actor_label="daily monitoring"
    )
    # After the monitoring transaction has committed: a case for each pupil a stage has reached,
    # then each stage's letter drafted once on that case (both idempotent).
    open_cases_for_alerts(school=school, as_of=day, actor_label="daily monitoring")
    letters = generate_stage_letters(school=school, today=day, actor_label="daily monitoring")
    check_registration_duties(school=school, as_of=day, actor_label="daily monitoring")
    # Long absences: keep in touch while they last, plan the return (keyed, so idempotent).
    make_long_absence_tasks(school=school, as_of=day, actor_label="daily monitoring")
    return len(created) + len(timetables) + len(letters)


# After the afternoon register has closed (the latest default closes at 13:45).
@cron("30 16 * * Mon-Fri")
@task
def daily_monitoring() -> int:
    today = timezone.localdate()
    schools = [s for s in School.objects.all() if s.calendar().is_school_day(today)]
    for school in schools:
        monitor_school.enqueue(school.pk, today.isoformat())
    return len(schools)


@task
def render_published_policy(policy_id: int) -> bool:
    """The published policy's PDF for one version (S001-6); idempotent."""
    from rollbook.policy.actions import render_published_pdf
    from rollbook.policy.models import SchoolPolicy

    record = SchoolPolicy.objects.select_related("school").get(pk=policy_id)
    return render_published_pdf(record=record)

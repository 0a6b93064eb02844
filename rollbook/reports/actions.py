"""Writes of the reports app: governors' PDF builds and the audit of every export.

Each action writes one AuditEvent through `rollbook.core.audit.record`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.models import School
from rollbook.reports import governors
from rollbook.reports.models import BuildStatus, GovernorsReportBuild
from rollbook.reports.periods import ReportPeriod

STALE_BUILD = timedelta(hours=1)


def record_export(*, actor, school: School, report: str, fmt: str, **details) -> None:
    """Every download of report data is audited: who took which table, in which format."""
    audit.record(
        "export.downloaded", actor=actor, school=school, report=report, format=fmt, **details
    )


def request_governors_pdf(
    *,
    actor,
    school: School,
    period: ReportPeriod,
    commentary: governors.Commentary,
    version: str,
) -> tuple[GovernorsReportBuild, bool]:
    """Find the PDF for this school, period and data version, or queue a build of it.

    Returns the build and whether a new build was queued (False: an existing one is reused).
    A failed build is queued again.
    """
    from rollbook.reports.tasks import build_governors_report  # the task module imports this one

    with transaction.atomic():
        build, created = GovernorsReportBuild.objects.get_or_create(
            school=school,
            period_key=period.key,
            data_version=version,
            defaults={
                "period_label": period.label,
                "commentary": {
                    "done": commentary.done,
                    "impact": commentary.impact,
                    "next_steps": commentary.next_steps,
                },
                "requested_by": audit.user_or_none(actor),
                "requested_at": timezone.now(),
            },
        )
        # A failed build, or one whose worker died (still "building" after an hour), is
        # queued again; the conditional update lets only one request re-queue it.
        stale = Q(status=BuildStatus.BUILDING, requested_at__lt=timezone.now() - STALE_BUILD)
        retry = not created and (
            GovernorsReportBuild.objects.filter(pk=build.pk)
            .filter(Q(status=BuildStatus.FAILED) | stale)
            .update(
                status=BuildStatus.QUEUED,
                progress=0,
                step="",
                error="",
                requested_at=timezone.now(),
            )
            == 1
        )
        queued = created or retry
        audit.record(
            "governors_report.requested",
            actor=actor,
            school=school,
            obj=build,
            period=period.key,
            reused=not queued,
        )
        if queued:
            transaction.on_commit(lambda: build_governors_report.enqueue(build.pk))
    build.refresh_from_db()
    return build, queued


def build_governors_pdf(
    *,
    build_id: int,
    today: date,
    load: Callable[[GovernorsReportBuild, date], governors.GovernorsReport],
) -> bool:
    """Claim a queued build and make its PDF, saying how far it has got as it goes.

    The claim is a conditional update (queued -> building), so two workers never build the
    same PDF. `load` reads the report's data (passed in so the task stays thin). False if
    another worker had already claimed it.
    """
    from rollbook.reports import charts as charts_module
    from rollbook.reports.governors_pdf import governors_pdf

    claimed = GovernorsReportBuild.objects.filter(pk=build_id, status=BuildStatus.QUEUED).update(
        status=BuildStatus.BUILDING, progress=5, step="Reading the attendance data"
    )
    if claimed != 1:
        return False
    build = GovernorsReportBuild.objects.select_related("school").get(pk=build_id)
    started = time.perf_counter()

    def step(progress: int, words: str) -> None:
        GovernorsReportBuild.objects.filter(pk=build_id).update(progress=progress, step=words)

    try:
        report = load(build, today)
        step(40, "Drawing the charts")
        charts = charts_module.charts(report)
        step(70, "Laying out the PDF")
        pdf = governors_pdf(report, charts)
    except Exception as error:
        GovernorsReportBuild.objects.filter(pk=build_id).update(
            status=BuildStatus.FAILED, step="Failed", error=repr(error)[:2000]
        )
        raise
    seconds = time.perf_counter() - started
    with transaction.atomic():
        GovernorsReportBuild.objects.filter(pk=build_id).update(
            status=BuildStatus.READY,
            progress=100,
            step="Ready",
            pdf=pdf,
            built_at=timezone.now(),
            build_seconds=seconds,
        )
        audit.record(
            "governors_report.built",
            actor_label="reports task",
            school=build.school,
            obj=build,
            period=build.period_key,
            seconds=round(seconds, 2),
            bytes=len(pdf),
        )
    return True

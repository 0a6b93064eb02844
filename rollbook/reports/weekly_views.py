"""The weekly report page and its PDF."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rollbook.core.access import require_aggregates
from rollbook.registers.rules import percent
from rollbook.reports import actions, exports
from rollbook.reports.views import HtmxHttpRequest, group_table
from rollbook.reports.weekly_pdf import pdf_filename, weekly_pdf
from rollbook.reports.weekly_queries import weekly_report


def _chosen_monday(value: str | None, today: date) -> date | None:
    """`?week=YYYY-MM-DD`: a Monday no later than today; anything else means the default week."""
    try:
        monday = date.fromisoformat(value or "")
    except ValueError:
        return None
    return monday if monday.weekday() == 0 and monday <= today else None


@require_GET
def weekly_report_page(request: HtmxHttpRequest) -> HttpResponse:
    school, suppress = require_aggregates(request.user)
    today = timezone.localdate()
    report = weekly_report(
        school,
        today,
        pupil_level=not suppress,
        monday=_chosen_monday(request.GET.get("week"), today),
    )
    if request.GET.get("format") == "pdf":
        response = HttpResponse(weekly_pdf(report), content_type="application/pdf")
        response["Content-Disposition"] = f'attachment; filename="{pdf_filename(school, report)}"'
        return response
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        actions.record_export(
            actor=request.user,
            school=school,
            report="weekly",
            fmt=fmt,
            week=report.week.monday.isoformat(),
        )
        name = f"weekly-attendance-{school.urn}-{report.week.monday.isoformat()}"
        return exports.download(fmt, name, weekly_tables(report))
    return render(request, "reports/weekly_report.html", {"report": report})


def weekly_tables(report) -> list[exports.Table]:
    """The week's year-group and class table, and (for pupil-level readers) the new PA list."""
    tables = [group_table((), report.years, report.classes)]
    if report.pupil_level:
        tables.append(
            exports.Table(
                "New persistent absentees",
                ("name", "class", "absence_pct", "sessions_absent", "sessions_possible"),
                [
                    (p.name, p.class_name, percent(p.absence_rate, 1), p.absent, p.possible)
                    for p in report.new_pa
                ],
            )
        )
    return tables

"""The weekly report page and its PDF."""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rollbook.core.access import require_aggregates
from rollbook.reports.views import HtmxHttpRequest
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
    return render(request, "reports/weekly_report.html", {"report": report})

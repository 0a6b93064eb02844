"""Absences reported by parents through the portal, for an MIS to mirror."""

from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Query, Router

from rollbook.absences.models import AbsenceReport
from rollbook.api import scope
from rollbook.api.routers import ERRORS
from rollbook.api.routers.marks import invalid
from rollbook.api.schemas import AbsenceReportPage

router = Router(tags=["absences"])
# A string with the ISO pattern, not a `date`: pydantic would also take "0" as 1 January 1970.
SINCE = Query(None, alias="from", pattern=r"^\d{4}-\d{2}-\d{2}$")
Status = Literal["pending", "accepted", "queried", "withdrawn"]


def report_out(r: AbsenceReport) -> dict:
    return {
        "id": r.pk,
        "upn": r.pupil.upn,
        "first_date": r.first_date,
        "first_session": r.first_session,
        "last_date": r.last_date,
        "last_session": r.last_session,
        "reason": r.reason,
        "status": r.status,
        "code": r.code,
        "submitted_at": r.submitted_at,
    }


@router.get("", response={200: AbsenceReportPage, **ERRORS}, url_name="absence_reports")
def list_absence_reports(
    request,
    on_or_after: str | None = SINCE,
    status: Status | None = None,
    page: int = Query(1, ge=1, le=scope.MAX_PAGE),
    page_size: int = Query(scope.DEFAULT_PAGE_SIZE, ge=1, le=scope.MAX_PAGE_SIZE),
):
    """Parents' absence reports at the token's school, newest first; `from` keeps those whose
    last day is on or after that date. No details text or evidence: those stay in Rollbook."""
    scope.require_pupil_level(request)
    reports = AbsenceReport.objects.filter(school=request.auth.school).select_related("pupil")
    if on_or_after is not None:
        try:
            since = date.fromisoformat(on_or_after)
        except ValueError:
            raise invalid([{"field": "from", "message": "not a date"}]) from None
        reports = reports.filter(last_date__gte=since)
    if status is not None:
        reports = reports.filter(status=status)
    return scope.paginate(reports.order_by("-submitted_at", "-id"), page, page_size, report_out)

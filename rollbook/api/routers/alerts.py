from __future__ import annotations

from typing import Literal

from ninja import Query, Router

from rollbook.api import scope
from rollbook.api.routers import ERRORS
from rollbook.api.schemas import AlertPage
from rollbook.policy.models import Alert

router = Router(tags=["alerts"])
Status = Literal["open", "deferred", "dismissed", "done"]


def alert_out(a: Alert) -> dict:
    return {
        "id": a.pk,
        "upn": a.pupil.upn,
        "kind": a.kind,
        "kind_label": a.kind_label,
        "stage_key": a.stage_key,
        "raised_on": a.raised_on,
        "met_on": a.met_on,
        "status": a.status,
        "explanation": a.explanation,
    }


@router.get("", response={200: AlertPage, **ERRORS}, url_name="alerts")
def list_alerts(
    request,
    status: Status | None = None,
    page: int = Query(1, ge=1, le=scope.MAX_PAGE),
    page_size: int = Query(scope.DEFAULT_PAGE_SIZE, ge=1, le=scope.MAX_PAGE_SIZE),
):
    """Alerts monitoring raised at the token's school, newest first."""
    scope.require_pupil_level(request)
    alerts = Alert.objects.filter(school=request.auth.school).select_related("pupil")
    if status is not None:
        alerts = alerts.filter(status=status)
    return scope.paginate(alerts.order_by("-raised_on", "-id"), page, page_size, alert_out)

"""The trust / LA dashboard page: every school the user may see, side by side, no pupil names.

Who may open it: anyone who may open a school's group report (`core.access.AGGREGATE_ROLES`:
office roles, DSL, SENCO, governors, trust and LA analysts). Each sees only the schools where
they hold such a role: a trust analyst with the role at several schools sees all of them, a
head sees their own school. Teachers (and parents) are refused: 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rollbook.reports import trust, trust_queries


@require_GET
def trust_dashboard(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    choices = trust.period_choices(today)
    period = next((p for p in choices if p.key == request.GET.get("period")), choices[0])
    board = trust_queries.dashboard(request.user, period.key, today)
    if not board.rows:
        raise PermissionDenied("The schools dashboard is for senior staff, governors and analysts.")
    return render(
        request,
        "reports/trust_dashboard.html",
        {"board": board, "period": period, "periods": choices},
    )

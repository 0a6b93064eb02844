from __future__ import annotations

from datetime import date
from typing import Literal

from ninja import Query, Router
from ninja.errors import ValidationError

from rollbook.api import scope
from rollbook.api.routers import ERRORS
from rollbook.api.schemas import StatisticsOut
from rollbook.core.access import PUPIL_READ_ROLES
from rollbook.registers.rules import summarise
from rollbook.reports.groups import SUPPRESS_BELOW
from rollbook.reports.statistics import grouped, pupil_stats, summary_fields

FROM, TO = Query(..., alias="from"), Query(..., alias="to")  # required, inclusive
router = Router(tags=["statistics"])


@router.get("", response={200: StatisticsOut, **ERRORS}, url_name="statistics", by_alias=True)
def get_statistics(
    request,
    first: date = FROM,
    last: date = TO,
    group: Literal["year", "class"] | None = None,
):
    """DfE figures for the period (dates inclusive), as `rollbook stats --format json` gives
    them: totals, and per year group or class with `group`. Aggregates only: groups smaller
    than the disclosure threshold are withheld for roles that may not read pupils."""
    scope.require_aggregates(request)
    if last < first:
        raise ValidationError([{"loc": ("query", "to"), "msg": "'to' is before 'from'"}])
    school = request.auth.school
    suppress = request.auth.role not in PUPIL_READ_ROLES
    stats = pupil_stats(school, first, last)
    doc = {
        "school": school,
        "from": first,
        "to": last,
        "totals": summary_fields(summarise(s.tally for s in stats)),
    }
    if group:
        doc["groups"] = [
            {
                "group": g.group,
                "suppressed": hidden,
                "figures": None if hidden else summary_fields(g.summary),
            }
            for g in grouped(stats, group)
            for hidden in [suppress and 0 < g.summary.enrolments < SUPPRESS_BELOW]
        ]
    return doc

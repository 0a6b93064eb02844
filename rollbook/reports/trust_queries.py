"""Reads for the trust / LA dashboard: a fixed number of queries however many schools.

The counting is the group report's own (`registers.queries.pupil_tallies`: marks inside each
pupil's time on roll, grouped by pupil, code and code era), done for every school in ONE query
by OR-ing each school's date window, then summed per school with `registers.rules.summarise`.
So each school's row equals its group report's whole-school row by construction.

Why not the DuckDB engine (rollbook/analytics): it reads a Parquet snapshot written by
`rollbook export parquet`, which is as old as its last export, and no snapshot location is
configured for the web app. Live figures that match the per-school reports matter more here;
`Engine.totals(first, last, by=("school_urn",))` returns the same `Summary` per school, so it
can feed `trust.build` unchanged when an LA-scale snapshot is wired in (see issue #12).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Q

from rollbook.core.access import AGGREGATE_ROLES, PUPIL_READ_ROLES
from rollbook.core.calendar import TermDates
from rollbook.core.models import School, StaffRole, Term
from rollbook.registers.models import Mark
from rollbook.registers.queries import ON_ROLL, tallies_by
from rollbook.registers.rules import Summary, summarise
from rollbook.reports import trust
from rollbook.reports.national import latest_full_year


@dataclass(frozen=True)
class Grant:
    """A school the user may see on the dashboard, and whether only aggregates."""

    school: School
    suppress: bool


def grants(user) -> list[Grant]:
    """Every school where the user holds a role that may read aggregate reports (1 query).

    The same roles as the group report (`core.access.AGGREGATE_ROLES`), so the dashboard shows
    no school whose group report the user could not open.
    """
    if not getattr(user, "is_authenticated", False):
        return []
    roles: dict[int, set[str]] = defaultdict(set)
    schools: dict[int, School] = {}
    for grant in StaffRole.objects.filter(user_id=user.pk, role__in=AGGREGATE_ROLES).select_related(
        "school"
    ):
        roles[grant.school_id].add(grant.role)
        schools[grant.school_id] = grant.school
    return [
        Grant(school, suppress=not (roles[pk] & PUPIL_READ_ROLES))
        for pk, school in sorted(schools.items(), key=lambda kv: (kv[1].name, kv[0]))
    ]


def current_terms(school_ids: list[int], today: date) -> dict[int, TermDates]:
    """Each school's term containing `today` (1 query)."""
    rows = Term.objects.filter(
        school_id__in=school_ids, start_date__lte=today, end_date__gte=today
    ).order_by("school_id", "start_date")
    found: dict[int, TermDates] = {}
    for t in rows:
        found.setdefault(t.school_id, TermDates(t.name, t.start_date, t.end_date))
    return found


def school_summaries(windows: dict[int, tuple[date, date]]) -> dict[int, Summary]:
    """Whole-school DfE figures per school, each over its own window (1 query, 0 if none)."""
    if not windows:
        return {}
    in_window = Q()
    for school_id, (first, last) in windows.items():
        in_window |= Q(school_id=school_id, date__range=(first, last))
    # The same counting as registers.queries.pupil_tallies, for every school in one query.
    tallies = tallies_by(Mark.objects.filter(in_window, ON_ROLL), "school_id", "pupil_id")
    per_school: dict[int, list] = {school_id: [] for school_id in windows}
    for (school_id, _), tally in tallies.items():
        per_school[school_id].append(tally)
    return {school_id: summarise(found) for school_id, found in per_school.items()}


def dashboard(user, key: str, today: date) -> trust.TrustDashboard:
    """The dashboard for every school the user may see (3 queries, 2 for a whole-year period)."""
    mine = grants(user)
    ids = [g.school.pk for g in mine]
    terms = current_terms(ids, today) if key == "term" else {}
    windows = {
        pk: span for pk in ids if (span := trust.window(key, today, terms.get(pk))) is not None
    }
    summaries = school_summaries(windows)
    return trust.build(
        (
            trust.SchoolInput(
                urn=g.school.urn,
                name=g.school.name,
                summary=summaries.get(g.school.pk),
                suppress=g.suppress,
            )
            for g in mine
        ),
        latest_full_year(),
    )

"""Pupils at risk of persistent absence (S000-40). Pure: no ORM, no clock; `today` comes in.

The rule is the school's policy key `thresholds.pa_risk_projected_below_pct` (X). A pupil is at
risk when they are not yet persistently absent and their attendance, projected to the end of
the academic year, is below X % (strictly):

    recent rate  r = attended / possible over the last `RECENT_WEEKS` school weeks
                     (the year-to-date rate when those weeks have no possible session)
    projected      = (attended so far + r * remaining) / (possible so far + remaining)

where `remaining` is the school sessions left in the academic year after today, counted from
the school calendar (terms, bank holidays and closures), never from weekdays. The comparison is
exact: 100 * (A*p + a*R) < X * p * (P + R) on whole numbers of sessions, with no rounding.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from rollbook.registers.rules import Tally
from rollbook.reports.cohorts import PupilLine

RECENT_WEEKS = 4


def recent_window_start(mondays: Iterable[date], year_start: date) -> date:
    """The Monday of the 4th-last school week to date (or the start of the year if fewer)."""
    weeks = sorted(mondays)
    return max(weeks[-RECENT_WEEKS], year_start) if len(weeks) >= RECENT_WEEKS else year_start


def projected_attendance(year: Tally, recent: Tally, remaining: int) -> Fraction | None:
    """Year-end attendance (a percentage) if the recent rate holds; None without any session."""
    if year.possible == 0:
        return None
    a, p = (recent.attended, recent.possible) if recent.possible else (year.attended, year.possible)
    return Fraction(100 * (year.attended * p + a * remaining), p * (year.possible + remaining))


def is_at_risk(year: Tally, recent: Tally, remaining: int, below_pct: Decimal) -> bool:
    if year.possible == 0 or year.persistent_absence:
        return False  # nothing to project, or already persistently absent
    projected = projected_attendance(year, recent, remaining)
    return projected is not None and projected < Fraction(below_pct)


@dataclass(frozen=True)
class AtRisk:
    pupil: PupilLine  # tally: year to date; recent: the last 4 school weeks
    projected: Fraction


def at_risk(pupils: Iterable[PupilLine], remaining: int, below_pct: Decimal) -> list[AtRisk]:
    """The pupils at risk, lowest projection first."""
    found = [
        AtRisk(p, projected_attendance(p.tally, p.recent, remaining))
        for p in pupils
        if is_at_risk(p.tally, p.recent, remaining, below_pct)
    ]
    return sorted(found, key=lambda r: (r.projected, r.pupil.name))


@dataclass(frozen=True)
class RiskReport:
    today: date
    below_pct: Decimal
    recent_from: date  # the first day of the recent window
    remaining: int  # school sessions left in the academic year after today
    pupils: tuple[AtRisk, ...]

"""Qualifying lists, improvers, punctuality and personal goals: pure rules (no ORM, no clock).

Every comparison is exact: a rate is `Fraction(100 * attended, possible)` and a line is a
`Decimal` from the policy or a form, so "100 %" means every possible session attended and
"at least 95.8 %" is `100 * attended >= 95.8 * possible`. Nothing is rounded before a
comparison; rounding is for display only (`registers.rules.percent`).

The rules, as written down for staff (the pages repeat them):

* **Qualifying** for a period (half-term, term or year, up to a date): at least one possible
  session in the period, attendance at or above the line (inclusive) and, when the rule sets
  `max_lates`, no more than that many lates in the period.
* **A late** is a session marked `L` (arrived before the register closed, counts as present)
  or `U` (arrived after it closed, an unauthorised absence), as the punctuality stages count
  them (002 and 004 presets).
* **An improver** has possible sessions in both periods (at least `min_possible` in each) and
  an attendance rate that rose by at least `points` percentage points from the earlier
  period to the later one (inclusive: exactly 5.00 points up meets 5).
* **Sustained improvement** over `rises` steps: the rate rose strictly at each of the last
  `rises` changes of period (two half-terms rising in a row = HT1 < HT2 < HT3, three
  half-terms of rates). A period with no possible sessions breaks the run.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise

from rollbook.policy.schema import Policy
from rollbook.registers.rules import Tally
from rollbook.rewards.rules import ClassFigure, ClassInfo, Improvement, Period, Week

LATE_CODES = frozenset({"L", "U"})
LIST_KINDS = ("half_term", "term", "year")
KIND_NAMES = {"half_term": "Half-term", "term": "Term", "year": "Year"}
FULL_ATTENDANCE = Decimal(100)
DEFAULT_IMPROVEMENT_POINTS = Decimal(5)  # when the policy names no improvement points


@dataclass(frozen=True)
class Criterion:
    """A pupil reward rule: an attendance line (inclusive) and, optionally, a cap on lates."""

    at_least_pct: Decimal = FULL_ATTENDANCE
    max_lates: int | None = None  # None: punctuality is not part of the rule

    @property
    def words(self) -> str:
        line = "100% attendance" if self.at_least_pct == 100 else f"{self.at_least_pct}% or more"
        if self.max_lates is None:
            return line
        lates = "no lates" if self.max_lates == 0 else f"{self.max_lates} lates or fewer"
        return f"{line} and {lates}"


def qualifies(tally: Tally | None, lates: int, criterion: Criterion) -> bool:
    """Does a pupil meet the rule over a period? Integers and Decimals: exact."""
    if tally is None or tally.possible == 0:
        return False
    if 100 * tally.attended < criterion.at_least_pct * tally.possible:
        return False
    return criterion.max_lates is None or lates <= criterion.max_lates


def qualifying_ids(
    tallies: Mapping[int, Tally], lates: Mapping[int, int], criterion: Criterion
) -> set[int]:
    return {pid for pid, t in tallies.items() if qualifies(t, lates.get(pid, 0), criterion)}


def default_line(policy: Policy, kind: str) -> Decimal:
    """The line of the policy's first pupil award for this period kind, else 100 %."""
    for reward in policy.rewards:
        if reward.measure == "pupil_pct" and reward.period == kind and reward.at_least_pct:
            return Decimal(reward.at_least_pct)
    return FULL_ATTENDANCE


def default_points(policy: Policy) -> Decimal:
    """The improvement points the policy names: an improvement award's line, else the
    half-termly improvement message's points (004: 5), else 5."""
    for reward in policy.rewards:
        if reward.measure == "improvement" and reward.at_least_pct is not None:
            return Decimal(reward.at_least_pct)
    for campaign in policy.comms.campaigns:
        if campaign.kind == "halfterm_improvement":
            return Decimal(campaign.improvement_points)
    return DEFAULT_IMPROVEMENT_POINTS


# --- Improvers --------------------------------------------------------------------------------


def improvers(
    before: Mapping[int, Tally],
    after: Mapping[int, Tally],
    points: Decimal,
    min_possible: int = 1,
) -> list[Improvement]:
    """Pupils whose rate rose by at least `points` (inclusive), biggest rise first."""
    need = Fraction(points)
    floor = max(1, min_possible)
    found = []
    for pupil_id, now in after.items():
        then = before.get(pupil_id)
        if then is None or then.possible < floor or now.possible < floor:
            continue
        item = Improvement(pupil_id, then.attendance_rate, now.attendance_rate)
        if item.points > 0 and item.points >= need:
            found.append(item)
    return sorted(found, key=lambda i: (-i.points, i.pupil_id))


def recent_weeks(weeks: Sequence[Week], n: int = 4) -> tuple[Period, Period] | None:
    """The last `n` school weeks and the `n` before them, as two periods; None if there are
    fewer than 2n school weeks. Holiday weeks have no school days, so they are skipped."""
    if len(weeks) < 2 * n:
        return None
    earlier, later = weeks[-2 * n : -n], weeks[-n:]
    return (
        Period("weeks", f"the {n} school weeks before", earlier[0].first, earlier[-1].last),
        Period("weeks", f"the last {n} school weeks", later[0].first, later[-1].last),
    )


def sustained_improvers(rates: Mapping[int, Sequence[Fraction | None]], rises: int) -> list[int]:
    """Pupils whose rate rose strictly at each of the last `rises` steps.

    `rates` holds each pupil's rates for consecutive periods, oldest first (at least
    `rises + 1` of them are read; a pupil with fewer is left out)."""
    found = []
    for pupil_id, series in rates.items():
        tail = list(series)[-(rises + 1) :]
        if rises < 1 or len(tail) < rises + 1 or any(r is None for r in tail):
            continue
        if all(a < b for a, b in pairwise(tail)):
            found.append(pupil_id)
    return sorted(found)


# --- The assembly sheet ----------------------------------------------------------------------


def period_figures(
    groups: Iterable[ClassInfo], weekly: Iterable[Sequence[ClassFigure]]
) -> list[ClassFigure]:
    """Class figures over several weeks: each class's weekly session counts summed (never a
    mean of weekly percentages). Pupils counted and left out: the most in any one week."""
    sums: dict[int, Tally] = {}
    counted: dict[int, int] = {}
    left_out: dict[int, int] = {}
    for figures in weekly:
        for f in figures:
            gid = f.group.group_id
            sums[gid] = sums.get(gid, Tally()) + f.tally
            counted[gid] = max(counted.get(gid, 0), f.pupils)
            left_out[gid] = max(left_out.get(gid, 0), f.excluded)
    return [
        ClassFigure(
            g,
            sums.get(g.group_id, Tally()),
            counted.get(g.group_id, 0),
            left_out.get(g.group_id, 0),
        )
        for g in sorted(groups, key=lambda g: (g.year_group, g.name))
    ]


# --- Personal goals ---------------------------------------------------------------------------


@dataclass(frozen=True)
class GoalProgress:
    target: Decimal
    rate: Fraction | None
    met: bool
    to_go: Fraction | None  # percentage points still needed; 0 once met; None: no sessions yet


def goal_progress(tally: Tally | None, target: Decimal) -> GoalProgress:
    """Year-to-date attendance against a personal goal (met: at or above, exactly)."""
    if tally is None or tally.possible == 0:
        return GoalProgress(target, None, False, None)
    met = 100 * tally.attended >= target * tally.possible
    rate = tally.attendance_rate
    return GoalProgress(target, rate, met, Fraction(0) if met else Fraction(target) - rate)


# --- The Friday tracker (booklet / planner page) ----------------------------------------------


@dataclass(frozen=True)
class Cell:
    day: date
    session: str
    code: str  # the mark, "" if none yet; "closed" when the school is not open that day

    @property
    def open(self) -> bool:
        return self.code != "closed"


def week_cells(
    weekdays: Iterable[date], school_days: Iterable[date], marks: Mapping[tuple[date, str], str]
) -> list[Cell]:
    """The week's 10 sessions (Monday to Friday, AM then PM): each mark, or "closed"."""
    open_days = set(school_days)
    return [
        Cell(day, s, marks.get((day, s), "") if day in open_days else "closed")
        for day in weekdays
        for s in ("AM", "PM")
    ]

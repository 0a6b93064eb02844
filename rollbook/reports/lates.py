"""Lateness: late counts per family (S001-40) and lates per week against last year (S004-2).
Pure: counted rows in, dataclasses out.

A late is a session coded `L` (arrived before the register closed: present) or `U` (after it
closed: unauthorised absence). Both are lates; the split is kept because they count differently.
Weeks are Monday to Friday; "the same week last year" is the week 52 weeks (364 days) earlier,
so the weekdays line up, as on the home page.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from rollbook.registers import codes

LATE_CODES = ("L", "U")
LAST_YEAR = timedelta(days=364)


# --- late counts per family -----------------------------------------------------------------


@dataclass(frozen=True)
class ChildLates:
    pupil_id: int
    name: str
    class_name: str
    family: str  # the family reference; "" when the pupil has no family recorded
    before_close: int  # L
    after_close: int  # U

    @property
    def lates(self) -> int:
        return self.before_close + self.after_close


@dataclass(frozen=True)
class FamilyLates:
    family: str  # "" for a pupil with no family recorded (a family of one)
    children: tuple[ChildLates, ...]  # most lates first

    @property
    def lates(self) -> int:
        return sum(c.lates for c in self.children)


def family_lates(children: Iterable[ChildLates]) -> list[FamilyLates]:
    """Siblings together, families with the most lates first; children with no late left out."""
    found: dict[str, list[ChildLates]] = defaultdict(list)
    for child in children:
        if child.lates:
            found[child.family or f"pupil-{child.pupil_id}"].append(child)
    families = [
        FamilyLates(children[0].family, tuple(sorted(children, key=lambda c: (-c.lates, c.name))))
        for children in found.values()
    ]
    return sorted(families, key=lambda f: (-f.lates, -len(f.children), f.children[0].name))


# --- lates per week against last year -----------------------------------------------------------


@dataclass(frozen=True)
class WeekLates:
    monday: date
    lates: int
    possible: int  # possible sessions in the week (the denominator of the rate)

    @property
    def rate(self) -> Fraction | None:
        """Lates per 100 possible sessions."""
        return Fraction(100 * self.lates, self.possible) if self.possible else None


@dataclass(frozen=True)
class TrendRow:
    this_year: WeekLates
    last_year: WeekLates  # the week 52 weeks earlier (possible 0: no school that week)

    @property
    def change(self) -> int | None:
        """More (+) or fewer (-) lates than the same week last year; None without school then."""
        return self.this_year.lates - self.last_year.lates if self.last_year.possible else None

    @property
    def change_words(self) -> str:
        change = self.change
        if change is None:
            return "—"
        return f"{change} more" if change > 0 else f"{-change} fewer" if change else "No change"


@dataclass(frozen=True)
class LateTrend:
    weeks: tuple[TrendRow, ...]  # this year's school weeks to date, latest first
    this_year: WeekLates  # year to date (monday: the first week's)
    last_year: WeekLates  # the same weeks a year earlier


def _by_week(rows: Iterable[tuple[date, str, int]]) -> dict[date, list[int]]:
    """(day, code, sessions) rows -> Monday: [lates, possible]."""
    weeks: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for day, code, n in rows:
        found = codes.definition(code, day)
        if found is None or not found.counts_as_possible:
            continue
        week = weeks[day - timedelta(days=day.weekday())]
        week[1] += n
        if code in LATE_CODES:
            week[0] += n
    return weeks


def late_trend(
    mondays: Iterable[date],
    this_year: Iterable[tuple[date, str, int]],
    last_year: Iterable[tuple[date, str, int]],
) -> LateTrend:
    """mondays: this year's school weeks to date; the rows: marks counted per day and code."""
    now, then = _by_week(this_year), _by_week(last_year)
    rows = []
    for monday in sorted(mondays, reverse=True):
        earlier = monday - LAST_YEAR
        rows.append(
            TrendRow(
                WeekLates(monday, *now.get(monday, (0, 0))),
                WeekLates(earlier, *then.get(earlier, (0, 0))),
            )
        )
    first = rows[-1].this_year.monday if rows else date.min
    return LateTrend(
        tuple(rows),
        WeekLates(
            first, sum(r.this_year.lates for r in rows), sum(r.this_year.possible for r in rows)
        ),
        WeekLates(
            first - LAST_YEAR if rows else date.min,
            sum(r.last_year.lates for r in rows),
            sum(r.last_year.possible for r in rows),
        ),
    )

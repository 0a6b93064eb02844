"""Attendance statistics exactly as the DfE defines them. Pure: no ORM, no clock, no settings.

possible   = sessions on roll with a code that counts as possible
attended   = present + approved educational activity
authorised / unauthorised = absence sessions by category
PA         = (authorised + unauthorised) / possible >= 10 %   (compared on integers)
SA         = the same >= 50 %
Aggregates are sums over enrolments, never means of pupil percentages.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from rollbook.registers.codes import Stat, stat_of

PA_NUMERATOR, PA_DENOMINATOR = 1, 10  # persistent absence: 10 % or more
SA_NUMERATOR, SA_DENOMINATOR = 1, 2  # severe absence: 50 % or more


@dataclass(frozen=True)
class Tally:
    """Session counts for one enrolment (or a sum of several)."""

    attended: int = 0
    authorised: int = 0
    unauthorised: int = 0
    not_possible: int = 0

    @property
    def possible(self) -> int:
        return self.attended + self.authorised + self.unauthorised

    @property
    def absent(self) -> int:
        return self.authorised + self.unauthorised

    def __add__(self, other: Tally) -> Tally:
        return Tally(
            self.attended + other.attended,
            self.authorised + other.authorised,
            self.unauthorised + other.unauthorised,
            self.not_possible + other.not_possible,
        )

    def _rate(self, part: int) -> Fraction | None:
        return Fraction(100 * part, self.possible) if self.possible else None

    @property
    def attendance_rate(self) -> Fraction | None:
        return self._rate(self.attended)

    @property
    def overall_absence_rate(self) -> Fraction | None:
        return self._rate(self.absent)

    @property
    def authorised_absence_rate(self) -> Fraction | None:
        return self._rate(self.authorised)

    @property
    def unauthorised_absence_rate(self) -> Fraction | None:
        return self._rate(self.unauthorised)

    @property
    def persistent_absence(self) -> bool:
        """10 % or more of possible sessions missed; inclusive, compared exactly."""
        return self.possible > 0 and self.absent * PA_DENOMINATOR >= self.possible * PA_NUMERATOR

    @property
    def severe_absence(self) -> bool:
        """50 % or more of possible sessions missed; inclusive, compared exactly."""
        return self.possible > 0 and self.absent * SA_DENOMINATOR >= self.possible * SA_NUMERATOR


_FIELD = {
    Stat.ATTENDED: "attended",
    Stat.AUTHORISED: "authorised",
    Stat.UNAUTHORISED: "unauthorised",
    Stat.NOT_POSSIBLE: "not_possible",
}


def tally_counts(counts: Iterable[tuple[str, date, int]]) -> Tally:
    """Tally from (code, a date in the code's era, number of sessions) rows.

    The date picks the code's meaning (old `J` was attendance; `J1` is absence), so callers
    that count in SQL group by code and era and pass any date from the group.
    """
    totals = dict.fromkeys(_FIELD.values(), 0)
    for code, on, n in counts:
        totals[_FIELD[stat_of(code, on)]] += n
    return Tally(**totals)


def tally(marks: Iterable[tuple[date, str]]) -> Tally:
    """Tally from (date, code) marks that are already limited to the enrolment and period."""
    return tally_counts((code, on, 1) for on, code in marks)


def within_enrolment(
    day: date, *, period_start: date, period_end: date, admission: date, leaving: date | None
) -> bool:
    """Is `day` inside both the period and the pupil's time on roll (leaving date inclusive)?"""
    first = max(period_start, admission)
    last = period_end if leaving is None else min(period_end, leaving)
    return first <= day <= last


def enrolment_tally(
    marks: Iterable[tuple[date, str]],
    *,
    period_start: date,
    period_end: date,
    admission: date,
    leaving: date | None = None,
) -> Tally:
    """Count only the marks from admission (or period start) to leaving (or period end)."""
    return tally(
        (day, code)
        for day, code in marks
        if within_enrolment(
            day,
            period_start=period_start,
            period_end=period_end,
            admission=admission,
            leaving=leaving,
        )
    )


@dataclass(frozen=True)
class Summary:
    """Totals over many enrolments: counts summed, rates over the sums."""

    enrolments: int
    tally: Tally
    persistent_absentees: int
    severe_absentees: int

    @property
    def persistent_absence_rate(self) -> Fraction | None:
        return (
            Fraction(100 * self.persistent_absentees, self.enrolments) if self.enrolments else None
        )

    @property
    def severe_absence_rate(self) -> Fraction | None:
        return Fraction(100 * self.severe_absentees, self.enrolments) if self.enrolments else None


def summarise(tallies: Iterable[Tally]) -> Summary:
    """Sum enrolments. Enrolments with no possible sessions are left out of the PA/SA base."""
    total, counted, pa, sa = Tally(), 0, 0, 0
    for t in tallies:
        total += t
        if t.possible:
            counted += 1
            pa += t.persistent_absence
            sa += t.severe_absence
    return Summary(enrolments=counted, tally=total, persistent_absentees=pa, severe_absentees=sa)


def percent(rate: Fraction | None, places: int = 2) -> Decimal | None:
    """Round a rate for display only (half up), never before comparing with a threshold."""
    if rate is None:
        return None
    quantum = Decimal(1).scaleb(-places)
    return (Decimal(rate.numerator) / Decimal(rate.denominator)).quantize(
        quantum, rounding=ROUND_HALF_UP
    )


NO_FIGURE = "No marks yet"


@dataclass(frozen=True)
class Rate:
    """An exact percentage. It is shown to 1 decimal place, rounded half up, only when displayed."""

    value: Fraction | None

    def __str__(self) -> str:
        shown = percent(self.value, 1)
        return NO_FIGURE if shown is None else f"{shown}%"


@dataclass(frozen=True)
class WeekTotal:
    """Running totals from the start of the period to the end of one school week."""

    monday: date
    week: Tally  # this week alone
    so_far: Tally  # every week up to and including this one


def cumulative_by_week(
    marks: Iterable[tuple[date, str]], mondays: Iterable[date]
) -> list[WeekTotal]:
    """The cumulative tally at the end of each school week (S001-33: "the cumulative % for
    each week since the first week of term").

    `marks`: (date, code), already limited to the enrolment and period; `mondays`: the Mondays
    of the school weeks (`core.calendar.school_weeks`), so holiday weeks do not appear. A mark
    in a week that is not listed (say, on a Saturday club) counts in the next listed week, so
    the last row always equals the tally of every mark up to its Sunday.
    """
    ordered = sorted(marks)
    totals, so_far, i = [], Tally(), 0
    for monday in sorted(mondays):
        sunday = monday + timedelta(days=6)
        start = i
        while i < len(ordered) and ordered[i][0] <= sunday:
            i += 1
        week = tally(ordered[start:i])
        so_far += week
        totals.append(WeekTotal(monday, week, so_far))
    return totals

"""The school-day calendar, as pure functions over plain values (no ORM, no clock).

A school day is a weekday inside one of the school's terms that is neither an
England-and-Wales bank holiday nor a day the school has closed. Possible sessions are
counted only on school days (domain reference, pitfall 1): never weekdays x 2.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache


class Session(enum.StrEnum):
    AM = "AM"
    PM = "PM"


SESSIONS = (Session.AM, Session.PM)


@dataclass(frozen=True)
class TermDates:
    name: str
    start: date
    end: date

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError(
                f"term {self.name!r} ends ({self.end}) before it starts ({self.start})"
            )


@dataclass(frozen=True)
class ClosureDay:
    """A day (or one session of it) the school is closed to pupils, e.g. an INSET day."""

    day: date
    session: Session | None = None  # None: the whole day
    reason: str = ""


@cache
def _bank_holidays(year: int) -> frozenset[date]:
    import holidays  # imported here: it adds ~0.2 s to every command's start-up

    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def bank_holidays(first: date, last: date) -> frozenset[date]:
    """England-and-Wales bank holidays between two dates, inclusive."""
    days: set[date] = set()
    for year in range(first.year, last.year + 1):
        days |= {d for d in _bank_holidays(year) if first <= d <= last}
    return frozenset(days)


def academic_year_of(day: date) -> int:
    """The calendar year in which the academic year holding `day` starts (1 Aug to 31 Jul)."""
    return day.year if day.month >= 8 else day.year - 1


def academic_year_label(start_year: int) -> str:
    return f"{start_year}/{(start_year + 1) % 100:02d}"


@dataclass(frozen=True)
class SchoolCalendar:
    terms: tuple[TermDates, ...]
    closures: tuple[ClosureDay, ...] = ()
    _days: frozenset[date] = field(init=False, repr=False, compare=False)
    _closed_sessions: frozenset[tuple[date, Session]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        in_terms: set[date] = set()
        for term in self.terms:
            day = term.start
            while day <= term.end:
                if day.weekday() < 5:
                    in_terms.add(day)
                day += timedelta(days=1)
        if in_terms:
            in_terms -= bank_holidays(min(in_terms), max(in_terms))
        whole_days = {c.day for c in self.closures if c.session is None}
        object.__setattr__(self, "_days", frozenset(in_terms - whole_days))
        object.__setattr__(
            self,
            "_closed_sessions",
            frozenset((c.day, c.session) for c in self.closures if c.session is not None),
        )

    def is_in_term(self, day: date) -> bool:
        return any(t.start <= day <= t.end for t in self.terms)

    def is_closure(self, day: date, session: Session | None = None) -> bool:
        return any(
            c.day == day and (c.session is None or c.session == session) for c in self.closures
        )

    def is_school_day(self, day: date) -> bool:
        return day in self._days

    def is_school_session(self, day: date, session: Session) -> bool:
        return day in self._days and (day, session) not in self._closed_sessions

    def school_days(self, first: date | None = None, last: date | None = None) -> list[date]:
        return sorted(
            d for d in self._days if (first is None or d >= first) and (last is None or d <= last)
        )

    def school_sessions(
        self, first: date | None = None, last: date | None = None
    ) -> list[tuple[date, Session]]:
        return [
            (d, s)
            for d in self.school_days(first, last)
            for s in SESSIONS
            if (d, s) not in self._closed_sessions
        ]

    def closed_reason(self, day: date) -> str:
        """Why `day` is not a school day, in words for staff; "" if it is one."""
        if self.is_school_day(day):
            return ""
        if day.weekday() >= 5:
            return "weekend"
        if not self.terms:
            return "no term dates have been set up"
        if day in bank_holidays(day, day):
            return "bank holiday"
        closure = next((c for c in self.closures if c.day == day and c.session is None), None)
        if closure is not None:
            return closure.reason or "school closed"
        return "school holiday"

    def term_of(self, day: date) -> TermDates | None:
        return next((t for t in self.terms if t.start <= day <= t.end), None)


def school_weeks(days: Iterable[date]) -> list[date]:
    """Mondays of the ISO weeks that hold at least one school day, in order.

    A "school week" (penalty-notice threshold) is any week with a school session,
    so holiday weeks simply vanish from the sequence.
    """
    return sorted({d - timedelta(days=d.weekday()) for d in days})

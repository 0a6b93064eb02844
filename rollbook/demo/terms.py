"""Realistic English term dates for any academic year, as pure date arithmetic.

The pattern follows what most local authorities publish: six half-terms, a week off at the
end of October, mid-February and the spring bank holiday, a fortnight at Christmas and
around Easter, and a summer term ending about 21 July. Five INSET days sit inside the
terms (the first day in September, the first day after October half-term, after Christmas
and after February half-term, and the Friday before May half-term), which leaves the
usual 190 pupil days. Bank holidays inside a term need no handling here: the school
calendar removes them.
"""

from __future__ import annotations

from datetime import date, timedelta

from rollbook.core.calendar import TermDates, bank_holidays

MONDAY, FRIDAY = 0, 4


def _next_weekday(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _previous_weekday(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def _weekday_or(day: date, fallback: date) -> date:
    return day if day.weekday() < 5 else fallback


def _last_monday(year: int, month: int) -> date:
    first_of_next = date(year + (month == 12), month % 12 + 1, 1)
    return _previous_weekday(first_of_next - timedelta(days=1), MONDAY)


def _good_friday(year: int) -> date:
    spring = sorted(bank_holidays(date(year, 3, 1), date(year, 4, 30)))
    return next(d for d in spring if d.weekday() == FRIDAY)


def term_dates(start_year: int) -> list[TermDates]:
    """The six half-terms of the academic year starting in September `start_year`."""
    y, n = start_year, start_year + 1
    autumn_start = _weekday_or(date(y, 9, 2), _next_weekday(date(y, 9, 2), MONDAY))
    october = _last_monday(y, 10)
    christmas = _previous_weekday(date(y, 12, 21), FRIDAY)
    spring_start = _next_weekday(date(n, 1, 2), MONDAY)
    february = _next_weekday(date(n, 2, 1), MONDAY) + timedelta(weeks=2)
    good_friday = _good_friday(n)
    may = _last_monday(n, 5)
    summer_end = _weekday_or(date(n, 7, 21), _previous_weekday(date(n, 7, 21), FRIDAY))
    return [
        TermDates("Autumn 1", autumn_start, october - timedelta(days=3)),
        TermDates("Autumn 2", october + timedelta(weeks=1), christmas),
        TermDates("Spring 1", spring_start, february - timedelta(days=3)),
        TermDates("Spring 2", february + timedelta(weeks=1), good_friday - timedelta(days=7)),
        TermDates("Summer 1", good_friday + timedelta(days=10), may - timedelta(days=3)),
        TermDates("Summer 2", may + timedelta(weeks=1), summer_end),
    ]


def inset_days(start_year: int) -> list[date]:
    """Five staff training days, all on days that would otherwise be term days."""
    autumn1, autumn2, spring1, spring2, summer1, _ = term_dates(start_year)
    return [autumn1.start, autumn2.start, spring1.start, spring2.start, summer1.end]


def first_pupil_day(start_year: int) -> date:
    """The first day of the academic year that pupils attend (after the September INSET day)."""
    day = term_dates(start_year)[0].start + timedelta(days=1)
    return _weekday_or(day, _next_weekday(day, MONDAY))

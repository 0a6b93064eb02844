"""Pattern alerts beyond any MIS. Pure: plain marks and calendar values in, an Alert or None out.

Each alert carries a one-line explanation a person can check and the dates that triggered it.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from rollbook.core.calendar import Session
from rollbook.policy.schema import Patterns
from rollbook.policy.statutory import Alert
from rollbook.registers import codes

SessionKey = tuple[date, Session]
ABSENT = frozenset(c.code for c in codes.CODES if c.valid_to is None and c.is_absence)
POSSIBLE = frozenset(c.code for c in codes.CODES if c.valid_to is None and c.counts_as_possible)
LATE = frozenset({"L", "U"})
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def absence_days(marks: dict[SessionKey, str], as_of: date, first: date = date.min) -> list[date]:
    """School days (up to as_of) with at least one absence session, oldest first."""
    return sorted({d for (d, _), code in marks.items() if code in ABSENT and first <= d <= as_of})


def _fmt(days) -> str:
    return ", ".join(f"{d:%a %-d %b}" for d in days)


def _keys(marks, days) -> tuple[SessionKey, ...]:
    wanted = set(days)
    return tuple(sorted(k for k, code in marks.items() if k[0] in wanted and code in ABSENT))


def weekday_concentration(marks, as_of: date, *, last: int = 5, at_least: int = 3) -> Alert | None:
    """At least `at_least` of the last `last` absence days fall on the same weekday."""
    recent = absence_days(marks, as_of)[-last:]
    if len(recent) < at_least:
        return None
    weekday, count = Counter(d.weekday() for d in recent).most_common(1)[0]
    if count < at_least:
        return None
    days = [d for d in recent if d.weekday() == weekday]
    return Alert(
        "weekday_pattern",
        f"{count} of the last {len(recent)} days of absence were on a {WEEKDAYS[weekday]}: {_fmt(days)}",
        _keys(marks, days),
        (days[-1], Session.AM),
    )


def next_to_breaks(
    marks, school_days: Sequence[date], as_of: date, *, at_least: int = 3, year_start: date
) -> Alert | None:
    """Absence on the school day just before or after a break longer than a weekend
    (half-term, holidays, bank-holiday weekends), at least `at_least` times this year."""
    days = [d for d in school_days if d <= as_of]
    edges = set()
    for before, after in itertools.pairwise(days):
        if (after - before).days > 3:  # Fri → Mon is 3 days; anything longer is a break
            edges |= {before, after}
    hits = [d for d in absence_days(marks, as_of, year_start) if d in edges]
    if len(hits) < at_least:
        return None
    return Alert(
        "next_to_holiday",
        f"absent next to a school holiday {len(hits)} times this year: {_fmt(hits)}",
        _keys(marks, hits),
        (hits[-1], Session.AM),
    )


def holiday_repeats(marks, as_of: date, *, window_days: int = 7, code: str = "G") -> Alert | None:
    """Unauthorised holiday (G) this year within a week of the same dates last year."""
    g_days = sorted({d for (d, _), c in marks.items() if c == code and d <= as_of})
    this_year = [d for d in g_days if d > as_of - timedelta(days=365)]
    last_year = [d for d in g_days if d <= as_of - timedelta(days=300)]
    matches = [
        d
        for d in this_year
        if any(abs((d - timedelta(days=364)) - e).days <= window_days for e in last_year)
    ]
    if not matches:
        return None
    earlier = [
        e
        for e in last_year
        if any(abs((d - timedelta(days=364)) - e).days <= window_days for d in matches)
    ]
    return Alert(
        "holiday_repeat",
        f"term-time holiday at the same time of year again: {_fmt(matches)} (last year {_fmt(earlier)})",
        _keys(marks, matches) or tuple((d, Session.AM) for d in matches),
        (matches[0], Session.AM),
    )


def siblings_absent_together(
    marks,
    sibling_marks: dict[str, dict[SessionKey, str]],
    as_of: date,
    *,
    since: date,
    at_least: int = 2,
) -> Alert | None:
    """Absent on the same days as a brother or sister, at least `at_least` days since `since`."""
    mine = set(absence_days(marks, as_of, since))
    shared: dict[date, list[str]] = {}
    for name, theirs in sibling_marks.items():
        for d in mine & set(absence_days(theirs, as_of, since)):
            shared.setdefault(d, []).append(name)
    if len(shared) < at_least:
        return None
    days = sorted(shared)
    names = sorted({n for ns in shared.values() for n in ns})
    return Alert(
        "siblings_absent_together",
        f"absent on the same {len(days)} days as {' and '.join(names)}: {_fmt(days)}",
        _keys(marks, days),
        (days[-1], Session.AM),
    )


def run_of_lates(marks, school_days: Sequence[date], as_of: date, *, days: int = 3) -> Alert | None:
    """Late (L or U) on each of the last `days` school days up to as_of."""
    recent = [d for d in school_days if d <= as_of][-days:]
    if len(recent) < days:
        return None
    if not all(any(marks.get((d, s)) in LATE for s in (Session.AM, Session.PM)) for d in recent):
        return None
    keys = tuple(k for k in sorted(marks) if k[0] in recent and marks[k] in LATE)
    return Alert(
        "run_of_lates",
        f"late on each of the last {days} school days: {_fmt(recent)}",
        keys,
        (recent[-1], Session.AM),
    )


@dataclass(frozen=True)
class Period:
    name: str
    first: date
    last: date


def _rate(marks, period: Period, as_of: date) -> tuple[int, int]:
    present = possible = 0
    for (d, _), code in marks.items():
        if period.first <= d <= min(period.last, as_of) and code in POSSIBLE:
            possible += 1
            present += code not in ABSENT
    return present, possible


def sharp_drop(
    marks,
    current: Period,
    previous: Period,
    as_of: date,
    *,
    points: Decimal = Decimal(10),
    min_sessions: int = 40,  # four school weeks: a couple of days off early in a half-term is not a trend
    below: Decimal = Decimal(90),  # only drops that take a pupil below this line matter here
) -> Alert | None:
    """Attendance this half-term at least `points` percentage points below the pupil's own previous one."""
    now_present, now_possible = _rate(marks, current, as_of)
    then_present, then_possible = _rate(marks, previous, as_of)
    if now_possible < min_sessions or then_possible < min_sessions:
        return None
    now = Decimal(100 * now_present) / now_possible
    then = Decimal(100 * then_present) / then_possible
    if then - now < points or now >= below:
        return None
    return Alert(
        "sharp_drop",
        f"attendance {now:.1f}% in {current.name}, down from {then:.1f}% in {previous.name}",
        (),
        (as_of, Session.AM),
    )


def periods_around(
    terms: Sequence[tuple[str, date, date]], as_of: date
) -> tuple[Period, Period] | None:
    """The term holding `as_of` and the one before it (terms as the school entered them)."""
    ordered = sorted(terms, key=lambda t: t[1])
    for i, (name, first, last) in enumerate(ordered):
        if first <= as_of <= last and i > 0:
            prev = ordered[i - 1]
            return Period(name, first, last), Period(prev[0], prev[1], prev[2])
    return None


def pattern_alerts(
    marks,
    *,
    school_days: Sequence[date],
    as_of: date,
    year_start: date,
    sibling_marks: dict[str, dict[SessionKey, str]],
    periods: tuple[Period, Period] | None,
    settings: Patterns | None = None,
) -> list[Alert]:
    s = settings or Patterns()
    found = [
        weekday_concentration(
            marks, as_of, last=s.weekday_last_absence_days, at_least=s.weekday_at_least
        ),
        next_to_breaks(
            marks, school_days, as_of, at_least=s.next_to_holiday_at_least, year_start=year_start
        ),
        holiday_repeats(marks, as_of, window_days=s.holiday_repeat_window_days),
        run_of_lates(marks, school_days, as_of, days=s.late_run_school_days),
    ]
    if sibling_marks:
        found.append(
            siblings_absent_together(
                marks, sibling_marks, as_of, since=year_start, at_least=s.siblings_together_at_least
            )
        )
    if periods:
        found.append(
            sharp_drop(
                marks,
                periods[0],
                periods[1],
                as_of,
                points=s.drop_points,
                min_sessions=s.drop_min_sessions,
                below=s.drop_below_pct,
            )
        )
    return [a for a in found if a is not None]

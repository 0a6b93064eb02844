"""Statutory monitoring that applies whatever the school's own policy says. Pure functions.

Inputs are plain values: a pupil's marks as (date, session, code) and the school's
sessions (from the calendar, across terms and years). `as_of` is the last day considered;
nothing after it is read. Each rule returns an `Alert` with a one-line explanation and the
sessions that triggered it, or None.

References: domain notes §4 (penalty-notice threshold), §7 (continuous absence returns,
deletion grounds, children missing education).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from rollbook.core.calendar import Session

# Penalty notice: 10 sessions of unauthorised absence within 10 school weeks (SI 2024/210).
PN_CODES = frozenset({"G", "O", "U"})  # N should be resolved first; a policy may add it
UNAUTHORISED = frozenset({"G", "N", "O", "U"})
DELETION_GROUND_I_CODES = frozenset({"G", "N", "O"})


@dataclass(frozen=True)
class Alert:
    kind: str
    explanation: str
    evidence: tuple[tuple[date, Session], ...] = field(default=())
    met_on: tuple[date, Session] | None = None


SessionKey = tuple[date, Session]


def _when(key: SessionKey) -> str:
    day, session = key
    return f"{day:%a %-d %b %Y} {session.value}"


def _week(day: date) -> date:
    return day - timedelta(days=day.weekday())


@lru_cache(maxsize=8)
def _week_index(school_sessions: tuple[SessionKey, ...]) -> dict[date, int]:
    """Position of each school week (Monday) in the sequence of school weeks. Cached: the
    monitoring run asks the same question for every pupil."""
    return {w: i for i, w in enumerate(sorted({_week(d) for d, _ in school_sessions}))}


def penalty_notice_threshold(
    marks: dict[SessionKey, str],
    school_sessions: Sequence[SessionKey],
    as_of: date,
    *,
    sessions: int = 10,
    weeks: int = 10,
    codes: frozenset[str] = PN_CODES,
) -> Alert | None:
    """10+ unauthorised sessions within a rolling window of 10 *school* weeks, up to `as_of`.

    A school week is an ISO week with at least one school session, so holiday weeks vanish
    and the window reaches back across half-terms, Christmas and the summer. Returns the
    window ending at the latest school week on or before `as_of`, with the session at which
    the count first reached the threshold inside it.
    """
    past = [k for k in school_sessions if k[0] <= as_of]
    if not past:
        return None
    week_index = _week_index(tuple(school_sessions))
    last_week = week_index[_week(past[-1][0])]
    first_week = last_week - weeks + 1
    hits = [k for k in past if week_index[_week(k[0])] >= first_week and marks.get(k) in codes]
    if len(hits) < sessions:
        return None
    return Alert(
        kind="penalty_notice_threshold",
        explanation=(
            f"{len(hits)} sessions of unauthorised absence ({', '.join(sorted({marks[k] for k in hits}))}) "
            f"in the last {weeks} school weeks; the threshold of {sessions} was reached on {_when(hits[sessions - 1])}"
        ),
        evidence=tuple(hits),
        met_on=hits[sessions - 1],
    )


def _school_days(school_sessions: Iterable[SessionKey]) -> list[tuple[date, list[SessionKey]]]:
    days: dict[date, list[SessionKey]] = {}
    for key in school_sessions:
        days.setdefault(key[0], []).append(key)
    return sorted(days.items())


def current_run(
    marks: dict[SessionKey, str],
    school_sessions: Sequence[SessionKey],
    as_of: date,
    codes: frozenset[str],
) -> list[date]:
    """The run of whole school days, ending on the last school day on or before `as_of`,
    on which every session was marked with one of `codes`."""
    run: list[date] = []
    for day, keys in reversed(_school_days(k for k in school_sessions if k[0] <= as_of)):
        if all(marks.get(k) in codes for k in keys):
            run.append(day)
        else:
            break
    return run[::-1]


def _run_alert(kind, marks, school_sessions, as_of, days, codes, what) -> Alert | None:
    run = current_run(marks, school_sessions, as_of, codes)
    if len(run) < days:
        return None
    keys = tuple(k for k in school_sessions if run[0] <= k[0] <= run[-1])
    return Alert(
        kind=kind,
        explanation=f"{len(run)} consecutive school days of {what} since {run[0]:%a %-d %b %Y}",
        evidence=keys,
        met_on=(run[days - 1], keys[-1][1]) if run else None,
    )


def continuous_unauthorised_absence(
    marks, school_sessions, as_of, *, days: int = 10, codes: frozenset[str] = UNAUTHORISED
) -> Alert | None:
    """Absent for 10 continuous school days with unauthorised codes: the LA must be told."""
    return _run_alert(
        "continuous_unauthorised_absence",
        marks,
        school_sessions,
        as_of,
        days,
        codes,
        "unauthorised absence",
    )


def missing_education_concern(
    marks, school_sessions, as_of, *, days: int = 5, codes: frozenset[str] = frozenset({"N", "O"})
) -> Alert | None:
    """Continuous absence with no reason given (seed 002: 5 days → children-missing-education
    checks). N and O both count: N may stand for at most 5 school days before the office
    records O, so counting N alone would restart the run on the day N becomes O. The same
    rule as rollbook.admissions' CME check."""
    return _run_alert(
        "cme_concern", marks, school_sessions, as_of, days, codes, "unexplained absence"
    )


@dataclass(frozen=True)
class Countdown:
    kind: str
    days_so_far: int
    days_needed: int

    @property
    def days_left(self) -> int:
        return max(self.days_needed - self.days_so_far, 0)

    @property
    def reached(self) -> bool:
        return self.days_so_far >= self.days_needed


def deletion_ground_i_countdown(
    marks, school_sessions, as_of, *, days: int = 20
) -> Countdown | None:
    """Ground I: 20+ consecutive school days coded only G, N or O (plus joint enquiries with the LA,
    which the system cannot see: it counts days, people decide)."""
    run = current_run(marks, school_sessions, as_of, DELETION_GROUND_I_CODES)
    return Countdown("deletion_ground_i", len(run), days) if run else None


def unauthorised_holiday(marks, school_sessions, as_of: date) -> Alert | None:
    """The latest spell of term-time holiday not granted (G), up to as_of. Support first is
    not expected for an unauthorised holiday: a policy may ask to consider a penalty notice."""
    days = [
        d
        for d, keys in _school_days(k for k in school_sessions if k[0] <= as_of)
        if any(marks.get(k) == "G" for k in keys)
    ]
    if not days:
        return None
    spell = [days[-1]]
    school_days = [d for d, _ in _school_days(k for k in school_sessions if k[0] <= as_of)]
    index = {d: i for i, d in enumerate(school_days)}
    for day in reversed(days[:-1]):
        if index[spell[0]] - index[day] == 1:
            spell.insert(0, day)
        else:
            break
    keys = tuple(
        k for k in school_sessions if spell[0] <= k[0] <= spell[-1] and marks.get(k) == "G"
    )
    return Alert(
        "unauthorised_holiday",
        f"term-time holiday not authorised (G), {len(keys)} sessions from {spell[0]:%a %-d %b %Y}: "
        "consider a penalty notice, as the school's policy says",
        keys,
        keys[-1],
    )

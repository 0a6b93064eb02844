"""Pure rules for leave of absence and part-time timetables: no ORM, no clock.

Domain reference §6: leave may be granted only for the listed situations, each with its code;
a holiday is not one of them (since August 2024 a holiday can be granted only if the decider
judges the circumstances exceptional, and then it is coded C). There is no "refused" code:
refused leave taken anyway is G for a holiday and O for anything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from rollbook.core.calendar import SchoolCalendar, Session
from rollbook.pupils.rules import is_compulsory_school_age
from rollbook.registers.codes import Stat, stat_of
from rollbook.registers.rules import Tally

EXCEPTIONAL, HOLIDAY = "exceptional", "holiday"
# Reason -> the authorised code for a granted session. A holiday has none.
AUTHORISED_CODE = {
    "exceptional": "C",
    "performance": "C1",
    "interview": "J1",
    "study": "S",
    "medical": "M",
}
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri")
WEEKDAY_SESSIONS = tuple(f"{d} {s}" for d in WEEKDAYS for s in ("AM", "PM"))
DEFAULT_PART_TIME_MAX_WEEKS = 6
# The roles that may always decide, besides the role the policy names (leave.decision_role).
ALWAYS_DECIDE = frozenset({"head", "admin"})


class LeaveRuleError(ValueError):
    pass


def granted_code(reason: str, *, exceptional: bool = False) -> str:
    """The code for a granted session. A holiday is granted only as exceptional circumstances (C)."""
    if reason == HOLIDAY:
        if not exceptional:
            raise LeaveRuleError(
                "a holiday cannot be authorised: refuse it, or grant it only if you judge the "
                "circumstances exceptional (coded C)"
            )
        return "C"
    if exceptional:
        return "C"
    return AUTHORISED_CODE[reason]


def unauthorised_code(reason: str) -> str:
    """Refused (or never requested) leave taken anyway: G for a holiday, O for anything else."""
    return "G" if reason == HOLIDAY else "O"


def is_retrospective(requested_on: date, first_date: date) -> bool:
    """Made after the leave had started (the first day of leave is before the request date)."""
    return first_date < requested_on


def may_decide(roles: Iterable[str], decision_role: str) -> bool:
    """Only the person the policy authorises (and the head teacher, or a superuser) decides."""
    return bool(set(roles) & (ALWAYS_DECIDE | {decision_role}))


def sessions_between(
    calendar: SchoolCalendar, first: date, first_session: str, last: date, last_session: str
) -> list[tuple[date, Session]]:
    """The school sessions from `first` (starting with `first_session`) to `last` (ending with
    `last_session`), inclusive: weekends, holidays, bank holidays and closures left out."""
    return [
        (d, s)
        for d, s in calendar.school_sessions(first, last)
        if not (d == first and first_session == "PM" and s == Session.AM)
        and not (d == last and last_session == "AM" and s == Session.PM)
    ]


def check_range(first: date, first_session: str, last: date, last_session: str) -> str | None:
    if last < first:
        return "The last day must be on or after the first day"
    if last == first and first_session == "PM" and last_session == "AM":
        return "On a single day, the leave cannot start in the afternoon and end in the morning"
    return None


def check_granted_range(
    requested: tuple[date, str, date, str], granted: tuple[date, str, date, str]
) -> str | None:
    """Leave granted in part must lie inside the dates requested."""
    if problem := check_range(*granted):
        return problem
    r_first, r_first_s, r_last, r_last_s = requested
    g_first, g_first_s, g_last, g_last_s = granted
    starts_before = g_first < r_first or (g_first == r_first and g_first_s < r_first_s)
    ends_after = g_last > r_last or (g_last == r_last and g_last_s > r_last_s)
    if starts_before or ends_after:
        return "The leave granted must lie inside the dates requested"
    return None


def figures_after(
    current: Tally, new_sessions: int, replaced: Iterable[tuple[date, str]] = ()
) -> Tally:
    """The pupil's figures if every requested session were authorised absence.

    `new_sessions` requested sessions have no mark yet: each adds one possible session and one
    authorised absence. `replaced` are (date, code) marks already recorded on requested
    sessions: each leaves its category and becomes authorised absence.
    """
    counts = {
        "attended": current.attended,
        "authorised": current.authorised + new_sessions,
        "unauthorised": current.unauthorised,
        "not_possible": current.not_possible,
    }
    field = {
        Stat.ATTENDED: "attended",
        Stat.AUTHORISED: "authorised",
        Stat.UNAUTHORISED: "unauthorised",
        Stat.NOT_POSSIBLE: "not_possible",
    }
    for on, code in replaced:
        counts[field[stat_of(code, on)]] -= 1
        counts["authorised"] += 1
    return Tally(**counts)


# --- Part-time timetables ---------------------------------------------------------------------


def part_time_sessions(
    calendar: SchoolCalendar, start: date, end: date, weekday_sessions: Iterable[str]
) -> list[tuple[date, Session]]:
    """The school sessions between start and end (inclusive) that the timetable takes out."""
    wanted = set(weekday_sessions)
    return [
        (d, s)
        for d, s in calendar.school_sessions(start, end)
        if f"{WEEKDAYS[d.weekday()]} {s.value}" in wanted
    ]


def part_time_code(date_of_birth: date, on: date) -> str:
    """C2 for a pupil of compulsory school age on that day, X for a younger pupil."""
    return "C2" if is_compulsory_school_age(date_of_birth, on) else "X"


@dataclass(frozen=True)
class PartTimeFinding:
    kind: str  # "part_time_overrun" or "part_time_unreviewed"
    explanation: str
    since: date


def part_time_findings(
    *,
    start: date,
    end: date,
    active: bool,
    last_reviewed_on: date | None,
    as_of: date,
    max_weeks: int = DEFAULT_PART_TIME_MAX_WEEKS,
) -> list[PartTimeFinding]:
    """A timetable still active after its end date, or running longer than `max_weeks` since it
    started (or was last reviewed) without a review."""
    if not active:
        return []
    found = []
    if end < as_of:
        found.append(
            PartTimeFinding(
                "part_time_overrun",
                f"part-time timetable ended on {end:%-d %b %Y} but is still marked active: "
                "end it or agree a new one",
                end,
            )
        )
    since = last_reviewed_on or start
    if as_of - since > timedelta(weeks=max_weeks):
        found.append(
            PartTimeFinding(
                "part_time_unreviewed",
                f"part-time timetable has run more than {max_weeks} weeks since "
                f"{'its last review' if last_reviewed_on else 'it started'} "
                f"({since:%-d %b %Y}) without a review",
                since,
            )
        )
    return found

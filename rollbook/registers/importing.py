"""Parse and check a marks CSV against the school's calendar and pupils (values passed in)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rollbook.core.calendar import SchoolCalendar, Session
from rollbook.core.csvio import LineError
from rollbook.pupils.rules import is_compulsory_school_age
from rollbook.registers import codes

REQUIRED = ("upn", "date", "session", "code")
OPTIONAL = ("minutes_late",)
MAX_MINUTES_LATE = 300
# Codes allowed on a day the school entered as closed: the closure code itself.
CLOSURE_CODES = frozenset({"#"})


@dataclass(frozen=True)
class PupilFacts:
    """What the checks need to know about a pupil, as plain values."""

    id: int
    admission_date: date
    leaving_date: date | None
    date_of_birth: date


@dataclass(frozen=True)
class MarkRow:
    line: int
    pupil_id: int
    date: date
    session: str
    code: str
    minutes_late: int | None


def _problems(raw, pupils, calendar) -> tuple[list[str], MarkRow | None]:
    errs: list[str] = []
    pupil = pupils.get(raw["upn"])
    if pupil is None:
        errs.append(f"no pupil with UPN {raw['upn']!r} at this school")
    try:
        day = date.fromisoformat(raw["date"])
    except ValueError:
        errs.append(f"date {raw['date']!r} is not a date in YYYY-MM-DD form")
        day = None
    session = raw["session"].upper()
    if session not in (Session.AM, Session.PM):
        errs.append(f"session {raw['session']!r} must be AM or PM")
    code = raw["code"]
    minutes = None
    if raw.get("minutes_late"):
        if not raw["minutes_late"].isdigit() or int(raw["minutes_late"]) > MAX_MINUTES_LATE:
            errs.append(
                f"minutes_late {raw['minutes_late']!r} must be a whole number from 0 to {MAX_MINUTES_LATE}"
            )
        elif code not in ("L", "U"):
            errs.append(f"minutes_late is only recorded with L or U, not {code!r}")
        else:
            minutes = int(raw["minutes_late"])
    if day is None:
        if code not in codes.ALL_CODES:
            errs.append(f"code {code!r} is not a DfE attendance code")
        return errs, None
    match codes.check_code(code, day):
        case codes.CodeProblem.UNKNOWN:
            errs.append(f"code {code!r} is not a DfE attendance code")
        case codes.CodeProblem.WITHDRAWN:
            errs.append(
                f"code {code!r} was withdrawn before {day} and cannot be recorded for that date"
            )
        case codes.CodeProblem.NOT_YET_VALID:
            errs.append(f"code {code!r} did not exist yet on {day} (it starts on 19 August 2024)")
    if not calendar.is_school_day(day):
        closed = calendar.is_in_term(day) and calendar.is_closure(day) and day.weekday() < 5
        if not (closed and code in CLOSURE_CODES):
            errs.append(f"{day:%A} {day} is not a school day")
    elif (
        session in Session
        and not calendar.is_school_session(day, Session(session))
        and code not in CLOSURE_CODES
    ):
        errs.append(f"the school is closed on {day} {session}")
    if pupil is not None:
        if day < pupil.admission_date:
            errs.append(f"{day} is before the pupil's admission on {pupil.admission_date}")
        if pupil.leaving_date and day > pupil.leaving_date:
            errs.append(f"{day} is after the pupil left on {pupil.leaving_date}")
        definition = codes.definition(code, day)
        if definition is not None:
            compulsory = is_compulsory_school_age(pupil.date_of_birth, day)
            if definition.age_rule is codes.AgeRule.NON_COMPULSORY_ONLY and compulsory:
                errs.append(f"code {code!r} is only for pupils below compulsory school age")
            if definition.age_rule is codes.AgeRule.COMPULSORY_ONLY and not compulsory:
                errs.append(f"code {code!r} is only for pupils of compulsory school age (use X)")
    if errs:
        return errs, None
    return [], MarkRow(0, pupil.id, day, session, code, minutes)


def parse_mark_row(
    line: int, raw: dict[str, str], pupils: dict[str, PupilFacts], calendar: SchoolCalendar
) -> tuple[MarkRow | None, list[LineError]]:
    errs, row = _problems(raw, pupils, calendar)
    if row is None:
        return None, [LineError(line, m) for m in errs]
    return MarkRow(line, row.pupil_id, row.date, row.session, row.code, row.minutes_late), []


def check_duplicates(rows: list[MarkRow]) -> list[LineError]:
    """One mark per pupil per session: a second row for the same session is an error."""
    seen: dict[tuple[int, date, str], int] = {}
    errors = []
    for row in rows:
        key = (row.pupil_id, row.date, row.session)
        if key in seen:
            errors.append(
                LineError(
                    row.line,
                    f"a second mark for the same pupil, date and session (first on line {seen[key]})",
                )
            )
        else:
            seen[key] = row.line
    return errors

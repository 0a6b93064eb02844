"""Pure rules for taking a register: opening times, late codes, who may enter what.

No ORM and no clock: the caller passes `now` (aware) and the school's register times.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from rollbook.core.calendar import Session
from rollbook.registers import codes

LONDON = ZoneInfo("Europe/London")
LEGAL_MAXIMUM_MINUTES_OPEN = 30  # WTTISA: a register may stay open no longer than 30 minutes
PRESENT = {Session.AM: "/", Session.PM: "\\"}
# Marks that arrived from somewhere other than a teacher's register are the office's decision:
# a teacher sees them pre-filled and cannot change them.
TEACHER_EDITABLE_SOURCES = frozenset({"register"})


@dataclass(frozen=True)
class RegisterTimes:
    am_opens: time = time(8, 45)
    pm_opens: time = time(13, 15)
    minutes_open: int = LEGAL_MAXIMUM_MINUTES_OPEN

    def __post_init__(self) -> None:
        if not 1 <= self.minutes_open <= LEGAL_MAXIMUM_MINUTES_OPEN:
            raise ValueError(
                f"a register may stay open between 1 and {LEGAL_MAXIMUM_MINUTES_OPEN} minutes, not {self.minutes_open}"
            )

    def opens(self, day: date, session: Session) -> datetime:
        local = self.am_opens if session == Session.AM else self.pm_opens
        return datetime.combine(day, local, tzinfo=LONDON)

    def closes(self, day: date, session: Session) -> datetime:
        return self.opens(day, session) + timedelta(minutes=self.minutes_open)


DEFAULT_TIMES = RegisterTimes()


def times_for(school) -> RegisterTimes:
    """The school's register times (set from its policy when the policy is adopted)."""
    return RegisterTimes(
        school.am_register_opens, school.pm_register_opens, school.register_minutes_open
    )


@dataclass(frozen=True)
class Arrival:
    code: str
    minutes_late: int | None


def arrival_code(
    arrived: datetime, day: date, session: Session, times: RegisterTimes = DEFAULT_TIMES
) -> Arrival:
    """The mark for a pupil who arrives at `arrived` (aware): present, L before close, U after.

    Compared as instants, so a 09:14 arrival is judged in London time on both sides of the
    October and March clock changes. Minutes late count from when the register opened.
    """
    if arrived.tzinfo is None:
        raise ValueError("arrival time must be timezone-aware")
    opens, closes = times.opens(day, session), times.closes(day, session)
    if arrived <= opens:
        return Arrival(PRESENT[session], None)
    minutes = math.ceil((arrived - opens).total_seconds() / 60)
    # "Arrives before the register closes" is L; at or after the closing time is U (seed 002:
    # "U from 09:20" when the register closes at 09:20).
    return Arrival("L" if arrived < closes else "U", minutes)


def is_register_open(
    now: datetime, day: date, session: Session, times: RegisterTimes = DEFAULT_TIMES
) -> bool:
    return times.opens(day, session) <= now < times.closes(day, session)


def is_register_overdue(
    now: datetime,
    day: date,
    session: Session,
    grace_minutes: int,
    times: RegisterTimes = DEFAULT_TIMES,
) -> bool:
    """Not yet taken `grace_minutes` after opening: the office should chase it."""
    return now >= times.opens(day, session) + timedelta(minutes=grace_minutes)


def may_enter(code: str, *, office: bool) -> bool:
    """Teachers may enter only teacher codes; the office may enter every code."""
    return office or code in codes.TEACHER_CODES


def locked_for_teacher(source: str) -> bool:
    """A mark the office (or a leave decision, a parent report, a bulk coding) already set."""
    return source not in TEACHER_EDITABLE_SOURCES


def present_code(session: Session) -> str:
    return PRESENT[session]


# S002-69: an M (medical or dental appointment) needs the evidence the office saw.
APPOINTMENT = "M"
EVIDENCE_TYPES = (
    ("appointment_card", "Appointment card"),
    ("appointment_letter", "Appointment letter"),
    ("text_or_email", "Text or email from the surgery, clinic or hospital"),
    ("prescription", "Prescription or medicine"),
    ("other", "Other evidence (say what in the reason)"),
)
EVIDENCE_LABELS = dict(EVIDENCE_TYPES)


def evidence_note(evidence: str) -> str:
    return f"evidence seen: {EVIDENCE_LABELS[evidence].lower()}" if evidence else ""


def evidence_problem(new_codes: list[str], evidence: str) -> str | None:
    """Newly recorded codes (marks added or changed) and the evidence chosen: the problem, or None."""
    if evidence and evidence not in EVIDENCE_LABELS:
        return "Choose the evidence you saw from the list"
    if APPOINTMENT in new_codes and not evidence:
        return "Say what evidence of the appointment you saw for M, for example an appointment card"
    return None

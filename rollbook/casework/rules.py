"""Pure casework rules: who may read and write cases, and timeline ordering and filtering.

No clock and no ORM here: callers pass roles, events and plain values in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from rollbook.core.calendar import TermDates
from rollbook.core.models import Role
from rollbook.registers.rules import Tally

# May read cases and timelines (not safeguarding notes): the office roles, DSL and SENCO.
READ_ROLES = frozenset(
    {Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEAD, Role.ADMIN, Role.DSL, Role.SENCO}
)
# May open, assign and close cases and add notes.
WRITE_ROLES = frozenset({Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEAD, Role.ADMIN, Role.DSL})

# Timeline kinds, in the order the filter offers them.
KINDS = {
    "attendance": "Attendance",
    "alert": "Alerts",
    "action": "Policy actions",
    "contact": "Calls and visits",
    "message": "Messages",
    "award": "Awards",
    "leave": "Leave",
    "part_time": "Part-time timetables",
    "letter": "Letters",
    "meeting": "Meetings and plans",
    "penalty": "Penalty notices",
    "referral": "Referrals",
    "case": "Case",
    "note": "Notes",
}


class CaseError(Exception):
    """A case action that the rules refuse, with a message for the user."""


@dataclass(frozen=True)
class TimelineEvent:
    at: datetime
    kind: str  # a key of KINDS
    title: str
    detail: str = ""
    by: str = ""
    pupil_id: int | None = None
    pupil_name: str = ""  # shown on the family view
    safeguarding: bool = False

    @property
    def kind_label(self) -> str:
        return KINDS.get(self.kind, self.kind)


def may_read(roles: Iterable[str]) -> bool:
    return bool(frozenset(roles) & READ_ROLES)


def may_write(roles: Iterable[str]) -> bool:
    return bool(frozenset(roles) & WRITE_ROLES)


def may_read_timeline(roles: Iterable[str], *, teaches_pupil: bool) -> bool:
    """Case readers see every pupil's timeline; a class teacher sees only their own pupils'
    (read-only, and never safeguarding notes: that is may_read_safeguarding)."""
    return may_read(roles) or (Role.TEACHER in frozenset(roles) and teaches_pupil)


def may_read_safeguarding(roles: Iterable[str], *, superuser: bool) -> bool:
    """The DSL only (plus a superuser): not the head, not the office, not the SENCO."""
    return superuser or Role.DSL in frozenset(roles)


def check_can_open(*, has_open_case: bool, reason: str) -> None:
    if has_open_case:
        raise CaseError("This pupil already has an open case.")
    if not reason.strip():
        raise CaseError("Give a reason for opening the case.")


def check_can_close(*, is_open: bool, reason: str) -> None:
    if not is_open:
        raise CaseError("This case is already closed.")
    if not reason.strip():
        raise CaseError("Give a reason for closing the case.")


def order_events(events: Iterable[TimelineEvent]) -> list[TimelineEvent]:
    """Newest first; events at the same moment keep a stable order (kind, then title)."""
    return sorted(events, key=lambda e: (e.at, e.kind, e.title, e.pupil_id or 0), reverse=True)


def filter_events(
    events: Iterable[TimelineEvent], kinds: Iterable[str] = ()
) -> list[TimelineEvent]:
    """Only the chosen kinds; every event when none is chosen. Unknown kinds are ignored."""
    wanted = frozenset(kinds) & KINDS.keys()
    return [e for e in events if not wanted or e.kind in wanted]


def visible_events(events: Iterable[TimelineEvent], *, safeguarding: bool) -> list[TimelineEvent]:
    """Drop safeguarding notes for anyone who may not read them."""
    return [e for e in events if safeguarding or not e.safeguarding]


# AuditEvent kinds shown from other sources (or never): their rows would repeat an event.
AUDIT_SHOWN_ELSEWHERE = (
    "message.",
    "letter.",
    "penalty_notice.",
    "referral.",
    "absence.contact_attempt",
    "policy_action.",
    "leave.requested",
    "leave.granted",
    "leave.refused",
    "part_time_timetable.agreed",
    "reward.",
    "case.note_added",
    "meeting.",  # meetings, plans and tasks: rollbook.casework.meetings_timeline
    "support_plan.",
    "case_task.",
    "procedure.",  # the weekly tracker is a checklist, not a timeline event
    "safeguarding_note.read",
)

_AUDIT_TITLES = {
    "mark.changed": ("attendance", "Mark changed"),
    "pupil.signed_in_late": ("attendance", "Signed in late"),
    "alert.decided": ("alert", "Alert decided"),
    "case.opened": ("case", "Case opened"),
    "case.assigned": ("case", "Case assigned"),
    "case.closed": ("case", "Case closed"),
    "part_time_timetable.reviewed": ("part_time", "Part-time timetable reviewed"),
    "part_time_timetable.checked": ("part_time", "Part-time timetable checked"),
    "leave.taken_without_leave": ("leave", "Leave taken without permission"),
}


def audit_is_shown(kind: str) -> bool:
    return not kind.startswith(AUDIT_SHOWN_ELSEWHERE)


def describe_audit(kind: str, reason: str, data: dict) -> tuple[str, str, str]:
    """(timeline kind, title, detail) for an AuditEvent row about a pupil."""
    timeline_kind, title = _AUDIT_TITLES.get(
        kind, ("attendance", kind.replace(".", ": ").replace("_", " ").capitalize())
    )
    parts: list[str] = []
    if kind == "mark.changed":
        parts.append(
            f"{data.get('date', '')} {data.get('session', '')}: "
            f"{data.get('old') or '-'} to {data.get('new') or '-'}"
        )
    elif kind == "pupil.signed_in_late":
        parts.append(f"Code {data.get('code', '')}, {data.get('minutes_late', 0)} minutes late")
    elif kind == "alert.decided":
        parts.append(f"{data.get('old', '')} to {data.get('new', '')}")
    elif kind == "case.assigned":
        parts.append(f"Owner: {data.get('owner') or 'nobody'}")
        if data.get("next_review_on"):
            parts.append(f"next review {data['next_review_on']}")
    elif kind == "case.opened" and data.get("stage"):
        parts.append(f"Stage: {data['stage']}")
    if reason:
        parts.append(reason)
    return timeline_kind, title, "; ".join(p.strip() for p in parts if p.strip())


# --- Meetings, plans and tasks ------------------------------------------------------------------

# Seed 003's support options (S003-69 to S003-71), in the order the meeting form offers them.
SUPPORT = {
    "morning_call": "Morning call before school",
    "walking_bus": "Walking bus",
    "school_nurse": "School nurse",
    "breakfast_club": "Breakfast club",
    "early_help": "Early help",
    "other": "Other",
}
COMPARISON_ABOVE_PCT = Decimal(96)  # S003-65: "a similar child ... above 96%"
YEAR_OF_SCHOOL_DAYS = 190  # S003-67: the impact chart's school year


def support_labels(keys: Iterable[str]) -> list[str]:
    return [SUPPORT.get(k, k) for k in keys]


def review_date(held_on: date, monitoring_weeks: int) -> date:
    """The review falls at the end of the monitoring period (S003-69)."""
    return held_on + timedelta(weeks=monitoring_weeks)


def check_meeting(
    *,
    attendees: str,
    barriers: str,
    support: Iterable[str],
    held_on: date,
    review_on: date,
    target_pct: Decimal,
    today: date,
) -> None:
    """Seed 003's form cannot be saved without its fields (S003-62)."""
    if not attendees.strip():
        raise CaseError("Say who attended the meeting.")
    if not barriers.strip():
        raise CaseError("Record the barriers discussed.")
    unknown = set(support) - SUPPORT.keys()
    if unknown:
        raise CaseError(f"Unknown support: {', '.join(sorted(unknown))}.")
    if held_on > today:
        raise CaseError("A meeting cannot be recorded before it is held.")
    if review_on <= held_on:
        raise CaseError("The review date must be after the meeting.")
    if not Decimal(0) < target_pct <= Decimal(100):
        raise CaseError("The target must be a percentage above 0 and at most 100.")


def check_plan(*, signatories: str, commitments: str, starts_on: date, review_on: date) -> None:
    if not signatories.strip():
        raise CaseError("List who signs the plan.")
    if not commitments.strip():
        raise CaseError("Write what each side agrees to do.")
    if review_on <= starts_on:
        raise CaseError("The review date must be after the start.")


def above_line(attended: int, possible: int, pct: Decimal) -> bool:
    """Strictly above `pct` %, compared on whole numbers (never a rounded figure)."""
    return possible > 0 and Fraction(attended * 100, possible) > Fraction(pct)


def comparison(tallies: Iterable[Tally], pct: Decimal = COMPARISON_ABOVE_PCT) -> Tally:
    """'Pupil B': the sum of the peers strictly above the line. Only sums leave this function."""
    total = Tally()
    for t in tallies:
        if above_line(t.attended, t.possible, pct):
            total += t
    return total


def days_lost(attendance_pct: Decimal, school_days: int = YEAR_OF_SCHOOL_DAYS) -> Decimal:
    """Days of school missed in a year at this attendance: 90 % of 190 days is 19 days lost."""
    return (Decimal(100) - attendance_pct) * school_days / Decimal(100)


def hours_lost_to_lateness(minutes_late_a_day: int, school_days: int = YEAR_OF_SCHOOL_DAYS):
    """10 minutes late every day of a 190-day year is 1,900 minutes: about 32 hours."""
    return Decimal(minutes_late_a_day * school_days) / Decimal(60)


@dataclass(frozen=True)
class TaskDue:
    """A task as the caseload page sorts it (plain values)."""

    task_id: int
    due_on: date
    done: bool


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


def due_now_and_this_week(
    tasks: Iterable[TaskDue], today: date
) -> tuple[list[TaskDue], list[TaskDue]]:
    """(due today or overdue, due later this week): a task appears on its due date, not before,
    and stays until it is done; tasks later in the week are listed apart."""
    _, sunday = week_of(today)
    now, later = [], []
    for t in sorted(tasks, key=lambda t: (t.due_on, t.task_id)):
        if t.done:
            continue
        if t.due_on <= today:
            now.append(t)
        elif t.due_on <= sunday:
            later.append(t)
    return now, later


# --- Caseloads ----------------------------------------------------------------------------------


def cap_period(per: str, day: date, terms: Sequence[TermDates]) -> tuple[date, date]:
    """The half term (or term, or academic year) whose cap `day` counts against.

    Rollbook's terms are half terms. In a holiday, the next half term counts (families are
    allocated ahead of it); after the last one, the last.
    """
    year = day.year if day.month >= 8 else day.year - 1
    if per == "year" or not terms:
        return date(year, 8, 1), date(year + 1, 7, 31)
    ordered = sorted(terms, key=lambda t: t.start)
    current = next((t for t in ordered if day <= t.end), ordered[-1])
    if per == "half_term":
        return current.start, current.end
    name = current.name.split()[0] if current.name.split() else current.name
    same = [
        t
        for t in ordered
        if (t.name.split() or [t.name])[0] == name and abs((t.start - current.start).days) < 200
    ]
    return min(t.start for t in same), max(t.end for t in same)


def families_held(spells: Iterable[tuple[date, date | None]], first: date, last: date) -> int:
    """Allocations (assigned on, ended on) open at any time in [first, last]."""
    return sum(1 for start, end in spells if start <= last and (end is None or end >= first))


def cap_warning(*, held: int, cap: int | None, holder: str, caseload: str) -> str:
    """'' when one more family fits; otherwise the warning the allocator must confirm."""
    if cap is None or held + 1 <= cap:
        return ""
    return (
        f"{holder} already holds {held} {caseload.lower()} this period; the cap is {cap}. "
        f"This would be family {held + 1}."
    )


def caseloads_for(caseloads: Iterable, roles: Iterable[str]) -> list:
    """The policy's caseloads a member of staff with these roles may hold families on."""
    held = frozenset(roles)
    return [c for c in caseloads if c.role in held]


# --- The weekly procedure tracker (seed 003) --------------------------------------------------

PROCEDURES = {
    "letter": "Letter",
    "meeting": "Meeting / SAP",
    "notice": "Notice",
    "call": "Call",
    "home_visit": "Home visit",
}


def tick_changes(
    before: set[tuple[int, str]], after: set[tuple[int, str]]
) -> tuple[set[tuple[int, str]], set[tuple[int, str]]]:
    """(ticks to add, ticks to clear) to go from the saved grid to the submitted one."""
    return after - before, before - after

"""Pure casework rules: who may read and write cases, and timeline ordering and filtering.

No clock and no ORM here: callers pass roles, events and plain values in.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from rollbook.core.models import Role

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
    "absence.contact_attempt",
    "policy_action.",
    "leave.requested",
    "leave.granted",
    "leave.refused",
    "part_time_timetable.agreed",
    "reward.",
    "case.note_added",
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

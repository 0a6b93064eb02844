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
    "barrier": "Barriers and agencies",
    "concern": "Concerns and incidents",
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


def check_stage_change(
    *, is_open: bool, old: str, new: str, stages: Iterable[str], reason: str
) -> None:
    """A manual stage change (S002-6): to one of the policy's stages, a different one, with a
    reason (e.g. "no engagement"). Moving up or down are both allowed: it is child-centred."""
    if not is_open:
        raise CaseError("This case is closed.")
    if new not in frozenset(stages):
        raise CaseError("Choose one of the policy's stages.")
    if new == old:
        raise CaseError(f"The case is already at {new}.")
    if not reason.strip():
        raise CaseError("Give a reason for changing the stage.")


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
    "case.barrier_",  # barriers, agencies, concerns: rollbook.casework.case_timeline
    "case.agency_",
    "concern.",
)

_AUDIT_TITLES = {
    "mark.changed": ("attendance", "Mark changed"),
    "pupil.signed_in_late": ("attendance", "Signed in late"),
    "alert.decided": ("alert", "Alert decided"),
    "case.opened": ("case", "Case opened"),
    "case.assigned": ("case", "Case assigned"),
    "case.closed": ("case", "Case closed"),
    "case.stage_changed": ("case", "Stage changed by hand"),
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
    elif kind == "case.stage_changed":
        parts.append(f"{data.get('old') or 'No stage'} to {data.get('new', '')}")
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
# Whether the parents came to a meeting they were invited to (S000-7, S002-117).
PARENT_ATTENDANCE = {
    "attended": "Parents attended",
    "did_not_attend": "Parents did not attend",
    "rearranged": "Rearranged",
}
COMPARISON_ABOVE_PCT = Decimal(96)  # S003-65: "a similar child ... above 96%"
YEAR_OF_SCHOOL_DAYS = 190  # S003-67: the impact chart's school year


def meeting_title(parent_attendance: str) -> str:
    """The timeline's title for a meeting ("" for meetings recorded before it was asked)."""
    if parent_attendance == "did_not_attend":
        return "Meeting with parents: they did not attend"
    if parent_attendance == "rearranged":
        return "Meeting with parents: rearranged"
    return "Meeting with parents"


def parent_attendance_counts(values: Iterable[str]) -> dict[str, int]:
    """{attended / did_not_attend / rearranged: meetings}, zeros included ("" not counted)."""
    counts = dict.fromkeys(PARENT_ATTENDANCE, 0)
    for v in values:
        if v in counts:
            counts[v] += 1
    return counts


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
    parent_attendance: str = "attended",
) -> None:
    """Seed 003's form cannot be saved without its fields (S003-62). When the parents did not
    come (or the meeting was rearranged) nothing was discussed, so no barriers are needed."""
    if parent_attendance not in PARENT_ATTENDANCE:
        raise CaseError("Say whether the parents attended.")
    if not attendees.strip():
        raise CaseError("Say who attended the meeting.")
    if parent_attendance == "attended" and not barriers.strip():
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


def check_plan(
    *,
    signatories: str,
    commitments: str,
    starts_on: date,
    review_on: date,
    support: Iterable[str] = (),
    nurse_referral_on: date | None = None,
) -> None:
    if nurse_referral_on is not None and "school_nurse" not in frozenset(support):
        raise CaseError("A school nurse referral date needs the school nurse ticked as support.")
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


# --- Barriers to attendance (S001-2, S000-58, S002-27, S003-56) ------------------------------

# The fixed list of barrier categories a case can carry, in the order the form offers them.
# This dict is the documented list (the case page's help text repeats it); a new category
# needs a migration, since it is the field's choices.
BARRIERS = {
    "health": "Physical health",
    "send": "SEND",
    "emotional": "Emotional or mental health",
    "family": "Family circumstances",
    "transport": "Transport",
    "housing": "Housing",
    "bullying": "Bullying",
    "young_carer": "Young carer",
    "other": "Other",
}


def check_barrier(*, is_open: bool, category: str, already: Iterable[str], note: str) -> None:
    """A barrier goes on an open case, once per category; "other" must say what it is."""
    if not is_open:
        raise CaseError("Barriers can only be added to an open case.")
    if category not in BARRIERS:
        raise CaseError("Choose a barrier from the list.")
    if category in frozenset(already):
        raise CaseError(f"{BARRIERS[category]} is already recorded on this case.")
    if category == "other" and not note.strip():
        raise CaseError("Say what the other barrier is.")


def barrier_counts(categories: Iterable[str]) -> list[tuple[str, str, int]]:
    """(key, label, open cases) for every category, in the list's order (zeros included).
    `categories` holds one entry per open case and category."""
    counted: dict[str, int] = {}
    for c in categories:
        counted[c] = counted.get(c, 0) + 1
    return [(k, label, counted.get(k, 0)) for k, label in BARRIERS.items()]


# --- Agencies involved in a case (S000-29, S002-18, S002-26) --------------------------------

AGENCIES = {
    "la_sast": "LA School Attendance Support Team",
    "ewo": "Education welfare officer",
    "early_help": "Early help",
    "social_care": "Children's social care",
    "camhs": "CAMHS",
    "school_nurse": "School nurse",
    "police": "Police",
    "other": "Other",
}
# Children's social care involvement is safeguarding information: the DSL (and a superuser)
# only, as social-care referrals are (rollbook.referrals.rules.SAFEGUARDING_KINDS).
SAFEGUARDING_AGENCIES = frozenset({"social_care"})


def agencies_for(*, safeguarding: bool) -> dict[str, str]:
    """The agencies a user may record and read: not social care unless `safeguarding`."""
    return {k: v for k, v in AGENCIES.items() if safeguarding or k not in SAFEGUARDING_AGENCIES}


def check_agency(
    *,
    is_open: bool,
    agency: str,
    safeguarding: bool,
    contact_name: str,
    other_name: str,
    since,
    today: date,
) -> None:
    if not is_open:
        raise CaseError("Agencies can only be added to an open case.")
    if agency not in agencies_for(safeguarding=safeguarding):
        raise CaseError("Choose an agency from the list.")
    if agency == "other" and not other_name.strip():
        raise CaseError("Name the other agency.")
    if not contact_name.strip():
        raise CaseError("Give the contact's name.")
    if since is not None and since > today:
        raise CaseError("The date they became involved cannot be in the future.")


def agency_counts(agencies: Iterable[str], *, safeguarding: bool) -> list[tuple[str, str, int]]:
    """(key, label, open cases) per agency a reader may see; one entry per case and agency."""
    counted: dict[str, int] = {}
    for a in agencies:
        counted[a] = counted.get(a, 0) + 1
    return [(k, v, counted.get(k, 0)) for k, v in agencies_for(safeguarding=safeguarding).items()]


# --- Concerns raised by staff (S000-51, S002-120) --------------------------------------------


def may_raise_concern(roles: Iterable[str], *, teaches_pupil: bool) -> bool:
    """Whoever may read the pupil's timeline: case readers, and a class teacher for their own
    class's pupils only."""
    return may_read_timeline(roles, teaches_pupil=teaches_pupil)


def check_concern(*, text: str) -> None:
    if not text.strip():
        raise CaseError("Say what you noticed.")
    if len(text.strip()) > 2000:
        raise CaseError("Keep it short: at most 2,000 characters.")


def check_left_site(*, left_at: datetime, now: datetime, text: str) -> None:
    """The time the pupil left must not be in the future, nor before the day it is recorded
    (an incident is recorded at once); any note is short."""
    if left_at > now:
        raise CaseError("The time they left cannot be in the future.")
    if now - left_at > timedelta(days=1):
        raise CaseError("Record leaving the site on the day it happens.")
    if len(text.strip()) > 2000:
        raise CaseError("Keep it short: at most 2,000 characters.")


# --- Long absences: keeping in touch and planning the return (S000-59, S002-76..78) ----------

# The documented rule (the seeds leave the length open): a long absence is at least
# LONG_ABSENCE_SCHOOL_DAYS school days in a row on which every session marked was an absence.
# Days with no marks yet (today's register not taken) neither break nor extend a run.
# While it lasts: a "plan the return" task once, and a keep-in-touch call task every
# KEEP_IN_TOUCH_SCHOOL_DAYS school days (weekly). When the pupil is back (present within the
# last RETURN_NOTICED_WITHIN_SCHOOL_DAYS days with marks), a reintegration task for the SENCO.
LONG_ABSENCE_SCHOOL_DAYS = 10
KEEP_IN_TOUCH_SCHOOL_DAYS = 5
RETURN_NOTICED_WITHIN_SCHOOL_DAYS = 5


@dataclass(frozen=True)
class LongAbsence:
    returned: bool  # False: still away
    first_day: date  # the first day of the run of absence
    days: int  # school days absent in a row
    keep_in_touch_round: int = 0  # 0 on the threshold day, 1 a week later, ... (while away)


def long_absence(
    days: Sequence[tuple[date, bool]],
    threshold: int = LONG_ABSENCE_SCHOOL_DAYS,
    every: int = KEEP_IN_TOUCH_SCHOOL_DAYS,
    noticed_within: int = RETURN_NOTICED_WITHIN_SCHOOL_DAYS,
) -> LongAbsence | None:
    """`days`: the school days with marks, oldest first, each with True if every session
    marked was an absence. The long absence going on now, or the one just ended, or None."""
    present_after = 0
    i = len(days) - 1
    while i >= 0 and not days[i][1]:
        present_after += 1
        i -= 1
    run = 0
    while i >= 0 and days[i][1]:
        run += 1
        i -= 1
    if run < threshold:
        return None
    first = days[i + 1][0]
    if present_after == 0:
        return LongAbsence(False, first, run, (run - threshold) // every)
    if present_after <= noticed_within:
        return LongAbsence(True, first, run)
    return None


def check_return_plan(*, kind: str, key_adult) -> None:
    """A return plan names the member of staff the child can go to with worries (S002-78)."""
    if kind == "return_plan" and key_adult is None:
        raise CaseError("Name the key adult the child can go to with any worries.")

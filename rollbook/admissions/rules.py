"""Pure rules for the admission register, deletions, CME checks and LA returns.

No ORM, no clock: callers pass `today`, the school's `SchoolCalendar` and plain values.
Every "school days" count walks the calendar (terms minus weekends, bank holidays and
closures), never weekdays or calendar days (domain reference §9, pitfall 1).

Domain reference §7 (The School Attendance (Pupil Registration) (England) Regulations 2024,
SI 2024/208, "the 2024 Regs"):
- New pupils: the LA is told within 5 days of adding a pupil to the admission register
  (not at the start of the school's youngest year unless the LA asks). Whether those are
  school or calendar days is unconfirmed, so the policy chooses (`statutory.
  la_new_pupil_notice_day_kind`, default school days).
- Deletions (reg 9 grounds): the LA is told as soon as the ground is met and no later than
  the deletion; delete as soon as the ground is met; never backdate.
- Ground H: not returned within 10 school days after granted leave ended, no reasonable
  grounds to think sickness or an unavoidable cause, and the school and the LA have
  jointly made reasonable enquiries and failed to find the pupil.
- Ground I: at least 20 consecutive school days of absence coded only G, N or O
  throughout, with the same two conditions.
- Attendance returns: compulsory-age pupils who fail to attend regularly, or who have been
  absent for a continuous 10 school days with unauthorised codes (G, N, O, U).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from rollbook.core.calendar import SchoolCalendar, Session, academic_year_of, bank_holidays

SessionKey = tuple[date, Session]

# Ground I counts only G, N and O "throughout" (domain §7). U is left out on purpose: a U
# pupil came to school (late, after the register closed), so they were not missing that day.
GROUND_I_CODES = frozenset({"G", "N", "O"})
# The attendance return's "continuous 10 school days" uses every unauthorised code (§7).
RETURN_CODES = frozenset({"G", "N", "O", "U"})
# Seed 002 (S002-104): "5 or more days of continuous absence without explanation" starts
# CME checks. N is unexplained by definition; O ("other or unknown circumstances") is what
# an N becomes when no reason arrives within 5 school days (domain §1), so keeping O in the
# run stops the check from resetting the day the office replaces N. G (a holiday, known
# whereabouts), I and the other authorised codes are explained.
UNEXPLAINED_CODES = frozenset({"N", "O"})
# A present or approved-activity mark: the pupil has come back (ends a failure to return).
ATTENDED_CODES = frozenset({"/", "\\", "L", "U", "K", "V", "P", "W", "B"})

GROUND_I_DAYS = 20
GROUND_H_DAYS = 10
CONTINUOUS_RETURN_DAYS = 10
NEW_PUPIL_NOTICE_DAYS = 5

# Enquiries a Ground H or Ground I deletion needs: the school's own and the joint ones with
# the LA (the LA's children-missing-education officer). Both must be recorded.
SCHOOL_ENQUIRY_KINDS = frozenset({"call", "home_visit", "letter", "siblings_school", "other"})
LA_ENQUIRY_KINDS = frozenset({"la_cme_officer"})
ENQUIRIES_NEEDED = (
    ("school", "The school's own reasonable enquiries (calls, a home visit, siblings' schools)"),
    ("la", "Reasonable enquiries made jointly with the LA (the LA's CME officer)"),
)


class RegistrationRuleError(ValueError):
    """A registration action the rules refuse, with the reason in words for staff."""


# --- counting school days -----------------------------------------------------------------


def nth_school_day_after(calendar: SchoolCalendar, start: date, n: int) -> date:
    """The n-th school day after `start` (not counting `start`).

    Past the last term the calendar knows, weekdays that are not bank holidays stand in for
    school days (a due date is still shown before next year's terms are entered).
    """
    if n <= 0:
        return start
    known = calendar.school_days(start + timedelta(days=1))
    if len(known) >= n:
        return known[n - 1]
    count, day = len(known), max([start, *known])
    last_term_day = max((t.end for t in calendar.terms), default=start)
    day = max(day, last_term_day)
    while count < n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in bank_holidays(day, day):
            count += 1
    return day


def school_days_between(calendar: SchoolCalendar, first: date, last: date) -> int:
    """School days from `first` to `last`, both included."""
    return len(calendar.school_days(first, last)) if first <= last else 0


# --- (a) the LA's new-pupil notice ----------------------------------------------------------


def new_pupil_notice_due(
    calendar: SchoolCalendar,
    added_on: date,
    *,
    days: int = NEW_PUPIL_NOTICE_DAYS,
    day_kind: str = "school",
) -> date:
    """When the LA must have been told of a pupil added to the admission register on
    `added_on`: `days` school days later (or calendar days, if the policy says so)."""
    if day_kind == "calendar":
        return added_on + timedelta(days=days)
    return nth_school_day_after(calendar, added_on, days)


def new_pupil_notice_required(
    calendar: SchoolCalendar, *, year_group: str, admitted_on: date, youngest_year: str = "R"
) -> bool:
    """False for a pupil joining the school's youngest year at the start of the school year
    (domain §7: no notice then unless the LA asks); True for every other admission."""
    if year_group != youngest_year:
        return True
    year = academic_year_of(admitted_on)
    first_days = calendar.school_days(date(year, 8, 1), date(year + 1, 7, 31))
    return not first_days or admitted_on > first_days[0]


@dataclass(frozen=True)
class NoticeState:
    due_on: date
    overdue: bool
    days_left: int  # school days from today to the due date (0 when due today or overdue)


def notice_state(
    calendar: SchoolCalendar, *, due_on: date, notified_on: date | None, today: date
) -> NoticeState | None:
    """None once the LA has been told; else whether the notice is overdue (past its due day)."""
    if notified_on is not None:
        return None
    left = school_days_between(calendar, today + timedelta(days=1), due_on)
    return NoticeState(due_on=due_on, overdue=today > due_on, days_left=left)


# --- runs of absence: (b) Ground I, (d) the CME check, continuous-absence returns ----------


def _days_with_sessions(
    calendar: SchoolCalendar, first: date | None, last: date
) -> list[tuple[date, list[SessionKey]]]:
    days: dict[date, list[SessionKey]] = {}
    for day, session in calendar.school_sessions(first, last):
        days.setdefault(day, []).append((day, session))
    return sorted(days.items())


def current_run(
    marks: Mapping[SessionKey, str],
    calendar: SchoolCalendar,
    today: date,
    codes: frozenset[str],
    *,
    since: date | None = None,
) -> list[date]:
    """The run of whole school days, up to `today`, on which every session was marked with
    one of `codes`. Today counts only once all its sessions are marked, and does not break
    the run before then (the afternoon register may not have been taken yet)."""
    run: list[date] = []
    for day, keys in reversed(_days_with_sessions(calendar, since, today)):
        got = [marks.get(k) for k in keys]
        if day == today and any(code is None for code in got):
            continue
        if all(code in codes for code in got):
            run.append(day)
        else:
            break
    return run[::-1]


def runs(
    marks: Mapping[SessionKey, str],
    calendar: SchoolCalendar,
    first: date,
    last: date,
    codes: frozenset[str],
) -> list[list[date]]:
    """Every maximal run of whole school days between `first` and `last` coded with `codes`."""
    found: list[list[date]] = []
    current: list[date] = []
    for day, keys in _days_with_sessions(calendar, first, last):
        if all(marks.get(k) in codes for k in keys):
            current.append(day)
        elif current:
            found.append(current)
            current = []
    if current:
        found.append(current)
    return found


@dataclass(frozen=True)
class Countdown:
    """A run of absence counted towards a threshold of school days."""

    kind: str
    days: tuple[date, ...]  # the school days of the current run, in order
    threshold: int
    reached_on: date | None  # the school day the threshold was reached, if it has been
    projected_on: date | None  # if not yet: the day it will be reached if absence goes on

    @property
    def count(self) -> int:
        return len(self.days)

    @property
    def reached(self) -> bool:
        return self.reached_on is not None

    @property
    def days_left(self) -> int:
        return max(self.threshold - self.count, 0)

    @property
    def started_on(self) -> date | None:
        return self.days[0] if self.days else None


def _countdown(kind, run: list[date], threshold: int, calendar: SchoolCalendar) -> Countdown:
    if len(run) >= threshold:
        return Countdown(kind, tuple(run), threshold, run[threshold - 1], None)
    projected = nth_school_day_after(calendar, run[-1], threshold - len(run)) if run else None
    return Countdown(kind, tuple(run), threshold, None, projected)


def ground_i_countdown(
    marks: Mapping[SessionKey, str],
    calendar: SchoolCalendar,
    today: date,
    *,
    threshold: int = GROUND_I_DAYS,
) -> Countdown:
    """Ground I (reg 9): consecutive school days coded only G, N or O, and the day the
    20-day threshold is (or will be) reached. The enquiries are checked separately."""
    run = current_run(marks, calendar, today, GROUND_I_CODES)
    return _countdown("ground_i", run, threshold, calendar)


def cme_check(
    marks: Mapping[SessionKey, str],
    calendar: SchoolCalendar,
    today: date,
    *,
    threshold: int = 5,
) -> Countdown:
    """Seed 002 (S002-104): 5 school days in a row of unexplained absence (N or O) start
    children-missing-education checks. An explained or attended day starts the count again."""
    run = current_run(marks, calendar, today, UNEXPLAINED_CODES)
    return _countdown("cme_check", run, threshold, calendar)


@dataclass(frozen=True)
class FailureToReturn:
    """Ground H's clock: from the end of granted leave to 10 school days after it."""

    leave_ended_on: date
    due_back_on: date  # the first school day after the leave
    deadline: date  # the 10th school day after the leave ended
    returned_on: date | None  # the first day with an attended mark after the leave
    school_days_missed: int  # school days from due_back_on to today (or to the return)
    threshold: int

    @property
    def returned(self) -> bool:
        return self.returned_on is not None

    @property
    def overdue(self) -> bool:
        """Not back on the first school day after the leave (the failure-to-return alert)."""
        return not self.returned and self.school_days_missed > 0

    @property
    def time_condition_met(self) -> bool:
        """Not back within 10 school days: Ground H's time condition (enquiries apart)."""
        return not self.returned and self.school_days_missed >= self.threshold

    @property
    def days_left(self) -> int:
        return 0 if self.returned else max(self.threshold - self.school_days_missed, 0)


def failure_to_return(
    marks: Mapping[SessionKey, str],
    calendar: SchoolCalendar,
    *,
    leave_ended_on: date,
    today: date,
    threshold: int = GROUND_H_DAYS,
) -> FailureToReturn:
    """Ground H (reg 9): has the pupil come back after granted leave ended on `leave_ended_on`?

    Any attended mark (present, late or an approved activity) on a later school day is a
    return. Today's school day counts as missed only once its registers show no attendance.
    """
    due_back = nth_school_day_after(calendar, leave_ended_on, 1)
    deadline = nth_school_day_after(calendar, leave_ended_on, threshold)
    returned_on = None
    missed = 0
    for day, keys in _days_with_sessions(calendar, leave_ended_on + timedelta(days=1), today):
        got = [marks.get(k) for k in keys]
        if any(code in ATTENDED_CODES for code in got):
            returned_on = day
            break
        if day == today and any(code is None for code in got):
            continue
        missed += 1
    return FailureToReturn(
        leave_ended_on=leave_ended_on,
        due_back_on=due_back,
        deadline=deadline,
        returned_on=returned_on,
        school_days_missed=missed,
        threshold=threshold,
    )


def place_not_taken_up(
    marks: Mapping[SessionKey, str],
    calendar: SchoolCalendar,
    *,
    admitted_on: date,
    today: date,
    grace_days: int = 0,
) -> date | None:
    """Seed 002 (S002-103): an admitted pupil who has not come by their start date plus
    `grace_days` school days needs CME checks. Returns the day the check became due, or None
    (the pupil has attended, or the grace days are not over, or no register has been taken
    for them yet: an unmarked day proves nothing)."""
    deadline = (
        admitted_on if grace_days <= 0 else nth_school_day_after(calendar, admitted_on, grace_days)
    )
    if today < deadline:
        return None
    days = _days_with_sessions(calendar, admitted_on, today)
    if any(marks.get(k) in ATTENDED_CODES for _, keys in days for k in keys):
        return None
    taken = [day for day, keys in days if all(marks.get(k) is not None for k in keys)]
    if not taken or taken[-1] < deadline:
        return None
    return deadline


# --- enquiries and deletions ------------------------------------------------------------------


def enquiries_outstanding(enquiries: Iterable[tuple[date, str]], since: date | None) -> list[str]:
    """What Grounds H and I still need: the school's own enquiries and the joint ones with the
    LA, each made on or after `since` (the start of the absence). Returns the missing ones."""
    kinds = {kind for day, kind in enquiries if since is None or day >= since}
    missing = []
    if not kinds & SCHOOL_ENQUIRY_KINDS:
        missing.append(ENQUIRIES_NEEDED[0][1])
    if not kinds & LA_ENQUIRY_KINDS:
        missing.append(ENQUIRIES_NEEDED[1][1])
    return missing


@dataclass(frozen=True)
class DeletionFacts:
    """Everything the deletion check reads, as plain values."""

    ground: str
    today: date
    ground_met_on: date
    removed_on: date
    la_notified_on: date | None
    transition_point: bool = False  # a standard transition: no LA notice is needed
    evidence: str = ""
    no_sickness_or_unavoidable_cause: bool = False  # Grounds H and I
    outstanding_enquiries: tuple[str, ...] = ()  # from `enquiries_outstanding`
    ground_i: Countdown | None = None
    failure_to_return: FailureToReturn | None = None
    ehe_from: date | None = None  # the home-education date in the parent's written notice
    school_attendance_order: bool = False
    already_removed: bool = False


def deletion_problems(f: DeletionFacts) -> list[str]:
    """Why the pupil may not be deleted from the admission register yet (empty: they may)."""
    problems: list[str] = []
    if f.already_removed:
        return ["The pupil has already been deleted from the admission register."]
    if f.ground_met_on > f.today:
        problems.append("The date the ground was met cannot be in the future.")
    if f.removed_on < f.today:
        problems.append(
            "A deletion is never backdated: the date of removal must be today or later."
        )
    if f.removed_on < f.ground_met_on:
        problems.append("The pupil can only be deleted once the ground is met.")
    if not f.transition_point:
        if f.la_notified_on is None:
            problems.append(
                "Tell the LA first: the LA must be told of a deletion, with the ground, no "
                "later than the deletion itself."
            )
        elif f.la_notified_on > f.removed_on:
            problems.append("The LA must be told no later than the date of removal.")
    if f.ground == "ground_i":
        problems += _ground_i_problems(f)
    elif f.ground == "ground_h":
        problems += _ground_h_problems(f)
    elif f.ground == "home_education":
        if f.ehe_from is None:
            problems.append(
                "Record the parent's written notice of home education first (with its date)."
            )
        elif f.removed_on < f.ehe_from:
            problems.append(
                f"The pupil is home educated from {f.ehe_from:%-d %B %Y}: delete on or after it."
            )
        if f.school_attendance_order:
            problems.append(
                "A school attendance order names this school: the pupil may not be deleted on "
                "the ground of home education; inform the LA."
            )
    elif not f.evidence.strip():
        problems.append("Say what evidence shows the ground is met.")
    return problems


def _joint_enquiry_problems(f: DeletionFacts) -> list[str]:
    problems = [f"Still needed: {what}." for what in f.outstanding_enquiries]
    if not f.no_sickness_or_unavoidable_cause:
        problems.append(
            "Confirm there are no reasonable grounds to think the absence is caused by "
            "sickness or another unavoidable cause."
        )
    return problems


def _ground_i_problems(f: DeletionFacts) -> list[str]:
    c = f.ground_i
    if c is None or not c.reached:
        count = c.count if c else 0
        needed = GROUND_I_DAYS if c is None else c.threshold
        return [
            f"Ground I is not met: {count} consecutive school days coded only G, N or O so "
            f"far; it needs {needed}.",
            *_joint_enquiry_problems(f),
        ]
    return _joint_enquiry_problems(f)


def _ground_h_problems(f: DeletionFacts) -> list[str]:
    r = f.failure_to_return
    if r is None:
        return ["Ground H needs granted leave of absence that has ended: none is recorded."]
    if r.returned:
        return [f"Ground H is not met: the pupil came back on {r.returned_on:%-d %B %Y}."]
    problems = []
    if not r.time_condition_met:
        problems.append(
            f"Ground H is not met: the pupil has missed {r.school_days_missed} school days "
            f"since the leave ended on {r.leave_ended_on:%-d %B %Y}; the ground is met after "
            f"{r.threshold} ({r.deadline:%-d %B %Y})."
        )
    return problems + _joint_enquiry_problems(f)


# --- LA returns ---------------------------------------------------------------------------------


def is_irregular(absent: int, possible: int) -> bool:
    """Fails to attend regularly: persistently absent (10 % of sessions or more), compared on
    whole numbers, never on a rounded percentage."""
    return possible > 0 and absent * 10 >= possible


def continuous_absence_runs(
    marks: Mapping[SessionKey, str],
    calendar: SchoolCalendar,
    first: date,
    last: date,
    *,
    threshold: int = CONTINUOUS_RETURN_DAYS,
    look_back_days: int = 60,
) -> list[list[date]]:
    """Runs of at least `threshold` school days of unauthorised absence (G, N, O, U) that were
    going on at some point in the period `first`..`last` (a run may have begun before it)."""
    found = runs(marks, calendar, first - timedelta(days=look_back_days), last, RETURN_CODES)
    return [r for r in found if len(r) >= threshold and r[-1] >= first]

"""Reads for the registration duties: marks, granted leave and enquiries as plain values
for the pure rules, and each pupil's countdowns."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from rollbook.admissions import rules
from rollbook.admissions.models import Enquiry
from rollbook.core.calendar import SchoolCalendar, Session
from rollbook.leave.models import Decision, LeaveRequest
from rollbook.policy.schema import Policy
from rollbook.pupils.models import Pupil
from rollbook.registers.models import Mark

# Ground I needs 20 school days and a run may straddle the summer holiday: 200 days back
# covers a run of a whole term and a half.
LOOK_BACK_DAYS = 200


def marks_for(pupil_ids, first: date, last: date) -> dict[int, dict]:
    """{pupil id: {(date, Session): code}} between two dates (one query)."""
    found: dict[int, dict] = defaultdict(dict)
    for pupil_id, day, session, code in Mark.objects.filter(
        pupil_id__in=list(pupil_ids), date__range=(first, last)
    ).values_list("pupil_id", "date", "session", "code"):
        found[pupil_id][(day, Session(session))] = code
    return found


def last_granted_leave(pupil_ids, today: date) -> dict[int, date]:
    """{pupil id: the end of their latest granted leave that ended before today}."""
    ended: dict[int, date] = {}
    rows = LeaveRequest.objects.filter(
        pupils__in=list(pupil_ids),
        decision__in=(Decision.GRANTED, Decision.GRANTED_IN_PART),
        granted_last_date__lt=today,
        granted_last_date__gte=today - timedelta(days=LOOK_BACK_DAYS),
    ).values_list("pupils", "granted_last_date")
    for pupil_id, last in rows:
        if pupil_id in ended and ended[pupil_id] >= last:
            continue
        ended[pupil_id] = last
    return ended


def enquiries_for(pupil: Pupil) -> list[tuple[date, str]]:
    """Every enquiry on the pupil's CME concerns, as (date, kind)."""
    return list(Enquiry.objects.filter(concern__pupil=pupil).values_list("made_on", "kind"))


@dataclass(frozen=True)
class Countdowns:
    ground_i: rules.Countdown
    cme: rules.Countdown | None  # None when the policy sets no CME check
    failure_to_return: rules.FailureToReturn | None  # None without granted leave that ended
    ground_i_since: date | None  # where enquiries for ground I must start
    outstanding_i: list[str]
    outstanding_h: list[str]


def countdowns(
    pupil: Pupil,
    calendar: SchoolCalendar,
    policy: Policy,
    today: date,
    *,
    marks: dict | None = None,
    leave_ended_on: date | None = None,
    enquiries: list[tuple[date, str]] | None = None,
) -> Countdowns:
    """The pupil's deletion-ground and CME countdowns on `today` (reads the database for
    whatever is not passed in)."""
    if marks is None:
        marks = marks_for([pupil.pk], today - timedelta(days=LOOK_BACK_DAYS), today)[pupil.pk]
    if leave_ended_on is None:
        leave_ended_on = last_granted_leave([pupil.pk], today).get(pupil.pk)
    if enquiries is None:
        enquiries = enquiries_for(pupil)
    s = policy.statutory
    ground_i = rules.ground_i_countdown(marks, calendar, today, threshold=s.deletion_ground_i_days)
    cme = (
        rules.cme_check(marks, calendar, today, threshold=s.cme_unexplained_days)
        if s.cme_unexplained_days
        else None
    )
    ftr = (
        rules.failure_to_return(
            marks,
            calendar,
            leave_ended_on=leave_ended_on,
            today=today,
            threshold=s.deletion_ground_h_days,
        )
        if leave_ended_on
        else None
    )
    return Countdowns(
        ground_i=ground_i,
        cme=cme,
        failure_to_return=ftr,
        ground_i_since=ground_i.started_on,
        outstanding_i=rules.enquiries_outstanding(enquiries, ground_i.started_on),
        outstanding_h=rules.enquiries_outstanding(enquiries, ftr.due_back_on if ftr else None),
    )

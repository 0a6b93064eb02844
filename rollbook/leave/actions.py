"""Writes for leave requests and part-time timetables: atomic, audited, marks via save_marks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction

from rollbook.core import audit
from rollbook.core.access import roles_at
from rollbook.core.audit import user_or_none
from rollbook.core.calendar import Session, academic_year_of
from rollbook.core.models import School
from rollbook.leave import rules
from rollbook.leave.models import Decision, LeaveRequest, PartTimeTimetable, Reason, Via
from rollbook.policy.kinds import ActionKind
from rollbook.policy.models import Alert, PolicyAction
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Contact, Pupil, PupilContact
from rollbook.registers.actions import save_marks
from rollbook.registers.codes import Stat, stat_of
from rollbook.registers.importing import MarkRow
from rollbook.registers.models import Mark, Source

PENALTY_TASK = "Consider a penalty notice for the unauthorised term-time holiday"


class LeaveError(ValueError):
    pass


def _check_requester(contact: Contact, pupils: list[Pupil]) -> None:
    """The law requires a parent the pupil normally lives with (and who has responsibility)."""
    links = {
        link.pupil_id: link
        for link in PupilContact.objects.filter(contact=contact, pupil__in=pupils)
    }
    for pupil in pupils:
        link = links.get(pupil.pk)
        if link is None or not (link.parental_responsibility and link.lives_with_pupil):
            raise LeaveError(
                f"{contact} is not a parent with parental responsibility who lives with "
                f"{pupil.display_name}"
            )


def _code_sessions(
    *,
    actor,
    school: School,
    pupils: Iterable[Pupil],
    sessions: list[tuple[date, Session]],
    code_for,
    reason: str,
) -> int:
    """Write `code_for(pupil, day)` on each session while the pupil is on roll, via save_marks.

    Sessions already marked as attended are left alone (the pupil came in after all).
    Re-running writes nothing new: save_marks skips unchanged marks.
    """
    pupils = list(pupils)
    if not sessions or not pupils:
        return 0
    first, last = sessions[0][0], sessions[-1][0]
    attended = {
        (pupil_id, day, session)
        for pupil_id, day, session, code in Mark.objects.filter(
            pupil__in=pupils, date__range=(first, last)
        ).values_list("pupil_id", "date", "session", "code")
        if stat_of(code, day) is Stat.ATTENDED
    }
    rows = [
        MarkRow(0, pupil.pk, day, session.value, code_for(pupil, day), None)
        for pupil in pupils
        for day, session in sessions
        if pupil.admission_date <= day
        and (pupil.leaving_date is None or day <= pupil.leaving_date)
        and (pupil.pk, day, session.value) not in attended
    ]
    result = save_marks(
        actor=actor, school=school, rows=rows, source=Source.LEAVE_REQUEST, reason=reason
    )
    return result.created + result.changed


@transaction.atomic
def create_leave_request(
    *,
    actor,
    school: School,
    pupils: Iterable[Pupil],
    requested_by: Contact,
    requested_on: date,
    first_date: date,
    last_date: date,
    first_session: str = "AM",
    last_session: str = "PM",
    reason: str,
    reason_text: str,
    evidence: str = "",
    evidence_file=None,
    evidence_type: str = "",
    submitted_via: str = Via.OFFICE,
) -> LeaveRequest:
    """Record a written request. A retrospective one is refused at once if the policy says so.

    From the parent portal, `evidence_file` is the parent's upload, already checked by the
    portal (type sniffed from its bytes, size-limited) and named "<random>.<ext>".
    """
    pupils = list(pupils)
    if not pupils:
        raise LeaveError("choose at least one pupil")
    if any(p.school_id != school.pk for p in pupils) or requested_by.school_id != school.pk:
        raise LeaveError("the pupils and the parent must be at this school")
    if problem := rules.check_range(first_date, first_session, last_date, last_session):
        raise LeaveError(problem)
    if not reason_text.strip():
        raise LeaveError("say why the leave has to be in term time")
    _check_requester(requested_by, pupils)
    policy, _ = active_policy(school)
    retrospective = rules.is_retrospective(requested_on, first_date)
    leave = LeaveRequest(
        school=school,
        requested_by=requested_by,
        requested_on=requested_on,
        first_date=first_date,
        first_session=first_session,
        last_date=last_date,
        last_session=last_session,
        reason=reason,
        reason_text=reason_text,
        evidence=evidence,
        evidence_type=evidence_type if evidence_file is not None else "",
        submitted_via=submitted_via,
        retrospective=retrospective,
        created_by=user_or_none(actor),
    )
    if evidence_file is not None:
        leave.evidence_file.save(evidence_file.name, evidence_file, save=False)
    leave.save()
    leave.pupils.set(pupils)
    audit.record(
        "leave.requested",
        actor=actor,
        school=school,
        obj=leave,
        pupil_id=pupils[0].pk,
        pupils=[p.pk for p in pupils],
        first_date=first_date.isoformat(),
        last_date=last_date.isoformat(),
        reason_category=reason,
        retrospective=retrospective,
        via=submitted_via,
    )
    if retrospective and policy.leave.retrospective_requests_refused:
        leave.decision = Decision.REFUSED
        leave.decided_on = requested_on
        leave.decided_by_label = "school policy"
        leave.decision_reason = (
            "The request was made after the leave had started. The school's policy is that "
            "requests made after the leave starts are not considered."
        )
        leave.save(update_fields=["decision", "decided_on", "decided_by_label", "decision_reason"])
        audit.record(
            "leave.refused",
            actor_label="school policy",
            school=school,
            obj=leave,
            pupil_id=pupils[0].pk,
            reason=leave.decision_reason,
            retrospective=True,
        )
    return leave


@transaction.atomic
def decide_leave_request(
    *,
    actor,
    leave: LeaveRequest,
    decision: str,
    reason: str,
    on: date,
    exceptional: bool = False,
    granted: tuple[date, str, date, str] | None = None,
) -> LeaveRequest:
    """Grant (in full or in part) or refuse a pending request, with a reason.

    Granting writes the authorised code on every granted school session for every pupil
    (source leave_request, so a teacher cannot change them on the register).
    """
    school = leave.school
    policy, _ = active_policy(school)
    if not rules.may_decide(roles_at(actor, school), policy.leave.decision_role):
        raise LeaveError(
            f"only the {policy.leave.decision_role.replace('_', ' ')} or the head teacher "
            "can decide leave requests"
        )
    if leave.is_decided:
        raise LeaveError("this request has already been decided")
    if not reason.strip():
        raise LeaveError("give the reason for the decision")
    requested = (leave.first_date, leave.first_session, leave.last_date, leave.last_session)
    code = ""
    if decision == Decision.GRANTED:
        granted = requested
    elif decision == Decision.GRANTED_IN_PART:
        if granted is None:
            raise LeaveError("give the dates granted")
        if problem := rules.check_granted_range(requested, granted):
            raise LeaveError(problem)
    elif decision == Decision.REFUSED:
        granted = None
    else:
        raise LeaveError(f"unknown decision {decision!r}")
    pupils = list(leave.pupils.all())
    sessions: list = []
    if granted is not None:
        try:
            code = rules.granted_code(leave.reason, exceptional=exceptional)
        except rules.LeaveRuleError as e:
            raise LeaveError(str(e)) from e
        sessions = rules.sessions_between(school.calendar(), *granted)
        if not sessions:
            raise LeaveError("the dates granted hold no school sessions")
        _code_sessions(
            actor=actor,
            school=school,
            pupils=pupils,
            sessions=sessions,
            code_for=lambda pupil, day: code,
            reason=f"leave of absence granted (request {leave.pk})",
        )
        (
            leave.granted_first_date,
            leave.granted_first_session,
            leave.granted_last_date,
            leave.granted_last_session,
        ) = granted
    leave.decision, leave.decision_reason, leave.exceptional = decision, reason, exceptional
    leave.decided_by, leave.decided_on = user_or_none(actor), on
    leave.decided_by_label = actor.get_username() if user_or_none(actor) else ""
    leave.granted_sessions = len(sessions)
    leave.save(
        update_fields=[
            "decision",
            "decision_reason",
            "exceptional",
            "decided_by",
            "decided_by_label",
            "decided_on",
            "granted_first_date",
            "granted_first_session",
            "granted_last_date",
            "granted_last_session",
            "granted_sessions",
        ]
    )
    audit.record(
        f"leave.{'refused' if decision == Decision.REFUSED else 'granted'}",
        actor=actor,
        school=school,
        obj=leave,
        pupil_id=pupils[0].pk if pupils else None,
        reason=reason,
        decision=decision,
        code=code,
        sessions=len(sessions),
        pupils=[p.pk for p in pupils],
    )
    return leave


def _granted_keys(leave: LeaveRequest, calendar) -> set[tuple[date, Session]]:
    if leave.granted_first_date is None:
        return set()
    return set(
        rules.sessions_between(
            calendar,
            leave.granted_first_date,
            leave.granted_first_session,
            leave.granted_last_date,
            leave.granted_last_session,
        )
    )


@transaction.atomic
def record_leave_taken(
    *,
    actor,
    leave: LeaveRequest,
    first_date: date,
    last_date: date,
    first_session: str = "AM",
    last_session: str = "PM",
    on: date,
    pupils: Iterable[Pupil] | None = None,
) -> int:
    """The pupils were away on sessions not granted (refused leave, or days beyond the leave
    granted): code them G for a holiday, O otherwise, and, when the policy asks, open a
    "consider a penalty notice" task for the decider. Returns the marks written.
    """
    if not leave.is_decided:
        raise LeaveError("decide the request first")
    if problem := rules.check_range(first_date, first_session, last_date, last_session):
        raise LeaveError(problem)
    school = leave.school
    calendar = school.calendar()
    granted = _granted_keys(leave, calendar)
    sessions = [
        k
        for k in rules.sessions_between(
            calendar, first_date, first_session, last_date, last_session
        )
        if k not in granted
    ]
    if not sessions:
        raise LeaveError("those dates hold no school sessions outside the leave granted")
    pupils = list(pupils) if pupils is not None else list(leave.pupils.all())
    code = rules.unauthorised_code(leave.reason)
    written = _code_sessions(
        actor=actor,
        school=school,
        pupils=pupils,
        sessions=sessions,
        code_for=lambda pupil, day: code,
        reason=f"absent on leave not granted (request {leave.pk})",
    )
    policy, version = active_policy(school)
    tasks = 0
    if code == "G" and policy.leave.consider_penalty_notice_for_unauthorised_holiday:
        first = sessions[0][0]
        for pupil in pupils:
            # Monitoring's key for the same spell of G, so it does not raise it a second time.
            key = f"{pupil.pk}:unauthorised_holiday:{first.isoformat()}"
            alert, created = Alert.objects.get_or_create(
                school=school,
                dedupe_key=key,
                defaults={
                    "pupil": pupil,
                    "kind": "unauthorised_holiday",
                    "academic_year": academic_year_of(first),
                    "raised_on": on,
                    "met_on": sessions[-1][0],
                    "explanation": (
                        f"term-time holiday taken after leave request {leave.pk} was "
                        f"{leave.get_decision_display().lower()}: {len(sessions)} sessions "
                        f"coded G from {first:%a %-d %b %Y}: consider a penalty notice, as "
                        "the school's policy says"
                    ),
                    "evidence": [f"{d.isoformat()} {s.value}" for d, s in sessions],
                    "policy_version": version,
                },
            )
            if created:
                PolicyAction.objects.create(
                    alert=alert,
                    school=school,
                    pupil=pupil,
                    kind=ActionKind.TASK,
                    text=PENALTY_TASK,
                    role=policy.leave.decision_role,
                    due_on=_school_day_after(calendar, on, 5),
                )
                tasks += 1
    audit.record(
        "leave.taken_without_leave",
        actor=actor,
        school=school,
        obj=leave,
        pupil_id=pupils[0].pk if pupils else None,
        code=code,
        sessions=len(sessions),
        marks_written=written,
        penalty_tasks=tasks,
        first_date=first_date.isoformat(),
        last_date=last_date.isoformat(),
    )
    return written


def _school_day_after(calendar, on: date, n: int) -> date:
    from datetime import timedelta

    days = calendar.school_days(on + timedelta(days=1), on + timedelta(days=120))
    return days[n - 1] if len(days) >= n else on + timedelta(days=n)


# --- Part-time timetables ---------------------------------------------------------------------


@transaction.atomic
def agree_part_time_timetable(
    *,
    actor,
    school: School,
    pupil: Pupil,
    start_date: date,
    end_date: date,
    sessions: list[str],
    reason: str,
    review_date: date,
    agreed_with: Contact,
    la_informed: bool = False,
    la_informed_on: date | None = None,
    on: date,
) -> PartTimeTimetable:
    """Record the agreement, code its sessions (C2 or X) and add the review task."""
    if pupil.school_id != school.pk or agreed_with.school_id != school.pk:
        raise LeaveError("the pupil and the parent must be at this school")
    if end_date < start_date:
        raise LeaveError("the end date must be on or after the start date")
    if not start_date <= review_date <= end_date:
        raise LeaveError("the review date must fall between the start and end dates")
    unknown = set(sessions) - set(rules.WEEKDAY_SESSIONS)
    if not sessions or unknown:
        raise LeaveError("choose the weekday sessions the pupil will not attend")
    if not reason.strip():
        raise LeaveError("give the reason for the part-time timetable")
    _check_requester(agreed_with, [pupil])
    if la_informed and la_informed_on is None:
        raise LeaveError("give the date the LA was told")
    timetable = PartTimeTimetable.objects.create(
        school=school,
        pupil=pupil,
        start_date=start_date,
        end_date=end_date,
        sessions=[s for s in rules.WEEKDAY_SESSIONS if s in sessions],
        reason=reason,
        review_date=review_date,
        agreed_with=agreed_with,
        la_informed=la_informed,
        la_informed_on=la_informed_on if la_informed else None,
        created_by=user_or_none(actor),
    )
    written = code_part_time_sessions(actor=actor, timetable=timetable)
    policy, version = active_policy(school)
    alert = Alert.objects.create(
        school=school,
        pupil=pupil,
        kind="part_time_timetable",
        academic_year=academic_year_of(start_date),
        raised_on=on,
        explanation=(
            f"part-time timetable {start_date:%-d %b} to {end_date:%-d %b %Y} "
            f"({', '.join(timetable.sessions)}): review it by {review_date:%-d %b %Y}"
        ),
        policy_version=version,
        dedupe_key=f"part_time:{timetable.pk}:review:{review_date.isoformat()}",
    )
    PolicyAction.objects.create(
        alert=alert,
        school=school,
        pupil=pupil,
        kind=ActionKind.TASK,
        text="Review the part-time timetable with the parent",
        role=policy.leave.decision_role,
        due_on=review_date,
    )
    audit.record(
        "part_time_timetable.agreed",
        actor=actor,
        school=school,
        obj=timetable,
        pupil_id=pupil.pk,
        start_date=start_date.isoformat(),
        end_date=end_date.isoformat(),
        sessions=timetable.sessions,
        marks_written=written,
        la_informed=la_informed,
    )
    return timetable


def code_part_time_sessions(*, actor, timetable: PartTimeTimetable) -> int:
    """Code the timetable's sessions C2 (compulsory school age that day) or X. Idempotent."""
    pupil = timetable.pupil
    sessions = rules.part_time_sessions(
        timetable.school.calendar(), timetable.start_date, timetable.end_date, timetable.sessions
    )
    return _code_sessions(
        actor=actor,
        school=timetable.school,
        pupils=[pupil],
        sessions=sessions,
        code_for=lambda p, day: rules.part_time_code(p.date_of_birth, day),
        reason=f"part-time timetable {timetable.pk}",
    )


@transaction.atomic
def check_part_time_timetables(
    *,
    school: School,
    as_of: date,
    max_weeks: int = rules.DEFAULT_PART_TIME_MAX_WEEKS,
    actor_label: str = "part-time check",
) -> list[Alert]:
    """Alerts for active timetables past their end date or unreviewed for too long. Idempotent."""
    _, version = active_policy(school)
    created = []
    for timetable in school.part_time_timetables.filter(active=True).select_related("pupil"):
        for found in rules.part_time_findings(
            start=timetable.start_date,
            end=timetable.end_date,
            active=timetable.active,
            last_reviewed_on=timetable.last_reviewed_on,
            as_of=as_of,
            max_weeks=max_weeks,
        ):
            alert, made = Alert.objects.get_or_create(
                school=school,
                dedupe_key=f"part_time:{timetable.pk}:{found.kind}:{found.since.isoformat()}",
                defaults={
                    "pupil": timetable.pupil,
                    "kind": found.kind,
                    "academic_year": academic_year_of(as_of),
                    "raised_on": as_of,
                    "met_on": found.since,
                    "explanation": found.explanation,
                    "policy_version": version,
                },
            )
            if made:
                created.append(alert)
    audit.record(
        "part_time_timetable.checked",
        actor_label=actor_label,
        school=school,
        as_of=as_of.isoformat(),
        created=len(created),
    )
    return created


@transaction.atomic
def review_part_time_timetable(
    *, actor, timetable: PartTimeTimetable, on: date, end: bool = False, note: str = ""
) -> PartTimeTimetable:
    """Record a review (restarting the review clock), or end the timetable."""
    timetable.last_reviewed_on = on
    timetable.active = not end
    timetable.save(update_fields=["last_reviewed_on", "active"])
    audit.record(
        "part_time_timetable.reviewed",
        actor=actor,
        school=timetable.school,
        obj=timetable,
        pupil_id=timetable.pupil_id,
        reason=note,
        ended=end,
    )
    return timetable


__all__ = [
    "LeaveError",
    "Reason",
    "agree_part_time_timetable",
    "check_part_time_timetables",
    "create_leave_request",
    "decide_leave_request",
    "record_leave_taken",
    "review_part_time_timetable",
]

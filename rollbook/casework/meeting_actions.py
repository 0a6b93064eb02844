"""Writes for meetings, support plans / contracts and case tasks; each writes one AuditEvent."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from rollbook.casework import concern_actions, rules
from rollbook.casework.meetings import meeting_figures
from rollbook.casework.models import (
    Case,
    CaseStatus,
    CaseTask,
    Meeting,
    PlanKind,
    PlanOutcome,
    SupportPlan,
    TaskKind,
)
from rollbook.casework.rules import CaseError
from rollbook.core import audit
from rollbook.core.models import Role, StaffRole
from rollbook.pupils.models import Pupil


def _open_case(pupil: Pupil) -> Case:
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("school", "owner")
        .filter(pupil=pupil, status=CaseStatus.OPEN)
        .first()
    )
    if case is None:
        raise CaseError("Open a case for this pupil first.")
    return case


def _review_task(*, case: Case, actor, title: str, due_on: date, now, meeting=None, plan=None):
    """The review becomes a task for the case owner (or the attendance lead), due that day."""
    return CaseTask.objects.create(
        school=case.school,
        case=case,
        pupil_id=case.pupil_id,
        kind=TaskKind.REVIEW,
        title=title,
        due_on=due_on,
        assigned_to=case.owner,
        assigned_role="" if case.owner else Role.ATTENDANCE_LEAD,
        meeting=meeting,
        plan=plan,
        created_at=now,
        created_by=audit.user_or_none(actor),
    )


def _note_review(case: Case, review_on: date) -> None:
    """The case shows the earliest review still to come."""
    if case.next_review_on is None or review_on < case.next_review_on:
        case.next_review_on = review_on
        case.save(update_fields=["next_review_on"])


@dataclass(frozen=True)
class PlanTerms:
    kind: str  # a PlanKind value
    commitments: str
    signatories: str
    support: tuple[str, ...] = field(default=())
    support_detail: str = ""  # S003-71: the walking-bus helper's name, and so on
    nurse_referral_on: date | None = None
    key_adult: object = None  # return plans (S002-78): a member of staff at the school


def _check_key_adult(pupil: Pupil, terms: PlanTerms) -> None:
    rules.check_return_plan(kind=terms.kind, key_adult=terms.key_adult)
    if (
        terms.key_adult is not None
        and not StaffRole.objects.filter(
            user_id=terms.key_adult.pk, school_id=pupil.school_id
        ).exists()
    ):
        raise CaseError("The key adult must be a member of staff at this school.")


def _return_plan_made(plan: SupportPlan, actor, now) -> None:
    """A return plan does the pupil's open "plan the return" tasks (S002-77)."""
    if plan.kind != PlanKind.RETURN_PLAN:
        return
    CaseTask.objects.filter(
        pupil_id=plan.pupil_id, kind=TaskKind.RETURN_PLAN, done_at__isnull=True
    ).update(done_at=now, done_by=audit.user_or_none(actor), done_note="Return plan agreed")


@dataclass(frozen=True)
class MeetingRecord:
    meeting: Meeting
    plan: SupportPlan | None
    task: CaseTask


def record_meeting(
    *,
    actor=None,
    actor_label: str = "",
    pupil: Pupil,
    held_on: date,
    attendees: str,
    barriers: str,
    support: list[str],
    support_detail: str = "",
    monitoring_weeks: int,
    target_pct: Decimal,
    review_on: date | None = None,
    notes: str = "",
    plan: PlanTerms | None = None,
    parent_attendance: str = "attended",
    now: datetime | None = None,
) -> MeetingRecord:
    """Seed 003's parent meeting: the figures frozen on the day, the support agreed, and a
    review task at the end of the monitoring period (with the plan or contract, if any)."""
    now = now or timezone.now()
    review_on = review_on or rules.review_date(held_on, monitoring_weeks)
    rules.check_meeting(
        attendees=attendees,
        barriers=barriers,
        support=support,
        held_on=held_on,
        review_on=review_on,
        target_pct=target_pct,
        today=timezone.localtime(now).date(),
        parent_attendance=parent_attendance,
    )
    if plan is not None:
        rules.check_plan(
            signatories=plan.signatories,
            commitments=plan.commitments,
            starts_on=held_on,
            review_on=review_on,
            support=plan.support or support,
            nurse_referral_on=plan.nurse_referral_on,
        )
        _check_key_adult(pupil, plan)
    with transaction.atomic(durable=True):
        case = _open_case(pupil)
        figures = meeting_figures(pupil, held_on)
        meeting = Meeting.objects.create(
            school=case.school,
            case=case,
            pupil=pupil,
            held_on=held_on,
            parent_attendance=parent_attendance,
            attendees=attendees.strip(),
            figures_from=figures.first,
            possible=figures.tally.possible,
            attended=figures.tally.attended,
            authorised=figures.tally.authorised,
            unauthorised=figures.tally.unauthorised,
            comparison_above_pct=rules.COMPARISON_ABOVE_PCT,
            peer_pupils=figures.peers,
            peer_possible=figures.peer_tally.possible,
            peer_attended=figures.peer_tally.attended,
            barriers=barriers.strip(),
            agreed_support=list(support),
            support_detail=support_detail.strip(),
            monitoring_weeks=monitoring_weeks,
            target_pct=target_pct,
            review_on=review_on,
            notes=notes.strip(),
            recorded_at=now,
            recorded_by=audit.user_or_none(actor),
        )
        saved_plan = None
        if plan is not None:
            saved_plan = SupportPlan.objects.create(
                school=case.school,
                case=case,
                pupil=pupil,
                meeting=meeting,
                kind=plan.kind,
                support=list(plan.support or support),
                support_detail=(plan.support_detail or support_detail).strip(),
                nurse_referral_on=plan.nurse_referral_on,
                key_adult=plan.key_adult,
                commitments=plan.commitments.strip(),
                signatories=plan.signatories.strip(),
                starts_on=held_on,
                review_on=review_on,
                target_pct=target_pct,
                created_at=now,
                created_by=audit.user_or_none(actor),
            )
        if saved_plan is not None:
            _return_plan_made(saved_plan, actor, now)
        what = saved_plan.get_kind_display().lower() if saved_plan else "support agreed"
        task = _review_task(
            case=case,
            actor=actor,
            title=f"Review the {what} from the meeting on {held_on:%-d %b %Y}",
            due_on=review_on,
            now=now,
            meeting=meeting,
            plan=saved_plan,
        )
        _note_review(case, review_on)
        audit.record(
            "meeting.recorded",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=meeting,
            pupil_id=pupil.pk,
            case_id=case.pk,
            held_on=held_on.isoformat(),
            parent_attendance=parent_attendance,
            support=list(support),
            review_on=review_on.isoformat(),
            target_pct=str(target_pct),
            plan_id=saved_plan.pk if saved_plan else None,
            plan_kind=saved_plan.kind if saved_plan else "",
            task_id=task.pk,
            possible=meeting.possible,
            absent=meeting.authorised + meeting.unauthorised,
        )
        return MeetingRecord(meeting, saved_plan, task)


def start_plan(
    *,
    actor=None,
    actor_label: str = "",
    pupil: Pupil,
    terms: PlanTerms,
    starts_on: date,
    review_on: date,
    target_pct: Decimal,
    now: datetime | None = None,
) -> SupportPlan:
    """A plan or contract agreed outside a recorded meeting; its review becomes a task."""
    now = now or timezone.now()
    if terms.kind not in PlanKind.values:
        raise CaseError("Choose a support plan or a contract.")
    rules.check_plan(
        signatories=terms.signatories,
        commitments=terms.commitments,
        starts_on=starts_on,
        review_on=review_on,
        support=terms.support,
        nurse_referral_on=terms.nurse_referral_on,
    )
    _check_key_adult(pupil, terms)
    unknown = set(terms.support) - rules.SUPPORT.keys()
    if unknown:
        raise CaseError(f"Unknown support: {', '.join(sorted(unknown))}.")
    with transaction.atomic(durable=True):
        case = _open_case(pupil)
        plan = SupportPlan.objects.create(
            school=case.school,
            case=case,
            pupil=pupil,
            kind=terms.kind,
            support=list(terms.support),
            support_detail=terms.support_detail.strip(),
            nurse_referral_on=terms.nurse_referral_on,
            key_adult=terms.key_adult,
            commitments=terms.commitments.strip(),
            signatories=terms.signatories.strip(),
            starts_on=starts_on,
            review_on=review_on,
            target_pct=target_pct,
            created_at=now,
            created_by=audit.user_or_none(actor),
        )
        _return_plan_made(plan, actor, now)
        task = _review_task(
            case=case,
            actor=actor,
            title=f"Review the {plan.get_kind_display().lower()} started {starts_on:%-d %b %Y}",
            due_on=review_on,
            now=now,
            plan=plan,
        )
        _note_review(case, review_on)
        audit.record(
            "support_plan.started",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=plan,
            pupil_id=pupil.pk,
            plan_kind=plan.kind,
            starts_on=starts_on.isoformat(),
            review_on=review_on.isoformat(),
            task_id=task.pk,
        )
        return plan


def record_plan_outcome(
    *,
    actor=None,
    actor_label: str = "",
    plan: SupportPlan,
    outcome: str,
    note: str = "",
    on: date,
    now: datetime | None = None,
) -> SupportPlan:
    """The review's result (met, partly met, not met, withdrawn); the plan's open review tasks
    are done with it. A withdrawal needs a reason (nothing is deleted)."""
    if outcome not in PlanOutcome.values or outcome == PlanOutcome.PENDING:
        raise CaseError("Choose the outcome.")
    if outcome == PlanOutcome.WITHDRAWN and not note.strip():
        raise CaseError("Give a reason for withdrawing the plan.")
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        plan = SupportPlan.objects.select_for_update(of=("self",)).get(pk=plan.pk)
        old = plan.outcome
        plan.outcome, plan.outcome_note, plan.outcome_on = outcome, note.strip(), on
        plan.outcome_by = audit.user_or_none(actor)
        plan.save(update_fields=["outcome", "outcome_note", "outcome_on", "outcome_by"])
        tasks = list(
            CaseTask.objects.filter(plan=plan, done_at__isnull=True).values_list("pk", flat=True)
        )
        CaseTask.objects.filter(pk__in=tasks).update(
            done_at=now, done_by=audit.user_or_none(actor), done_note=f"Outcome: {outcome}"
        )
        audit.record(
            "support_plan.reviewed",
            actor=actor,
            actor_label=actor_label,
            school=plan.school,
            obj=plan,
            pupil_id=plan.pupil_id,
            reason=plan.outcome_note,
            old=old,
            new=outcome,
            on=on.isoformat(),
            tasks_done=tasks,
        )
        return plan


def add_task(
    *,
    actor=None,
    actor_label: str = "",
    pupil: Pupil,
    kind: str,
    title: str,
    due_on: date,
    assigned_to=None,
    now: datetime | None = None,
) -> CaseTask:
    if kind not in TaskKind.values:
        raise CaseError("Choose what kind of task it is.")
    if not title.strip():
        raise CaseError("Say what needs doing.")
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        case = _open_case(pupil)
        task = CaseTask.objects.create(
            school=case.school,
            case=case,
            pupil=pupil,
            kind=kind,
            title=title.strip(),
            due_on=due_on,
            assigned_to=assigned_to or case.owner,
            assigned_role="" if (assigned_to or case.owner) else Role.ATTENDANCE_LEAD,
            created_at=now,
            created_by=audit.user_or_none(actor),
        )
        audit.record(
            "case_task.created",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=task,
            pupil_id=pupil.pk,
            task_kind=kind,
            due_on=due_on.isoformat(),
            assigned_to=task.assigned_to.get_username() if task.assigned_to else "",
        )
        return task


def complete_task(
    *,
    actor=None,
    actor_label: str = "",
    task: CaseTask,
    note: str = "",
    safeguarding_concern: bool = False,
    now=None,
) -> CaseTask:
    """Mark a task done with its outcome. An outcome marked as a safeguarding concern (S002-31,
    S003-8) goes to the DSL as an immediate task, and its text leaves the task (where case
    readers would see it) for the DSL's concern."""
    now = now or timezone.now()
    if safeguarding_concern and not note.strip():
        raise CaseError("Say what the safeguarding concern is.")
    with transaction.atomic(durable=True):
        task = (
            CaseTask.objects.select_for_update(of=("self",))
            .select_related("school", "pupil__school", "case")
            .get(pk=task.pk)
        )
        if task.done_at is not None:
            raise CaseError("This task is already done.")
        if safeguarding_concern:
            concern_actions.safeguarding_concern(
                actor=actor,
                actor_label=actor_label,
                pupil=task.pupil,
                case=task.case,
                text=f"Outcome of '{task.title}': {note.strip()}",
                now=now,
            )
            note = "Safeguarding concern passed to the DSL."
        task.done_at, task.done_by, task.done_note = now, audit.user_or_none(actor), note.strip()
        task.save(update_fields=["done_at", "done_by", "done_note"])
        audit.record(
            "case_task.done",
            actor=actor,
            actor_label=actor_label,
            school=task.school,
            obj=task,
            pupil_id=task.pupil_id,
            reason=task.done_note,
            due_on=task.due_on.isoformat(),
            safeguarding=task.safeguarding,
            safeguarding_concern=safeguarding_concern,
        )
        return task

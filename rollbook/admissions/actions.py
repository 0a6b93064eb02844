"""Writes for the admission register, deletions, EHE notices and CME concerns.

Each action is atomic and writes an AuditEvent. Nothing is deleted: taking a pupil off
roll records a Deletion and sets `Pupil.leaving_date`. Tasks for people (tell the LA,
failure to return) are policy Alerts with a PolicyAction, found again by their dedupe key,
so the daily check can run any number of times.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from rollbook.admissions import queries, rules
from rollbook.admissions.models import (
    AdmissionEntry,
    CmeConcern,
    CmeReason,
    Deletion,
    DeletionStatus,
    EheNotice,
    Enquiry,
    EnquiryKind,
    Ground,
)
from rollbook.admissions.rules import RegistrationRuleError
from rollbook.core import audit
from rollbook.core.audit import user_or_none
from rollbook.core.calendar import academic_year_of
from rollbook.core.models import Role, School
from rollbook.policy.kinds import ActionKind
from rollbook.policy.models import ActionStatus, Alert, AlertStatus, PolicyAction
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Pupil

__all__ = [
    "RegistrationRuleError",
    "check_registration_duties",
    "close_cme_concern",
    "open_cme_concern",
    "record_admission",
    "record_deletion",
    "record_ehe_notice",
    "record_enquiry",
    "record_la_notified",
]


RECENT_ADMISSION_DAYS = 30


def _label(actor, actor_label: str) -> str:
    return actor_label or (
        actor.get_username() if getattr(actor, "is_authenticated", False) else ""
    )


def _task(
    *,
    school: School,
    pupil: Pupil,
    kind: str,
    key: str,
    as_of: date,
    met_on: date,
    text: str,
    explanation: str,
    due_on: date,
    version: int | None,
) -> Alert | None:
    """An alert with one task for the office, once per `key` (None if it already exists)."""
    alert, made = Alert.objects.get_or_create(
        school=school,
        dedupe_key=key,
        defaults={
            "pupil": pupil,
            "kind": kind,
            "academic_year": academic_year_of(as_of),
            "raised_on": as_of,
            "met_on": met_on,
            "explanation": explanation,
            "policy_version": version,
        },
    )
    if not made:
        return None
    PolicyAction.objects.create(
        alert=alert,
        school=school,
        pupil=pupil,
        kind=ActionKind.TASK,
        text=text[:300],
        role=Role.OFFICE,
        due_on=due_on,
    )
    return alert


def _finish_tasks(school: School, key: str, actor) -> None:
    """Mark the task under `key` (and its alert) done once the duty is done."""
    alert = Alert.objects.filter(school=school, dedupe_key=key).first()
    if alert is None:
        return
    now = timezone.now()
    alert.status = AlertStatus.DONE
    alert.decided_by = user_or_none(actor)
    alert.decided_at = now
    alert.save(update_fields=["status", "decided_by", "decided_at"])
    for action in alert.actions.filter(status=ActionStatus.OPEN):
        action.status = ActionStatus.DONE
        action.done_by = user_or_none(actor)
        action.done_at = now
        action.save(update_fields=["status", "done_by", "done_at"])


def _la_notice_key(entry: AdmissionEntry) -> str:
    return f"admissions:la_new_pupil:{entry.pk}"


# --- the admission register -----------------------------------------------------------------


@transaction.atomic
def record_admission(
    *,
    actor=None,
    actor_label: str = "",
    pupil: Pupil,
    previous_school: str = "",
    as_of: date | None = None,
    task: bool = True,
) -> AdmissionEntry:
    """The pupil's admission-register entry, with the LA notice's due date and its task
    (S002-16). The register entry is dated from the pupil's admission date."""
    existing = AdmissionEntry.objects.filter(pupil=pupil, admitted_on=pupil.admission_date).first()
    if existing:
        return existing
    school = pupil.school
    calendar = school.calendar()
    policy, version = active_policy(school)
    s = policy.statutory
    required = rules.new_pupil_notice_required(
        calendar, year_group=pupil.year_group, admitted_on=pupil.admission_date
    )
    due = rules.new_pupil_notice_due(
        calendar,
        pupil.admission_date,
        days=s.la_new_pupil_notice_days,
        day_kind=s.la_new_pupil_notice_day_kind,
    )
    entry = AdmissionEntry.objects.create(
        school=school,
        pupil=pupil,
        admitted_on=pupil.admission_date,
        added_by=user_or_none(actor),
        added_by_label=_label(actor, actor_label),
        previous_school=previous_school,
        la_notice_required=required,
        la_notice_due_on=due if required else None,
    )
    if required and task:
        _task(
            school=school,
            pupil=pupil,
            kind="la_new_pupil_notice",
            key=_la_notice_key(entry),
            as_of=as_of or pupil.admission_date,
            met_on=pupil.admission_date,
            text=f"Tell the LA about this new pupil by {due:%-d %b %Y}",
            explanation=(
                f"Added to the admission register on {pupil.admission_date:%-d %b %Y}: the LA "
                f"must be told within {s.la_new_pupil_notice_days} {s.la_new_pupil_notice_day_kind} "
                f"days, by {due:%-d %b %Y}"
            ),
            due_on=due,
            version=version,
        )
    audit.record(
        "admission.recorded",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=entry,
        pupil_id=pupil.pk,
        admitted_on=pupil.admission_date.isoformat(),
        la_notice_due_on=due.isoformat() if required else None,
    )
    return entry


@transaction.atomic
def record_la_notified(
    *, actor, entry: AdmissionEntry, notified_on: date, reference: str = "", today: date
) -> AdmissionEntry:
    if entry.la_notified_on is not None:
        raise RegistrationRuleError("The LA has already been told about this admission.")
    if notified_on > today:
        raise RegistrationRuleError("The date the LA was told cannot be in the future.")
    if notified_on < entry.admitted_on:
        raise RegistrationRuleError("The LA is told after the pupil is added to the register.")
    entry.la_notified_on = notified_on
    entry.la_notified_by = user_or_none(actor)
    entry.la_reference = reference
    entry.save(update_fields=["la_notified_on", "la_notified_by", "la_reference"])
    _finish_tasks(entry.school, _la_notice_key(entry), actor)
    audit.record(
        "admission.la_notified",
        actor=actor,
        school=entry.school,
        obj=entry,
        pupil_id=entry.pupil_id,
        notified_on=notified_on.isoformat(),
        due_on=entry.la_notice_due_on.isoformat() if entry.la_notice_due_on else None,
        late=bool(entry.la_notice_due_on and notified_on > entry.la_notice_due_on),
    )
    return entry


# --- EHE and deletions ------------------------------------------------------------------------


def _live_deletion(pupil: Pupil) -> Deletion | None:
    return pupil.deletions.exclude(status=DeletionStatus.WITHDRAWN).first()


@transaction.atomic
def record_ehe_notice(
    *,
    actor,
    pupil: Pupil,
    received_on: date,
    home_education_from: date,
    school_attendance_order: bool = False,
    notes: str = "",
    today: date,
) -> EheNotice:
    """A parent's written notice of elective home education (S002-17): an off-roll entry
    proposed with the ground "home education" and a task to tell the LA."""
    if received_on > today:
        raise RegistrationRuleError("The notice cannot have been received in the future.")
    if home_education_from < received_on:
        raise RegistrationRuleError(
            "Home education starts on or after the day the written notice was received."
        )
    if _live_deletion(pupil) is not None:
        raise RegistrationRuleError("A deletion is already proposed or recorded for this pupil.")
    school = pupil.school
    notice = EheNotice.objects.create(
        school=school,
        pupil=pupil,
        received_on=received_on,
        home_education_from=home_education_from,
        school_attendance_order=school_attendance_order,
        notes=notes,
        recorded_by=user_or_none(actor),
    )
    proposal = Deletion.objects.create(
        school=school,
        pupil=pupil,
        ground=Ground.HOME_EDUCATION,
        status=DeletionStatus.PROPOSED,
        ground_met_on=received_on,
        evidence=f"Written notice received {received_on:%-d %B %Y}: home education from "
        f"{home_education_from:%-d %B %Y}",
        recorded_by=user_or_none(actor),
        recorded_by_label=_label(actor, ""),
    )
    _, version = active_policy(school)
    _task(
        school=school,
        pupil=pupil,
        kind="la_deletion_notice",
        key=f"admissions:deletion:{proposal.pk}",
        as_of=today,
        met_on=received_on,
        text="Tell the LA: elective home education, before the pupil is deleted from the register",
        explanation=(
            f"The parent has notified in writing that the child will be educated at home from "
            f"{home_education_from:%-d %b %Y}"
            + (" (a school attendance order names this school)" if school_attendance_order else "")
        ),
        due_on=home_education_from,
        version=version,
    )
    audit.record(
        "ehe.notice_recorded",
        actor=actor,
        school=school,
        obj=notice,
        pupil_id=pupil.pk,
        received_on=received_on.isoformat(),
        home_education_from=home_education_from.isoformat(),
        school_attendance_order=school_attendance_order,
    )
    return notice


@transaction.atomic
def record_deletion(
    *,
    actor,
    pupil: Pupil,
    ground: str,
    ground_met_on: date,
    removed_on: date,
    la_notified_on: date | None,
    today: date,
    transition_point: bool = False,
    destination_school: str = "",
    destination_unknown: bool = False,
    evidence: str = "",
    enquiries: str = "",
    no_sickness_or_unavoidable_cause: bool = False,
) -> Deletion:
    """Delete the pupil from the admission register, if the rules say the ground is met.

    Refused (RegistrationRuleError, every reason listed) otherwise. Sets the pupil's leaving
    date; a destination that is not known opens a CME concern (S002-105).
    """
    pupil = Pupil.objects.select_for_update().get(pk=pupil.pk)
    school = pupil.school
    calendar = school.calendar()
    policy, _ = active_policy(school)
    live = _live_deletion(pupil)
    ehe = pupil.ehe_notices.order_by("-received_on", "-id").first()
    counts = queries.countdowns(pupil, calendar, policy, today)
    facts = rules.DeletionFacts(
        ground=ground,
        today=today,
        ground_met_on=ground_met_on,
        removed_on=removed_on,
        la_notified_on=la_notified_on,
        transition_point=transition_point,
        evidence=evidence,
        no_sickness_or_unavoidable_cause=no_sickness_or_unavoidable_cause,
        outstanding_enquiries=tuple(
            counts.outstanding_i if ground == Ground.GROUND_I else counts.outstanding_h
        ),
        ground_i=counts.ground_i,
        failure_to_return=counts.failure_to_return,
        ehe_from=ehe.home_education_from if ehe else None,
        school_attendance_order=bool(ehe and ehe.school_attendance_order),
        already_removed=live is not None and live.status == DeletionStatus.REMOVED,
    )
    problems = rules.deletion_problems(facts)
    if ground not in Ground.values:
        problems.insert(0, "Choose a ground from the regulations.")
    if removed_on < pupil.admission_date:
        problems.append("The date of removal is before the pupil was admitted.")
    if live is not None and live.status == DeletionStatus.PROPOSED and live.ground != ground:
        problems.append(
            f"A deletion on the ground “{live.get_ground_display()}” is already proposed."
        )
    if problems:
        raise RegistrationRuleError(" ".join(problems))
    values = {
        "ground": ground,
        "status": DeletionStatus.REMOVED,
        "ground_met_on": ground_met_on,
        "removed_on": removed_on,
        "la_notified_on": la_notified_on,
        "transition_point": transition_point,
        "destination_school": destination_school,
        "destination_unknown": destination_unknown,
        "evidence": evidence or (live.evidence if live else ""),
        "enquiries": enquiries,
        "no_sickness_or_unavoidable_cause": no_sickness_or_unavoidable_cause,
        "recorded_by": user_or_none(actor),
        "recorded_by_label": _label(actor, ""),
    }
    if live is None:
        deletion = Deletion.objects.create(school=school, pupil=pupil, **values)
    else:
        deletion = live
        for name, value in values.items():
            setattr(deletion, name, value)
        deletion.save()
        _finish_tasks(school, f"admissions:deletion:{deletion.pk}", actor)
    pupil.leaving_date = removed_on
    pupil.updated_at = timezone.now()
    pupil.save(update_fields=["leaving_date", "updated_at"])
    if destination_unknown and not pupil.cme_concerns.filter(closed_on__isnull=True).exists():
        open_cme_concern(
            actor=actor,
            pupil=pupil,
            opened_on=today,
            reason=CmeReason.UNKNOWN_DESTINATION,
            details="Deleted from the register with no known destination",
            today=today,
        )
    audit.record(
        "pupil.deleted_from_register",
        actor=actor,
        school=school,
        obj=deletion,
        pupil_id=pupil.pk,
        ground=ground,
        ground_met_on=ground_met_on.isoformat(),
        removed_on=removed_on.isoformat(),
        la_notified_on=la_notified_on.isoformat() if la_notified_on else None,
        destination=destination_school or ("unknown" if destination_unknown else ""),
    )
    return deletion


# --- children missing education -------------------------------------------------------------


@transaction.atomic
def open_cme_concern(
    *, actor, pupil: Pupil, opened_on: date, reason: str, details: str = "", today: date
) -> CmeConcern:
    if opened_on > today:
        raise RegistrationRuleError("A concern cannot be opened in the future.")
    if pupil.cme_concerns.filter(closed_on__isnull=True).exists():
        raise RegistrationRuleError("This pupil already has an open CME concern.")
    concern = CmeConcern.objects.create(
        school=pupil.school,
        pupil=pupil,
        opened_on=opened_on,
        reason=reason,
        details=details,
        opened_by=user_or_none(actor),
        opened_by_label=_label(actor, ""),
    )
    audit.record(
        "cme.concern_opened",
        actor=actor,
        school=pupil.school,
        obj=concern,
        pupil_id=pupil.pk,
        reason=reason,
    )
    return concern


@transaction.atomic
def record_enquiry(
    *,
    actor,
    concern: CmeConcern,
    made_on: date,
    kind: str,
    details: str,
    la_reference: str = "",
    today: date,
) -> Enquiry:
    """A dated enquiry. One with the LA's CME officer is also the concern's referral to the
    LA (S002-106), with the LA's reference."""
    if not concern.is_open:
        raise RegistrationRuleError("The concern is closed: open a new one.")
    if made_on > today:
        raise RegistrationRuleError("An enquiry cannot be dated in the future.")
    if made_on < concern.opened_on - timedelta(days=60):
        raise RegistrationRuleError("That date is long before the concern was opened.")
    enquiry = Enquiry.objects.create(
        concern=concern,
        made_on=made_on,
        kind=kind,
        details=details,
        made_by=user_or_none(actor),
        made_by_label=_label(actor, ""),
    )
    if kind == EnquiryKind.LA_CME_OFFICER and concern.referred_to_la_on is None:
        concern.referred_to_la_on = made_on
        concern.la_reference = la_reference
        concern.save(update_fields=["referred_to_la_on", "la_reference"])
    audit.record(
        "cme.enquiry_recorded",
        actor=actor,
        school=concern.school,
        obj=enquiry,
        pupil_id=concern.pupil_id,
        enquiry_kind=kind,
        made_on=made_on.isoformat(),
    )
    return enquiry


@transaction.atomic
def close_cme_concern(
    *, actor, concern: CmeConcern, closed_on: date, outcome: str, today: date
) -> CmeConcern:
    if not concern.is_open:
        raise RegistrationRuleError("The concern is already closed.")
    if closed_on > today or closed_on < concern.opened_on:
        raise RegistrationRuleError("Close the concern between the day it opened and today.")
    if not outcome.strip():
        raise RegistrationRuleError("Say what the outcome was.")
    concern.closed_on = closed_on
    concern.outcome = outcome
    concern.closed_by = user_or_none(actor)
    concern.save(update_fields=["closed_on", "outcome", "closed_by"])
    audit.record(
        "cme.concern_closed",
        actor=actor,
        school=concern.school,
        obj=concern,
        pupil_id=concern.pupil_id,
        closed_on=closed_on.isoformat(),
    )
    return concern


# --- the daily check --------------------------------------------------------------------------


@transaction.atomic
def check_registration_duties(
    *, school: School, as_of: date, actor_label: str = "registration duties"
) -> list[Alert]:
    """Run daily (idempotent, the state is in the database):
    - an admission-register entry, with its LA-notice task, for each pupil admitted this
      academic year who has none (S002-16);
    - a failure-to-return alert on the first school day a pupil is not back after granted
      leave, and an off-roll proposal task once Ground H's 10 school days have passed
      (S002-85);
    - a "CME checks" task for a pupil admitted in the last 60 days who has not come by the
      start date plus the policy's grace days (S002-103).
    """
    created: list[Alert] = []
    year_start = date(academic_year_of(as_of), 8, 1)
    have = set(AdmissionEntry.objects.filter(school=school).values_list("pupil_id", "admitted_on"))
    for pupil in school.pupils.filter(admission_date__range=(year_start, as_of)).order_by("pk"):
        if (pupil.pk, pupil.admission_date) not in have:
            # Older admissions (e.g. on the first run after installing) get their entry and
            # due date, shown on the register page, but no task: the Alerts page is for now.
            recent = pupil.admission_date >= as_of - timedelta(days=RECENT_ADMISSION_DAYS)
            entry = record_admission(actor_label=actor_label, pupil=pupil, as_of=as_of, task=recent)
            alert = Alert.objects.filter(school=school, dedupe_key=_la_notice_key(entry)).first()
            if alert:
                created.append(alert)
    created += _failure_to_return_alerts(school, as_of)
    created += _place_not_taken_up_alerts(school, as_of)
    audit.record(
        "registration_duties.checked",
        actor_label=actor_label,
        school=school,
        as_of=as_of.isoformat(),
        created=len(created),
    )
    return created


def _failure_to_return_alerts(school: School, as_of: date) -> list[Alert]:
    pupils = {p.pk: p for p in school.pupils.on_roll(as_of)}
    ended = queries.last_granted_leave(pupils, as_of)
    if not ended:
        return []
    calendar = school.calendar()
    policy, version = active_policy(school)
    days = policy.statutory.deletion_ground_h_days
    marks = queries.marks_for(ended, min(ended.values()), as_of)
    created = []
    for pupil_id, leave_end in sorted(ended.items()):
        r = rules.failure_to_return(
            marks.get(pupil_id, {}), calendar, leave_ended_on=leave_end, today=as_of, threshold=days
        )
        pupil = pupils[pupil_id]
        key = f"admissions:failure_to_return:{pupil_id}:{leave_end.isoformat()}"
        if r.overdue:
            alert = _task(
                school=school,
                pupil=pupil,
                kind="failure_to_return",
                key=key,
                as_of=as_of,
                met_on=r.due_back_on,
                text="Not back after leave: contact the family, record enquiries (CME concern)",
                explanation=(
                    f"Leave of absence ended {leave_end:%-d %b %Y}; not back since "
                    f"{r.due_back_on:%-d %b %Y}. Deletion ground H can be met after {days} "
                    f"school days ({r.deadline:%-d %b %Y}) with joint enquiries with the LA."
                ),
                due_on=as_of,
                version=version,
            )
            created += [alert] if alert else []
        if r.time_condition_met:
            alert = _task(
                school=school,
                pupil=pupil,
                kind="deletion_ground_h",
                key=f"{key}:ground_h",
                as_of=as_of,
                met_on=r.deadline,
                text="Ground H: propose deletion; make joint enquiries with the LA and tell the "
                "LA before deleting",
                explanation=(
                    f"Not back within {days} school days of leave ending on "
                    f"{leave_end:%-d %b %Y}: deletion ground H's time condition is met "
                    f"({r.deadline:%-d %b %Y}); the school and the LA must jointly make "
                    "reasonable enquiries first."
                ),
                due_on=as_of,
                version=version,
            )
            created += [alert] if alert else []
    return created


def _place_not_taken_up_alerts(school: School, as_of: date) -> list[Alert]:
    policy, version = active_policy(school)
    grace = policy.statutory.cme_no_show_grace_days
    if grace is None:
        return []
    pupils = list(
        school.pupils.on_roll(as_of)
        .filter(admission_date__range=(as_of - timedelta(days=60), as_of))
        .exclude(cme_concerns__closed_on__isnull=True, cme_concerns__isnull=False)
        .order_by("pk")
    )
    if not pupils:
        return []
    calendar = school.calendar()
    marks = queries.marks_for([p.pk for p in pupils], as_of - timedelta(days=60), as_of)
    created = []
    for pupil in pupils:
        due = rules.place_not_taken_up(
            marks.get(pupil.pk, {}),
            calendar,
            admitted_on=pupil.admission_date,
            today=as_of,
            grace_days=grace,
        )
        if due is None:
            continue
        alert = _task(
            school=school,
            pupil=pupil,
            kind="cme_place_not_taken_up",
            key=f"admissions:no_show:{pupil.pk}:{pupil.admission_date.isoformat()}",
            as_of=as_of,
            met_on=due,
            text="CME checks: the pupil has not taken up their place (open a CME concern)",
            explanation=(
                f"Admitted from {pupil.admission_date:%-d %b %Y} but not seen at school since: "
                "children-missing-education checks are needed"
            ),
            due_on=as_of,
            version=version,
        )
        created += [alert] if alert else []
    return created

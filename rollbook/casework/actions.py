"""The only writes to cases and notes; each writes one AuditEvent (house style 3.3)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from rollbook.casework import rules
from rollbook.casework.models import Case, CaseAgency, CaseBarrier, CaseNote, CaseStatus
from rollbook.casework.rules import CaseError
from rollbook.core import audit
from rollbook.core.models import School, StaffRole
from rollbook.policy.models import Alert, AlertStatus
from rollbook.pupils.models import Pupil


def latest_stage(pupil_id: int) -> str:
    """The label of the pupil's latest policy stage alert (not dismissed), or ""."""
    alert = (
        Alert.objects.filter(pupil_id=pupil_id, kind="stage")
        .exclude(status=AlertStatus.DISMISSED)
        .order_by("-raised_on", "-id")
        .first()
    )
    return alert.kind_label if alert else ""


def _check_owner(school: School, owner) -> None:
    if owner is None:
        return
    staff = (
        getattr(owner, "is_superuser", False)
        or StaffRole.objects.filter(
            user_id=owner.pk, school=school, role__in=rules.WRITE_ROLES
        ).exists()
    )
    if not staff:
        raise CaseError("A case can only be owned by office or senior staff at this school.")


def _open(*, actor, actor_label: str, pupil: Pupil, reason: str, owner, stage: str, now) -> Case:
    _check_owner(pupil.school, owner)
    try:
        with transaction.atomic():  # a savepoint: the constraint backs up the check
            case = Case.objects.create(
                school=pupil.school,
                pupil=pupil,
                family_id=pupil.family_id,
                owner=owner,
                stage=stage,
                opened_at=now,
                opened_by=audit.user_or_none(actor),
                opened_by_label=actor_label or getattr(actor, "get_username", lambda: "")(),
                opened_reason=reason,
            )
    except IntegrityError as error:
        raise CaseError("This pupil already has an open case.") from error
    audit.record(
        "case.opened",
        actor=actor,
        actor_label=actor_label,
        school=pupil.school,
        obj=case,
        pupil_id=pupil.pk,
        reason=reason,
        owner=owner.get_username() if owner else "",
        stage=stage,
    )
    return case


def open_case(
    *,
    actor=None,
    actor_label: str = "",
    pupil: Pupil,
    reason: str,
    owner=None,
    now: datetime | None = None,
) -> Case:
    """Open a case by hand (one open case per pupil)."""
    with transaction.atomic(durable=True):
        has_open = Case.objects.filter(pupil=pupil, status=CaseStatus.OPEN).exists()
        rules.check_can_open(has_open_case=has_open, reason=reason)
        return _open(
            actor=actor,
            actor_label=actor_label,
            pupil=pupil,
            reason=reason.strip(),
            owner=owner,
            stage=latest_stage(pupil.pk),
            now=now or timezone.now(),
        )


def open_cases_for_alerts(
    *, school: School, as_of: date, actor_label: str = "rollbook monitor", now=None
) -> list[Case]:
    """Open a case for every pupil with an open stage alert and no open case. Idempotent."""
    with transaction.atomic(durable=True):
        alerts = (
            Alert.objects.filter(
                school=school, kind="stage", status=AlertStatus.OPEN, raised_on__lte=as_of
            )
            .exclude(pupil__cases__status=CaseStatus.OPEN)
            .select_related("pupil__school")
            .order_by("pupil_id", "-raised_on", "-id")
        )
        latest: dict[int, Alert] = {}
        for alert in alerts:
            latest.setdefault(alert.pupil_id, alert)
        return [
            _open(
                actor=None,
                actor_label=actor_label,
                pupil=alert.pupil,
                reason=f"Opened automatically: {alert.kind_label} reached on {alert.raised_on}",
                owner=None,
                stage=alert.kind_label,
                now=now or timezone.now(),
            )
            for alert in latest.values()
        ]


def assign_case(
    *, actor=None, actor_label: str = "", case: Case, owner, next_review_on: date | None = None
) -> Case:
    with transaction.atomic(durable=True):
        case = (
            Case.objects.select_for_update(of=("self",))
            .select_related("school", "owner")
            .get(pk=case.pk)
        )
        if case.status != CaseStatus.OPEN:
            raise CaseError("This case is closed.")
        _check_owner(case.school, owner)
        old = case.owner.get_username() if case.owner else ""
        old_review = case.next_review_on
        case.owner = owner
        case.next_review_on = next_review_on
        case.save(update_fields=["owner", "next_review_on"])
        audit.record(
            "case.assigned",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=case,
            pupil_id=case.pupil_id,
            old_owner=old,
            owner=owner.get_username() if owner else "",
            old_next_review_on=old_review.isoformat() if old_review else None,
            next_review_on=next_review_on.isoformat() if next_review_on else None,
        )
        return case


def close_case(
    *, actor=None, actor_label: str = "", case: Case, reason: str, now: datetime | None = None
) -> Case:
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update(of=("self",)).select_related("school").get(pk=case.pk)
        rules.check_can_close(is_open=case.status == CaseStatus.OPEN, reason=reason)
        case.status = CaseStatus.CLOSED
        case.closed_at = now or timezone.now()
        case.closed_by = audit.user_or_none(actor)
        case.closed_reason = reason.strip()
        case.save(update_fields=["status", "closed_at", "closed_by", "closed_reason"])
        audit.record(
            "case.closed",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=case,
            pupil_id=case.pupil_id,
            reason=case.closed_reason,
        )
        return case


def add_note(
    *,
    actor=None,
    actor_label: str = "",
    case: Case,
    text: str,
    safeguarding: bool = False,
    now: datetime | None = None,
) -> CaseNote:
    """A note on an open or closed case. The audit row never holds the note's text."""
    if not text.strip():
        raise CaseError("Write the note.")
    with transaction.atomic(durable=True):
        note = CaseNote.objects.create(
            case=case,
            pupil_id=case.pupil_id,
            text=text.strip(),
            safeguarding=safeguarding,
            at=now or timezone.now(),
            by=audit.user_or_none(actor),
        )
        audit.record(
            "case.note_added",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=note,
            pupil_id=case.pupil_id,
            case_id=case.pk,
            safeguarding=safeguarding,
        )
        return note


def record_safeguarding_reads(*, actor, school: School, note_ids_by_pupil: dict) -> None:
    """One 'safeguarding_note.read' row per pupil whose safeguarding notes were shown."""
    if not note_ids_by_pupil:
        return
    with transaction.atomic():
        for pupil_id, note_ids in sorted(note_ids_by_pupil.items()):
            audit.record(
                "safeguarding_note.read",
                actor=actor,
                school=school,
                pupil_id=pupil_id,
                note_ids=sorted(note_ids),
            )


def add_barrier(
    *,
    actor=None,
    actor_label: str = "",
    case: Case,
    category: str,
    note: str = "",
    now: datetime | None = None,
) -> CaseBarrier:
    """A barrier category (rules.BARRIERS) with a note on an open case, once per category.
    The audit row names the category, never the note's text."""
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update(of=("self",)).select_related("school").get(pk=case.pk)
        rules.check_barrier(
            is_open=case.status == CaseStatus.OPEN,
            category=category,
            already=case.barriers.values_list("category", flat=True),
            note=note,
        )
        barrier = CaseBarrier.objects.create(
            school=case.school,
            case=case,
            pupil_id=case.pupil_id,
            category=category,
            note=note.strip(),
            recorded_at=now or timezone.now(),
            recorded_by=audit.user_or_none(actor),
        )
        audit.record(
            "case.barrier_added",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=barrier,
            pupil_id=case.pupil_id,
            case_id=case.pk,
            category=category,
        )
        return barrier


@dataclass(frozen=True)
class AgencyContact:
    agency: str  # a key of rules.AGENCIES
    contact_name: str
    contact_role: str = ""
    phone: str = ""
    email: str = ""
    since: date | None = None
    other_name: str = ""


def add_agency(
    *,
    actor=None,
    actor_label: str = "",
    case: Case,
    contact: AgencyContact,
    safeguarding: bool = False,
    now: datetime | None = None,
) -> CaseAgency:
    """An outside agency involved in an open case. Only a reader of safeguarding material
    (`safeguarding`, the DSL) may record children's social care."""
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update(of=("self",)).select_related("school").get(pk=case.pk)
        rules.check_agency(
            is_open=case.status == CaseStatus.OPEN,
            agency=contact.agency,
            safeguarding=safeguarding,
            contact_name=contact.contact_name,
            other_name=contact.other_name,
            since=contact.since,
            today=timezone.localtime(now).date(),
        )
        row = CaseAgency.objects.create(
            school=case.school,
            case=case,
            pupil_id=case.pupil_id,
            agency=contact.agency,
            other_name=contact.other_name.strip() if contact.agency == "other" else "",
            contact_name=contact.contact_name.strip(),
            contact_role=contact.contact_role.strip(),
            phone=contact.phone.strip(),
            email=contact.email.strip(),
            since=contact.since,
            recorded_at=now,
            recorded_by=audit.user_or_none(actor),
        )
        audit.record(
            "case.agency_added",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=row,
            pupil_id=case.pupil_id,
            case_id=case.pk,
            agency=row.agency,
            safeguarding=row.safeguarding,
        )
        return row


def change_stage(
    *,
    actor=None,
    actor_label: str = "",
    case: Case,
    stage: str,
    stages: list[str],
    reason: str,
) -> Case:
    """Move an open case to another of the policy's stages by hand (S002-6), with a reason.
    `stages` are the active policy's stage names (queries.stage_names). The audit row
    (case.stage_changed: old, new, reason) is what the timeline shows."""
    with transaction.atomic(durable=True):
        case = Case.objects.select_for_update(of=("self",)).select_related("school").get(pk=case.pk)
        old = case.stage
        rules.check_stage_change(
            is_open=case.status == CaseStatus.OPEN,
            old=old,
            new=stage,
            stages=stages,
            reason=reason,
        )
        case.stage = stage
        case.save(update_fields=["stage"])
        audit.record(
            "case.stage_changed",
            actor=actor,
            actor_label=actor_label,
            school=case.school,
            obj=case,
            pupil_id=case.pupil_id,
            reason=reason.strip(),
            old=old,
            new=stage,
            manual=True,
        )
        return case

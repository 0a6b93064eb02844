"""Writes for concerns raised by staff (S000-51, S002-120), safeguarding concerns (S002-31,
S003-8) and pupils leaving school without permission (S002-118). Each makes a task for whoever
must act and writes one AuditEvent; the audit row never holds what was noticed.

A safeguarding concern or a pupil leaving the site is an immediate task for the DSL: due the
day it is recorded, assigned to the DSL role (my caseload lists it under "due today").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from rollbook.casework import rules
from rollbook.casework.models import Case, CaseStatus, CaseTask, Concern, ConcernKind, TaskKind
from rollbook.core import audit
from rollbook.core.models import Role
from rollbook.pupils.models import Pupil


@dataclass(frozen=True)
class Raised:
    concern: Concern
    task: CaseTask


def _who(actor, actor_label: str) -> str:
    return actor_label or (actor.get_username() if actor is not None else "staff")


def _open_case(pupil: Pupil) -> Case | None:
    return Case.objects.select_related("owner").filter(pupil=pupil, status=CaseStatus.OPEN).first()


def _record(
    *,
    actor,
    actor_label: str,
    pupil: Pupil,
    case: Case | None,
    kind: str,
    text: str,
    occurred_at: datetime,
    now: datetime,
    task_kind: str,
    title: str,
    assigned_to=None,
    assigned_role: str = "",
    safeguarding: bool = False,
) -> Raised:
    """The concern, its task and the audit row (inside the caller's transaction)."""
    task = CaseTask.objects.create(
        school=pupil.school,
        case=case,
        pupil=pupil,
        kind=task_kind,
        title=title,
        due_on=timezone.localtime(now).date(),
        assigned_to=assigned_to,
        assigned_role="" if assigned_to else assigned_role,
        created_at=now,
        created_by=audit.user_or_none(actor),
        safeguarding=safeguarding,
    )
    concern = Concern.objects.create(
        school=pupil.school,
        pupil=pupil,
        case=case,
        kind=kind,
        text=text.strip(),
        occurred_at=occurred_at,
        raised_at=now,
        raised_by=audit.user_or_none(actor),
        task=task,
        safeguarding=safeguarding,
    )
    audit.record(
        "concern.raised" if kind == ConcernKind.CONCERN else f"concern.{kind}",
        actor=actor,
        actor_label=actor_label,
        school=pupil.school,
        obj=concern,
        pupil_id=pupil.pk,
        case_id=case.pk if case else None,
        task_id=task.pk,
        assigned_to=assigned_to.get_username() if assigned_to else "",
        assigned_role=task.assigned_role,
        safeguarding=safeguarding,
        occurred_at=occurred_at.isoformat(),
    )
    return Raised(concern, task)


def raise_concern(
    *,
    actor,
    actor_label: str = "",
    pupil: Pupil,
    text: str,
    safeguarding: bool = False,
    now: datetime | None = None,
) -> Raised:
    """A member of staff's concern. An attendance concern is a task due today for the case
    owner, or the attendance lead when there is no open case or owner (S000-51); a
    safeguarding concern is an immediate task for the DSL, seen by nobody else (S002-31)."""
    rules.check_concern(text=text)
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        case = _open_case(pupil)
        who = _who(actor, actor_label)
        if safeguarding:
            return safeguarding_concern(
                actor=actor, actor_label=actor_label, pupil=pupil, case=case, text=text, now=now
            )
        owner = case.owner if case else None
        return _record(
            actor=actor,
            actor_label=actor_label,
            pupil=pupil,
            case=case,
            kind=ConcernKind.CONCERN,
            text=text,
            occurred_at=now,
            now=now,
            task_kind=TaskKind.CONCERN,
            title=f"Concern raised by {who}: follow it up",
            assigned_to=owner,
            assigned_role=Role.ATTENDANCE_LEAD,
        )


def safeguarding_concern(
    *, actor, actor_label: str = "", pupil: Pupil, case: Case | None, text: str, now: datetime
) -> Raised:
    """An immediate DSL task for a safeguarding concern, inside the caller's transaction (a
    concern form, or a task's outcome marked as a safeguarding concern)."""
    rules.check_concern(text=text)
    return _record(
        actor=actor,
        actor_label=actor_label,
        pupil=pupil,
        case=case,
        kind=ConcernKind.SAFEGUARDING,
        text=text,
        occurred_at=now,
        now=now,
        task_kind=TaskKind.SAFEGUARDING,
        title=f"Safeguarding concern from {_who(actor, actor_label)}: act now",
        assigned_role=Role.DSL,
        safeguarding=True,
    )


def record_left_site(
    *,
    actor,
    actor_label: str = "",
    pupil: Pupil,
    left_at: datetime,
    text: str = "",
    now: datetime | None = None,
) -> Raised:
    """A pupil left school without permission (S002-118): an incident on the pupil's record at
    the time they left, and an immediate task for the DSL."""
    now = now or timezone.now()
    rules.check_left_site(left_at=left_at, now=now, text=text)
    with transaction.atomic(durable=True):
        at = timezone.localtime(left_at)
        return _record(
            actor=actor,
            actor_label=actor_label,
            pupil=pupil,
            case=_open_case(pupil),
            kind=ConcernKind.LEFT_SITE,
            text=text or f"Left the school site without permission at {at:%H:%M}.",
            occurred_at=left_at,
            now=now,
            task_kind=TaskKind.LEFT_SITE,
            title=f"Left school without permission at {at:%H:%M} on {at:%-d %b}: act now",
            assigned_role=Role.DSL,
        )

"""The office's follow-up writes: contact attempts, the reason for an absence, register chases.

Each action is atomic and writes one AuditEvent (recording a reason writes one per mark,
through `registers.actions.change_mark`, which keeps the revision history).

`chase_register` writes a `registers.RegisterChase`. It lives here, with the rest of the
office's follow-up, because the registers app's action modules belong to the register work;
it can move to `registers.register_actions` without changing its signature.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from rollbook.absences.models import ContactAttempt, ContactMethod, ContactOutcome
from rollbook.core import audit
from rollbook.core.audit import user_or_none
from rollbook.core.calendar import Session
from rollbook.pupils.models import Contact, Pupil, RegistrationGroup
from rollbook.registers.actions import MarkError, change_mark
from rollbook.registers.models import Mark, Register, RegisterChase
from rollbook.registers.register_actions import Entry, check_entry


class FollowUpError(ValueError):
    """A follow-up the office asked for that cannot be recorded; the message says why."""


@transaction.atomic
def log_contact_attempt(
    *,
    actor,
    pupil: Pupil,
    method: str,
    outcome: str,
    contact: Contact | None = None,
    note: str = "",
    at: datetime | None = None,
) -> ContactAttempt:
    """Record one call, text, email or home visit about a pupil's absence, and what came of it."""
    if method not in ContactMethod.values:
        raise FollowUpError(f"{method!r} is not a way of contacting a family")
    if outcome not in ContactOutcome.values:
        raise FollowUpError(f"{outcome!r} is not an outcome")
    if outcome == ContactOutcome.CHILD_SEEN and method != ContactMethod.HOME_VISIT:
        raise FollowUpError("the outcome “child seen” is only for a home visit")
    if ContactOutcome.OTHER in (method, outcome) and not note.strip():
        raise FollowUpError("add a note saying what happened")
    if contact is not None and not contact.pupil_links.filter(pupil=pupil).exists():
        raise FollowUpError(f"{contact} is not a contact of {pupil.display_name}")
    attempt = ContactAttempt.objects.create(
        pupil=pupil,
        contact=contact,
        at=at or timezone.now(),
        by=user_or_none(actor),
        method=method,
        outcome=outcome,
        note=note.strip(),
    )
    audit.record(
        "absence.contact_attempt",
        actor=actor,
        school=pupil.school,
        obj=attempt,
        pupil_id=pupil.pk,
        method=method,
        outcome=outcome,
        contact_id=contact.pk if contact else None,
    )
    return attempt


@transaction.atomic
def record_absence_reason(
    *, actor, marks: list[tuple[Mark, int]], code: str, reason: str
) -> list[Mark]:
    """Replace `N` with the code for the reason found, on each (mark, version the person saw).

    All or nothing: if any mark changed since the page was opened, none is changed.
    """
    if not marks:
        raise FollowUpError("choose the morning, the afternoon or both")
    if code == "N":
        raise FollowUpError("choose the code for the reason (N means the reason is not known)")
    if not reason.strip():
        raise FollowUpError("say what the reason is and who gave it (e.g. “Mum phoned: sickness”)")
    for mark, _ in marks:  # the code table's rules: valid that day, X and C2 by age
        if problem := check_entry(Entry(mark.pupil_id, code), mark.pupil, mark.date, office=True):
            raise FollowUpError(problem)
    try:
        return [
            change_mark(actor=actor, mark=mark, code=code, reason=reason, expected_version=seen)
            for mark, seen in marks
        ]
    except MarkError as e:
        raise FollowUpError(str(e)) from e


@transaction.atomic
def chase_register(
    *,
    actor,
    group: RegistrationGroup,
    day: date,
    session: Session,
    now: datetime | None = None,
) -> RegisterChase:
    """The office chased a class's missing register (one row per click, so repeats show)."""
    if Register.objects.filter(registration_group=group, date=day, session=session).exists():
        raise FollowUpError(f"the {session} register for {group.name} has already been taken")
    chase = RegisterChase.objects.create(
        registration_group=group,
        date=day,
        session=session,
        chased_by=user_or_none(actor),
        chased_at=now or timezone.now(),
    )
    audit.record(
        "register.chased",
        actor=actor,
        school=group.school,
        obj=chase,
        group=group.name,
        date=day.isoformat(),
        session=str(session),
    )
    return chase

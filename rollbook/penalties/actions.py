"""Writes for penalty notices: atomic, each step a `PenaltyStep` and an `AuditEvent`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.db import transaction
from django.utils import timezone

from rollbook.casework.queries import open_case_for
from rollbook.core import audit
from rollbook.core.access import roles_at
from rollbook.core.audit import user_or_none
from rollbook.core.models import Role
from rollbook.penalties import queries, rules
from rollbook.penalties.models import PenaltyNotice, PenaltyStep
from rollbook.penalties.rules import PenaltyError, Status, WarningKind
from rollbook.policy.actions import decide_alert
from rollbook.policy.models import Alert, AlertStatus
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Contact, Pupil, PupilContact

# The three choices the attendance lead makes on an alert (issue #6).
DECISIONS = {
    WarningKind.WARNING_LETTER.value: Status.WARNED,
    WarningKind.NOTICE_TO_IMPROVE.value: Status.WARNED,
    "request": Status.REQUESTED,
    "not_pursued": Status.NOT_PURSUED,
}


def _label(actor, actor_label: str) -> str:
    if actor_label:
        return actor_label
    return actor.get_username() if getattr(actor, "is_authenticated", False) else ""


def _not_future(on: date, what: str) -> None:
    if on > timezone.localdate():
        raise PenaltyError(f"The {what} date cannot be in the future.")


def _check_parent(pupil: Pupil, parent: Contact) -> None:
    """One notice per parent: a contact of this child with parental responsibility."""
    if not PupilContact.objects.filter(
        pupil=pupil, contact=parent, parental_responsibility=True
    ).exists():
        raise PenaltyError(f"{parent} is not a parent with parental responsibility for this child.")


def check_sign_off(actor, school) -> str | None:
    """Refuse a request to the LA from someone the policy does not let sign it off; returns
    the sign-off role (None: no gate). A job or the command line (no user) is not gated."""
    policy, _ = active_policy(school)
    role = policy.statutory.pn_signoff_role
    if role is None or not getattr(actor, "is_authenticated", False):
        return role
    if not rules.may_sign_off(roles_at(actor, school), role):
        raise PenaltyError(
            f"Only the {Role(role).label.lower()} (or the head teacher) can sign off a request "
            "to the local authority: the school's policy says so. Record the warning or leave "
            "the notice considered for them."
        )
    return role


def _step(notice: PenaltyNotice, status: str, on: date, note: str, actor, actor_label: str):
    PenaltyStep.objects.create(
        notice=notice,
        status=status,
        on=on,
        note=note,
        at=timezone.now(),
        by=user_or_none(actor),
        by_label=_label(actor, actor_label),
    )


@transaction.atomic
def consider(
    *,
    actor=None,
    actor_label: str = "",
    pupil: Pupil,
    parent: Contact,
    first_date: date,
    last_date: date,
    sessions: Iterable[str],
    on: date,
    alert: Alert | None = None,
    note: str = "",
) -> PenaltyNotice:
    """Start a notice for one parent: considered, not yet decided (a notice is never automatic)."""
    sessions = list(sessions)
    if not sessions:
        raise PenaltyError("There are no sessions of unauthorised absence to count.")
    if first_date > last_date:
        raise PenaltyError("The offence period must start on or before its last day.")
    if alert is not None and alert.pupil_id != pupil.pk:
        raise PenaltyError("That alert is about another pupil.")
    _not_future(on, "decision")
    _check_parent(pupil, parent)
    case = open_case_for(pupil)
    notice = PenaltyNotice.objects.create(
        school=pupil.school,
        pupil=pupil,
        parent=parent,
        case=case,
        alert=alert,
        first_date=first_date,
        last_date=last_date,
        sessions_counted=len(sessions),
        sessions=sessions,
        status=Status.CONSIDERED,
        considered_on=on,
        created_at=timezone.now(),
        created_by=user_or_none(actor),
    )
    _step(notice, Status.CONSIDERED, on, note, actor, actor_label)
    audit.record(
        "penalty_notice.considered",
        actor=actor,
        actor_label=actor_label,
        school=pupil.school,
        obj=notice,
        pupil_id=pupil.pk,
        reason=note,
        parent_id=parent.pk,
        alert_id=alert.pk if alert else None,
        first_date=first_date.isoformat(),
        last_date=last_date.isoformat(),
        sessions=len(sessions),
    )
    return notice


@transaction.atomic
def advance(
    *,
    actor=None,
    actor_label: str = "",
    notice: PenaltyNotice,
    to: str,
    on: date,
    reason: str = "",
    warning_kind: str = "",
    improve_by: date | None = None,
    la_reference: str = "",
    received_on: date | None = None,
    override_reason: str = "",
) -> PenaltyNotice:
    """Move a notice one step on. `on` is the date the step happened (the warning sent, the
    request made, the notice issued or paid, ...); the caps are checked at the request and
    again at issue, when the rate is fixed."""
    notice = PenaltyNotice.objects.select_for_update().get(pk=notice.pk)
    old = notice.status
    rules.check_transition(old, to, reason=reason)
    _not_future(on, "step's")
    to = Status(to)
    data: dict = {}
    if to is Status.WARNED:
        if warning_kind not in WarningKind:
            raise PenaltyError("Choose a warning letter or a notice to improve.")
        if improve_by is not None and improve_by <= on:
            raise PenaltyError("The improvement period must end after the notice is sent.")
        notice.warning_kind, notice.warned_on, notice.improve_by = warning_kind, on, improve_by
        data = {"warning_kind": warning_kind, "improve_by": improve_by and improve_by.isoformat()}
    elif to is Status.REQUESTED:
        signoff_role = check_sign_off(actor, notice.school)
        gate = queries.earlier_stages_for(notice, override_reason=override_reason)
        if not gate.allowed:
            raise PenaltyError(gate.message)
        check = queries.cap_for(notice)
        if not check.allowed:
            raise PenaltyError(check.message)
        if gate.overridden:  # S002-8: a request before the earlier stages, with the reason
            audit.record(
                "penalty_notice.earlier_stages_overridden",
                actor=actor,
                actor_label=actor_label,
                school=notice.school,
                obj=notice,
                pupil_id=notice.pupil_id,
                reason=override_reason.strip(),
                missing=[step.label for step in gate.missing],
            )
        notice.requested_on, notice.la_reference = on, la_reference or notice.la_reference
        data = {
            "expected_rate": check.rate.value,
            "counted": [d.isoformat() for d in check.counted],
            # The audit row's actor is the approver; the role says why they could sign off.
            "signoff_role": signoff_role,
        }
    elif to is Status.ISSUED:
        if on < notice.last_date:
            raise PenaltyError("A notice cannot be issued before the offence it is for.")
        if notice.requested_on and on < notice.requested_on:
            raise PenaltyError("A notice cannot be issued before it was requested.")
        received_on = received_on or on
        if received_on < on:
            raise PenaltyError("A notice cannot be received before it was issued.")
        # Checked again now: another notice may have been issued since the request.
        check = queries.cap_for(notice, pending=False)
        if not check.allowed:
            raise PenaltyError(check.message)
        notice.issued_on, notice.received_on, notice.rate = on, received_on, check.rate.value
        notice.la_reference = la_reference or notice.la_reference
        data = {
            "rate": check.rate.value,
            "received_on": received_on.isoformat(),
            "counted": [d.isoformat() for d in check.counted],
        }
    elif to is Status.PAID:
        amount = rules.amount_due(notice.rate, notice.received_on, on)
        if amount is None:
            last_day = rules.deadlines(notice.rate, notice.received_on)[-1][0]
            raise PenaltyError(
                f"The 28 days to pay ended on {last_day:%-d %b %Y}: record a prosecution or "
                "a withdrawal instead."
            )
        notice.paid_on, notice.amount_paid = on, amount
        data = {"amount": amount}
    else:  # withdrawn, prosecution, not pursued: the end of the road
        notice.ended_on, notice.end_reason = on, reason
    notice.status = to
    notice.save()
    _step(notice, to, on, reason, actor, actor_label)
    audit.record(
        f"penalty_notice.{to.value}",
        actor=actor,
        actor_label=actor_label,
        school=notice.school,
        obj=notice,
        pupil_id=notice.pupil_id,
        reason=reason,
        old=old,
        new=to.value,
        on=on.isoformat(),
        **data,
    )
    return notice


@transaction.atomic
def decide(
    *,
    actor=None,
    actor_label: str = "",
    alert: Alert,
    parents: Iterable[Contact],
    choice: str,
    on: date,
    reason: str = "",
    improve_by: date | None = None,
    override_reason: str = "",
) -> list[PenaltyNotice]:
    """The attendance lead's decision on an alert: a notice per parent, considered and moved
    to warned / requested / not pursued; the alert is then done."""
    parents = list(parents)
    if choice not in DECISIONS:
        raise PenaltyError("Choose what to do.")
    if not parents:
        raise PenaltyError("Choose the parent or parents the decision is about.")
    if alert.penalty_notices.exists():
        raise PenaltyError("This alert has already been decided.")
    to = DECISIONS[choice]
    if to in rules.REASON_REQUIRED and not reason.strip():
        raise PenaltyError("Give the reason the penalty notice is not pursued.")
    unauthorised = (
        []
        if alert.evidence
        else queries.sessions_between(
            alert.pupil, date(alert.academic_year, 8, 1), alert.met_on or alert.raised_on
        )
    )
    first, last, sessions = queries.offence_of(alert, unauthorised)
    notices = []
    for parent in parents:
        notice = consider(
            actor=actor,
            actor_label=actor_label,
            pupil=alert.pupil,
            parent=parent,
            first_date=first,
            last_date=last,
            sessions=sessions,
            on=on,
            alert=alert,
            note=f"From the alert: {alert.kind_label}",
        )
        notices.append(
            advance(
                actor=actor,
                actor_label=actor_label,
                notice=notice,
                to=to,
                on=on,
                reason=reason,
                warning_kind=choice if to is Status.WARNED else "",
                improve_by=improve_by,
                override_reason=override_reason,
            )
        )
    if alert.status != AlertStatus.DONE:
        decide_alert(
            actor=actor,
            alert=alert,
            status=AlertStatus.DONE,
            reason=f"Penalty notice decision: {rules.LABELS[to].lower()}"
            + (f" ({reason})" if reason.strip() else ""),
        )
    return notices

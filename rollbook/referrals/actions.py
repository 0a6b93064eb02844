"""Writes for referrals: atomic, each writing an `AuditEvent`."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.access import roles_at
from rollbook.core.audit import user_or_none
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Pupil
from rollbook.referrals import rules
from rollbook.referrals.models import Referral


def _audit(kind: str, referral: Referral, actor, actor_label: str, reason: str, **data):
    """Social-care referrals are audited without the pupil id and without their text: the
    casework timeline shows audit rows about a pupil to every case reader, and the DSL's
    information must not reach them that way. The row still names the referral."""
    safeguarding = referral.safeguarding
    audit.record(
        kind,
        actor=actor,
        actor_label=actor_label,
        school=referral.school,
        obj=referral,
        pupil_id=None if safeguarding else referral.pupil_id,
        reason="" if safeguarding else reason,
        referral_kind=referral.kind,
        **data,
    )


@transaction.atomic
def record_referral(
    *,
    actor=None,
    actor_label: str = "",
    pupil: Pupil,
    kind: str,
    made_on: date,
    reason: str,
    agency_reference: str = "",
    safeguarding: bool,
) -> Referral:
    """`safeguarding`: whether the user may read safeguarding information (the DSL)."""
    rules.check_record(
        kind=kind,
        reason=reason,
        made_on=made_on,
        today=timezone.localdate(),
        safeguarding=safeguarding,
    )
    signoff_role = active_policy(pupil.school)[0].statutory.referral_signoff_role
    status = (
        rules.first_status(kind, roles_at(actor, pupil.school), signoff_role)
        if getattr(actor, "is_authenticated", False)
        else rules.OPEN  # a job or the command line: nobody to wait for
    )
    referral = Referral.objects.create(
        school=pupil.school,
        pupil=pupil,
        kind=kind,
        made_on=made_on,
        made_by=user_or_none(actor),
        made_by_label=actor_label
        or (actor.get_username() if getattr(actor, "is_authenticated", False) else ""),
        reason=reason,
        agency_reference=agency_reference,
        status=status,
        created_at=timezone.now(),
    )
    _audit(
        "referral.made",
        referral,
        actor,
        actor_label,
        reason,
        made_on=made_on.isoformat(),
        agency_reference=agency_reference,
        status=status,
    )
    return referral


@transaction.atomic
def sign_off_referral(*, actor, referral: Referral) -> Referral:
    """The policy's sign-off role approves a drafted referral: it is sent today (S000-28)."""
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    signoff_role = active_policy(referral.school)[0].statutory.referral_signoff_role
    rules.check_sign_off(
        status=referral.status,
        roles=roles_at(actor, referral.school),
        signoff_role=signoff_role,
    )
    drafted_on = referral.made_on
    referral.status, referral.made_on = rules.OPEN, timezone.localdate()
    referral.signed_off_by, referral.signed_off_at = user_or_none(actor), timezone.now()
    referral.save(update_fields=["status", "made_on", "signed_off_by", "signed_off_at"])
    _audit(
        "referral.signed_off",
        referral,
        actor,
        "",
        "",
        drafted_on=drafted_on.isoformat(),
        signoff_role=signoff_role,
    )
    return referral


@transaction.atomic
def close_referral(
    *, actor=None, actor_label: str = "", referral: Referral, outcome: str, outcome_on: date
) -> Referral:
    referral = Referral.objects.select_for_update().get(pk=referral.pk)
    rules.check_close(
        status=referral.status,
        outcome=outcome,
        outcome_on=outcome_on,
        made_on=referral.made_on,
        today=timezone.localdate(),
    )
    referral.status, referral.outcome, referral.outcome_on = rules.CLOSED, outcome, outcome_on
    referral.closed_by = user_or_none(actor)
    referral.save(update_fields=["status", "outcome", "outcome_on", "closed_by"])
    _audit(
        "referral.closed",
        referral,
        actor,
        actor_label,
        outcome,
        outcome_on=outcome_on.isoformat(),
    )
    return referral

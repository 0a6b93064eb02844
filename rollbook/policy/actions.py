"""Writes for policies, alerts and stage actions: atomic and audited."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.calendar import academic_year_of
from rollbook.core.models import School
from rollbook.policy import published
from rollbook.policy.models import (
    ActionStatus,
    Alert,
    AlertStatus,
    PolicyAction,
    PolicyReadConfirmation,
    PublishedPolicyPdf,
    SchoolPolicy,
    TierChange,
)
from rollbook.policy.schema import NATIONAL, PRESETS, parse_policy
from rollbook.policy.tiers import TierError, check_move, describe, tier_order


class AlertError(ValueError):
    pass


@transaction.atomic
def adopt_policy(
    *, actor=None, actor_label: str = "", school: School, text: str, source: str
) -> SchoolPolicy:
    """Validate a policy (raises PolicyError naming key and line) and make it the active version."""
    policy = parse_policy(text, source)
    version = (school.policies.aggregate(v=Max("version"))["v"] or 0) + 1
    school.policies.filter(active=True).update(active=False)
    record = SchoolPolicy.objects.create(
        school=school,
        version=version,
        name=policy.name,
        preset=policy.preset or "",
        text=text,
        active=True,
        loaded_at=timezone.now(),
        loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        loaded_by_label=actor_label,
    )
    school.am_register_opens = policy.register.am_opens
    school.pm_register_opens = policy.register.pm_opens
    school.register_minutes_open = policy.register.minutes_open
    school.chase_after_minutes = policy.register.chase_after_minutes
    school.save(
        update_fields=[
            "am_register_opens",
            "pm_register_opens",
            "register_minutes_open",
            "chase_after_minutes",
        ]
    )
    audit.record(
        "policy.adopted",
        actor=actor,
        actor_label=actor_label,
        school=school,
        obj=record,
        version=version,
        source=source,
    )
    transaction.on_commit(lambda: enqueue_published_pdf(record.pk))  # S001-6
    return record


def enqueue_published_pdf(policy_id: int) -> None:
    from rollbook.policy.tasks import render_published_policy  # tasks import actions

    render_published_policy.enqueue(policy_id)


def render_published_pdf(*, record: SchoolPolicy, now=None) -> bool:
    """Store the published policy's PDF for this version, once (S001-6). A derived file, not
    a decision: no audit row. False when it was already there."""
    if PublishedPolicyPdf.objects.filter(policy=record).exists():
        return False
    doc = published.build(
        record.policy,
        school_name=record.school.name,
        version=record.version,
        adopted_on=timezone.localdate(record.loaded_at),
    )
    data = published.render_pdf(doc)
    try:
        with transaction.atomic():
            PublishedPolicyPdf.objects.create(
                policy=record, pdf=data, rendered_at=now or timezone.now()
            )
    except IntegrityError:
        return False  # another worker stored it first
    return True


def adopt_preset(*, actor=None, actor_label: str = "", school: School, preset: str) -> SchoolPolicy:
    path = PRESETS / f"{preset}.toml"
    if not path.exists():
        names = ", ".join(sorted(p.stem for p in PRESETS.glob("*.toml")))
        raise AlertError(f"no preset {preset!r}; choose from {names}")
    return adopt_policy(
        actor=actor,
        actor_label=actor_label,
        school=school,
        text=path.read_text(encoding="utf-8"),
        source=f"preset {preset}",
    )


@transaction.atomic
def decide_alert(
    *, actor, alert: Alert, status: str, reason: str, defer_until: date | None = None
) -> Alert:
    """Dismiss, defer or close an alert. A reason is always required (e.g. a known bereavement)."""
    if status not in (
        AlertStatus.DISMISSED,
        AlertStatus.DEFERRED,
        AlertStatus.DONE,
        AlertStatus.OPEN,
    ):
        raise AlertError(f"unknown status {status!r}")
    if not reason.strip():
        raise AlertError("give a reason (it is kept in the audit log)")
    if status == AlertStatus.DEFERRED and defer_until is None:
        raise AlertError("choose the date to look at this again")
    old = alert.status
    alert.status, alert.decision_reason, alert.defer_until = status, reason, defer_until
    alert.decided_by, alert.decided_at = actor, timezone.now()
    alert.save(
        update_fields=["status", "decision_reason", "defer_until", "decided_by", "decided_at"]
    )
    audit.record(
        "alert.decided",
        actor=actor,
        school=alert.school,
        obj=alert,
        pupil_id=alert.pupil_id,
        reason=reason,
        old=old,
        new=status,
        defer_until=defer_until.isoformat() if defer_until else None,
    )
    return alert


@transaction.atomic
def complete_action(*, actor, action: PolicyAction, note: str = "") -> PolicyAction:
    """Mark a stage's action done (a call made, a letter sent). For a letter, the time it is
    marked done is the date the warning was sent, which later stages may depend on."""
    updated = PolicyAction.objects.filter(pk=action.pk, status=ActionStatus.OPEN).update(
        status=ActionStatus.DONE, done_by=actor, done_at=timezone.now()
    )
    if updated != 1:
        raise AlertError("this action is no longer open")
    action.refresh_from_db()
    audit.record(
        "policy_action.done",
        actor=actor,
        school=action.school,
        obj=action,
        pupil_id=action.pupil_id,
        reason=note,
        action_kind=action.kind,
        text=action.text,
    )
    return action


def confirm_policy_read(*, actor, school: School) -> PolicyReadConfirmation:
    """S001-4: the signed-in member of staff confirms they have read the policy version in
    force. Once per person per version; a new version needs a new confirmation."""
    with transaction.atomic(durable=True):
        record = SchoolPolicy.objects.filter(school=school, active=True).first()
        if record is None:
            raise AlertError(
                "The school has not adopted a policy yet: there is no version to confirm."
            )
        try:
            with transaction.atomic():
                confirmation = PolicyReadConfirmation.objects.create(
                    school=school, policy=record, user=actor, confirmed_at=timezone.now()
                )
        except IntegrityError:
            raise AlertError(
                f"You have already confirmed reading version {record.version}."
            ) from None
        audit.record(
            "policy.read_confirmed",
            actor=actor,
            school=school,
            obj=confirmation,
            version=record.version,
        )
        return confirmation


def move_tier(*, actor, pupil, to_tier: str, reason: str, on: date) -> TierChange:
    """S001-49: a person moves a pupil up or down the policy's support tiers, with the reason.
    The move is kept (nothing is overwritten), and monitoring will not undo it."""
    if not getattr(actor, "is_authenticated", False):
        raise TierError("A tier move is made by a signed-in member of staff.")
    policy = active_record_policy(pupil.school)
    order = tier_order(policy.stages)
    if not order:
        raise TierError("The school's policy has no support tiers.")
    year = academic_year_of(on)
    with transaction.atomic(durable=True):
        latest = (
            TierChange.objects.select_for_update()
            .filter(pupil=pupil, academic_year=year)
            .order_by("-at", "-id")
            .first()
        )
        current = latest.to_tier if latest else None
        direction = check_move(order, current, to_tier, reason)
        change = TierChange.objects.create(
            school=pupil.school,
            pupil=pupil,
            academic_year=year,
            from_tier=current or "",
            to_tier=to_tier,
            direction=direction,
            reason=reason.strip(),
            on=on,
            at=timezone.now(),
            by=actor,
            by_label=actor.get_username(),
        )
        audit.record(
            "tier.changed",
            actor=actor,
            school=pupil.school,
            obj=change,
            pupil_id=pupil.pk,
            reason=describe(direction, current, to_tier, change.reason),
            old=current or "",
            new=to_tier,
            direction=direction,
        )
        return change


def active_record_policy(school: School):
    record = SchoolPolicy.objects.filter(school=school, active=True).first()
    return record.policy if record else NATIONAL

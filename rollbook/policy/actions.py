"""Writes for policies, alerts and stage actions: atomic and audited."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.models import School
from rollbook.policy.models import ActionStatus, Alert, AlertStatus, PolicyAction, SchoolPolicy
from rollbook.policy.schema import PRESETS, parse_policy


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
    return record


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

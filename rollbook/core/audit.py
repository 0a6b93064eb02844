"""The one way to write an AuditEvent (called from actions, inside their transaction)."""

from __future__ import annotations

from typing import Any

from rollbook.core.models import AuditEvent, School


def user_or_none(actor):
    """The user to store on a row: None for the command line, a job or an anonymous caller."""
    return actor if getattr(actor, "is_authenticated", False) else None


def record(
    kind: str,
    *,
    actor=None,
    actor_label: str = "",
    school: School | None = None,
    obj: Any = None,
    pupil_id: int | None = None,
    reason: str = "",
    **data: Any,
) -> AuditEvent:
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        actor_label=actor_label
        or (actor.get_username() if getattr(actor, "is_authenticated", False) else ""),
        school=school,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        pupil_id=pupil_id,
        reason=reason,
        data=data,
    )

"""Timeline events from this app (see rollbook.casework.queries.TIMELINE_SOURCES)."""

from __future__ import annotations

from collections.abc import Iterator

from django.utils import timezone

from rollbook.penalties.models import PenaltyStep
from rollbook.penalties.rules import LABELS, Status, WarningKind

_WARNINGS = {
    WarningKind.WARNING_LETTER: "warning letter sent",
    WarningKind.NOTICE_TO_IMPROVE: "notice to improve sent",
}


def _detail(step: PenaltyStep) -> str:
    notice = step.notice
    parts = [f"Parent: {notice.parent}"]
    if step.status == Status.CONSIDERED:
        parts.append(
            f"{notice.sessions_counted} sessions of unauthorised absence, "
            f"{notice.first_date:%-d %b} to {notice.last_date:%-d %b %Y}"
        )
    elif step.status == Status.WARNED and notice.improve_by:
        parts.append(f"improvement expected by {notice.improve_by:%-d %b %Y}")
    elif step.status == Status.ISSUED and notice.rate:
        parts.append(f"{notice.get_rate_display().lower()}")
    elif step.status == Status.PAID and notice.amount_paid is not None:
        parts.append(f"£{notice.amount_paid}")
    if step.note:
        parts.append(step.note)
    return "; ".join(parts)


def events(school, pupil_ids: list[int], *, safeguarding: bool = False) -> Iterator[dict]:
    """Every step of every notice about these pupils, one query for them all."""
    steps = PenaltyStep.objects.filter(
        notice__school=school, notice__pupil_id__in=pupil_ids
    ).select_related("notice__parent")
    for step in steps:
        label = LABELS[Status(step.status)]
        title = label[0].lower() + label[1:]  # "requested from the LA"
        if step.status == Status.WARNED and step.notice.warning_kind:
            title = _WARNINGS[WarningKind(step.notice.warning_kind)]
        yield {
            # A step recorded later than it happened is shown on the day it happened.
            "at": step.at if timezone.localtime(step.at).date() == step.on else step.on,
            "kind": "penalty",
            "title": f"Penalty notice: {title}",
            "detail": _detail(step),
            "by": step.by_label,
            "pupil_id": step.notice.pupil_id,
        }

"""Timeline events from this app (see rollbook.casework.queries.TIMELINE_SOURCES): the barriers
and the outside agencies recorded on a pupil's cases, of kind "barrier". One query per record
type. Children's social care (rules.SAFEGUARDING_AGENCIES) is the DSL's: with
safeguarding=False it is not even fetched."""

from __future__ import annotations

from collections.abc import Iterator

from rollbook.casework import rules
from rollbook.casework.models import CaseAgency, CaseBarrier, Concern


def _name(user) -> str:
    return user.get_username() if user is not None else ""


def events(school, pupil_ids: list[int], *, safeguarding: bool = False) -> Iterator[dict]:
    barriers = CaseBarrier.objects.filter(school=school, pupil_id__in=pupil_ids).select_related(
        "recorded_by"
    )
    for b in barriers:
        yield {
            "at": b.recorded_at,
            "kind": "barrier",
            "title": f"Barrier recorded: {b.get_category_display()}",
            "detail": b.note,
            "by": _name(b.recorded_by),
            "pupil_id": b.pupil_id,
        }

    agencies = CaseAgency.objects.filter(school=school, pupil_id__in=pupil_ids).select_related(
        "recorded_by"
    )
    if not safeguarding:
        agencies = agencies.exclude(agency__in=rules.SAFEGUARDING_AGENCIES)
    for a in agencies:
        contact = ", ".join(p for p in (a.contact_name, a.contact_role, a.phone, a.email) if p)
        since = f" since {a.since:%-d %b %Y}" if a.since else ""
        yield {
            "at": a.recorded_at,
            "kind": "barrier",
            "title": f"Agency involved: {a.name}",
            "detail": f"{contact}{since}",
            "by": _name(a.recorded_by),
            "pupil_id": a.pupil_id,
            "safeguarding_note": a.safeguarding,
        }

    concerns = Concern.objects.filter(school=school, pupil_id__in=pupil_ids).select_related(
        "raised_by"
    )
    if not safeguarding:
        concerns = concerns.filter(safeguarding=False)
    for c in concerns:
        yield {
            "at": c.occurred_at,
            "kind": "concern",
            "title": c.get_kind_display(),
            "detail": c.text,
            "by": _name(c.raised_by),
            "pupil_id": c.pupil_id,
            "safeguarding_note": c.safeguarding,
        }

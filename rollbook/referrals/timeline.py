"""Timeline events from this app (see rollbook.casework.queries.TIMELINE_SOURCES)."""

from __future__ import annotations

from collections.abc import Iterator

from rollbook.referrals import rules
from rollbook.referrals.models import Referral


def events(school, pupil_ids: list[int], *, safeguarding: bool = False) -> Iterator[dict]:
    """Each referral made and closed, one query for all the pupils.

    Social-care referrals carry safeguarding_note=True, so the timeline shows them to the
    DSL only. With safeguarding=False (everyone else) they are not even fetched.
    """
    rows = Referral.objects.filter(school=school, pupil_id__in=pupil_ids).select_related(
        "made_by", "closed_by"
    )
    if not safeguarding:
        rows = rows.exclude(kind__in=rules.SAFEGUARDING_KINDS)
    for r in rows:
        ref = f" (reference {r.agency_reference})" if r.agency_reference else ""
        waiting = r.status == rules.AWAITING
        yield {
            "at": r.created_at if waiting else r.made_on,
            "kind": "referral",
            "title": f"Referral {'drafted, awaiting sign-off' if waiting else 'made'}: {r.kind_label}",
            "detail": f"{r.reason}{ref}",
            "by": r.made_by_label,
            "pupil_id": r.pupil_id,
            "safeguarding_note": r.safeguarding,
        }
        if r.status == rules.CLOSED:
            yield {
                "at": r.outcome_on,
                "kind": "referral",
                "title": f"Referral closed: {r.kind_label}",
                "detail": r.outcome,
                "by": r.closed_by.get_username() if r.closed_by else "",
                "pupil_id": r.pupil_id,
                "safeguarding_note": r.safeguarding,
            }

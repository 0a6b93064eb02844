"""Timeline events from this app (see rollbook.casework.queries.TIMELINE_SOURCES)."""

from __future__ import annotations

from collections.abc import Iterator

from rollbook.letters.models import Letter


def events(school, pupil_ids: list[int], *, safeguarding: bool = False) -> Iterator[dict]:
    """Each letter drafted, sent and withdrawn, for all the pupils in one query."""
    rows = (
        Letter.objects.filter(school=school, pupil_id__in=pupil_ids)
        .values(
            "id",
            "pupil_id",
            "subject",
            "stage_name",
            "created_at",
            "created_by_label",
            "sent_at",
            "sent_by__username",
            "withdrawn_at",
            "withdrawn_by__username",
            "withdrawn_reason",
        )
        .order_by("id")
    )
    for row in rows:
        detail = row["subject"]
        yield {
            "at": row["created_at"],
            "kind": "letter",
            "title": "Letter drafted",
            "detail": f"{detail} ({row['stage_name']})" if row["stage_name"] else detail,
            "by": row["created_by_label"],
            "pupil_id": row["pupil_id"],
            "safeguarding_note": False,
        }
        if row["sent_at"]:
            yield {
                "at": row["sent_at"],
                "kind": "letter",
                "title": "Letter sent",
                "detail": detail,
                "by": row["sent_by__username"] or "",
                "pupil_id": row["pupil_id"],
                "safeguarding_note": False,
            }
        if row["withdrawn_at"]:
            yield {
                "at": row["withdrawn_at"],
                "kind": "letter",
                "title": "Letter withdrawn",
                "detail": f"{detail}: {row['withdrawn_reason']}",
                "by": row["withdrawn_by__username"] or "",
                "pupil_id": row["pupil_id"],
                "safeguarding_note": False,
            }

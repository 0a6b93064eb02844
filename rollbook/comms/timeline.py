"""Timeline events from this app (see rollbook.casework.queries.TIMELINE_SOURCES): parents'
requests for help and concerns, and the school's replies."""

from __future__ import annotations

from collections.abc import Iterator

from rollbook.comms.models import ParentRequest


def events(school, pupil_ids: list[int], *, safeguarding: bool = False) -> Iterator[dict]:
    """Each request or concern and its reply, for all the pupils in one query."""
    rows = (
        ParentRequest.objects.filter(school=school, pupil_id__in=pupil_ids)
        .values(
            "pupil_id",
            "kind",
            "channel",
            "text",
            "received_at",
            "logged_by__username",
            "reply",
            "replied_at",
            "replied_by__username",
        )
        .order_by("id")
    )
    kinds = dict(ParentRequest._meta.get_field("kind").choices)
    channels = dict(ParentRequest._meta.get_field("channel").choices)
    for row in rows:
        title = "Parent asked for help" if row["kind"] == "help" else "Parent raised a concern"
        yield {
            "at": row["received_at"],
            "kind": "message",
            "title": f"{title} ({channels.get(row['channel'], row['channel']).lower()})",
            "detail": row["text"],
            "by": row["logged_by__username"] or "",
            "pupil_id": row["pupil_id"],
            "safeguarding_note": False,
        }
        if row["replied_at"]:
            yield {
                "at": row["replied_at"],
                "kind": "message",
                "title": f"School replied: {kinds.get(row['kind'], row['kind']).lower()}",
                "detail": row["reply"],
                "by": row["replied_by__username"] or "",
                "pupil_id": row["pupil_id"],
                "safeguarding_note": False,
            }

"""Reads about parents' absence reports that other apps need (comms' first-day contact)."""

from __future__ import annotations

from datetime import date

from rollbook.absences import rules
from rollbook.absences.models import AbsenceReport, ReportStatus

# Reports the office has not decided yet: the parent has told the school, so the school must
# not text them "your child is absent, please tell us why".
WAITING = (ReportStatus.PENDING, ReportStatus.QUERIED)


def pupils_reported_absent(school_id: int, day: date, session: str) -> set[int]:
    """Pupils with a report waiting for the office that covers this session (one query)."""
    rows = AbsenceReport.objects.filter(
        school_id=school_id, status__in=WAITING, first_date__lte=day, last_date__gte=day
    ).values_list("pupil_id", "first_date", "first_session", "last_date", "last_session")
    return {
        pupil_id
        for pupil_id, first, first_session, last, last_session in rows
        if rules.covers(
            first=first,
            first_session=first_session,
            last=last,
            last_session=last_session,
            day=day,
            session=session,
        )
    }

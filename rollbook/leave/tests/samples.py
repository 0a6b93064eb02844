"""Sample leave objects for the authorisation matrix's world (built through actions)."""

from __future__ import annotations

from datetime import date

from django.core.files.base import ContentFile

from rollbook.leave.actions import agree_part_time_timetable, create_leave_request
from rollbook.leave.models import LeaveRequest, PartTimeTimetable
from rollbook.pupils.actions import add_contact


def add_leave_samples(pupil) -> None:
    """A pending request (1-3 Dec 2026) and a part-time timetable (Monday afternoons)."""
    parent = add_contact(
        actor_label="matrix",
        school=pupil.school,
        pupils=[pupil],
        forename="Pat",
        surname="Parent",
        relationship="Mother",
    )
    create_leave_request(
        actor=None,
        school=pupil.school,
        pupils=[pupil],
        requested_by=parent,
        requested_on=date(2026, 11, 20),
        first_date=date(2026, 12, 1),
        last_date=date(2026, 12, 3),
        reason="exceptional",
        reason_text="A family funeral abroad",
        # Text bytes, so the matrix's leak check can read the download.
        evidence_file=ContentFile(b"%PDF-1.4\n% sample\n%%EOF\n", name="sample.pdf"),
        evidence_type="application/pdf",
    )
    agree_part_time_timetable(
        actor=None,
        school=pupil.school,
        pupil=pupil,
        start_date=date(2026, 11, 30),
        end_date=date(2026, 12, 11),
        sessions=["Mon PM"],
        reason="Phased return after illness",
        review_date=date(2026, 12, 7),
        agreed_with=parent,
        on=date(2026, 11, 20),
    )


def sample_leave_id(side) -> int:
    return LeaveRequest.objects.filter(school=side.school).earliest("pk").pk


def sample_timetable_id(side) -> int:
    return PartTimeTimetable.objects.filter(school=side.school).earliest("pk").pk

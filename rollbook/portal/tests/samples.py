"""Sample portal objects for the authorisation matrix's world (built through actions)."""

from __future__ import annotations

from datetime import date, datetime

from django.core.files.base import ContentFile

from rollbook.absences.actions import submit_absence_report
from rollbook.absences.models import AbsenceReport
from rollbook.portal.actions import create_account, link_contact

PARENT_EMAIL = "pat.parent@example.org"
# A tiny PDF: its bytes are text, so the matrix's leak check can read the download.
SAMPLE_PDF = b"%PDF-1.4\n% sample evidence\n%%EOF\n"


def add_portal_samples(own_pupil, other_pupil, *, today: date, now: datetime):
    """A parent account linked to the own pupil's parent (Pat, from the leave samples), and a
    pending report for tomorrow at each school. Returns the parent's user."""
    reports = []
    for pupil in (own_pupil, other_pupil):
        contact = pupil.contact_links.get(contact__forename="Pat").contact
        reports.append(
            submit_absence_report(
                actor=None,
                pupil=pupil,
                reported_by=contact,
                first_date=date.fromordinal(today.toordinal() + 1),
                last_date=date.fromordinal(today.toordinal() + 1),
                reason="medical",
                details="Dentist at 10:00",
                evidence=ContentFile(SAMPLE_PDF, name="sample.pdf"),
                evidence_type="application/pdf",
                today=today,
                now=now,
            )
        )
    account = create_account(email=PARENT_EMAIL, now=now)
    link_contact(account=account, contact=reports[0].reported_by, now=now)
    return account.user


def sample_report_id(side) -> int:
    return AbsenceReport.objects.filter(school=side.school).earliest("pk").pk

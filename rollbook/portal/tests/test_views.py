"""Portal pages: own children only, bands, reporting an absence with evidence, asking for leave."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rollbook.absences.models import AbsenceReport
from rollbook.comms.models import Message
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks
from rollbook.leave.actions import decide_leave_request
from rollbook.leave.models import LeaveRequest, Via
from rollbook.portal import rules
from rollbook.portal.tests.conftest import TODAY

PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
TOMORROW = date(2026, 11, 24)


@pytest.fixture
def parent(client, pw):
    client.force_login(pw.account.user)
    return client


def report_data(pw, **kw):
    return {
        "pupils": [pw.amy.pk],
        "first_date": "2026-11-24",
        "first_session": "AM",
        "last_date": "2026-11-24",
        "last_session": "PM",
        "reason": "medical",
        "details": "Dentist at 10:00",
    } | kw


# --- Scoping ----------------------------------------------------------------------------------


def test_a_parent_sees_their_own_children_and_no_one_else(
    parent, pw, django_assert_max_num_queries
):
    with django_assert_max_num_queries(12):
        home = parent.get(reverse("portal:home")).content.decode()

    assert "Amy Brook" in home and "Ben Brook" in home
    assert "Cara" not in home and "Child protection" not in home
    assert parent.get(reverse("portal:child", args=[pw.amy.pk])).status_code == 200
    assert parent.get(reverse("portal:child", args=[pw.cara.pk])).status_code == 404


def test_another_familys_report_and_request_are_404(parent, pw):
    from rollbook.portal.actions import create_account, link_contact, report_absence

    coles = create_account(email="carl@example.org", now=pw.account.created_at)
    link_contact(account=coles, contact=pw.cara.contact_links.get().contact, now=coles.created_at)
    [report] = report_absence(
        account=coles,
        pupils=[pw.cara],
        first_date=TODAY,
        last_date=TODAY,
        reason="illness",
        today=TODAY,
        now=coles.created_at,
    )

    assert parent.get(reverse("portal:report_detail", args=[report.pk])).status_code == 404
    assert parent.post(reverse("portal:report_reply", args=[report.pk])).status_code == 404


def test_staff_are_refused_and_visitors_sent_to_the_portal_sign_in(client, pw):
    assert client.get(reverse("portal:home"))["Location"].startswith(reverse("portal:sign_in"))
    client.force_login(pw.office)
    assert client.get(reverse("portal:home")).status_code == 403
    assert client.get(reverse("portal:child", args=[pw.amy.pk])).status_code == 403


def test_a_parent_is_refused_on_staff_pages(parent, pw):
    assert parent.get(reverse("register_list")).status_code == 403
    assert parent.get(reverse("pupils:detail", args=[pw.amy.pk])).status_code == 403
    assert parent.get(reverse("portal:inbox")).status_code == 403


# --- Figures ----------------------------------------------------------------------------------


def test_the_child_page_shows_the_figures_band_and_recent_absences(parent, pw):
    # 24 sessions: 22 present, 1 illness, 1 late after the register closed (U): 91.7 %.
    days = [date(2026, 11, d) for d in (9, 10, 11, 12, 13, 16, 17, 18, 19, 20, 2, 3)]
    marks = [(d, s, "/" if s == "AM" else "\\") for d in days for s in ("AM", "PM")]
    marks[0] = (days[0], "AM", "I")
    marks[2] = (days[1], "AM", "U")
    add_marks(pw.amy, marks)

    page = parent.get(reverse("portal:child", args=[pw.amy.pk])).content.decode()

    assert "91.7%" in page and "22 of 24" in page
    assert "govuk-tag--red" in page and "Below 92%: we will meet you" in page
    assert "What the colours mean" in page and "96% or more" in page
    assert "Monday 9 November, morning" in page and "Tuesday 10 November, morning" in page


def test_messages_show_only_those_sent_to_the_parent(parent, pw):
    from django.utils import timezone

    for contact, status in ((pw.mum, "sent"), (pw.mum, "queued")):
        Message.objects.create(
            school=pw.school,
            contact=contact,
            kind="first_day_absence",
            template_key="t",
            template_version=1,
            body=f"A {status} message",
            channel="sms",
            recipient="07700 900123",
            status=status,
            reason_key="k",
            dedupe_key=status,
            created_at=timezone.now(),
            sent_at=timezone.now(),
        )

    page = parent.get(reverse("portal:messages")).content.decode()

    assert "A sent message" in page and "A queued message" not in page


# --- Reporting an absence ---------------------------------------------------------------------


def test_reporting_an_absence_with_evidence_lands_in_the_inbox(parent, pw):
    evidence = SimpleUploadedFile("letter.exe", PDF, content_type="application/x-msdownload")

    response = parent.post(reverse("portal:report_absence"), report_data(pw, evidence=evidence))

    report = AbsenceReport.objects.get()
    assert response["Location"] == reverse("portal:report_detail", args=[report.pk])
    assert (report.pupil, report.reported_by, report.status) == (pw.amy, pw.mum, "pending")
    assert report.evidence_type == "application/pdf"  # sniffed, not the browser's claim
    assert report.evidence.name.startswith("evidence/absence-reports/")
    assert report.evidence.name.endswith(".pdf") and "letter" not in report.evidence.name
    assert report.evidence.read() == PDF
    assert AuditEvent.objects.filter(kind="absence_report.submitted", pupil_id=pw.amy.pk).exists()
    page = parent.get(response["Location"]).content.decode()
    assert "Absence reported" in page and "Waiting for the school" in page


def test_siblings_are_reported_together(parent, pw):
    parent.post(reverse("portal:report_absence"), report_data(pw, pupils=[pw.amy.pk, pw.ben.pk]))

    assert sorted(AbsenceReport.objects.values_list("pupil__legal_forename", flat=True)) == [
        "Amy",
        "Ben",
    ]


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("letter.pdf", b"<html><script>alert(1)</script>", "must be a photo"),
        ("photo.jpg", b"", "The selected file is empty"),
        ("big.pdf", b"%PDF-" + b"0" * rules.MAX_EVIDENCE_BYTES, "smaller than 5 MB"),
    ],
)
def test_unsafe_or_oversized_uploads_are_refused(parent, pw, name, content, error):
    upload = SimpleUploadedFile(name, content, content_type="application/pdf")

    response = parent.post(reverse("portal:report_absence"), report_data(pw, evidence=upload))

    assert response.status_code == 200 and error in response.content.decode()
    assert not AbsenceReport.objects.exists()


def test_a_report_for_another_familys_child_or_a_past_day_is_refused(parent, pw):
    other = parent.post(reverse("portal:report_absence"), report_data(pw, pupils=[pw.cara.pk]))
    past = parent.post(
        reverse("portal:report_absence"),
        report_data(pw, first_date="2026-11-20", last_date="2026-11-20"),
    )

    assert "Select a valid choice" in other.content.decode()
    assert "The first day must be today or in the future" in past.content.decode()
    assert not AbsenceReport.objects.exists()


def test_the_report_form_works_without_javascript(parent, pw):
    page = parent.get(reverse("portal:report_absence")).content.decode()

    assert 'enctype="multipart/form-data"' in page
    assert 'type="date"' in page and 'value="2026-11-23"' in page  # today, pre-filled
    assert 'type="file"' in page and 'class="govuk-file-upload"' in page


# --- Leave ------------------------------------------------------------------------------------


def test_a_leave_request_for_two_siblings_reaches_the_school_and_the_decision_comes_back(
    parent, pw
):
    evidence = SimpleUploadedFile("ticket.png", PNG, content_type="image/png")
    response = parent.post(
        reverse("portal:leave_new"),
        {
            "pupils": [pw.amy.pk, pw.ben.pk],
            "first_date": "2026-12-07",
            "last_date": "2026-12-09",
            "reason": "exceptional",
            "reason_text": "Grandmother's funeral abroad",
            "evidence": evidence,
        },
    )

    leave = LeaveRequest.objects.get()
    assert response["Location"] == reverse("portal:leave_detail", args=[leave.pk])
    assert set(leave.pupils.all()) == {pw.amy, pw.ben}
    assert (leave.requested_by, leave.submitted_via, leave.requested_on) == (
        pw.mum,
        Via.PORTAL,
        TODAY,
    )
    assert leave.evidence_type == "image/png" and leave.evidence_file.name.endswith(".png")
    decide_leave_request(
        actor=pw.head, leave=leave, decision="refused", reason="Not exceptional", on=TODAY
    )

    page = parent.get(reverse("portal:leave_detail", args=[leave.pk])).content.decode()
    letters = parent.get(reverse("portal:messages")).content.decode()
    assert "Refused" in page and "Not exceptional" in page
    assert reverse("portal:leave_letter", args=[leave.pk]) in letters


def test_sent_attendance_letters_are_listed_and_open_but_drafts_do_not(parent, pw):
    from django.utils import timezone

    from rollbook.letters.models import Letter, LetterTemplate

    # Rows made directly: the letters app's own tests cover how letters are generated.
    now = timezone.now()
    template = LetterTemplate.objects.create(
        school=pw.school, key="l1", version=1, subject="Attendance", body="x", created_at=now
    )

    def letter(pupil, status):
        return Letter.objects.create(
            school=pw.school,
            pupil=pupil,
            template=template,
            template_key="l1",
            template_version=1,
            letter_date=TODAY,
            addressed_to="Mrs Brook",
            subject=f"Attendance ({status})",
            html="<p>x</p>",
            pdf=b"%PDF-1.4 letter",
            pdf_rendered_at=now,
            status=status,
            created_at=now,
        )

    sent, draft, other = letter(pw.amy, "sent"), letter(pw.amy, "draft"), letter(pw.cara, "sent")

    page = parent.get(reverse("portal:messages")).content.decode()
    assert "Attendance (sent): Amy Brook" in page and "Attendance (draft)" not in page
    assert parent.get(reverse("portal:letter", args=[sent.pk])).content == b"%PDF-1.4 letter"
    assert parent.get(reverse("portal:letter", args=[draft.pk])).status_code == 404
    assert parent.get(reverse("portal:letter", args=[other.pk])).status_code == 404

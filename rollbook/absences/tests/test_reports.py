"""Parents' absence reports in the office: accept (coded, audited, pre-filled and locked on the
teacher's register, no first-day text) or query (the parent is told and can reply)."""

from datetime import date

import pytest
from django.core import mail
from django.urls import reverse

from rollbook.absences.actions import (
    FollowUpError,
    accept_absence_report,
    query_absence_report,
    reply_to_absence_report,
    set_evidence_required,
)
from rollbook.comms.actions import queue_first_day_messages
from rollbook.comms.models import Message
from rollbook.core.calendar import Session
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware
from rollbook.portal.actions import report_absence
from rollbook.portal.tests.conftest import EARLY, TODAY
from rollbook.registers.actions import MarkError
from rollbook.registers.models import Mark, MarkRevision
from rollbook.registers.register_actions import Entry, take_register

AFTER_CLOSE = aware(2026, 11, 23, 9, 30)


def reported(pw, pupil=None, reason="illness", first=TODAY, last=TODAY, **kw):
    [report] = report_absence(
        account=pw.account,
        pupils=[pupil or pw.amy],
        first_date=first,
        last_date=last,
        reason=reason,
        today=TODAY,
        now=EARLY,
        **kw,
    )
    return report


def marks(pupil):
    return list(Mark.objects.filter(pupil=pupil).values_list("date", "session", "code", "source"))


def test_accepting_for_today_before_the_register_prefills_and_locks_it(client, pw):
    report = reported(pw)

    accept_absence_report(actor=pw.office, report=report, code="I")

    assert marks(pw.amy) == [
        (TODAY, "AM", "I", "parent_report"),
        (TODAY, "PM", "I", "parent_report"),
    ]
    event = AuditEvent.objects.get(kind="absence_report.accepted")
    assert (event.pupil_id, event.data["code"], event.actor) == (pw.amy.pk, "I", pw.office)
    client.force_login(pw.teacher)
    url = reverse("register_take", args=[pw.amy.registration_group_id, TODAY, "AM"])
    page = client.get(url).content.decode()
    assert "Reported by a parent and accepted by the office" in page
    group = pw.amy.registration_group
    entries = [Entry(p.pk, "/", seen_version=1 if p == pw.amy else 0) for p in group.pupils.all()]
    with pytest.raises(MarkError, match="the office has already recorded 'I'"):
        take_register(
            actor=pw.teacher,
            group=group,
            day=TODAY,
            session=Session.AM,
            entries=entries,
            office=False,
        )


def test_no_first_day_text_for_a_pupil_whose_report_was_accepted(pw):
    accept_absence_report(actor=pw.office, report=reported(pw), code="I")
    group = pw.amy.registration_group
    take_register(
        actor=pw.teacher,
        group=group,
        day=TODAY,
        session=Session.AM,
        entries=[Entry(pw.ben.pk, "N"), Entry(pw.cara.pk, "/")],
        office=False,
        now=aware(2026, 11, 23, 8, 50),
    )

    queue_first_day_messages(school=pw.school, day=TODAY, session="AM", now=AFTER_CLOSE)

    texted = set(Message.objects.values_list("pupils__legal_forename", flat=True))
    assert texted == {"Ben"}  # Ben's N is texted; Amy's accepted report is not


def _register_with_amy_and_ben_absent(pw):
    take_register(
        actor=pw.teacher,
        group=pw.amy.registration_group,
        day=TODAY,
        session=Session.AM,
        entries=[Entry(pw.amy.pk, "N"), Entry(pw.ben.pk, "N"), Entry(pw.cara.pk, "/")],
        office=False,
        now=aware(2026, 11, 23, 8, 50),
    )


def test_no_first_day_text_while_a_parents_report_waits_for_the_office(pw):
    reported(pw)  # pending: the office has not accepted it yet, so Amy is still N
    _register_with_amy_and_ben_absent(pw)

    queue_first_day_messages(school=pw.school, day=TODAY, session="AM", now=AFTER_CLOSE)

    texted = set(Message.objects.values_list("pupils__legal_forename", flat=True))
    assert texted == {"Ben"}


def test_a_queued_first_day_text_is_not_sent_once_the_parent_reports(pw):
    from rollbook.comms.actions import send_message
    from rollbook.comms.models import Status

    _register_with_amy_and_ben_absent(pw)
    queue_first_day_messages(school=pw.school, day=TODAY, session="AM", now=AFTER_CLOSE)
    amy_text = Message.objects.get(pupils=pw.amy)
    reported(pw)  # the parent reports before the sender picks the text up

    send_message(message_id=amy_text.pk, now=AFTER_CLOSE)

    amy_text.refresh_from_db()
    if amy_text.pupils.filter(pk=pw.ben.pk).exists():  # siblings share one text: narrowed
        assert amy_text.status == Status.SENT and "Amy" not in amy_text.body
    else:
        assert amy_text.status == Status.CANCELLED
        assert "a parent has reported Amy's absence" in amy_text.events.last().detail


def test_accepting_after_the_register_changes_n_with_a_revision(pw):
    add = [Entry(p.pk, "N") for p in pw.amy.registration_group.pupils.all()]
    take_register(
        actor=pw.teacher,
        group=pw.amy.registration_group,
        day=TODAY,
        session=Session.AM,
        entries=add,
        office=False,
    )

    accept_absence_report(
        actor=pw.office,
        report=reported(pw, reason="medical"),
        code="M",
        evidence="appointment_letter",
    )

    assert [m[2] for m in marks(pw.amy)] == ["M", "M"]
    revision = MarkRevision.objects.get()
    assert (revision.old_code, revision.new_code, revision.changed_by) == ("N", "M", pw.office)
    assert "reported by a parent" in revision.reason
    assert revision.reason.endswith("; evidence seen: appointment letter")


def test_sessions_already_attended_are_left_alone_and_weekends_skipped(pw):
    take_register(
        actor=pw.teacher,
        group=pw.amy.registration_group,
        day=TODAY,
        session=Session.AM,
        entries=[Entry(p.pk, "/") for p in pw.amy.registration_group.pupils.all()],
        office=False,
    )
    report = reported(pw, last=date(2026, 11, 30))  # Mon to the next Mon

    report = accept_absence_report(actor=pw.office, report=report, code="I")

    assert report.sessions_coded == 11  # 6 school days x 2, less the morning she came in
    assert (TODAY, "AM", "/", "register") in marks(pw.amy)


def test_a_report_is_decided_once(pw):
    report = reported(pw)
    accept_absence_report(actor=pw.office, report=report, code="I")

    with pytest.raises(FollowUpError, match="already been accepted"):
        accept_absence_report(actor=pw.office, report=report, code="O")
    with pytest.raises(FollowUpError, match="choose the code"):
        accept_absence_report(actor=pw.office, report=reported(pw, pw.ben), code="G")


def test_a_query_goes_to_the_parent_who_replies(pw):
    report = reported(pw, reason="other", details="Family matter")

    query_absence_report(actor=pw.office, report=report, question="Can you tell us more?")
    with pytest.raises(FollowUpError):
        query_absence_report(actor=pw.office, report=report, question=" ")
    reply_to_absence_report(actor=pw.account.user, report=report, text="A wedding")

    report.refresh_from_db()
    assert report.status == "pending"
    assert [(n.author, n.text) for n in report.notes.all()] == [
        ("office", "Can you tell us more?"),
        ("parent", "A wedding"),
    ]
    kinds = set(AuditEvent.objects.filter(pupil_id=pw.amy.pk).values_list("kind", flat=True))
    assert {"absence_report.queried", "absence_report.replied"} <= kinds


# --- The office's pages -------------------------------------------------------------------------


def test_the_office_inbox_accepts_a_report(client, pw):
    report = reported(pw)
    client.force_login(pw.office)

    inbox = client.get(reverse("portal:inbox")).content.decode()
    detail = client.get(reverse("portal:inbox_report", args=[report.pk])).content.decode()
    empty = client.post(reverse("portal:inbox_accept", args=[report.pk]), {})
    done = client.post(reverse("portal:inbox_accept", args=[report.pk]), {"code": "I"})

    assert "Amy Brook" in inbox and "Illness" in inbox
    assert 'value="I" checked' in detail  # illness: I chosen for the office
    assert empty.status_code == 200 and "Choose the code to record" in empty.content.decode()
    assert done["Location"] == reverse("portal:inbox")
    assert [m[2] for m in marks(pw.amy)] == ["I", "I"]


def test_the_office_queries_and_the_parent_is_emailed_without_details(client, pw):
    report = reported(pw)
    client.force_login(pw.office)

    client.post(reverse("portal:inbox_query", args=[report.pk]), {"question": "Which doctor?"})

    assert mail.outbox[-1].to == ["mum@example.org"]
    assert "Which doctor?" not in mail.outbox[-1].body and "Amy" not in mail.outbox[-1].body
    client.force_login(pw.account.user)
    page = client.get(reverse("portal:report_detail", args=[report.pk])).content.decode()
    assert "Which doctor?" in page and "Send reply" in page


def test_evidence_is_a_download_for_the_office_only(client, pw):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    report = reported(pw, evidence=pdf)
    url = reverse("portal:inbox_evidence", args=[report.pk])

    client.force_login(pw.teacher)
    assert client.get(url).status_code == 403
    assert client.get(reverse("portal:inbox")).status_code == 403  # the office's inbox
    client.force_login(pw.office)
    response = client.get(url)

    assert response.content == b"%PDF-1.4 x"
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Content-Security-Policy"] == "sandbox; default-src 'none'"


# --- Evidence (S002-68 "evidence required", S002-69 M needs evidence) ------------------------


def test_accepting_m_needs_the_evidence_seen(pw):
    report = reported(pw, reason="medical")

    with pytest.raises(FollowUpError, match="Say what evidence of the appointment you saw"):
        accept_absence_report(actor=pw.office, report=report, code="M")

    assert marks(pw.amy) == []


def test_an_illness_report_for_a_flagged_pupil_waits_for_the_office_to_decide_i_or_o(client, pw):
    set_evidence_required(actor=pw.office, pupil=pw.amy, required=True, reason="Panel")
    report = reported(pw)
    client.force_login(pw.office)

    inbox = client.get(reverse("portal:inbox")).content.decode()
    detail = client.get(reverse("portal:inbox_report", args=[report.pk])).content.decode()
    no_evidence = client.post(reverse("portal:inbox_accept", args=[report.pk]), {"code": "I"})
    other_code = client.post(reverse("portal:inbox_accept", args=[report.pk]), {"code": "C"})

    assert "Evidence required: decide between I" in inbox
    assert f'href="{reverse("portal:inbox_report", args=[report.pk])}">Amy Brook' in inbox
    assert 'value="I" checked' not in detail  # no default: the office decides
    assert "Decide: record I with the evidence you saw, or O" in detail
    assert "needs evidence for illness" in no_evidence.content.decode()
    assert "record I (evidence seen) or O" in other_code.content.decode()
    report.refresh_from_db()
    assert report.status == "pending" and marks(pw.amy) == []


def test_the_office_decides_o_or_i_with_evidence_for_a_flagged_pupil(client, pw):
    set_evidence_required(actor=pw.office, pupil=pw.amy, required=True, reason="Panel")
    set_evidence_required(actor=pw.office, pupil=pw.ben, required=True, reason="Panel")
    client.force_login(pw.office)
    amy, ben = reported(pw), reported(pw, pw.ben)

    client.post(reverse("portal:inbox_accept", args=[amy.pk]), {"code": "O"})
    client.post(
        reverse("portal:inbox_accept", args=[ben.pk]), {"code": "I", "evidence": "prescription"}
    )

    assert [m[2] for m in marks(pw.amy)] == ["O", "O"]
    assert [m[2] for m in marks(pw.ben)] == ["I", "I"]
    event = AuditEvent.objects.get(kind="absence_report.accepted", pupil_id=pw.ben.pk)
    assert event.data["evidence"] == "prescription"

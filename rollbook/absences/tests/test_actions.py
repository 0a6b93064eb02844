"""The office's follow-up actions: contact attempts, recording the reason, chasing registers."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from rollbook.absences.actions import (
    FollowUpError,
    chase_register,
    log_contact_attempt,
    record_absence_reason,
    set_evidence_required,
)
from rollbook.absences.models import ContactAttempt, ContactMethod, ContactOutcome
from rollbook.core.calendar import Session
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks, aware, make_pupil, make_school
from rollbook.pupils.actions import add_contact
from rollbook.registers.models import Mark, MarkRevision, RegisterChase
from rollbook.registers.register_actions import Entry, take_register

pytestmark = pytest.mark.django_db
MON = date(2025, 10, 6)


@pytest.fixture
def office():
    return get_user_model().objects.create_user("office", password="x")


@pytest.fixture
def amy():
    return make_pupil(make_school(), legal_forename="Amy", class_name="3A")


@pytest.fixture
def mum(amy):
    return add_contact(
        actor_label="test",
        school=amy.school,
        pupils=[amy],
        forename="Mia",
        surname="Able",
        relationship="Mother",
        mobile_phone="07700 900111",
    )


def test_a_call_is_logged_with_who_when_and_what_happened(office, amy, mum):
    attempt = log_contact_attempt(
        actor=office,
        pupil=amy,
        contact=mum,
        method=ContactMethod.CALL,
        outcome=ContactOutcome.SPOKE_REASON,
        note=" Mum says she has a temperature ",
        at=aware(2025, 10, 6, 9, 40),
    )

    assert (attempt.pupil, attempt.contact, attempt.by) == (amy, mum, office)
    assert attempt.note == "Mum says she has a temperature"
    assert attempt.get_outcome_display() == "Spoke to them \N{EN DASH} reason given"
    event = AuditEvent.objects.get(kind="absence.contact_attempt")
    assert (event.actor, event.pupil_id, event.school) == (office, amy.pk, amy.school)
    assert event.data == {"method": "call", "outcome": "spoke_reason", "contact_id": mum.pk}


def test_a_home_visit_can_be_logged_with_nobody_in_particular(office, amy):
    attempt = log_contact_attempt(
        actor=office, pupil=amy, method="home_visit", outcome="child_seen"
    )

    assert attempt.contact is None and attempt.at is not None


@pytest.mark.parametrize(
    ("method", "outcome", "note", "message"),
    [
        ("pigeon", "no_answer", "", "is not a way of contacting"),
        ("call", "maybe", "", "is not an outcome"),
        ("call", "child_seen", "", "only for a home visit"),
        ("other", "no_answer", "", "add a note"),
        ("call", "other", "  ", "add a note"),
    ],
)
def test_a_contact_attempt_that_does_not_make_sense_is_refused(
    office, amy, method, outcome, note, message
):
    with pytest.raises(FollowUpError, match=message):
        log_contact_attempt(actor=office, pupil=amy, method=method, outcome=outcome, note=note)

    assert not ContactAttempt.objects.exists()
    assert not AuditEvent.objects.filter(kind="absence.contact_attempt").exists()


def test_a_contact_of_another_pupil_is_refused(office, amy, mum):
    ben = make_pupil(amy.school, legal_forename="Ben", class_name="3A")

    with pytest.raises(FollowUpError, match="is not a contact of Ben"):
        log_contact_attempt(
            actor=office, pupil=ben, contact=mum, method="call", outcome="no_answer"
        )


def test_recording_the_reason_changes_each_chosen_mark_and_keeps_history(office, amy):
    add_marks(amy, [(MON, "AM", "N"), (MON, "PM", "N")])
    am, pm = Mark.objects.order_by("session")

    changed = record_absence_reason(
        actor=office, marks=[(am, 1), (pm, 1)], code="I", reason="Mum phoned: sickness"
    )

    assert [m.code for m in changed] == ["I", "I"]
    assert set(MarkRevision.objects.values_list("old_code", "new_code")) == {("N", "I")}
    assert AuditEvent.objects.filter(kind="mark.changed", actor=office).count() == 2


def test_recording_the_reason_is_all_or_nothing(office, amy):
    add_marks(amy, [(MON, "AM", "N"), (MON, "PM", "N")])
    am, pm = Mark.objects.order_by("session")

    with pytest.raises(FollowUpError, match="someone else changed this mark"):
        record_absence_reason(actor=office, marks=[(am, 1), (pm, 7)], code="I", reason="ill")

    assert list(Mark.objects.values_list("code", flat=True)) == ["N", "N"]
    assert not MarkRevision.objects.exists()


@pytest.mark.parametrize(
    ("code", "reason", "message"),
    [("N", "ill", "N means the reason is not known"), ("I", " ", "say what the reason is")],
)
def test_a_reason_needs_a_real_code_and_words(office, amy, code, reason, message):
    add_marks(amy, [(MON, "AM", "N")])

    with pytest.raises(FollowUpError, match=message):
        record_absence_reason(
            actor=office, marks=[(Mark.objects.get(), 1)], code=code, reason=reason
        )


def test_a_reason_code_must_suit_the_pupil(office, amy):
    add_marks(amy, [(MON, "AM", "N")])  # Amy is of compulsory school age

    with pytest.raises(FollowUpError, match="X is only for pupils below compulsory school age"):
        record_absence_reason(actor=office, marks=[(Mark.objects.get(), 1)], code="X", reason="r")

    assert Mark.objects.get().code == "N"


def test_recording_a_reason_needs_a_mark(office):
    with pytest.raises(FollowUpError, match="choose the morning"):
        record_absence_reason(actor=office, marks=[], code="I", reason="ill")


def test_a_missing_register_is_chased_and_audited(office, amy):
    group = amy.registration_group

    chase = chase_register(
        actor=office, group=group, day=MON, session=Session.AM, now=aware(2025, 10, 6, 9, 2)
    )

    assert (chase.registration_group, chase.chased_by) == (group, office)
    assert chase.chased_at == aware(2025, 10, 6, 9, 2)
    event = AuditEvent.objects.get(kind="register.chased")
    assert event.data == {"group": "3A", "date": "2025-10-06", "session": "AM"}


def test_a_register_already_taken_is_not_chased(office, amy):
    group = amy.registration_group
    take_register(
        actor=office,
        group=group,
        day=MON,
        session=Session.AM,
        entries=[Entry(amy.pk, "/")],
        office=True,
    )

    with pytest.raises(FollowUpError, match="already been taken"):
        chase_register(actor=office, group=group, day=MON, session=Session.AM)

    assert not RegisterChase.objects.exists()


# ---- The "evidence required" flag and reasons (S002-68, S002-69, S002-70) -------------------


def test_the_office_sets_and_clears_evidence_required_with_a_reason_audited(office, amy):
    set_evidence_required(actor=office, pupil=amy, required=True, reason="Panel 3 Oct")
    amy.refresh_from_db()
    assert amy.evidence_required is True

    set_evidence_required(actor=office, pupil=amy, required=False, reason="Improved")

    amy.refresh_from_db()
    assert amy.evidence_required is False
    kinds = list(
        AuditEvent.objects.filter(pupil_id=amy.pk, kind__startswith="pupil.evidence_required")
        .order_by("id")
        .values_list("kind", "reason")
    )
    assert kinds == [
        ("pupil.evidence_required_set", "Panel 3 Oct"),
        ("pupil.evidence_required_cleared", "Improved"),
    ]


def test_the_flag_needs_a_reason_and_a_change(office, amy):
    with pytest.raises(FollowUpError, match="say why"):
        set_evidence_required(actor=office, pupil=amy, required=True, reason=" ")
    with pytest.raises(FollowUpError, match="does not need evidence"):
        set_evidence_required(actor=office, pupil=amy, required=False, reason="x")
    assert not AuditEvent.objects.filter(kind__startswith="pupil.evidence_required").exists()


def test_recording_a_never_acceptable_reason_sets_o_and_keeps_the_words(office, amy):
    add_marks(amy, [(MON, "AM", "N")])
    mark = Mark.objects.get(pupil=amy)

    (changed,) = record_absence_reason(
        actor=office, marks=[(mark, mark.version)], code="", reason="", reason_key="haircut"
    )

    assert changed.code == "O"
    assert MarkRevision.objects.get(mark=mark).reason == "Haircut"


def test_the_action_refuses_i_without_evidence_for_a_flagged_pupil(office, amy):
    set_evidence_required(actor=office, pupil=amy, required=True, reason="Panel")
    add_marks(amy, [(MON, "AM", "N")])
    mark = Mark.objects.select_related("pupil").get(pupil=amy)

    with pytest.raises(FollowUpError, match="needs evidence for illness"):
        record_absence_reason(actor=office, marks=[(mark, mark.version)], code="I", reason="ill")

    assert Mark.objects.get(pk=mark.pk).code == "N"

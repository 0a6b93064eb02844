"""Letter actions against the database: exactly once, audit rows, sending and withdrawing."""

from __future__ import annotations

import pytest

from rollbook.casework.actions import open_cases_for_alerts
from rollbook.casework.queries import timeline
from rollbook.core.models import AuditEvent
from rollbook.letters import actions
from rollbook.letters.models import Letter, LetterStatus, LetterTemplate
from rollbook.letters.rules import LetterError
from rollbook.letters.tests.conftest import FRIDAY
from rollbook.letters.timeline import events
from rollbook.policy.models import ActionStatus, PolicyAction


def test_each_stage_letter_is_drafted_once_however_often_generation_runs(world):
    open_cases_for_alerts(school=world.school, as_of=FRIDAY)

    first = actions.generate_stage_letters(school=world.school, today=FRIDAY)
    again = actions.generate_stage_letters(school=world.school, today=FRIDAY)

    assert again == []
    assert sorted((x.pupil.legal_forename, x.template_key) for x in first) == [
        ("Amy", "formal_warning"),
        ("Amy", "stage_1_letter"),
        ("Cat", "formal_warning"),
        ("Cat", "stage_1_letter"),
    ]
    assert Letter.objects.count() == 4
    assert all(x.case is not None and x.status == LetterStatus.DRAFT for x in first)
    assert AuditEvent.objects.filter(kind="letter.drafted").count() == 4


def test_the_letter_is_merged_from_version_1_of_the_default_and_frozen(world):
    actions.generate_stage_letters(school=world.school, today=FRIDAY)
    letter = Letter.objects.get(pupil=world.amy, template_key="stage_1_letter")

    assert (letter.template_version, letter.adaptation) == (1, "")
    assert (
        letter.addressed_to == "Mrs Jo Able and Mr Al Able"
    )  # not Gran: no parental responsibility
    assert letter.subject == "Amy Able: a concerning level of absence"
    assert "Dear Mrs Able and Mr Able," in letter.html
    assert "missing 4 sessions (2 days)" in letter.html
    assert "Education Act 1996" in letter.html
    assert "Hana Head" in letter.html
    assert letter.chart["labels"] == ["Autumn 2"]
    assert letter.policy_action.template == "stage_1_letter"
    saved = AuditEvent.objects.filter(kind="letter_template.saved", actor_label="daily monitoring")
    assert saved.count() == 4  # two keys, standard for Amy and adapted for Cat
    actions.save_template(
        actor=world.users["lead"],
        school=world.school,
        key="stage_1_letter",
        adaptation="",
        subject="New {{ pupil_name }}",
        body="Changed",
    )
    letter.refresh_from_db()
    assert letter.subject == "Amy Able: a concerning level of absence"


def test_a_pupil_with_a_long_term_illness_gets_the_adapted_letter_when_the_policy_says_so(world):
    actions.generate_stage_letters(school=world.school, today=FRIDAY)

    cat = Letter.objects.filter(pupil=world.cat)
    amy = Letter.objects.filter(pupil=world.amy)

    assert set(cat.values_list("adaptation", flat=True)) == {"long_term_illness"}
    assert "unwell for a long time" in cat.first().html
    assert set(amy.values_list("adaptation", flat=True)) == {""}


def test_no_letter_for_a_dismissed_alert_or_a_cancelled_action(world):
    from rollbook.policy.actions import decide_alert

    cat_alert = world.cat.alerts.get(kind="stage")
    decide_alert(actor=None, alert=cat_alert, status="dismissed", reason="Known bereavement")
    PolicyAction.objects.filter(pupil=world.amy, template="formal_warning").update(
        status=ActionStatus.CANCELLED
    )

    letters = actions.generate_stage_letters(school=world.school, today=FRIDAY)

    assert [(x.pupil_id, x.template_key) for x in letters] == [(world.amy.pk, "stage_1_letter")]


def test_saving_a_template_adds_a_version_and_refuses_unknown_fields(world):
    lead = world.users["lead"]
    kwargs = {"actor": lead, "school": world.school, "key": "stage_1_letter", "adaptation": ""}

    one = actions.save_template(**kwargs, subject="{{ pupil_name }}", body="Dear {{ salutation }}")
    two = actions.save_template(**kwargs, subject="{{ pupil_name }}!", body="Hello")
    with pytest.raises(LetterError, match=r"Unknown merge field \{\{ pupils_name \}\}"):
        actions.save_template(**kwargs, subject="x", body="{{ pupils_name }}")

    assert (one.version, two.version) == (1, 2)
    assert LetterTemplate.objects.filter(school=world.school).count() == 2
    assert AuditEvent.objects.filter(kind="letter_template.saved", actor=lead).count() == 2
    actions.generate_stage_letters(school=world.school, today=FRIDAY)
    letter = Letter.objects.get(pupil=world.amy, template_key="stage_1_letter")
    assert (letter.template_version, letter.subject, letter.html) == (
        2,
        "Amy Able!",
        "<p>Hello</p>",
    )


def test_sending_completes_the_policy_action_once_and_is_audited(world):
    actions.generate_stage_letters(school=world.school, today=FRIDAY)
    letter = Letter.objects.get(pupil=world.amy, template_key="stage_1_letter")
    office = world.users["office"]

    actions.mark_sent(actor=office, letter=letter)
    with pytest.raises(LetterError):
        actions.mark_sent(actor=office, letter=letter)

    letter.refresh_from_db()
    assert (letter.status, letter.sent_by) == (LetterStatus.SENT, office)
    assert letter.policy_action.status == ActionStatus.DONE
    audit = AuditEvent.objects.get(kind="letter.sent")
    assert (audit.actor, audit.pupil_id, audit.data["policy_action_completed"]) == (
        office,
        world.amy.pk,
        True,
    )
    assert AuditEvent.objects.filter(kind="policy_action.done").count() == 1


def test_withdrawing_needs_a_reason_keeps_the_letter_and_cancels_its_action(world):
    actions.generate_stage_letters(school=world.school, today=FRIDAY)
    letter = Letter.objects.get(pupil=world.amy, template_key="formal_warning")
    lead = world.users["lead"]

    with pytest.raises(LetterError, match="reason"):
        actions.withdraw(actor=lead, letter=letter, reason="  ")
    actions.withdraw(actor=lead, letter=letter, reason="Attendance has improved")
    again = actions.generate_stage_letters(school=world.school, today=FRIDAY)

    letter.refresh_from_db()
    assert (letter.status, letter.withdrawn_reason) == ("withdrawn", "Attendance has improved")
    assert letter.policy_action.status == ActionStatus.CANCELLED
    assert again == []
    assert AuditEvent.objects.get(kind="letter.withdrawn").reason == "Attendance has improved"


def test_letters_are_on_the_timeline_in_one_query(world, django_assert_num_queries):
    actions.generate_stage_letters(school=world.school, today=FRIDAY)
    letter = Letter.objects.get(pupil=world.amy, template_key="stage_1_letter")
    actions.mark_sent(actor=world.users["office"], letter=letter)

    with django_assert_num_queries(1):
        found = list(events(world.school, [world.amy.pk, world.ben.pk]))

    assert sorted(e["title"] for e in found) == ["Letter drafted", "Letter drafted", "Letter sent"]
    assert {e["kind"] for e in found} == {"letter"}
    shown = timeline(world.school, [world.amy], safeguarding=False, kinds=["letter"]).events
    assert [e.title for e in shown if e.title.startswith("Letter")][:1] == ["Letter sent"]


def test_pdfs_are_rendered_once_with_the_chart(world):
    actions.generate_stage_letters(school=world.school, today=FRIDAY)
    Letter.objects.exclude(pupil=world.amy, template_key="stage_1_letter").update(
        status=LetterStatus.WITHDRAWN  # one PDF only: rendering is slow
    )

    assert actions.render_pending_pdfs(school=world.school) == 1
    assert actions.render_pending_pdfs(school=world.school) == 0

    letter = Letter.objects.get(pupil=world.amy, template_key="stage_1_letter")
    assert bytes(letter.pdf).startswith(b"%PDF")
    assert letter.has_pdf

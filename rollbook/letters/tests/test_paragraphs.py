"""The standard paragraphs: the legal duty (S002-115, S002-130) and "talk to us" with the
contact's details (S001-45, S002-113), as merge blocks the stage letters use."""

from __future__ import annotations

from datetime import date

import pytest

from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.letters import actions, rules
from rollbook.letters.defaults import ADAPTED, GENERAL, STANDARD
from rollbook.letters.models import Letter
from rollbook.letters.tests.conftest import FRIDAY, POLICY
from rollbook.policy.actions import adopt_policy, adopt_preset
from rollbook.policy.schema import load_preset
from rollbook.policy.tasks import monitor_school

# --- Pure: the blocks ---------------------------------------------------------------------------


def test_a_block_alone_in_a_paragraph_becomes_its_own_paragraphs_escaped():
    body = "Dear {{ salutation }},\n\n{{ legal_duty }}\n\nBye"

    html = rules.merge_html(body, {"salutation": "Jo", "legal_duty": "One & two\n\nThree <b>"})

    assert html == "<p>Dear Jo,</p>\n<p>One &amp; two</p>\n<p>Three &lt;b&gt;</p>\n<p>Bye</p>"


def test_an_empty_block_leaves_no_empty_paragraph():
    html = rules.merge_html("Hello\n\n{{ talk_to_us }}\n\nBye", {"talk_to_us": ""})

    assert html == "<p>Hello</p>\n<p>Bye</p>"


def test_the_blocks_and_contact_fields_are_known_merge_fields():
    text = "{{ legal_duty }} {{ talk_to_us }} {{ contact_name }} {{ contact_phone }}"

    assert rules.placeholder_problems(text + " {{ contact_email }}") == []


def test_the_full_legal_paragraph_states_the_duty_the_offence_and_no_term_time_holiday():
    text = rules.legal_duty(full=True)

    assert "section 7 of the Education Act 1996" in text
    assert "an offence under section 444" in text
    assert "There is no right to take a child out of school for a holiday in term time" in text
    assert "School Attendance (Pupil Registration) (England) Regulations 2024" in text
    assert "2006" not in text  # replaced by the 2024 regulations
    assert "rests on" not in text


def test_the_legal_sources_are_listed_in_the_policys_order():
    text = rules.legal_duty(full=True, sources=["the A Act", "the B Act", "the C Regulations"])

    assert text.endswith(
        "Our attendance policy rests on the A Act, the B Act and the C Regulations."
    )


def test_without_the_policy_key_one_sentence_on_the_duty():
    assert rules.legal_duty(full=False, sources=["ignored"]) == rules.LEGAL_SHORT
    assert "Education Act 1996" in rules.LEGAL_SHORT


@pytest.mark.parametrize(
    ("contact", "expected"),
    [
        (
            rules.SchoolContact("Hana Head", "Head teacher", "0121 496 0000", "hh@x.example"),
            "You can contact Hana Head (Head teacher) on 0121 496 0000 or by email at "
            "hh@x.example.",
        ),
        (
            rules.SchoolContact("Hana Head", "Head teacher"),
            "You can contact Hana Head (Head teacher) through the school office.",
        ),
        (
            rules.SchoolContact("", "Attendance lead", "0121 496 0001"),
            "You can contact the school office on 0121 496 0001 or ask to speak to the "
            "Attendance Leader.",
        ),
        (None, "You can contact the school office or ask to speak to the Attendance Leader."),
    ],
)
def test_talk_to_us_names_the_contact_and_how_to_reach_them(contact, expected):
    text = rules.talk_to_us("Ava", contact)

    assert text.startswith("If something is making it hard for Ava to come to school, please talk")
    assert text.endswith(expected)


def test_every_default_concern_letter_has_talk_to_us_and_every_stage_letter_the_legal_block():
    for key, text in [*STANDARD.items(), ("", GENERAL)]:
        assert "{{ talk_to_us }}" in text.body
        assert ("{{ legal_duty }}" in text.body) == (key != "termly_attendance")  # not a concern
    for text in ADAPTED.values():
        assert "{{ talk_to_us }}" in text.body


def test_preset_002_asks_for_the_full_paragraph_with_its_sources_and_the_al_as_contact():
    letters = load_preset("002_st_dunstans").letters
    others = {name: load_preset(name).letters for name in ("000_dovecote", "003_woodside")}

    assert letters.legal_paragraph is True
    assert letters.contact_role == Role.ATTENDANCE_LEAD
    assert "the Education Act 1996" in letters.legal_sources
    assert "the Children Act 1989" in letters.legal_sources
    assert "the School Attendance (Pupil Registration) (England) Regulations 2024" in (
        letters.legal_sources
    )
    assert all(not x.legal_paragraph for x in others.values())
    assert load_preset("001_everyones_business").letters.contact_role == Role.OFFICE


# --- Against the database -----------------------------------------------------------------------

LETTERS = """
[letters]
legal_paragraph = true
legal_sources = ["the Education Act 1996", "the Children Act 1989"]
contact_role = "head"
contact_phone = "0121 496 0000"
"""


def test_the_stage_letter_carries_the_policys_paragraph_and_the_heads_details(world):
    adopt_policy(actor_label="test", school=world.school, text=POLICY + LETTERS, source="test")

    actions.generate_stage_letters(school=world.school, today=FRIDAY)

    html = Letter.objects.get(pupil=world.amy, template_key="stage_1_letter").html
    assert "section 7 of the Education Act 1996" in html
    assert "no right to take a child out of school for a holiday in term time" in html
    assert "rests on the Education Act 1996 and the Children Act 1989." in html
    assert "You can contact Hana Head (Head teacher) on 0121 496 0000." in html
    adapted = Letter.objects.get(pupil=world.cat, template_key="stage_1_letter").html
    assert "Hana Head (Head teacher) on 0121 496 0000" in adapted
    assert "section 444" not in adapted  # adapted letters are not warnings


def test_without_the_keys_the_letter_keeps_the_short_duty_and_the_office(world):
    actions.generate_stage_letters(school=world.school, today=FRIDAY)

    html = Letter.objects.get(pupil=world.amy, template_key="stage_1_letter").html
    assert "You are legally responsible under the Education Act 1996" in html
    assert "section 444" not in html
    assert "You can contact the school office or ask to speak to the Attendance Leader." in html


@pytest.mark.django_db
def test_a_stage_letter_on_preset_002_has_both_statements_and_the_als_name():
    school = make_school(name="St Dunstan's")
    adopt_preset(actor_label="test", school=school, preset="002_st_dunstans")
    create_staff_user(
        actor_label="test",
        school=school,
        username="al",
        password="pw-for-tests-1234",
        roles=[Role.ATTENDANCE_LEAD, Role.HEAD],
        first_name="Alma",
        last_name="Lead",
    )
    pupil = make_pupil(school, legal_forename="Ava", family_id="F-Ava")
    days = school.calendar().school_days(date(2025, 9, 1), date(2025, 9, 4))
    add_marks(pupil, [(day, s, "O") for day in days for s in ("AM", "PM")])

    monitor_school.call(school.pk, days[-1].isoformat())

    html = Letter.objects.get(pupil=pupil, template_key="stage_1_letter").html
    assert "under section 7 of the Education Act 1996" in html
    assert "commits an offence under section 444" in html
    assert "There is no right to take a child out of school for a holiday in term time" in html
    assert "School Attendance (Pupil Registration) (England) Regulations 2024" in html
    assert "the Anti-social Behaviour Act 2003" in html
    assert "You can contact Alma Lead (Attendance lead) through the school office." in html

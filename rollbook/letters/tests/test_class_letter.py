"""S002-71: a confidential letter to every family of a class that names no child."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import make_pupil
from rollbook.letters import actions, pdf, rules
from rollbook.letters.defaults import CLASS_LETTERS
from rollbook.letters.models import Letter
from rollbook.letters.rules import LetterError
from rollbook.letters.tests.conftest import FRIDAY

KEY = "head_lice_class_letter"

# --- Pure ---------------------------------------------------------------------------------------


def test_a_class_letter_may_not_use_any_field_about_a_child():
    problems = rules.class_letter_problems("Dear {{ salutation }}, {{ pupil_forename }} has lice")

    assert len(problems) == 1
    assert "names no child" in problems[0] and "{{ pupil_forename }}" in problems[0]
    assert rules.class_letter_problems("Dear {{ salutation }}, class {{ class_name }}") == []


def test_the_default_class_letters_use_only_the_class_fields():
    for text in CLASS_LETTERS.values():
        assert rules.class_letter_problems(text.subject + text.body) == []
        assert rules.placeholder_problems(text.subject + text.body) == []


def test_children_named_finds_whole_names_only_ignoring_case():
    text = "A child called amy has lice. Amyas is fine."

    assert rules.children_named(text, ["Amy", "Amy Able", "Ben", ""]) == ["Amy"]
    assert rules.children_named("Dear Mrs Benson", ["Ben"]) == []


def test_class_figures_hold_nothing_about_the_child():
    values = rules.class_figures(
        parents=[rules.Parent("Mrs", "Jo", "Able")],
        class_name="3A",
        school_name="Meadow",
        head_name="Hana Head",
        today=FRIDAY,
    )

    assert set(values) <= rules.CLASS_FIELDS
    assert values["salutation"] == "Mrs Able" and values["class_name"] == "3A"


# --- Against the database -----------------------------------------------------------------------


def test_every_family_of_the_class_gets_one_letter_and_no_child_is_named(world):
    sister = make_pupil(world.school, legal_forename="Ada", legal_surname="Able", family_id="F1")
    group = world.amy.registration_group

    batch = actions.generate_class_letter(
        actor=world.users["office"], school=world.school, group=group, key=KEY, today=FRIDAY
    )

    letters = list(batch.letters.select_related("pupil", "school"))
    assert len(letters) == 3  # Amy and Ada's family once, Ben's, Cat's
    children = [world.amy, world.ben, world.cat, sister]
    names = [n for p in children for n in (p.display_name, p.legal_forename)]
    for letter in letters:
        printed = pdf.letters_html([pdf.printed(letter)])
        shown = " ".join([letter.subject, letter.html, letter.addressed_to, printed])
        assert rules.children_named(shown, names) == []
        assert letter.subject == f"Head lice in class {group.name}"
        assert letter.chart == {}
    assert {x.addressed_to for x in letters} >= {"Mrs Jo Able and Mr Al Able"}
    event = AuditEvent.objects.get(kind="letter.class_generated")
    assert (event.actor, event.data["letters"]) == (world.users["office"], 3)


def test_a_template_that_names_a_child_of_the_class_is_refused(world):
    actions.save_template(  # no child's field, but a child's name typed in
        actor=world.users["lead"],
        school=world.school,
        key=KEY,
        adaptation="",
        subject="Head lice",
        body="Dear {{ salutation }}, Amy has head lice.",
    )

    with pytest.raises(LetterError, match=r"names a child in the class \(Amy\)"):
        actions.generate_class_letter(
            actor=None,
            school=world.school,
            group=world.amy.registration_group,
            key=KEY,
            today=FRIDAY,
        )

    assert not Letter.objects.filter(template_key=KEY).exists()


def test_saving_a_class_letter_that_uses_a_childs_field_is_refused(world):
    with pytest.raises(LetterError, match="names no child"):
        actions.save_template(
            actor=world.users["lead"],
            school=world.school,
            key=KEY,
            adaptation="",
            subject="Lice",
            body="{{ pupil_name }} has lice",
        )


def test_the_same_class_letter_is_made_once_a_day(world):
    group = world.amy.registration_group
    actions.generate_class_letter(
        actor=None, school=world.school, group=group, key=KEY, today=FRIDAY
    )

    with pytest.raises(LetterError, match="already has this letter today"):
        actions.generate_class_letter(
            actor=None, school=world.school, group=group, key=KEY, today=FRIDAY
        )


def test_the_office_sends_a_class_letter_from_the_page(
    client, world, django_assert_max_num_queries
):
    client.force_login(world.users["office"])
    url = reverse("letters:class_letter")
    group = world.amy.registration_group

    with django_assert_max_num_queries(8):
        page = client.get(url, {"group": group.pk, "key": KEY})
    bad = client.post(url, {"group": "", "key": KEY})
    other = client.post(url, {"group": 999999, "key": KEY})
    done = client.post(url, {"group": group.pk, "key": KEY})

    assert page.status_code == 200 and f'value="{group.pk}" selected' in page.content.decode()
    assert bad.status_code == 200 and "Choose the class." in bad.content.decode()
    assert other.status_code == 200 and "Choose the class." in other.content.decode()
    assert done.status_code == 302
    assert Letter.objects.filter(template_key=KEY).count() == 3
    assert client.delete(url).status_code == 405


def test_another_schools_class_cannot_be_chosen_and_teachers_are_refused(client, world):
    client.force_login(world.users["other_head"])
    response = client.post(
        reverse("letters:class_letter"), {"group": world.amy.registration_group.pk, "key": KEY}
    )
    client.force_login(world.users["teacher"])

    assert response.status_code == 200 and "Choose the class." in response.content.decode()
    assert client.get(reverse("letters:class_letter")).status_code == 403
    assert not Letter.objects.filter(template_key=KEY).exists()

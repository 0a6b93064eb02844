"""Reusable text blocks (seed 002-129): stored once, filled into every template naming them."""

import pytest

from rollbook.comms import actions, campaigns, rules
from rollbook.comms.models import TextBlock
from rollbook.comms.tests.test_campaigns import AFTER, NOW, by_kind
from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import make_school

URL = "/outbox/reusable-text/"
STATEMENT = "Every day counts at Meadow. Our target is 97%: talk to Mrs Khan on 01234 567890."


def test_block_problems_are_checked():
    assert rules.block_problems("attendance_statement", STATEMENT) == []
    assert rules.block_problems("attendance_statement", "  ") == ["enter the text"]
    assert rules.block_problems("attendance_statement", "x" * 301) == [
        "the text must be 300 characters or fewer"
    ]
    assert rules.block_problems("attendance_statement", "Hi {name}") == [
        "the text cannot contain { or }"
    ]
    assert rules.block_problems("policy_link", "see the website") == [
        "enter the link as one web address starting https://"
    ]
    assert rules.block_problems("policy_link", "https://meadow.sch.uk/attendance") == []
    assert rules.block_problems("nope", "x") == ["there is no reusable text called 'nope'"]


def test_any_template_may_name_a_block():
    assert (
        rules.template_problems("halfterm_update", "{school}: {children}. {attendance_statement}")
        == []
    )


def test_saving_a_block_makes_a_new_version_and_templates_use_the_latest(school):
    actions.save_text_block(school=school, key="attendance_statement", body="Old.", now=NOW)
    actions.save_text_block(school=school, key="attendance_statement", body=STATEMENT, now=NOW)
    actions.save_template(
        school=school,
        kind="halfterm_low",
        language="en",
        body="{school}: {children}. {attendance_statement}",
        now=NOW,
    )
    actions.schedule_campaigns(school=school, today=AFTER, now=NOW)

    preview = campaigns.preview(by_kind(school)["halfterm_low"])

    assert [b.version for b in TextBlock.objects.filter(school=school)] == [2, 1]
    assert preview.drafts[0].body == f"Meadow Primary: Amy 90.0%. {STATEMENT}"
    assert AuditEvent.objects.filter(kind="text_block.saved", school=school).count() == 2


def test_the_default_statement_is_used_until_the_school_saves_its_own(db):
    school = make_school()
    assert (
        campaigns.blocks_for(school)["attendance_statement"]
        == rules.DEFAULT_BLOCKS["attendance_statement"]
    )


def test_a_bad_block_is_refused(db):
    with pytest.raises(actions.CommsError, match="https://"):
        actions.save_text_block(school=make_school(), key="policy_link", body="www", now=NOW)


def _office(school, role=Role.OFFICE, name="office"):
    return create_staff_user(
        actor_label="test", school=school, username=name, password="x" * 12, roles=[role]
    )


def test_the_office_saves_the_statement_on_the_page(client, db, django_assert_max_num_queries):
    school = make_school()
    client.force_login(_office(school))

    response = client.post(URL, {"key": "attendance_statement", "body": STATEMENT})
    assert response.status_code == 302
    with django_assert_max_num_queries(10):
        page = client.get(URL)

    assert STATEMENT in page.content.decode()
    assert TextBlock.objects.get(school=school).created_by.username == "office"


def test_bad_input_shows_a_clear_error(client, db):
    school = make_school()
    client.force_login(_office(school))

    response = client.post(URL, {"key": "policy_link", "body": "our website"})

    assert response.status_code == 200
    assert "Enter the link as one web address starting https://" in response.content.decode()
    assert not TextBlock.objects.exists()


def test_a_teacher_may_not_save_reusable_text(client, db):
    school = make_school()
    client.force_login(_office(school, Role.TEACHER, "teacher"))

    assert client.post(URL, {"key": "attendance_statement", "body": "x"}).status_code == 403
    assert client.get(URL).status_code == 403


def test_another_schools_text_is_not_shown(client, db):
    mine, other = make_school(), make_school()
    actions.save_text_block(school=other, key="attendance_statement", body=STATEMENT, now=NOW)
    client.force_login(_office(mine))

    assert STATEMENT not in client.get(URL).content.decode()


def test_reusable_text_refuses_other_methods(client, db):
    client.force_login(_office(make_school()))

    assert client.delete(URL).status_code == 405

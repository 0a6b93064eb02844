"""S003-15: a letter signed by the Headship or SLT member who holds the family, or by whoever
is chosen for the letter from the senior staff."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rollbook.casework.caseload_actions import assign_family
from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, Role
from rollbook.letters import actions, rules
from rollbook.letters.models import Letter
from rollbook.letters.rules import LetterError, Signatory
from rollbook.letters.tests.conftest import FRIDAY, POLICY
from rollbook.policy.actions import adopt_policy

HEAD = Signatory(1, "Hana Head", "Headteacher")
AHT = Signatory(2, "Ash Tee", "Senior Leadership Team")
CASELOADS = """
[[caseloads]]
key = "headship"
name = "Headship focus families"
role = "head"
max_families = 6
[[caseloads]]
key = "aht"
name = "AHT focus families"
role = "head"
max_families = 2
[[caseloads]]
key = "ao"
name = "Attendance officer focus families"
role = "office"
max_families = 5
"""

# --- Pure ---------------------------------------------------------------------------------------


def test_the_headship_caseload_signs_as_the_headship_and_others_as_slt():
    assert rules.caseload_title("headship", "Headship focus families") == "Headship team"
    assert rules.caseload_title("aht", "AHT focus families") == "Senior Leadership Team"


@pytest.mark.parametrize(
    ("owner", "role", "head", "expected"),
    [
        (AHT, "head", HEAD, AHT),  # a senior caseload: its holder signs
        (AHT, "office", HEAD, HEAD),  # an attendance officer's family: the head signs
        (None, "", HEAD, HEAD),
        (None, "", None, Signatory(None, "The Headteacher", "Headteacher")),
    ],
)
def test_who_signs_a_familys_letter(owner, role, head, expected):
    assert rules.signatory_for(owner=owner, owner_caseload_role=role, head=head) == expected


def test_only_senior_roles_may_sign():
    assert rules.may_sign({"head"}) and rules.may_sign({"attendance_lead", "office"})
    assert not rules.may_sign({"office", "teacher"})


# --- Against the database -----------------------------------------------------------------------


@pytest.fixture
def slt(world):
    adopt_policy(actor_label="test", school=world.school, text=POLICY + CASELOADS, source="test")
    aht = create_staff_user(
        actor_label="test",
        school=world.school,
        username="aht",
        password="pw-for-tests-1234",
        roles=[Role.HEAD],
        first_name="Ash",
        last_name="Tee",
    )
    world.users["aht"] = aht
    return world


def test_a_headship_family_gets_a_headship_letter_and_an_aht_family_the_slt_variant(slt):
    head, aht = slt.users["head"], slt.users["aht"]
    assign_family(
        actor_label="t", family=slt.amy.family, holder=head, caseload="headship", on=FRIDAY
    )
    assign_family(actor_label="t", family=slt.cat.family, holder=aht, caseload="aht", on=FRIDAY)

    actions.generate_stage_letters(school=slt.school, today=FRIDAY)

    amy = Letter.objects.get(pupil=slt.amy, template_key="stage_1_letter")
    cat = Letter.objects.get(pupil=slt.cat, template_key="stage_1_letter")
    assert (amy.signatory, amy.signatory_title) == (head, "Headship team")
    assert "Hana Head<br>\nHeadship team, Meadow Primary" in amy.html
    assert (cat.signatory, cat.signatory_name, cat.signatory_title) == (
        aht,
        "Ash Tee",
        "Senior Leadership Team",
    )
    assert "Ash Tee<br>\nSenior Leadership Team, Meadow Primary" in cat.html


def test_a_family_nobody_senior_holds_gets_the_head(slt):
    actions.generate_stage_letters(school=slt.school, today=FRIDAY)

    letter = Letter.objects.get(pupil=slt.amy, template_key="stage_1_letter")
    assert (letter.signatory, letter.signatory_title) == (slt.users["head"], "Headteacher")
    assert "Hana Head<br>\nHeadteacher, Meadow Primary" in letter.html


def test_changing_who_signs_merges_the_draft_again_and_is_audited(slt):
    actions.generate_stage_letters(school=slt.school, today=FRIDAY)
    letter = Letter.objects.get(pupil=slt.amy, template_key="stage_1_letter")

    changed = actions.change_signatory(
        actor=slt.users["lead"], letter=letter, signer_id=slt.users["aht"].pk, title="Deputy Head"
    )

    assert (changed.signatory_name, changed.signatory_title) == ("Ash Tee", "Deputy Head")
    assert "Ash Tee<br>\nDeputy Head, Meadow Primary" in changed.html
    assert "Hana Head" not in changed.html
    assert "missing 4 sessions (2 days)" in changed.html  # the rest of the letter is unchanged
    assert not changed.has_pdf  # rendered again
    event = AuditEvent.objects.get(kind="letter.signatory_changed")
    assert (event.data["old"], event.data["new"]) == (
        "Hana Head, Headteacher",
        "Ash Tee, Deputy Head",
    )


def test_only_senior_staff_sign_and_only_drafts_change(slt):
    actions.generate_stage_letters(school=slt.school, today=FRIDAY)
    letter = Letter.objects.get(pupil=slt.amy, template_key="stage_1_letter")

    with pytest.raises(LetterError, match="headship or senior leadership"):
        actions.change_signatory(
            actor=None, letter=letter, signer_id=slt.users["office"].pk, title="Office"
        )
    with pytest.raises(LetterError, match="headship or senior leadership"):
        actions.change_signatory(
            actor=None, letter=letter, signer_id=slt.users["other_head"].pk, title="Head"
        )
    actions.mark_sent(actor=slt.users["office"], letter=letter)
    with pytest.raises(LetterError, match="Only a draft"):
        actions.change_signatory(
            actor=None, letter=letter, signer_id=slt.users["aht"].pk, title="SLT"
        )


def test_the_letter_page_changes_who_signs(client, slt, django_assert_max_num_queries):
    actions.generate_stage_letters(school=slt.school, today=FRIDAY)
    letter = Letter.objects.get(pupil=slt.amy, template_key="stage_1_letter")
    url = reverse("letters:signatory", args=[letter.pk])
    client.force_login(slt.users["office"])

    with django_assert_max_num_queries(12):
        page = client.get(reverse("letters:detail", args=[letter.pk]))
    bad = client.post(url, {"signer": slt.users["office"].pk, "title": ""}, HTTP_HX_REQUEST="true")
    done = client.post(url, {"signer": slt.users["aht"].pk, "title": "Assistant Headteacher"})

    assert "Who signs" in page.content.decode() and "Ash Tee" in page.content.decode()
    assert bad.status_code == 200 and "<html" not in bad.content.decode()
    assert "Choose who signs the letter." in bad.content.decode()  # the office may not sign
    assert "Give the signer&#x27;s title" in bad.content.decode()
    assert done.status_code == 302
    letter.refresh_from_db()
    assert letter.signatory_title == "Assistant Headteacher"
    assert client.get(url).status_code == 405
    client.force_login(slt.users["teacher"])
    assert client.post(url, {"signer": slt.users["aht"].pk, "title": "x"}).status_code == 403
    client.force_login(slt.users["other_head"])
    assert client.post(url, {"signer": slt.users["aht"].pk, "title": "x"}).status_code == 404

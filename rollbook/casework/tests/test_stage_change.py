"""A manual stage change with a reason (S002-6): rule, action, audit, timeline and the page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rollbook.casework import actions, queries, rules
from rollbook.casework.models import Case
from rollbook.casework.rules import CaseError
from rollbook.core.models import AuditEvent
from rollbook.policy.actions import adopt_policy

HTMX = {"HX-Request": "true"}
STAGES = ["Stage 1", "Stage 2", "Stage 3"]
POLICY = 'name="casework"\nversion=2\n' + "".join(
    f'[[stages]]\nkey="stage_{n}"\nname="Stage {n}"\ntrigger={{days_absent_at_least={n * 5}}}\n'
    for n in (1, 2, 3)
)


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


@pytest.fixture
def case(cw):
    adopt_policy(actor_label="test", school=cw.school, text=POLICY, source="test")
    c = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    Case.objects.filter(pk=c.pk).update(stage="Stage 2")  # as if opened from a stage 2 alert
    c.refresh_from_db()
    return c


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"is_open": False}, "closed"),
        ({"new": "Stage 9"}, "policy's stages"),
        ({"new": "Stage 2"}, "already at Stage 2"),
        ({"reason": "  "}, "reason"),
    ],
)
def test_check_stage_change_refuses(kwargs, message):
    args = {
        "is_open": True,
        "old": "Stage 2",
        "new": "Stage 3",
        "stages": STAGES,
        "reason": "No engagement",
    } | kwargs
    with pytest.raises(CaseError, match=message):
        rules.check_stage_change(**args)


def test_check_stage_change_allows_moving_down_too():
    rules.check_stage_change(
        is_open=True, old="Stage 3", new="Stage 1", stages=STAGES, reason="Engaging well"
    )


def test_the_stage_names_come_from_the_active_policy(case, cw):
    assert queries.stage_names(cw.school) == STAGES


def test_moving_a_case_from_stage_2_to_3_is_audited_with_who_and_why(case, cw):
    actions.change_stage(
        actor=cw.users["office"],
        case=case,
        stage="Stage 3",
        stages=STAGES,
        reason="No engagement",
    )

    case.refresh_from_db()
    event = AuditEvent.objects.get(kind="case.stage_changed")
    assert case.stage == "Stage 3"
    assert (event.actor, event.reason) == (cw.users["office"], "No engagement")
    assert (event.data["old"], event.data["new"], event.data["manual"]) == (
        "Stage 2",
        "Stage 3",
        True,
    )
    events = queries.timeline(cw.school, [cw.amy], safeguarding=False, kinds=["case"]).events
    changed = next(e for e in events if e.title == "Stage changed by hand")
    assert changed.detail == "Stage 2 to Stage 3; No engagement" and changed.by == "office"


def test_the_page_changes_the_stage_and_shows_it(client, case, cw):
    client.force_login(cw.users["office"])

    response = client.post(url("stage", cw.amy.pk), {"stage": "Stage 3", "reason": "No engagement"})

    assert response.status_code == 302 and response["Location"] == url("pupil", cw.amy.pk)
    text = client.get(url("pupil", cw.amy.pk)).content.decode()
    assert "Stage changed by hand" in text and "Stage 2 to Stage 3; No engagement" in text
    assert 'id="stage-form"' in text


def test_a_stage_change_without_a_reason_re_renders_with_an_error(client, case, cw):
    client.force_login(cw.users["office"])

    page = client.post(url("stage", cw.amy.pk), {"stage": "Stage 3", "reason": ""})
    partial = client.post(
        url("stage", cw.amy.pk), {"stage": "Stage 7", "reason": "x"}, headers=HTMX
    )

    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "Select a valid choice" in partial.content.decode()
    case.refresh_from_db()
    assert case.stage == "Stage 2" and not AuditEvent.objects.filter(kind="case.stage_changed")


def test_the_stage_form_refuses_wrong_method_users_and_schools(client, case, cw):
    data = {"stage": "Stage 3", "reason": "No engagement"}
    client.force_login(cw.users["office"])
    assert client.get(url("stage", cw.amy.pk)).status_code == 405
    for user in ("senco", "teacher", "governor"):
        client.force_login(cw.users[user])
        assert client.post(url("stage", cw.amy.pk), data).status_code == 403
    client.force_login(cw.users["other_head"])
    assert client.post(url("stage", cw.amy.pk), data).status_code == 404
    case.refresh_from_db()
    assert case.stage == "Stage 2"

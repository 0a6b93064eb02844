"""S002-8: a penalty notice is a last resort. A request to the LA is refused until the earlier
stages' letters and meetings are on record, unless a reason to override is given (audited)."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from rollbook.core.models import AuditEvent
from rollbook.penalties import actions, rules
from rollbook.penalties.models import PenaltyNotice
from rollbook.penalties.rules import EarlierStep, PenaltyError
from rollbook.penalties.tests.conftest import WEEK
from rollbook.policy.actions import adopt_policy, complete_action
from rollbook.policy.models import PolicyAction
from rollbook.policy.monitoring import run_monitoring
from rollbook.policy.schema import load_preset, parse_policy

DECIDED = date(2025, 11, 10)
POLICY = """
name = "gate"
version = 1
[[stages]]
key = "stage_1"
name = "Stage 1"
trigger = {days_absent_at_least = 1}
actions = [
  {kind = "letter", text = "Stage 1 letter.", template = "stage_1_letter", role = "office"},
  {kind = "task", text = "Call home", role = "office"},
]
[[stages]]
key = "stage_2"
name = "Stage 2"
trigger = {days_absent_at_least = 2}
actions = [{kind = "meeting", text = "Meet the parents", role = "attendance_lead"}]
[[stages]]
key = "later"
name = "Enforcement"
tier = "Enforce"
trigger = {days_absent_at_least = 3}
actions = [{kind = "letter", text = "Final letter", template = "final", role = "office"}]
"""
LETTER = EarlierStep("stage_1", "Stage 1", "letter", "Stage 1 letter.", "stage_1_letter")
MEETING = EarlierStep("stage_2", "Stage 2", "meeting", "Meet the parents")

# --- Pure ---------------------------------------------------------------------------------------


def test_the_earlier_steps_are_the_letters_and_meetings_before_the_enforce_tier():
    stages = parse_policy(POLICY).stages

    assert rules.earlier_steps(stages, penalty_keys=()) == [LETTER, MEETING]
    # A penalty-notice stage ends the ladder as well: only stage 1 comes before stage_2 here.
    assert rules.earlier_steps(stages, penalty_keys={"stage_2"}) == [LETTER]


def test_a_policy_with_no_enforcement_stage_has_no_gate():
    assert rules.earlier_steps(load_preset("003_woodside").stages, ()) == []
    assert rules.earlier_steps(load_preset("national").stages, ()) == []


def test_preset_002_needs_its_four_stage_letters_and_the_stage_3_meeting_first():
    policy = load_preset("002_st_dunstans")

    steps = rules.earlier_steps(policy.stages, {"penalty_notice"})

    assert [(s.stage_key, s.kind, s.template) for s in steps] == [
        ("stage_1", "letter", "stage_1_letter"),
        ("stage_2", "letter", "stage_2_letter"),
        ("stage_3", "meeting", "stage_3_meeting_invite"),
        ("stage_3", "letter", "stage_3_letter"),
        ("stage_4", "letter", "formal_warning"),
    ]


def test_nothing_on_record_is_refused_naming_each_missing_step():
    check = rules.earlier_stages_check([LETTER, MEETING], set())

    assert (check.allowed, check.overridden, check.missing) == (False, False, (LETTER, MEETING))
    assert "last resort" in check.message
    assert "Missing: Stage 1 letter (Stage 1); Meet the parents (Stage 2)." in check.message


def test_one_step_recorded_leaves_only_the_other_missing():
    check = rules.earlier_stages_check([LETTER, MEETING], {LETTER.ident})

    assert (check.allowed, check.missing) == (False, (MEETING,))
    assert "Stage 1 letter" not in check.message


def test_everything_on_record_is_allowed():
    check = rules.earlier_stages_check([LETTER, MEETING], {LETTER.ident, MEETING.ident})

    assert (check.allowed, check.missing, check.message) == (True, (), "")


@pytest.mark.parametrize(("reason", "allowed"), [("", False), ("   ", False), ("Refused", True)])
def test_an_override_needs_a_real_reason(reason, allowed):
    check = rules.earlier_stages_check([LETTER], set(), override_reason=reason)

    assert (check.allowed, check.overridden) == (allowed, allowed)
    assert check.missing == (LETTER,)


def test_an_unauthorised_holiday_needs_no_earlier_stages():
    check = rules.earlier_stages_check([LETTER, MEETING], set(), holiday=True)

    assert (check.allowed, check.missing, check.overridden) == (True, (), False)


# --- Against the database -----------------------------------------------------------------------


@pytest.fixture
def gated(pn):
    adopt_policy(actor_label="test", school=pn.school, text=POLICY, source="test")
    run_monitoring(school=pn.school, as_of=WEEK[-1])  # the stages fire for Pia
    return pn


def _done(pn, kind: str) -> None:
    action = PolicyAction.objects.get(pupil=pn.pia, kind=kind, alert__stage_key__startswith="stage")
    complete_action(actor=pn.users["lead"], action=action, note="done")


def test_a_request_with_no_stage_letters_is_refused_and_nothing_is_recorded(gated):
    with pytest.raises(PenaltyError, match=r"Missing: Stage 1 letter \(Stage 1\); Meet the"):
        actions.decide(
            actor=gated.users["lead"],
            alert=gated.alert,
            parents=[gated.mum],
            choice="request",
            on=DECIDED,
        )

    assert not PenaltyNotice.objects.exists()


def test_a_request_goes_through_once_the_letter_and_meeting_are_done(gated):
    _done(gated, "letter")
    _done(gated, "meeting")

    (notice,) = actions.decide(
        actor=gated.users["lead"],
        alert=gated.alert,
        parents=[gated.mum],
        choice="request",
        on=DECIDED,
    )

    assert notice.status == "requested"
    assert not AuditEvent.objects.filter(kind="penalty_notice.earlier_stages_overridden").exists()


def test_a_warning_is_not_gated_but_the_later_request_is(gated):
    (notice,) = actions.decide(
        actor=gated.users["lead"],
        alert=gated.alert,
        parents=[gated.mum],
        choice="warning_letter",
        on=DECIDED,
    )

    with pytest.raises(PenaltyError, match="last resort"):
        actions.advance(actor=gated.users["lead"], notice=notice, to="requested", on=DECIDED)
    _done(gated, "letter")
    with pytest.raises(PenaltyError, match="Missing: Meet the parents"):
        actions.advance(actor=gated.users["lead"], notice=notice, to="requested", on=DECIDED)


def test_an_override_with_a_reason_is_allowed_and_audited(gated):
    (notice,) = actions.decide(
        actor=gated.users["lead"],
        alert=gated.alert,
        parents=[gated.mum],
        choice="request",
        on=DECIDED,
        override_reason="Family refused every meeting; LA advised",
    )

    assert notice.status == "requested"
    event = AuditEvent.objects.get(kind="penalty_notice.earlier_stages_overridden")
    assert (event.actor, event.pupil_id, event.reason) == (
        gated.users["lead"],
        gated.pia.pk,
        "Family refused every meeting; LA advised",
    )
    assert event.data["missing"] == ["Stage 1 letter (Stage 1)", "Meet the parents (Stage 2)"]


def test_the_decision_page_shows_the_missing_steps_and_takes_an_override(client, gated):
    client.force_login(gated.users["lead"])
    url = reverse("penalties:decide", args=[gated.alert.pk])
    prefix = f"a{gated.alert.pk}-"
    data = {"choice": "request", "parents": [gated.mum.pk], "on": "2025-11-10"}

    refused = client.post(
        url, {prefix + k: v for k, v in data.items()}, headers={"HX-Request": "true"}
    )
    data["override_reason"] = "LA advised"
    allowed = client.post(url, {prefix + k: v for k, v in data.items()})

    text = refused.content.decode()
    assert refused.status_code == 200 and "<html" not in text
    assert "last resort" in text and "Meet the parents (Stage 2)" in text
    assert allowed.status_code == 302
    assert PenaltyNotice.objects.get().status == "requested"

"""S001-49: support steps up or down as the family needs, and every move is kept."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from rollbook.casework.queries import timeline
from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.policy import tiers
from rollbook.policy.actions import adopt_preset, move_tier
from rollbook.policy.models import TierChange
from rollbook.policy.monitoring import run_monitoring
from rollbook.policy.rules import PupilFacts
from rollbook.policy.schema import load_preset, parse_policy
from rollbook.policy.tiers import Move, TierError
from rollbook.registers.rules import Tally

P001 = load_preset("001_everyones_business")
ORDER = tiers.tier_order(P001.stages)
MONITOR, LISTEN = P001.stage("halfterm_review"), P001.stage("formal_meeting")

# --- Pure ---------------------------------------------------------------------------------------


def test_the_tiers_are_the_stages_tiers_in_file_order_each_once():
    assert ORDER == (
        "Expect",
        "Monitor",
        "Listen and understand",
        "Facilitate support",
        "Formalise support",
        "Enforce",
    )
    assert tiers.tier_order(load_preset("003_woodside").stages) == ()


@pytest.mark.parametrize(
    ("attended", "possible", "expected"),
    [
        (48, 50, "Expect"),  # 96.0 %: not below 96
        (47, 50, "Monitor"),  # 94.0 %
        (45, 50, "Listen and understand"),  # 90.0 %: below 92 (and 96)
        (18, 19, "Expect"),  # below 96, but fewer than 20 sessions: not judged yet
    ],
)
def test_the_warranted_tier_is_the_highest_whose_trigger_holds_today(attended, possible, expected):
    facts = PupilFacts(1, Tally(attended=attended, unauthorised=possible - attended), {})

    assert tiers.warranted_tier(P001, facts, (), date(2025, 11, 3)) == expected


def test_a_stage_firing_in_a_higher_tier_steps_up_to_the_highest():
    move = tiers.automatic_move(
        ORDER, current=None, by_person=False, fired=[MONITOR, LISTEN], warranted=None
    )

    assert move == Move("Listen and understand", "up", f"{LISTEN.name} fired")


def test_a_stage_in_a_lower_tier_does_not_move_the_pupil_down():
    assert (
        tiers.automatic_move(
            ORDER, current="Listen and understand", by_person=False, fired=[MONITOR], warranted=None
        )
        is None
    )


def test_figures_no_longer_holding_the_tier_step_down_with_a_reason():
    move = tiers.automatic_move(
        ORDER, current="Listen and understand", by_person=False, fired=[], warranted="Expect"
    )

    assert (move.to, move.direction) == ("Expect", "down")
    assert "No longer meets the trigger of any stage in Listen and understand" in move.reason


def test_monitoring_never_undoes_a_persons_move():
    assert (
        tiers.automatic_move(ORDER, current="Enforce", by_person=True, fired=[], warranted="Expect")
        is None
    )


@pytest.mark.parametrize(
    ("current", "to", "reason", "result"),
    [
        ("Monitor", "Expect", "Back on track", "down"),
        (None, "Monitor", "Agreed at the review", "up"),
        ("Monitor", "Monitor", "x", "already in Monitor"),
        ("Monitor", "Expect", "  ", "Give the reason"),
        ("Monitor", "Tier 9", "x", "Choose one of the policy's tiers"),
    ],
)
def test_a_persons_move_needs_a_known_new_tier_and_a_reason(current, to, reason, result):
    if result in ("up", "down"):
        assert tiers.check_move(ORDER, current, to, reason) == result
    else:
        with pytest.raises(TierError, match=result):
            tiers.check_move(ORDER, current, to, reason)


def test_a_policy_with_placeholder_tiers_only_has_order_but_no_trigger():
    policy = parse_policy('name = "x"\nversion = 1\n')

    assert tiers.warranted_tier(policy, PupilFacts(1, Tally(), {}), (), date(2025, 9, 1)) is None


# --- Against the database -----------------------------------------------------------------------


@pytest.fixture
def school(db):
    school = make_school(name="Meadow Primary")
    adopt_preset(actor_label="test", school=school, preset="001_everyones_business")
    return school


def test_a_pupil_back_at_96_after_a_contract_returns_to_expect_and_the_timeline_keeps_both(
    school,
):
    days = school.calendar().school_days(date(2025, 9, 1), date(2025, 12, 1))[:25]
    pupil = make_pupil(school, legal_forename="Ava")
    add_marks(pupil, [(d, s, "O" if d == days[0] else "/") for d in days for s in ("AM", "PM")])

    run_monitoring(school=school, as_of=days[9])  # 18 of 20: 90 %, below 92 and 96
    run_monitoring(school=school, as_of=days[15])  # 30 of 32: 93.8 %, still held (monitoring)
    run_monitoring(school=school, as_of=days[24])  # 48 of 50: 96.0 %, back above the line
    run_monitoring(school=school, as_of=days[24])  # a second run: nothing new

    moves = list(TierChange.objects.filter(pupil=pupil).order_by("at", "id"))
    assert [(m.from_tier, m.to_tier, m.direction, m.on) for m in moves] == [
        ("", "Listen and understand", "up", days[9]),
        ("Listen and understand", "Monitor", "down", days[15]),
        ("Monitor", "Expect", "down", days[24]),
    ]
    shown = timeline(school, [pupil], safeguarding=False).events
    details = [e.detail for e in shown if e.title == "Tier: changed"]
    assert len(details) == 3
    assert details[0].startswith("Stepped down from Monitor to Expect: No longer meets")
    assert details[-1].startswith("Stepped up to Listen and understand: Below 92%")


def test_a_persons_move_is_kept_audited_and_not_undone_by_monitoring(school):
    head = create_staff_user(
        actor_label="test",
        school=school,
        username="hana",
        password="pw-for-tests-1234",
        roles=[Role.HEAD],
    )
    pupil = make_pupil(school, legal_forename="Ben")
    day = date(2025, 9, 10)

    move_tier(actor=head, pupil=pupil, to_tier="Facilitate support", reason="Bereavement", on=day)
    run_monitoring(school=school, as_of=day)  # full attendance: would warrant Expect
    with pytest.raises(TierError, match="already in Facilitate support"):
        move_tier(actor=head, pupil=pupil, to_tier="Facilitate support", reason="x", on=day)
    down = move_tier(actor=head, pupil=pupil, to_tier="Expect", reason="Settled again", on=day)

    assert [c.to_tier for c in TierChange.objects.filter(pupil=pupil)] == [
        "Facilitate support",
        "Expect",
    ]
    assert (down.direction, down.from_tier, down.by) == ("down", "Facilitate support", head)
    event = AuditEvent.objects.filter(kind="tier.changed").latest("id")
    assert event.reason == "Stepped down from Facilitate support to Expect: Settled again"
    with pytest.raises(TierError, match="signed-in member of staff"):
        move_tier(actor=None, pupil=pupil, to_tier="Monitor", reason="x", on=day)


def test_the_tier_page_shows_the_history_and_records_a_move(
    client, school, django_assert_max_num_queries
):
    office = create_staff_user(
        actor_label="test",
        school=school,
        username="olly",
        password="pw-for-tests-1234",
        roles=[Role.OFFICE],
    )
    teacher = create_staff_user(
        actor_label="test",
        school=school,
        username="tess",
        password="pw-for-tests-1234",
        roles=[Role.TEACHER],
    )
    pupil = make_pupil(school, legal_forename="Cal")
    url = reverse("policy:tiers", args=[pupil.pk])
    client.force_login(office)

    with django_assert_max_num_queries(10):
        page = client.get(url)
    bad = client.post(url, {"to_tier": "Monitor", "reason": ""})
    done = client.post(url, {"to_tier": "Monitor", "reason": "Agreed with the family"})
    after = client.get(url).content.decode()

    assert page.status_code == 200 and "No moves recorded." in page.content.decode()
    assert bad.status_code == 200 and "Give the reason for the move." in bad.content.decode()
    assert done.status_code == 302
    assert "Stepped up to Monitor" in after and "Agreed with the family" in after
    assert client.delete(url).status_code == 405
    client.force_login(teacher)
    assert client.get(url).status_code == 403
    other = make_pupil(make_school(name="Hill Primary"), legal_forename="Zed")
    client.force_login(office)
    assert client.get(reverse("policy:tiers", args=[other.pk])).status_code == 404

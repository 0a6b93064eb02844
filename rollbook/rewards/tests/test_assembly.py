"""The assembly sheet (S002-114, S004-19, S003-27): class sums by hand, the read, the page."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
import time_machine
from django.urls import reverse

from rollbook.core.models import Role
from rollbook.core.tests.factories import aware, make_school
from rollbook.policy.monitoring import active_policy
from rollbook.registers.rules import Tally
from rollbook.rewards import qualifying, sheets
from rollbook.rewards.actions import record_awards
from rollbook.rewards.rules import ClassFigure, ClassInfo, Period
from rollbook.rewards.tests.builders import FRIDAY, school_with_classes, staff

NOW = aware(2026, 5, 14, 16, 0)
A, B = ClassInfo(1, "3A", "3"), ClassInfo(2, "3B", "3")


def test_period_figures_sum_session_counts_not_weekly_percentages():
    week_1 = [ClassFigure(A, Tally(19, 1), 2, 0), ClassFigure(B, Tally(10, 0), 1, 0)]
    week_2 = [ClassFigure(A, Tally(8, 8), 2, 1)]  # 3B had no marks that week

    found = qualifying.period_figures([B, A], [week_1, week_2])

    # 3A: 27 of 36 = 75 % (the mean of 95 % and 50 % would be 72.5 %).
    assert [(f.group.name, f.rate, f.pupils, f.excluded) for f in found] == [
        ("3A", Fraction(75), 2, 1),
        ("3B", Fraction(100), 1, 0),
    ]


def sheet_of(world, kind, as_of=FRIDAY):
    policy, _ = active_policy(world.school)
    return sheets.assembly_sheet(
        world.school, policy, world.school.calendar(), kind=kind, as_of=as_of
    )


@pytest.mark.django_db
def test_002_the_weekly_sheet_lists_this_weeks_token_winners():
    world = school_with_classes("002_st_dunstans")

    sheet = sheet_of(world, "week")

    [challenge] = sheet.results
    # Week of 11 May: 3A 14 of 16 = 87.5 % (no token); 3B and 4A 100 %.
    assert [f.group.name for f in challenge.winners] == ["3B", "4A"]
    assert challenge.words == "earn a token at 96% or more"
    assert [p.name for p in sheet.full.pupils] == ["Amy Able", "Cat Cole", "Dan Dale"]


@pytest.mark.django_db
def test_004_the_termly_sheet_lists_the_pupils_at_100_percent_and_award_counts():
    world = school_with_classes("004_strategy_2024_25")
    policy, _ = active_policy(world.school)
    termly = next(r for r in policy.rewards if r.key == "termly_100")
    term = Period("term", "Summer term 2025/26", date(2026, 4, 13), FRIDAY)
    record_awards(
        actor_label="test",
        school=world.school,
        reward=termly,
        period=term,
        pupil_ids=[world.a1.pk],
        awarded_on=FRIDAY,
    )

    sheet = sheet_of(world, "term")

    assert sheet.period.label == "Summer term 2025/26"
    assert [p.name for p in sheet.full.pupils] == ["Amy Able", "Cat Cole", "Dan Dale"]
    counts = {a.reward.key: (a.eligible, a.recorded) for a in sheet.awards}
    assert counts["termly_100"] == (3, ["Amy Able"])
    # 3A over the term: weeks of 27 Apr (19 of 20), 4 May (16 of 16), 11 May (14 of 16).
    three_a = next(f for f in sheet.classes if f.group.name == "3A")
    assert three_a.tally.attended == 49 and three_a.tally.possible == 52


@pytest.mark.django_db
def test_003_the_weekly_sheet_lists_the_winning_class_and_the_ambassadors():
    world = school_with_classes("003_woodside")
    policy, _ = active_policy(world.school)
    ambassador = next(r for r in policy.rewards if r.key == "year_group_ambassador")
    record_awards(
        actor_label="test",
        school=world.school,
        reward=ambassador,
        period=Period("year", "2025/26", date(2025, 8, 1), FRIDAY),
        pupil_ids=[world.a1.pk, world.c1.pk],
        awarded_on=FRIDAY,
    )

    sheet = sheet_of(world, "week")

    highest = next(r for r in sheet.results if r.reward.key == "weekly_highest_class")
    assert [f.group.name for f in highest.winners] == ["3B", "4A"]
    counts = {a.reward.key: a.recorded for a in sheet.awards}
    assert counts["year_group_ambassador"] == ["Amy Able", "Dan Dale"]


# --- the page ---------------------------------------------------------------------------------


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield school_with_classes("004_strategy_2024_25")


@pytest.mark.django_db
def test_the_office_prints_the_termly_sheet(client, world, django_assert_max_num_queries):
    client.force_login(staff(world.school, Role.ATTENDANCE_LEAD, "lead"))

    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(20):
        response = client.get(reverse("rewards:assembly"), {"kind": "term"})

    assert response.status_code == 200
    text = response.text
    assert "Term: Summer term 2025/26" in text and "100% attendance: 3 pupils" in text
    assert "Dan Dale" in text and "Ben Brook" not in text
    assert "Weekly class award" in text and "rewards.css" in text


@pytest.mark.django_db
def test_the_sheet_is_for_the_office_only(client, world):
    for role in (Role.TEACHER, Role.GOVERNOR):
        client.force_login(staff(world.school, role, f"u-{role}"))

        assert client.get(reverse("rewards:assembly")).status_code == 403


@pytest.mark.django_db
def test_the_sheet_refuses_a_post_and_bad_input(client, world):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    with time_machine.travel(NOW, tick=False):
        bad = client.get(reverse("rewards:assembly"), {"kind": "century", "as_of": "soon"})

    assert client.post(reverse("rewards:assembly")).status_code == 405
    assert bad.status_code == 200 and "There is a problem" in bad.text
    assert "Amy Able" not in bad.text


@pytest.mark.django_db
def test_another_schools_head_sees_only_its_own_school(client, world):
    client.force_login(staff(make_school(name="Hill Primary"), Role.HEAD, "hill"))

    with time_machine.travel(NOW, tick=False):
        response = client.get(reverse("rewards:assembly"))

    assert response.status_code == 200 and "Amy Able" not in response.text

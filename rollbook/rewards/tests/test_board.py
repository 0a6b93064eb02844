"""The hall display and attendance board (S004-7, S004-23): class and school figures for the
week and award counts, never a pupil's name."""

from __future__ import annotations

import re
from datetime import date
from fractions import Fraction

import pytest
import time_machine
from django.urls import reverse

from rollbook.core.models import Role
from rollbook.core.tests.factories import aware
from rollbook.policy.monitoring import active_policy
from rollbook.rewards import sheets
from rollbook.rewards.actions import record_awards
from rollbook.rewards.queries import pick_week
from rollbook.rewards.rules import Period
from rollbook.rewards.tests.builders import FRIDAY, school_with_classes, staff

pytestmark = pytest.mark.django_db
NOW = aware(2026, 5, 14, 16, 0)
NAMES = ("Amy", "Able", "Ben", "Brook", "Cat", "Cole", "Dan", "Dale")


def board_of(world):
    policy, _ = active_policy(world.school)
    calendar = world.school.calendar()
    return sheets.board(world.school, policy, calendar, pick_week(calendar, FRIDAY, None))


def test_the_school_figure_counts_every_pupil_even_those_left_out_of_class_figures():
    # 001 leaves a long-term illness out of the class figure, not out of the school's.
    world = school_with_classes("001_everyones_business", long_term_illness=True)

    found = board_of(world)

    # Week of 11 May (4 days): 8 + 6 + 8 + 8 = 30 of 32 sessions = 93.75 %.
    assert found.school_rate == Fraction(9375, 100)
    assert found.full_term == 3 and found.awards == []  # 001 has no pupil awards


def test_004_the_board_counts_the_100_percent_pupils_and_the_awards():
    world = school_with_classes("004_strategy_2024_25")
    policy, _ = active_policy(world.school)
    termly = next(r for r in policy.rewards if r.key == "termly_100")
    record_awards(
        actor_label="test",
        school=world.school,
        reward=termly,
        period=Period("term", "Summer term 2025/26", date(2026, 4, 13), FRIDAY),
        pupil_ids=[world.a1.pk, world.b1.pk],
        awarded_on=FRIDAY,
    )

    found = board_of(world)

    assert found.full_term == 3 and found.term_label == "Summer term 2025/26"
    counts = {a.name: (a.eligible, a.recorded) for a in found.awards}
    assert counts["100% attendance this term"] == (3, 2)


def test_the_display_shows_class_and_school_figures_and_counts_but_no_names(
    client, django_assert_max_num_queries
):
    with time_machine.travel(NOW, tick=False):
        world = school_with_classes("004_strategy_2024_25")
        client.force_login(staff(world.school, Role.GOVERNOR, "gov"))

        with django_assert_max_num_queries(22):
            response = client.get(reverse("rewards:display"))

    assert response.status_code == 200
    text = response.text
    assert "Whole school this week: <strong>93.75%</strong>" in text
    assert "87.50%" in text and "3B" in text  # each class's week
    assert "100% attendance this term (Summer term 2025/26): <strong>3</strong> pupils" in text
    assert "100% attendance this year (2025/26): <strong>3</strong> qualify" in text
    assert not any(re.search(rf"\b{name}\b", text) for name in NAMES)


def test_the_display_refuses_a_post(client):
    world = school_with_classes("004_strategy_2024_25")
    client.force_login(staff(world.school, Role.TEACHER, "teacher"))

    assert client.post(reverse("rewards:display")).status_code == 405

"""Friday tracker pages (S003-22, S004-5, S003-54): the week's 10 sessions, the sticker,
year-to-date attendance; rules by hand, the read and the page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
import time_machine
from django.urls import reverse

from rollbook.core.models import Role
from rollbook.core.tests.factories import aware, make_school
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.actions import add_class_teacher
from rollbook.registers.rules import Tally
from rollbook.rewards import booklets, qualifying
from rollbook.rewards.tests.builders import FRIDAY, INSET, WEEK_3, school_with_classes, staff

NOW = aware(2026, 5, 15, 15, 0)  # Friday 15 May 2026 (an INSET day)
MON, TUE = date(2026, 5, 11), date(2026, 5, 12)
CSS = Path(__file__).resolve().parents[1] / "static" / "rewards" / "rewards.css"


def test_the_week_has_ten_cells_and_closed_days_say_so():
    weekdays = [date(2026, 5, 11 + i) for i in range(5)]
    marks = {(MON, "AM"): "/", (MON, "PM"): "L", (TUE, "AM"): "I"}

    cells = qualifying.week_cells(weekdays, weekdays[:4], marks)

    assert len(cells) == 10
    assert [c.code for c in cells[:4]] == ["/", "L", "I", ""]  # Tuesday PM not taken yet
    assert [c.code for c in cells[8:]] == ["closed", "closed"] and not cells[9].open


def test_goal_progress_is_exact_and_shows_the_points_to_go():
    assert qualifying.goal_progress(Tally(47, 3), Decimal(94)).met  # 47 of 50 = 94 % exactly
    short = qualifying.goal_progress(Tally(47, 3), Decimal(95))
    assert not short.met and short.to_go == Fraction(1)
    assert qualifying.goal_progress(Tally(), Decimal(95)).to_go is None


@pytest.mark.django_db
def test_each_pupil_gets_the_weeks_marks_a_sticker_and_year_to_date():
    world = school_with_classes()  # 002: stickers at the 96 % challenge line
    group = world.a1.registration_group
    policy, _ = active_policy(world.school)

    found = booklets.booklet(group, policy, world.school.calendar(), today=FRIDAY)

    assert found.week.monday == WEEK_3 and found.class_name == "3A"
    amy, ben = found.pupils
    assert (amy.name, ben.name) == ("Amy Able", "Ben Brook")
    assert [c.code for c in ben.cells] == [
        "/",
        "/",
        "I",
        "I",
        "/",
        "/",
        "/",
        "/",
        "closed",
        "closed",
    ]
    assert ben.cells[8].day == INSET
    # Ben: 6 of 8 this week (75 %): no sticker. Year to date: 23 of 26 = 88.46 %.
    assert (ben.week_rate, ben.sticker) == (Fraction(75), False)
    assert ben.year_rate == Fraction(2300, 26)
    assert (amy.week_rate, amy.sticker, amy.year_rate) == (Fraction(100), True, Fraction(100))
    assert amy.goal is None


@pytest.fixture
def world():
    with time_machine.travel(NOW, tick=False):
        yield school_with_classes("003_woodside")


@pytest.mark.django_db
def test_the_class_teacher_prints_one_page_per_pupil(client, world, django_assert_max_num_queries):
    teacher = staff(world.school, Role.TEACHER, "teacher")
    group = world.a1.registration_group
    add_class_teacher(actor_label="test", group=group, user=teacher)
    client.force_login(teacher)

    with time_machine.travel(NOW, tick=False), django_assert_max_num_queries(12):
        response = client.get(reverse("rewards:booklet", args=[group.pk]))

    assert response.status_code == 200
    text = response.text
    assert text.count("rewards-page-break") == 2 and "Ben Brook" in text and "Cat Cole" not in text
    assert "No sticker this week" in text and "Sticker earned" in text
    assert "This school year so far" in text and "88.46%" in text
    assert "School closed" in text


@pytest.mark.django_db
def test_an_earlier_week_can_be_chosen_and_a_bad_date_is_explained(client, world):
    client.force_login(staff(world.school, Role.OFFICE, "office"))
    group = world.a1.registration_group

    with time_machine.travel(NOW, tick=False):
        earlier = client.get(reverse("rewards:booklet", args=[group.pk]), {"week": "2026-04-29"})
        bad = client.get(reverse("rewards:booklet", args=[group.pk]), {"week": "someday"})

    assert earlier.status_code == 200 and "week beginning 27 April 2026" in earlier.text
    assert bad.status_code == 200 and "Enter the week as a real date" in bad.text


@pytest.mark.django_db
def test_another_classes_teacher_is_refused_and_another_school_sees_nothing(client, world):
    teacher = staff(world.school, Role.TEACHER, "teacher")
    add_class_teacher(actor_label="test", group=world.b1.registration_group, user=teacher)
    group = world.a1.registration_group
    client.force_login(teacher)
    refused = client.get(reverse("rewards:booklet", args=[group.pk]))
    client.force_login(staff(make_school(name="Hill Primary"), Role.HEAD, "hill"))

    hidden = client.get(reverse("rewards:booklet", args=[group.pk]))

    assert refused.status_code == 403 and hidden.status_code == 404
    assert client.post(reverse("rewards:booklet", args=[group.pk])).status_code == 405


def test_the_printed_page_keeps_only_the_booklet():
    text = CSS.read_text(encoding="utf-8")

    assert ".rewards-page-break { break-after: page; }" in text
    assert "body:has(.rewards-print-page) .govuk-template__header" in text

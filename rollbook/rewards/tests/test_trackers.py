"""Personal reward trackers for focus pupils (003, S003-13): rules by hand, the read, the page."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
import time_machine
from django.urls import reverse

from rollbook.casework.actions import close_case, open_case
from rollbook.casework.models import Case
from rollbook.core.models import Role
from rollbook.core.tests.factories import aware, make_pupil, make_school
from rollbook.policy.monitoring import active_policy
from rollbook.policy.schema import Reward
from rollbook.registers.rules import Tally
from rollbook.rewards import queries, rules
from rollbook.rewards.tests.builders import (
    FRIDAY,
    WEEK_1,
    WEEK_2,
    WEEK_3,
    school_with_classes,
    staff,
)

NOW = aware(2026, 5, 14, 16, 0)
WEEKS = rules.school_weeks(
    [date(2026, 4, 27), date(2026, 4, 28), date(2026, 5, 5), date(2026, 5, 11)]
)
CHALLENGE = Reward(
    key="weekly_96", name="96% challenge", period="week", measure="class_pct", at_least_pct=96
)


# --- rules, by hand -------------------------------------------------------------------------


def test_the_tracker_ticks_weeks_at_or_over_the_line_and_counts_them():
    tallies = {
        WEEK_1: Tally(attended=24, authorised=1),  # 24 of 25 = 96 %: met (inclusive)
        WEEK_2: Tally(attended=9, authorised=1),  # 90 %: not met
        # WEEK_3: no marks: no rate, not met
    }

    found = rules.tracker(7, WEEKS, tallies, CHALLENGE)

    assert [w.rate for w in found.weeks] == [Fraction(96), Fraction(90), None]
    assert [w.met for w in found.weeks] == [True, False, False]
    assert found.weeks_met == 1 and found.pupil_id == 7


def test_the_line_is_the_weekly_class_challenge_or_96_percent():
    hotspot = Reward(
        key="hotspot", name="Hotspot", period="day", measure="class_pct", above_pct=95.6
    )
    no_line = Reward(key="winner", name="Winner", period="week", measure="class_pct")

    assert rules.challenge_line([hotspot, no_line, CHALLENGE]) == CHALLENGE
    default = rules.challenge_line([hotspot, no_line])
    assert default.at_least_pct == 96 and rules.meets(Fraction(96), default)
    assert not rules.meets(Fraction(9599, 100), default)


# --- the read and the page ------------------------------------------------------------------


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(db):
    w = school_with_classes("002_st_dunstans")
    open_case(actor_label="test", pupil=w.a2, reason="focus family", now=NOW)
    open_case(actor_label="test", pupil=w.b1, reason="focus family", now=NOW)
    return w


def trackers_of(world, pupils=None):
    policy, _ = active_policy(world.school)
    return queries.focus_trackers(
        world.school,
        pupils if pupils is not None else world.school.pupils.all(),
        policy,
        world.school.calendar(),
        today=FRIDAY,
    )


def test_focus_pupils_weeks_this_half_term_against_002s_96_percent(world):
    page = trackers_of(world)

    assert page.period.label == "Summer 1" and page.line.at_least_pct == 96
    assert [w.monday for w in page.weeks] == [
        date(2026, 4, 13),
        date(2026, 4, 20),
        WEEK_1,
        WEEK_2,
        WEEK_3,
    ]
    assert [r.name for r in page.rows] == ["Ben Brook", "Cat Cole"]  # open cases only
    ben = page.rows[0].tracker
    # 9 of 10 sessions; 8 of 8 (bank holiday week); 6 of 8 (INSET Friday)
    assert [w.rate for w in ben.weeks] == [None, None, Fraction(90), Fraction(100), Fraction(75)]
    assert ben.weeks_met == 1
    assert page.rows[1].tracker.weeks_met == 3


def test_a_closed_case_or_no_case_is_not_a_focus_pupil(world):
    close_case(
        actor_label="test", case=Case.objects.get(pupil=world.b1), reason="improved", now=NOW
    )

    assert [r.pupil_id for r in trackers_of(world).rows] == [world.a2.pk]


def test_the_tracker_read_runs_two_queries_whatever_the_number_of_pupils(
    world, django_assert_num_queries
):
    policy, _ = active_policy(world.school)
    calendar = world.school.calendar()

    def run():
        queries.focus_trackers(
            world.school, world.school.pupils.all(), policy, calendar, today=FRIDAY
        )

    with django_assert_num_queries(2):
        run()
    open_case(actor_label="test", pupil=world.c1, reason="focus family", now=NOW)
    extra = make_pupil(world.school, legal_forename="Eve", class_name="3B")
    open_case(actor_label="test", pupil=extra, reason="focus family", now=NOW)
    with django_assert_num_queries(2):
        run()


def test_the_office_sees_every_focus_pupil(client, world):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    response = client.get(reverse("rewards:trackers"))

    assert response.status_code == 200
    assert "Ben Brook" in response.text and "Cat Cole" in response.text
    assert "1 of 5" in response.text and "96% or more" in response.text
    assert "Amy Able" not in response.text


def test_wrong_method_is_refused(client, world):
    client.force_login(staff(world.school, Role.HEAD, "head"))

    assert client.post(reverse("rewards:trackers")).status_code == 405


def test_a_teacher_sees_only_their_own_classes_focus_pupils(client, world):
    teacher = staff(world.school, Role.TEACHER, "teacher")
    world.b1.registration_group.teachers.add(teacher)  # teaches 3B, not 3A
    client.force_login(teacher)

    response = client.get(reverse("rewards:trackers"))

    assert response.status_code == 200
    assert "Cat Cole" in response.text and "Ben Brook" not in response.text


def test_another_schools_staff_see_none_of_these_pupils(client, world):
    other = make_school(name="Hill Primary")
    client.force_login(staff(other, Role.HEAD, "hill-head"))

    response = client.get(reverse("rewards:trackers"))

    assert response.status_code == 200
    assert "Ben Brook" not in response.text and "Cat Cole" not in response.text
    assert "No focus pupils" in response.text


def test_governors_are_refused_and_anonymous_users_sent_to_sign_in(client, world):
    assert client.get(reverse("rewards:trackers")).status_code == 302
    assert "login" in client.get(reverse("rewards:trackers"))["Location"]
    client.force_login(staff(world.school, Role.GOVERNOR, "gov"))
    assert client.get(reverse("rewards:trackers")).status_code == 403

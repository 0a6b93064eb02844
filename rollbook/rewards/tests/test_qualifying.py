"""Qualifying lists (S003-19), improvers (S004-33, S002-107), lates as a criterion (S002-22):
the pure rules by hand, the reads against the database, and the pages."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from rollbook.core.models import Role
from rollbook.core.tests.factories import add_marks, aware, make_pupil, make_school
from rollbook.policy.monitoring import active_policy
from rollbook.policy.schema import load_preset
from rollbook.registers.rules import Tally
from rollbook.rewards import qualifying, rules, sheets
from rollbook.rewards.qualifying import Criterion
from rollbook.rewards.tests.builders import FRIDAY, WEEK_1, attend, school_with_classes, staff

NOW = aware(2026, 5, 14, 16, 0)


def t(attended: int, absent: int) -> Tally:
    return Tally(attended=attended, authorised=absent)


# --- rules, by hand ---------------------------------------------------------------------------


def test_100_percent_means_every_possible_session_attended():
    full = Criterion()

    assert qualifying.qualifies(t(26, 0), 0, full)
    assert not qualifying.qualifies(t(399, 1), 0, full)  # 99.75 %, shown "99.8" or "100" rounded
    assert not qualifying.qualifies(Tally(), 0, full)  # no possible sessions
    assert not qualifying.qualifies(None, 0, full)


def test_a_preset_line_is_inclusive_and_exact():
    line = Criterion(Decimal("95.8"))

    assert qualifying.qualifies(t(23, 1), 0, line)  # 23 of 24 = 95.83 %: 2300 >= 2299.2
    assert not qualifying.qualifies(t(22, 1), 0, line)  # 22 of 23 = 95.65 %
    assert qualifying.qualifies(t(479, 21), 0, line)  # 479 of 500 = 95.8 % exactly


def test_no_lates_is_a_criterion_alongside_attendance():
    no_lates = Criterion(Decimal(100), max_lates=0)
    two = Criterion(Decimal(90), max_lates=2)

    assert qualifying.qualifies(t(20, 0), 0, no_lates)
    assert not qualifying.qualifies(t(20, 0), 1, no_lates)  # an L is present, but late
    assert qualifying.qualifies(t(18, 2), 2, two) and not qualifying.qualifies(t(18, 2), 3, two)
    assert qualifying.qualifies(t(20, 0), 7, Criterion())  # lates not counted
    assert no_lates.words == "100% attendance and no lates"
    assert two.words == "90% or more and 2 lates or fewer"


@given(attended=st.integers(0, 500), absent=st.integers(0, 500), lates=st.integers(0, 5))
def test_qualifying_is_the_integer_comparison(attended, absent, lates):
    line = Decimal("96.5")

    found = qualifying.qualifies(t(attended, absent), lates, Criterion(line, 2))

    possible = attended + absent
    assert found == (possible > 0 and 100 * attended >= line * possible and lates <= 2)


def test_the_lines_and_points_come_from_the_presets():
    p003, p004 = load_preset("003_woodside"), load_preset("004_strategy_2024_25")
    p002 = load_preset("002_st_dunstans")

    assert qualifying.default_line(p004, "term") == 100
    assert qualifying.default_line(p003, "year") == Decimal("95.8")  # class lead, listed first
    assert qualifying.default_line(p003, "half_term") == 100  # no award: 100 %
    assert qualifying.default_points(p004) == 5  # the half-termly improvement message
    assert qualifying.default_points(p002) == qualifying.DEFAULT_IMPROVEMENT_POINTS


def test_improvers_rose_by_at_least_the_points_from_one_period_to_the_next():
    before = {1: t(18, 2), 2: t(18, 2), 3: t(9, 1), 4: t(20, 0), 5: t(18, 2)}
    after = {
        1: t(19, 1),  # 90 % -> 95 %: exactly 5 points up
        2: t(1899, 101),  # 90 % -> 94.95 %: 4.95 points
        3: t(10, 0),  # 90 % -> 100 %: 10 points, on 10 sessions
        4: t(20, 0),  # no rise
        6: t(20, 0),  # no earlier period: not an improver
    }

    found = qualifying.improvers(before, after, Decimal(5), min_possible=10)
    fussy = qualifying.improvers(before, after, Decimal("5.01"), min_possible=11)

    assert [(i.pupil_id, i.points) for i in found] == [(3, Fraction(10)), (1, Fraction(5))]
    assert fussy == []  # 1 is 0.01 short; 3 has only 10 sessions before


def test_the_last_four_school_weeks_skip_holiday_weeks():
    days = [date(2026, 3, 2) + (date(2026, 1, 8) - date(2026, 1, 1)) * i for i in range(4)]
    days += [date(2026, 4, 13) + (date(2026, 1, 8) - date(2026, 1, 1)) * i for i in range(4)]
    weeks = rules.school_weeks(days)  # 2, 9, 16, 23 Mar; Easter; 13, 20, 27 Apr, 4 May

    earlier, later = qualifying.recent_weeks(weeks, 4)

    assert (earlier.first, earlier.last) == (date(2026, 3, 2), date(2026, 3, 23))
    assert (later.first, later.last) == (date(2026, 4, 13), date(2026, 5, 4))
    assert qualifying.recent_weeks(weeks[:7], 4) is None


# --- the reads --------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db


@pytest.fixture
def world():
    w = school_with_classes("004_strategy_2024_25")
    # Dan missed one session in October: 100 % for the half-term and term, not the year.
    attend(w.c1, date(2025, 9, 1), date(2025, 10, 24), {(date(2025, 10, 1), "AM"): "I"})
    # Cat was late once (L, present) this half-term: 100 %, but not "no lates".
    add_marks(w.b1, [(date(2026, 5, 13), "AM", "L")])
    return w


def lists_of(world, **kw):
    policy, _ = active_policy(world.school)
    return {
        q.kind: q
        for q in sheets.qualifying_lists(
            world.school, policy, world.school.calendar(), as_of=FRIDAY, **kw
        )
    }


@pytestmark_db
def test_the_half_term_term_and_year_lists_hold_the_pupils_at_100_percent(world):
    lists = lists_of(world)

    names = {k: [p.name for p in q.pupils] for k, q in lists.items()}
    assert names == {
        "half_term": ["Amy Able", "Cat Cole", "Dan Dale"],
        "term": ["Amy Able", "Cat Cole", "Dan Dale"],
        "year": ["Amy Able", "Cat Cole"],
    }
    assert lists["half_term"].period.label == "Summer 1"
    assert (lists["year"].period.first, lists["year"].period.last) == (date(2025, 8, 1), FRIDAY)


@pytestmark_db
def test_a_no_lates_rule_leaves_out_the_pupil_who_was_late(world):
    lists = lists_of(world, max_lates=0)

    assert [p.name for p in lists["half_term"].pupils] == ["Amy Able", "Dan Dale"]
    assert lists["half_term"].criterion.words == "100% attendance and no lates"


@pytestmark_db
def test_a_lower_line_brings_in_pupils_above_it(world):
    # Ben: 23 of 26 sessions this half-term = 88.46 %.
    lists = lists_of(world, at_least=Decimal("88.4"))
    higher = lists_of(world, at_least=Decimal("88.5"))

    assert "Ben Brook" in [p.name for p in lists["half_term"].pupils]
    assert "Ben Brook" not in [p.name for p in higher["half_term"].pupils]


@pytestmark_db
def test_improvers_over_the_last_four_school_weeks(world):
    # School weeks up to 14 May: ... 9, 16, 23 Mar (Spring 2), Easter skipped, 13, 20, 27 Apr,
    # 4 May (bank holiday), 11 May. Last 4: 20 Apr to 14 May; the 4 before: 9 Mar to 17 Apr.
    # Amy before: 9-27 Mar marked (30 sessions), absent 10, 17 and 24 Mar AM: 27 of 30 = 90 %;
    # after: 26 of 26 = 100 %, 10 points up. Ben: 30 of 30, then 23 of 26: down.
    # Cat and Dan have no marks before: not compared.
    absent = {(date(2026, 3, d), "AM"): "I" for d in (3, 10, 17, 24)}
    attend(world.a1, date(2026, 2, 23), date(2026, 3, 27), absent)
    attend(world.a2, date(2026, 2, 23), date(2026, 3, 27))

    found = sheets.improvers_list(
        world.school,
        world.school.calendar(),
        as_of=FRIDAY,
        compare="four_weeks",
        points=Decimal(5),
        min_possible=10,
    )

    assert (found.after.first, found.after.last) == (date(2026, 4, 20), FRIDAY)
    assert (found.before.first, found.before.last) == (date(2026, 3, 9), date(2026, 4, 17))
    assert [(p.name, p.before, p.points) for p in found.pupils] == [
        ("Amy Able", Fraction(90), Fraction(10))
    ]


@pytestmark_db
def test_improvers_half_term_on_half_term(world):
    # Spring 2 (23 Feb-27 Mar, 25 days = 50 sessions): Amy absent 5 sessions = 90 %;
    # Summer 1 so far 100 %: 10 points. Ben 100 % then 88.46 %: down.
    absent = {(date(2026, 3, d), "AM"): "I" for d in (2, 3, 4, 5, 6)}
    attend(world.a1, date(2026, 2, 23), date(2026, 3, 27), absent)
    attend(world.a2, date(2026, 2, 23), date(2026, 3, 27))

    found = sheets.improvers_list(
        world.school,
        world.school.calendar(),
        as_of=FRIDAY,
        compare="half_term",
        points=Decimal(10),
        min_possible=10,
    )

    assert found.before.label == "Spring 2" and found.after.label == "Summer 1"
    assert [(p.name, p.points) for p in found.pupils] == [("Amy Able", Fraction(10))]


# --- the pages --------------------------------------------------------------------------------


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytestmark_db
def test_the_office_sees_the_three_lists(client, world, clock, django_assert_max_num_queries):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    with django_assert_max_num_queries(11):
        response = client.get(reverse("rewards:qualifying"))

    assert response.status_code == 200
    text = response.text
    assert "Half-term: Summer 1" in text and "Year: 2025/26" in text
    assert text.count("Dan Dale") == 2 and "Ben Brook" not in text


@pytestmark_db
def test_the_lists_redraw_for_htmx_with_a_lates_rule(client, world, clock):
    client.force_login(staff(world.school, Role.HEAD, "head"))

    response = client.get(
        reverse("rewards:qualifying"), {"max_lates": "0"}, headers={"HX-Request": "true"}
    )

    assert response.status_code == 200 and "<html" not in response.text
    assert "no lates" in response.text and not re.search(r"\bCat Cole\b", response.text)


@pytestmark_db
def test_bad_input_shows_a_clear_error(client, world, clock):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    lists = client.get(reverse("rewards:qualifying"), {"at_least": "lots", "max_lates": "-1"})
    rise = client.get(reverse("rewards:improvers"), {"points": "0", "compare": "ever"})

    assert lists.status_code == 200 and "There is a problem" in lists.text
    assert "Enter the attendance line as a number from 0 to 100" in lists.text
    assert rise.status_code == 200 and "There is a problem" in rise.text
    assert "Dan Dale" not in lists.text


@pytestmark_db
def test_teachers_and_governors_may_not_see_named_lists(client, world, clock):
    for role in (Role.TEACHER, Role.GOVERNOR):
        client.force_login(staff(world.school, role, f"user-{role}"))

        assert client.get(reverse("rewards:qualifying")).status_code == 403
        assert client.get(reverse("rewards:improvers")).status_code == 403


@pytestmark_db
def test_another_schools_office_sees_only_its_own_pupils(client, world, clock):
    other = make_school(name="Hill Primary")
    client.force_login(staff(other, Role.HEAD, "hill"))

    response = client.get(reverse("rewards:qualifying"))

    assert response.status_code == 200 and "Amy Able" not in response.text


@pytestmark_db
def test_the_lists_refuse_a_post(client, world, clock):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    assert client.post(reverse("rewards:qualifying")).status_code == 405
    assert client.post(reverse("rewards:improvers")).status_code == 405


@pytestmark_db
def test_the_improvers_page_uses_the_presets_points(
    client, world, clock, django_assert_max_num_queries
):
    absent = {(date(2026, 3, d), "AM"): "I" for d in (16, 17, 18)}  # 27 of 30 before
    attend(world.a1, date(2026, 2, 23), date(2026, 3, 27), absent)
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    with django_assert_max_num_queries(10):
        response = client.get(reverse("rewards:improvers"), {"compare": "four_weeks"})

    assert response.status_code == 200
    assert "Rise needed: 5 points or more" in response.text  # 004: the improvement message's 5
    assert "Amy Able" in response.text and "+10.00" in response.text


@pytestmark_db
def test_the_improvers_redraw_for_htmx(client, world, clock):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    response = client.get(
        reverse("rewards:improvers"),
        {"compare": "term", "points": "2.5"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200 and "<html" not in response.text
    assert "this term with the one before" in response.text


@pytestmark_db
def test_the_list_queries_do_not_grow_with_pupils(world):
    policy, _ = active_policy(world.school)

    def run():
        with CaptureQueriesContext(connection) as queries:
            sheets.qualifying_lists(
                world.school, policy, world.school.calendar(), as_of=FRIDAY, max_lates=0
            )
        return len(queries)

    small = run()
    for _ in range(5):
        attend(make_pupil(world.school, class_name="5A", year_group="5"), WEEK_1, FRIDAY)

    assert run() == small <= 9  # the calendar (2), the pupils, 3 x (tallies, lates)

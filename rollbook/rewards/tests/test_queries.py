"""The rewards reads against the database: class figures, tokens, exclusions, pupil lists."""

from __future__ import annotations

from datetime import date
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rollbook.core.tests.factories import add_marks, make_pupil
from rollbook.policy.monitoring import active_policy
from rollbook.rewards import queries
from rollbook.rewards.tests.builders import (
    FRIDAY,
    WEEK_1,
    WEEK_2,
    WEEK_3,
    adopt,
    attend,
    school_with_classes,
)

pytestmark = pytest.mark.django_db


def league_of(world, **kw):
    policy, _ = active_policy(world.school)
    return queries.league(world.school, policy, world.school.calendar(), today=FRIDAY, **kw)


def row(table, name):
    return next(r for r in table.rows if r.figure.group.name == name)


def test_002_tokens_count_the_bank_holiday_and_inset_weeks_with_their_fewer_sessions():
    world = school_with_classes()

    table = league_of(world)

    assert [(w.monday, len(w.days)) for w in table.weeks[-3:]] == [
        (WEEK_1, 5),
        (WEEK_2, 4),
        (WEEK_3, 4),
    ]
    assert table.week.monday == WEEK_3
    # 3A this week (4 days): a1 8 of 8, a2 6 of 8 → 14 of 16 = 87.5 %: no token.
    assert row(table, "3A").figure.rate == Fraction(875, 10)
    # 3A: week 1 19 of 20 = 95 % (none), week 2 (bank holiday) 16 of 16 (a token), week 3 none.
    assert [p.tokens for p in row(table, "3A").progress] == [1]
    assert [p.tokens for p in row(table, "3B").progress] == [3]
    assert [f.group.name for f in table.weekly[0].winners] == ["3B", "4A"]
    assert [[f.group.name for f in h.results[0].winners] for h in table.history[:2]] == [
        ["3A", "3B", "4A"],  # week 2 (bank holiday): everyone present
        ["3B", "4A"],  # week 1: 3A at 19 of 20 = 95 %
    ]


def test_choosing_an_earlier_week_shows_that_week_and_its_tokens_so_far():
    world = school_with_classes()

    table = league_of(world, week=date(2026, 4, 29))

    assert table.week.monday == WEEK_1
    assert row(table, "3A").figure.rate == Fraction(95)
    assert [p.tokens for p in row(table, "3B").progress] == [1]


def test_001_a_long_term_illness_leaves_the_pupil_out_and_the_class_is_marked_adjusted():
    plain = league_of(school_with_classes("001_everyones_business"))
    adjusted = league_of(school_with_classes("001_everyones_business", long_term_illness=True))

    assert row(plain, "3A").figure.rate == Fraction(875, 10) and not plain.adjusted
    assert row(adjusted, "3A").figure.rate == Fraction(100) and adjusted.adjusted
    at_target = next(r for r in adjusted.weekly if r.reward.key == "weekly_class_at_target")
    assert "3A" in [f.group.name for f in at_target.winners]


def test_001_a_part_time_timetable_shows_as_c2_marks_and_leaves_the_pupil_out():
    world = school_with_classes("001_everyones_business")
    add_marks(world.a2, [(date(2026, 5, 12), "AM", "C2"), (date(2026, 5, 12), "PM", "C2")])

    table = league_of(world)

    assert row(table, "3A").figure.excluded == 1 and row(table, "3A").figure.rate == 100


def test_003_hotspot_on_the_chosen_day():
    world = school_with_classes("003_woodside")

    tuesday = league_of(world, hotspot_day=date(2026, 5, 12))
    monday = league_of(world, hotspot_day=date(2026, 5, 11))

    [hot] = tuesday.hotspots
    # Tuesday: 3A at 2 of 4 (50 %), 3B 100 %, 4A 100 %.
    assert [f.group.name for f in hot.winners] == ["3B", "4A"]
    # Monday: 3A and 3B tie at 100 %: both win year 3.
    assert [f.group.name for f in monday.hotspots[0].winners] == ["3A", "3B", "4A"]


def test_the_league_query_count_does_not_grow_with_classes_or_pupils():
    world = school_with_classes()
    with CaptureQueriesContext(connection) as small:
        league_of(world)
    for n in range(6):
        pupil = make_pupil(world.school, class_name=f"5{'ABCDEF'[n]}", year_group="5")
        attend(pupil, WEEK_1, FRIDAY)

    with CaptureQueriesContext(connection) as bigger:
        league_of(world)

    assert len(small) == len(bigger) <= 8


# --- Pupil awards -----------------------------------------------------------------------------


def test_004_termly_yearly_and_career_lists():
    world = school_with_classes("004_strategy_2024_25")
    attend(world.c1, date(2025, 9, 1), date(2026, 4, 24), {(date(2025, 10, 1), "AM"): "I"})
    policy, _ = active_policy(world.school)

    lists = {
        a.reward.key: a
        for a in queries.award_lists(world.school, policy, world.school.calendar(), as_of=FRIDAY)
    }

    # The summer term so far: a1, b1 and c1 at 100 %; a2 missed 3 sessions.
    assert [p.name for p in lists["termly_100"].pupils] == ["Amy Able", "Cat Cole", "Dan Dale"]
    assert lists["termly_100"].period.first == date(2026, 4, 13)
    # The year: c1 missed one session in October.
    assert [p.name for p in lists["year_100"].pupils] == ["Amy Able", "Cat Cole"]
    # Career: c1 missed 1 of 312 sessions (99.7 %); a2 missed 3 of 26.
    assert [p.name for p in lists["career_99"].pupils] == ["Amy Able", "Cat Cole", "Dan Dale"]


def test_003_ambassadors_are_listed_per_year_group():
    world = school_with_classes("003_woodside")
    policy, _ = active_policy(world.school)

    [lead, ambassador] = queries.award_lists(
        world.school, policy, world.school.calendar(), as_of=FRIDAY
    )

    assert [(yg, [p.name for p in ps]) for yg, ps in ambassador.by_year_group] == [
        ("3", ["Amy Able", "Cat Cole"]),
        ("4", ["Dan Dale"]),
    ]
    # a2: 23 of 26 sessions = 88.5 %: not a class lead candidate (95.8 % or more).
    assert [p.name for p in lead.pupils] == ["Amy Able", "Cat Cole", "Dan Dale"]


def test_001_defines_no_pupil_awards():
    world = school_with_classes("001_everyones_business")
    adopt(world.school, "001_everyones_business")
    policy, _ = active_policy(world.school)

    assert queries.award_lists(world.school, policy, world.school.calendar(), as_of=FRIDAY) == []

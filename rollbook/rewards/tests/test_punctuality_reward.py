"""A reward rule can ask for punctuality as well as attendance (S002-22): `max_lates`."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from rollbook.core.tests.factories import add_marks
from rollbook.policy.monitoring import active_policy
from rollbook.rewards import queries
from rollbook.rewards.tests.builders import FRIDAY, school_with_classes

pytestmark = pytest.mark.django_db


def on_time_reward(school):
    policy, _ = active_policy(school)
    return next(r for r in policy.rewards if r.key == "on_time_half_term")


def test_no_lates_this_half_term_lists_the_pupils_never_late():
    w = school_with_classes()  # preset 002, which sets the rule
    add_marks(w.b1, [(date(2026, 5, 5), "AM", "L")], reason="late")
    reward = on_time_reward(w.school)

    found = queries.award_list(w.school, reward, w.school.calendar(), as_of=FRIDAY)

    assert reward.max_lates == 0 and reward.measure == "pupil_pct"
    names = {p.name for p in found.pupils}
    assert "Amy Able" in names and "Ben Brook" in names  # absent, but never late
    assert "Cat Cole" not in names  # one late


def test_a_rule_allowing_one_late_keeps_a_pupil_late_once():
    w = school_with_classes()
    add_marks(w.b1, [(date(2026, 5, 5), "AM", "L")], reason="late")
    add_marks(w.c1, [(date(2026, 5, 5), "AM", "U"), (date(2026, 5, 6), "AM", "L")], reason="late")
    reward = replace(on_time_reward(w.school), max_lates=1)

    found = queries.award_list(w.school, reward, w.school.calendar(), as_of=FRIDAY)

    names = {p.name for p in found.pupils}
    assert "Cat Cole" in names and "Dan Dale" not in names  # U counts as a late too

"""A small school for the rewards tests, set up through actions (factories and adopt_policy)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model

from rollbook.core.actions import add_closure
from rollbook.core.models import Role, School, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.policy.actions import adopt_policy
from rollbook.policy.schema import PRESETS
from rollbook.pupils.models import Pupil

# Summer 1 2026: 4 May is a bank holiday and the school closes on Friday 15 May (INSET).
WEEK_1, WEEK_2, WEEK_3 = date(2026, 4, 27), date(2026, 5, 4), date(2026, 5, 11)
FRIDAY = date(2026, 5, 14)  # the last school day of week 3
INSET = date(2026, 5, 15)


def adopt(school: School, preset: str) -> None:
    text = (PRESETS / f"{preset}.toml").read_text(encoding="utf-8")
    adopt_policy(actor_label="test", school=school, text=text, source=preset)


def attend(pupil: Pupil, first: date, last: date, absent: dict | None = None) -> None:
    """Present (/) every school session in [first, last], except `absent` {(day, session): code}."""
    absent = absent or {}
    sessions = pupil.school.calendar().school_sessions(first, last)
    add_marks(pupil, [(d, s.value, absent.get((d, s.value), "/")) for d, s in sessions])


def staff(school: School, role: Role, username: str):
    user = get_user_model().objects.create_user(username, password="x")
    StaffRole.objects.create(user=user, school=school, role=role)
    return user


@dataclass
class World:
    school: School
    a1: Pupil  # 3A
    a2: Pupil  # 3A
    b1: Pupil  # 3B
    c1: Pupil  # 4A


def school_with_classes(preset: str = "002_st_dunstans", **flags) -> World:
    """3A: a1 always present; a2 misses 1 session in week 1 (class 19 of 20 = 95 %) and 2 in
    week 3 (class 14 of 16 = 87.5 %). 3B and 4A: every session present."""
    school = make_school(name="Meadow Primary")
    add_closure(actor_label="test", school=school, day=INSET, reason="INSET day")
    adopt(school, preset)
    a1 = make_pupil(school, legal_forename="Amy", legal_surname="Able", class_name="3A")
    a2 = make_pupil(school, legal_forename="Ben", legal_surname="Brook", class_name="3A", **flags)
    b1 = make_pupil(school, legal_forename="Cat", legal_surname="Cole", class_name="3B")
    c1 = make_pupil(
        school, legal_forename="Dan", legal_surname="Dale", class_name="4A", year_group="4"
    )
    for pupil in (a1, b1, c1):
        attend(pupil, WEEK_1, FRIDAY)
    attend(
        a2,
        WEEK_1,
        FRIDAY,
        {
            (date(2026, 4, 28), "AM"): "I",
            (date(2026, 5, 12), "AM"): "I",
            (date(2026, 5, 12), "PM"): "I",
        },
    )
    return World(school, a1, a2, b1, c1)

"""A small school for letter tests: Amy (absent, two parents), Cat (absent, long-term illness),
Ben (present), staff, and Hill Primary for cross-school checks. Monitoring has run on Friday.

`build_world` is a plain function so that the browser journeys (e2e/test_letters.py) can use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from rollbook.core.actions import create_staff_user
from rollbook.core.calendar import TermDates
from rollbook.core.models import Role, School
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.policy.actions import adopt_policy
from rollbook.policy.monitoring import run_monitoring
from rollbook.pupils.actions import add_contact
from rollbook.pupils.models import Pupil

TERMS = (
    TermDates("Autumn 1", date(2026, 9, 2), date(2026, 10, 23)),
    TermDates("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
)
THURSDAY, FRIDAY = date(2026, 11, 19), date(2026, 11, 20)
POLICY = """
name = "letters"
version = 1
[[stages]]
key = "stage_1"
name = "Stage 1: first concern"
trigger = {days_absent_at_least = 1}
actions = [
  {kind = "letter", text = "Stage 1 letter", template = "stage_1_letter", role = "office"},
  {kind = "letter", text = "Formal warning", template = "formal_warning", role = "attendance_lead"},
  {kind = "task", text = "Call home", role = "office"},
]
[adjustments]
adapted_letters_for = ["long_term_illness", "medical_plan"]
"""


@dataclass
class World:
    school: School
    amy: Pupil
    ben: Pupil
    cat: Pupil
    users: dict
    other_school: School


def _user(school, name, *roles, superuser=False, **names):
    return create_staff_user(
        actor_label="test",
        school=school,
        username=name,
        password="pw-for-tests-1234",
        roles=roles,
        superuser=superuser,
        **names,
    )


@pytest.fixture
def world(db) -> World:
    return build_world()


def build_world() -> World:
    school = make_school(name="Meadow Primary", terms=TERMS)
    adopt_policy(actor_label="test", school=school, text=POLICY, source="test")
    amy = make_pupil(school, legal_forename="Amy", legal_surname="Able", family_id="F1")
    ben = make_pupil(school, legal_forename="Ben", legal_surname="Bold", family_id="F2")
    cat = make_pupil(
        school, legal_forename="Cat", legal_surname="Cole", family_id="F3", long_term_illness=True
    )
    for title, forename in (("Mrs", "Jo"), ("Mr", "Al")):
        add_contact(
            actor_label="test",
            school=school,
            pupils=[amy],
            title=title,
            forename=forename,
            surname="Able",
            relationship="Parent",
        )
    add_contact(
        actor_label="test",
        school=school,
        pupils=[amy],
        forename="Gran",
        surname="Able",
        relationship="Grandmother",
        parental_responsibility=False,
    )
    days = (date(2026, 11, 16), date(2026, 11, 17), date(2026, 11, 18), THURSDAY, FRIDAY)
    add_marks(amy, [(d, s, "/" if d < THURSDAY else "O") for d in days for s in ("AM", "PM")])
    add_marks(ben, [(d, s, "/") for d in days for s in ("AM", "PM")])
    add_marks(cat, [(d, s, "/" if d < THURSDAY else "I") for d in days for s in ("AM", "PM")])
    run_monitoring(school=school, as_of=FRIDAY)
    users = {
        "office": _user(school, "office", Role.OFFICE),
        "lead": _user(school, "lead", Role.ATTENDANCE_LEAD),
        "head": _user(school, "head", Role.HEAD, first_name="Hana", last_name="Head"),
        "dsl": _user(school, "dsl", Role.DSL),
        "teacher": _user(school, "teacher", Role.TEACHER),
    }
    other = make_school(name="Hill Primary", terms=TERMS)
    users["other_head"] = _user(other, "other_head", Role.HEAD)
    return World(school, amy, ben, cat, users, other)

"""A small school for casework tests: a family of two (Amy absent, Ben present) and staff."""

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
from rollbook.pupils.actions import add_class_teacher
from rollbook.pupils.models import Pupil

TERMS = (TermDates("Autumn 2026", date(2026, 9, 2), date(2026, 12, 18)),)
THURSDAY, FRIDAY = date(2026, 11, 19), date(2026, 11, 20)
POLICY = (
    'name="casework"\nversion=1\n[[stages]]\nkey="stage_1"\nname="Stage 1"\n'
    "trigger={days_absent_at_least=1}\n"
    'actions=[{kind="letter",text="Letter 1",template="l1"}]\n'
)


@dataclass
class Casework:
    school: School
    amy: Pupil
    ben: Pupil
    users: dict
    other_school: School
    zed: Pupil


def _user(school, name, *roles, superuser=False):
    return create_staff_user(
        actor_label="test",
        school=school,
        username=name,
        password="pw-for-tests-1234",
        roles=roles,
        superuser=superuser,
    )


@pytest.fixture
def cw(db) -> Casework:
    school = make_school(name="Meadow Primary", terms=TERMS)
    adopt_policy(actor_label="test", school=school, text=POLICY, source="test")
    amy = make_pupil(school, legal_forename="Amy", legal_surname="Able", family_id="F1")
    ben = make_pupil(
        school,
        legal_forename="Ben",
        legal_surname="Able",
        family_id="F1",
        class_name="5A",
        year_group="5",
        date_of_birth=date(2016, 3, 1),
    )
    add_marks(amy, [(d, s, "O") for d in (THURSDAY, FRIDAY) for s in ("AM", "PM")])
    add_marks(ben, [(d, s, "/") for d in (THURSDAY, FRIDAY) for s in ("AM", "PM")])
    run_monitoring(school=school, as_of=FRIDAY)
    users = {
        "office": _user(school, "office", Role.OFFICE),
        "lead": _user(school, "lead", Role.ATTENDANCE_LEAD),
        "head": _user(school, "head", Role.HEAD),
        "dsl": _user(school, "dsl", Role.DSL),
        "senco": _user(school, "senco", Role.SENCO),
        "teacher": _user(school, "teacher", Role.TEACHER),
        "governor": _user(school, "governor", Role.GOVERNOR),
        "admin": _user(school, "admin", Role.ADMIN, superuser=True),
    }
    add_class_teacher(actor_label="test", group=amy.registration_group, user=users["teacher"])
    other = make_school(name="Hill Primary", terms=TERMS)
    zed = make_pupil(other, legal_forename="Zed", legal_surname="Elsewhere", family_id="F9")
    users["other_head"] = _user(other, "other_head", Role.HEAD)
    return Casework(school, amy, ben, users, other, zed)

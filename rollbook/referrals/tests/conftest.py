"""A small school for referral tests: Rex, and staff (office, DSL, SENCO, a teacher)."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role, School
from rollbook.core.tests.factories import make_pupil, make_school
from rollbook.pupils.models import Pupil


@dataclass
class World:
    school: School
    rex: Pupil
    users: dict
    other_pupil: Pupil


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
def rf(db) -> World:
    school = make_school(name="Meadow Primary")
    rex = make_pupil(school, legal_forename="Rex", legal_surname="Reed")
    users = {
        "office": _user(school, "office", Role.OFFICE),
        "lead": _user(school, "lead", Role.ATTENDANCE_LEAD),
        "dsl": _user(school, "dsl", Role.DSL),
        "senco": _user(school, "senco", Role.SENCO),
        "teacher": _user(school, "teacher", Role.TEACHER),
        "admin": _user(school, "admin", Role.ADMIN, superuser=True),
    }
    other = make_school(name="Hill Primary")
    other_pupil = make_pupil(other, legal_forename="Zed", legal_surname="Elsewhere")
    return World(school, rex, users, other_pupil)

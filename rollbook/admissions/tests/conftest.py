"""A small school for the registration-duty tests: Rex (Year 3), staff (office, head, teacher)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from rollbook.core.actions import create_staff_user
from rollbook.core.calendar import Session
from rollbook.core.models import Role, School
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.pupils.models import Pupil


@dataclass
class World:
    school: School
    rex: Pupil
    users: dict


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
def rw(db) -> World:
    school = make_school(name="Meadow Primary")
    rex = make_pupil(school, legal_forename="Rex", legal_surname="Reed")
    users = {
        "office": _user(school, "office", Role.OFFICE),
        "head": _user(school, "head", Role.HEAD),
        "teacher": _user(school, "teacher", Role.TEACHER),
    }
    return World(school, rex, users)


def code_days(pupil: Pupil, first: date, last: date, code: str) -> None:
    """Mark every school session from first to last with `code`."""
    sessions = pupil.school.calendar().school_sessions(first, last)
    add_marks(pupil, [(d, Session(s).value, code) for d, s in sessions])

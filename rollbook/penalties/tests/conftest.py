"""A small school for penalty-notice tests: Pia, absent unauthorised for a whole week (10 O
sessions, 3-7 Nov 2025: the national threshold), her two parents, and staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role, School
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.penalties import actions
from rollbook.policy.models import Alert
from rollbook.policy.monitoring import run_monitoring
from rollbook.pupils.actions import add_class_teacher, add_contact
from rollbook.pupils.models import Contact, Pupil

WEEK = [date(2025, 11, d) for d in (3, 4, 5, 6, 7)]


@dataclass
class World:
    school: School
    pia: Pupil
    mum: Contact
    dad: Contact
    alert: Alert
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


def issued_notice(pupil, parent, *, offence: date, issued: date, status: str = "issued"):
    """A notice taken through the road to `issued` (then paid/withdrawn if asked)."""
    notice = actions.consider(
        actor_label="test",
        pupil=pupil,
        parent=parent,
        first_date=offence,
        last_date=offence,
        sessions=[f"{offence.isoformat()} AM"] * 10,
        on=offence,
    )
    actions.advance(actor_label="test", notice=notice, to="requested", on=offence)
    actions.advance(actor_label="test", notice=notice, to="issued", on=issued)
    if status == "withdrawn":
        actions.advance(
            actor_label="test", notice=notice, to="withdrawn", on=issued, reason="LA error"
        )
    return notice


@pytest.fixture
def pn(db) -> World:
    school = make_school(name="Meadow Primary")
    pia = make_pupil(school, legal_forename="Pia", legal_surname="Penn", family_id="F1")
    mum = add_contact(
        actor_label="test",
        school=school,
        pupils=[pia],
        forename="Mary",
        surname="Penn",
        relationship="Mother",
    )
    dad = add_contact(
        actor_label="test",
        school=school,
        pupils=[pia],
        forename="Dan",
        surname="Penn",
        relationship="Father",
    )
    add_contact(  # no parental responsibility: never a notice
        actor_label="test",
        school=school,
        pupils=[pia],
        forename="Gran",
        surname="Penn",
        relationship="Grandmother",
        parental_responsibility=False,
    )
    add_marks(pia, [(d, s, "O") for d in WEEK for s in ("AM", "PM")])
    run_monitoring(school=school, as_of=WEEK[-1])
    alert = Alert.objects.get(pupil=pia, kind="penalty_notice_threshold")
    users = {
        "lead": _user(school, "lead", Role.ATTENDANCE_LEAD),
        "office": _user(school, "office", Role.OFFICE),
        "dsl": _user(school, "dsl", Role.DSL),
        "teacher": _user(school, "teacher", Role.TEACHER),
    }
    add_class_teacher(actor_label="test", group=pia.registration_group, user=users["teacher"])
    other = make_school(name="Hill Primary")
    other_pupil = make_pupil(other, legal_forename="Zed", legal_surname="Elsewhere")
    users["other_head"] = _user(other, "other_head", Role.HEAD)
    return World(school, pia, mum, dad, alert, users, other_pupil)

"""A small school for the privacy tests: a leaver past retention, a sibling on roll sharing
the leaver's mother, a second leaver with a contact of their own, marks, a case with an
ordinary and a safeguarding note, and a logged call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from rollbook.absences.actions import log_contact_attempt
from rollbook.casework import actions as casework
from rollbook.core.calendar import TermDates
from rollbook.core.models import School
from rollbook.core.tests.factories import add_marks, aware, make_pupil, make_school
from rollbook.pupils.actions import add_contact
from rollbook.pupils.models import Contact, Pupil

TODAY = date(2026, 11, 23)
TERMS = (
    TermDates("Summer 2019", date(2019, 4, 23), date(2019, 7, 19)),
    TermDates("Autumn 2026", date(2026, 9, 2), date(2026, 12, 18)),
)
OLD_DAYS = (date(2019, 7, 15), date(2019, 7, 16))


@dataclass
class World:
    school: School
    leaver: Pupil  # left 19 Jul 2019: past retention on TODAY
    sibling: Pupil  # on roll, shares the leaver's mother
    loner: Pupil  # left 19 Jul 2019, own contact
    mother: Contact
    loner_dad: Contact
    case_note_id: int
    safeguarding_note_id: int


@pytest.fixture
def world(db) -> World:
    school = make_school(name="Privacy Primary", terms=TERMS)
    leaver = make_pupil(
        school,
        legal_forename="Lorna",
        legal_surname="Leaver",
        preferred_forename="Lo",
        date_of_birth=date(2008, 10, 5),
        year_group="6",
        class_name="6L",
        admission_date=date(2012, 9, 1),
        leaving_date=date(2019, 7, 19),
        cp_plan=True,
        fsm=True,
        family_id="F1",
    )
    sibling = make_pupil(
        school,
        legal_forename="Sid",
        legal_surname="Leaver",
        date_of_birth=date(2018, 1, 15),
        family_id="F1",
    )
    loner = make_pupil(
        school,
        legal_forename="Lonnie",
        legal_surname="Gone",
        date_of_birth=date(2008, 5, 5),
        year_group="6",
        class_name="6L",
        admission_date=date(2012, 9, 1),
        leaving_date=date(2019, 7, 19),
    )
    mother = add_contact(
        actor_label="test",
        school=school,
        pupils=[leaver, sibling],
        forename="Mara",
        surname="Leaver",
        relationship="Mother",
        mobile_phone="07700 900001",
        email="mara@example.org",
    )
    loner_dad = add_contact(
        actor_label="test",
        school=school,
        pupils=[loner],
        forename="Dev",
        surname="Gone",
        relationship="Father",
        mobile_phone="07700 900002",
    )
    add_marks(leaver, [(d, s, c) for d in OLD_DAYS for s, c in (("AM", "/"), ("PM", "O"))])
    add_marks(loner, [(d, s, "I") for d in OLD_DAYS for s in ("AM", "PM")])
    add_marks(sibling, [(date(2026, 11, 16), "AM", "/"), (date(2026, 11, 16), "PM", "N")])
    log_contact_attempt(
        actor=None,
        pupil=leaver,
        method="call",
        outcome="left_message",
        contact=mother,
        note="Left a message for Mara about Lorna",
        at=aware(2019, 7, 16, 9, 40),
    )
    case = casework.open_case(
        actor_label="test", pupil=leaver, reason="Lorna's absences", now=aware(2019, 7, 16)
    )
    note = casework.add_note(
        actor_label="test",
        case=case,
        text="Lorna said she walks her brother",
        now=aware(2019, 7, 17),
    )
    secret = casework.add_note(
        actor_label="test",
        case=case,
        text="Disclosure recorded by the DSL",
        safeguarding=True,
        now=aware(2019, 7, 17),
    )
    return World(school, leaver, sibling, loner, mother, loner_dad, note.pk, secret.pk)

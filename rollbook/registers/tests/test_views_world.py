"""Meadow Primary on Monday 23 November 2026: the people and pupils the register view tests share.

Not a test module (it holds no tests); it is named test_views_* only because the files this
work owns are. Everything is set up through actions, as production code does.

Personas (house style §3.7): head, office, teacher_y3 (class 3A), teacher_y5 (class 5A),
other_school_head (Hill Primary, for tenancy tests).

3A: Amy Able, Ben Brook (family F1, with Eve Brook in 5A), Cara Cole (child protection plan).
5A: Dan Dale, Eve Brook. Hill Primary 3A: Zed Zane.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import date, datetime

from rollbook.core.actions import create_staff_user
from rollbook.core.calendar import TermDates
from rollbook.core.models import Role, School
from rollbook.core.tests.factories import aware, make_school
from rollbook.pupils.actions import add_class_teacher, add_contact, save_pupils
from rollbook.pupils.importing import PupilRow
from rollbook.pupils.models import Pupil, RegistrationGroup
from rollbook.pupils.rules import make_upn

TODAY = date(2026, 11, 23)  # a Monday in the autumn term of 2026/27
FRIDAY = date(2026, 11, 20)
THURSDAY = date(2026, 11, 19)
MORNING = aware(2026, 11, 23, 9, 30)  # AM register opened 08:45, closed 09:15
PASSWORD = "correct-horse-battery-staple"
TERMS_2026_27 = (
    TermDates("Autumn 1", date(2026, 9, 2), date(2026, 10, 23)),
    TermDates("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
    TermDates("Spring 1", date(2027, 1, 5), date(2027, 2, 12)),
)
_serials = itertools.count(1)
_establishments = itertools.count(3001)


@dataclass(frozen=True)
class World:
    school: School
    other_school: School
    head: object
    office: object
    teacher_y3: object
    teacher_y5: object
    other_school_head: object
    y3: RegistrationGroup
    y5: RegistrationGroup
    pupils: dict[str, Pupil]

    def __getitem__(self, name: str) -> Pupil:
        return self.pupils[name]


def staff(school: School, username: str, *roles: str, first="", last=""):
    return create_staff_user(
        actor_label="test",
        school=school,
        username=username,
        password=PASSWORD,
        roles=roles,
        first_name=first,
        last_name=last,
    )


def pupil_row(name: str, class_name: str, establishment: int, **kw) -> PupilRow:
    forename, surname = name.split()
    return PupilRow(
        line=0,
        upn=make_upn("873", str(establishment), 26, next(_serials) % 1000),
        legal_surname=surname,
        legal_forename=forename,
        date_of_birth=kw.pop("date_of_birth", date(2018, 1, 15)),
        year_group=class_name[0],
        class_name=class_name,
        admission_date=kw.pop("admission_date", date(2022, 9, 1)),
        **kw,
    )


def add_class(school: School, class_name: str, size: int, surname: str = "Pupil") -> list[Pupil]:
    """A class of `size` pupils saved in one batch (for the query-count tests)."""
    establishment = next(_establishments)
    rows = [pupil_row(f"Child{i:02d} {surname}", class_name, establishment) for i in range(size)]
    save_pupils(actor_label="test", school=school, rows=rows)
    return list(Pupil.objects.filter(school=school, registration_group__name=class_name))


def world() -> World:
    school = make_school(name="Meadow Primary", terms=TERMS_2026_27)
    other = make_school(name="Hill Primary", terms=TERMS_2026_27)
    est = next(_establishments)
    rows = [
        pupil_row("Amy Able", "3A", est),
        pupil_row("Ben Brook", "3A", est, family_id="F1"),
        pupil_row("Cara Cole", "3A", est, cp_plan=True),
        pupil_row("Dan Dale", "5A", est),
        pupil_row("Eve Brook", "5A", est, family_id="F1"),
    ]
    save_pupils(actor_label="test", school=school, rows=rows)
    save_pupils(actor_label="test", school=other, rows=[pupil_row("Zed Zane", "3A", est + 500)])
    pupils = {p.legal_forename: p for p in Pupil.objects.select_related("registration_group")}
    y3 = pupils["Amy"].registration_group
    y5 = pupils["Dan"].registration_group
    teacher_y3 = staff(school, "teacher_y3", Role.TEACHER, first="Tess", last="Three")
    teacher_y5 = staff(school, "teacher_y5", Role.TEACHER, first="Fred", last="Five")
    add_class_teacher(actor_label="test", group=y3, user=teacher_y3)
    add_class_teacher(actor_label="test", group=y5, user=teacher_y5)
    add_contact(
        actor_label="test",
        school=school,
        pupils=[pupils["Ben"], pupils["Eve"]],
        title="Mrs",
        forename="Bella",
        surname="Brook",
        relationship="Mother",
        mobile_phone="07700 900123",
        home_phone="0113 496 0000",
    )
    add_contact(
        actor_label="test",
        school=school,
        pupils=[pupils["Cara"]],
        forename="Carl",
        surname="Cole",
        relationship="Father",
        mobile_phone="07700 900456",
    )
    return World(
        school=school,
        other_school=other,
        head=staff(school, "head", Role.HEAD, first="Hana", last="Head"),
        office=staff(school, "office", Role.OFFICE, first="Olive", last="Office"),
        teacher_y3=teacher_y3,
        teacher_y5=teacher_y5,
        other_school_head=staff(other, "other_school_head", Role.HEAD),
        y3=y3,
        y5=y5,
        pupils=pupils,
    )


def at(hour: int, minute: int, day: date = TODAY) -> datetime:
    return aware(day.year, day.month, day.day, hour, minute)

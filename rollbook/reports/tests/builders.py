"""A small, hand-counted school for the home page tests (unit and browser).

The school and its terms are made through `core.actions.create_school`. Pupils and marks are
written directly with the ORM. Some marks here fall outside a pupil's time on roll, and the
import actions would refuse them, but the report must ignore them if they ever exist.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser

from rollbook.core.actions import create_school
from rollbook.core.calendar import TermDates
from rollbook.core.models import Role, School, StaffRole
from rollbook.pupils.models import Pupil, RegistrationGroup
from rollbook.registers.models import Mark, Source

TODAY = date(2026, 3, 11)  # a Wednesday in the spring term of 2025/26
TERMS_2025_26 = (
    TermDates("Autumn", date(2025, 9, 3), date(2025, 12, 19)),
    TermDates("Spring", date(2026, 1, 5), date(2026, 3, 27)),
    TermDates("Summer", date(2026, 4, 13), date(2026, 7, 22)),
)
PASSWORD = "correct-horse-battery-staple"
ENTERED_AT = datetime(2026, 3, 11, 9, 5, tzinfo=UTC)

_urns = itertools.count(200001)
_upns = itertools.count(1)


def school(name: str = "Oakfield Primary") -> School:
    return create_school(actor_label="test", urn=str(next(_urns)), name=name, terms=TERMS_2025_26)


def group(school: School, name: str) -> RegistrationGroup:
    return RegistrationGroup.objects.create(school=school, name=name, year_group=name[0])


def pupil(
    school: School,
    forename: str,
    reg_group: RegistrationGroup | None,
    *,
    admitted: date = date(2025, 9, 3),
    left: date | None = None,
) -> Pupil:
    return Pupil.objects.create(
        school=school,
        upn=f"T{next(_upns):012d}",
        legal_surname="Test",
        legal_forename=forename,
        date_of_birth=date(2018, 5, 1),
        year_group=reg_group.year_group if reg_group else "3",
        registration_group=reg_group,
        admission_date=admitted,
        leaving_date=left,
    )


def marks(pupil: Pupil, *rows: tuple[date, str, str]) -> None:
    """rows: (date, "AM" or "PM", code)."""
    Mark.objects.bulk_create(
        Mark(
            school_id=pupil.school_id,
            pupil=pupil,
            date=day,
            session=session,
            code=code,
            source=Source.REGISTER,
            entered_at=ENTERED_AT,
            updated_at=ENTERED_AT,
        )
        for day, session, code in rows
    )


def staff(school: School, username: str = "office", role: str = Role.OFFICE) -> AbstractBaseUser:
    user = get_user_model().objects.create_user(username=username, password=PASSWORD)
    StaffRole.objects.create(user=user, school=school, role=role)
    return user


def school_days(start: date, count: int) -> list[date]:
    """The first `count` weekdays from `start` (none of the dates used here are bank holidays)."""
    days, day = [], start
    while len(days) < count:
        if day.weekday() < 5:
            days.append(day)
        day = date.fromordinal(day.toordinal() + 1)
    return days


@dataclass(frozen=True)
class Oakfield:
    school: School
    pupils: dict[str, Pupil]


def oakfield() -> Oakfield:
    """The worked example. Expected figures for TODAY (hand-counted):

    On roll today: Amy, Ben (3B), Cara, Dev (4A) and Fin (no class) = 5. Eve left on
    13 Feb and was the only pupil in 5C, and Gus starts on 13 Apr, so 2 registers are expected.
    AM: Amy /, Ben N, Cara I, Dev L; Fin unmarked -> 4 marked, 2 present, 1 authorised,
        1 unauthorised, 1 not yet marked, 2 of 2 registers, attendance 2/4 = 50.0%.
    PM: Amy \\, Cara Y2 (not possible) -> 2 marked, 1 present, 0 absent, 3 not yet marked,
        2 of 2 registers, attendance 1/1 = 100.0%.
    Year to date (1 Aug 2025 to TODAY):
        Amy  4 attended (her July 2025 N is in last year)          -> 0%
        Ben  1 attended, 2 unauthorised                            -> 66.7%: PA and SA
        Cara 9 attended, 1 authorised, 1 not possible              -> 10%: PA (inclusive)
        Dev  1 attended, 1 unauthorised (Dec N before admission)   -> 50%: PA and SA
        Eve  2 attended (the G after she left does not count)      -> 0%
        Fin, Gus: no marks, so not counted
        Total 17 attended, 1 authorised, 3 unauthorised of 21 possible: attendance 81.0%,
        overall absence 19.0%; PA 3 of 5 pupils = 60.0%; SA 2.
    """
    s = school()
    g3b, g4a, g5c = group(s, "3B"), group(s, "4A"), group(s, "5C")
    p = {
        "Amy": pupil(s, "Amy", g3b),
        "Ben": pupil(s, "Ben", g3b),
        "Cara": pupil(s, "Cara", g4a),
        "Dev": pupil(s, "Dev", g4a, admitted=date(2026, 1, 5)),
        "Eve": pupil(s, "Eve", g5c, left=date(2026, 2, 13)),
        "Fin": pupil(s, "Fin", None),
        "Gus": pupil(s, "Gus", g3b, admitted=date(2026, 4, 13)),
    }
    first = date(2025, 9, 3)
    marks(p["Amy"], (date(2025, 7, 15), "AM", "N"), (first, "AM", "/"), (first, "PM", "\\"))
    marks(p["Amy"], (TODAY, "AM", "/"), (TODAY, "PM", "\\"))
    marks(p["Ben"], (first, "AM", "/"), (first, "PM", "N"), (TODAY, "AM", "N"))
    cara_days = school_days(first, 5)
    cara = [(d, sess, "/" if sess == "AM" else "\\") for d in cara_days for sess in ("AM", "PM")]
    marks(p["Cara"], *cara[:9], (TODAY, "AM", "I"), (TODAY, "PM", "Y2"))
    marks(p["Dev"], (date(2025, 12, 15), "AM", "N"), (date(2026, 1, 5), "AM", "O"))
    marks(p["Dev"], (TODAY, "AM", "L"))
    marks(p["Eve"], (date(2026, 2, 13), "AM", "/"), (date(2026, 2, 13), "PM", "\\"))
    marks(p["Eve"], (date(2026, 2, 23), "AM", "G"))
    return Oakfield(school=s, pupils=p)

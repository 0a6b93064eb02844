"""Small builders for tests. State is set up through actions, as production code does."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from zoneinfo import ZoneInfo

from rollbook.core import actions
from rollbook.core.calendar import TermDates
from rollbook.core.models import School
from rollbook.pupils.actions import save_pupils
from rollbook.pupils.importing import PupilRow
from rollbook.pupils.models import Pupil
from rollbook.pupils.rules import make_upn
from rollbook.registers.actions import save_marks
from rollbook.registers.importing import MarkRow

# Autumn term 2025 with the October half-term (27-31 Oct) between its halves.
AUTUMN_2025 = (
    TermDates("Autumn 1", date(2025, 9, 1), date(2025, 10, 24)),
    TermDates("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
)
SPRING_SUMMER_2026 = (
    TermDates("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    TermDates("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    TermDates("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
    TermDates("Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
)
_urns = itertools.count(100001)
_serials = itertools.count(1)


def make_school(terms=AUTUMN_2025 + SPRING_SUMMER_2026, **kw) -> School:
    return actions.create_school(
        actor_label="test",
        urn=kw.pop("urn", str(next(_urns))),
        name=kw.pop("name", "Test Primary"),
        terms=terms,
        **kw,
    )


def make_pupil(school: School, **kw) -> Pupil:
    serial = next(_serials)
    row = PupilRow(
        line=0,
        upn=kw.pop("upn", make_upn("873", "2001", 25, serial % 1000)),
        legal_surname=kw.pop("legal_surname", f"Pupil{serial}"),
        legal_forename=kw.pop("legal_forename", "Test"),
        date_of_birth=kw.pop("date_of_birth", date(2018, 1, 15)),
        year_group=kw.pop("year_group", "3"),
        class_name=kw.pop("class_name", "3A"),
        admission_date=kw.pop("admission_date", date(2022, 9, 1)),
        **kw,
    )
    save_pupils(actor_label="test", school=school, rows=[row])
    return Pupil.objects.get(school=school, upn=row.upn)


def add_marks(pupil: Pupil, marks: list[tuple[date, str, str]], **kw) -> None:
    """marks: (date, 'AM'|'PM', code)."""
    rows = [MarkRow(0, pupil.pk, d, s, c, None) for d, s, c in marks]
    save_marks(actor_label="test", school=pupil.school, rows=rows, reason=kw.get("reason", "test"))


def aware(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo("Europe/London"))

"""Bulk coding, read side: who a request covers and what `bulk_code` would write.

`preview_bulk_code` walks the same sessions and checks as
`register_actions.bulk_code` (school sessions only, each pupil only while on roll, the same
per-entry rules), so the preview and the write agree. Two queries: pupils are passed in, the
calendar comes from the caller, and the existing marks are one query.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date

from django.db.models import QuerySet

from rollbook.core.calendar import SESSIONS, SchoolCalendar, Session
from rollbook.core.models import School
from rollbook.pupils.models import Pupil
from rollbook.registers import codes
from rollbook.registers.models import Mark
from rollbook.registers.register_actions import Entry, check_entry

EXAMPLES = 20  # changed marks listed by name on the preview


class Scope(enum.StrEnum):
    CLASS = "class"
    YEAR = "year"
    SCHOOL = "school"
    PUPILS = "pupils"


class Sessions(enum.StrEnum):
    BOTH = "both"
    AM = "AM"
    PM = "PM"

    @property
    def sessions(self) -> tuple[Session, ...]:
        return SESSIONS if self is Sessions.BOTH else (Session(self.value),)


def pupils_for(
    school: School,
    scope: Scope,
    first: date,
    last: date,
    *,
    group_id: int | None = None,
    year_group: str = "",
    pupil_ids: tuple[int, ...] = (),
) -> QuerySet[Pupil]:
    """Pupils of the school on roll at some time in [first, last] who fall in the scope."""
    pupils = school.pupils.on_roll(first, last).select_related("school")
    if scope is Scope.CLASS:
        pupils = pupils.filter(registration_group_id=group_id)
    elif scope is Scope.YEAR:
        pupils = pupils.filter(year_group=year_group)
    elif scope is Scope.PUPILS:
        pupils = pupils.filter(registration_group_id=group_id, pk__in=pupil_ids)
    return pupils.order_by("legal_surname", "legal_forename", "id")


@dataclass(frozen=True)
class Change:
    pupil_name: str
    day: date
    session: str
    old_code: str
    new_code: str


@dataclass(frozen=True)
class BulkPreview:
    code: str
    meaning: str
    first: date
    last: date
    sessions_label: str
    pupils_chosen: int
    pupils_coded: int  # pupils with at least one session to write
    school_sessions: int  # school sessions in the range (of the chosen AM/PM)
    marks: int  # pupil sessions that would carry the code afterwards
    new: int  # no mark yet
    changed: int  # a different code (or minutes late) now
    unchanged: int  # already this code
    changed_from: tuple[tuple[str, int], ...]  # (old code, marks), most first
    examples: tuple[Change, ...]  # the first changed marks, by pupil and date
    problems: tuple[str, ...]  # why bulk_code would refuse; nothing is written if any

    @property
    def can_confirm(self) -> bool:
        return not self.problems and self.marks > 0


SESSION_LABELS = {
    Sessions.BOTH: "Mornings and afternoons",
    Sessions.AM: "Mornings only",
    Sessions.PM: "Afternoons only",
}


def preview_bulk_code(
    *,
    pupils: list[Pupil],
    school_calendar: SchoolCalendar,
    first: date,
    last: date,
    sessions: Sessions,
    code: str,
) -> BulkPreview:
    wanted = sessions.sessions
    slots = [(d, s) for d, s in school_calendar.school_sessions(first, last) if s in wanted]
    existing = _existing(pupils, first, last)
    rows, problems = [], []
    for pupil in pupils:
        for day, session in slots:
            if day < pupil.admission_date or (pupil.leaving_date and day > pupil.leaving_date):
                continue
            if problem := check_entry(Entry(pupil.pk, code), pupil, day, office=True):
                problems.append(problem)
                break
            rows.append((pupil, day, session, existing.get((pupil.pk, day, str(session)))))
    changes = [
        Change(p.display_name, day, str(s), old[0], code)
        for p, day, s, old in rows
        if old is not None and old != (code, None)
    ]
    definition = codes.definition(code, last) or codes.definition(code, first)
    return BulkPreview(
        code=code,
        meaning=definition.meaning if definition else "",
        first=first,
        last=last,
        sessions_label=SESSION_LABELS[sessions],
        pupils_chosen=len(pupils),
        pupils_coded=len({p.pk for p, *_ in rows}),
        school_sessions=len(slots),
        marks=len(rows),
        new=sum(old is None for *_, old in rows),
        changed=len(changes),
        unchanged=sum(old == (code, None) for *_, old in rows),
        changed_from=tuple(Counter(c.old_code for c in changes).most_common()),
        examples=tuple(changes[:EXAMPLES]),
        problems=tuple(problems),
    )


def _existing(pupils: list[Pupil], first: date, last: date) -> dict:
    """(pupil id, date, session) -> (code, minutes late) of the marks already there."""
    if not pupils:
        return {}
    marks = Mark.objects.filter(
        school_id=pupils[0].school_id,
        date__range=(first, last),
        pupil_id__in=[p.pk for p in pupils],
    )
    return {
        (pupil_id, day, session): (code, minutes)
        for pupil_id, day, session, code, minutes in marks.values_list(
            "pupil_id", "date", "session", "code", "minutes_late"
        )
    }

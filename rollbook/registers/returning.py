"""Who is coming back today: the "returning today" badges on the teacher's register
(seed duties S002-79 and S003-50). Pure: no ORM, no clock; the view passes the day in.

The rules, decided here and shown to staff in the badge wording:

* **Returning after a long absence** (S002-79): the pupil was absent (an authorised or
  unauthorised absence code) in every school session of the last `LONG_ABSENCE_DAYS` school
  days before `day`, taken from the school calendar (weekends, holidays and closures are not
  school days). A session coded "not possible" (e.g. `Y4` site closed, `#`) neither breaks
  nor makes the run; a school session with no mark at all does break it (we cannot say the
  pupil was away), and so does a school day before the pupil was on roll.
* **Persistent absentee returning** (S003-50): the pupil's attendance this academic year
  before `day` is below 90 % (DfE persistent absence: absent sessions * 10 >= possible,
  compared on integers), and the last school session before `day` that has a "possible"
  mark was an absence.

Neither badge shows when the pupil already has an absence (or not-possible) mark for the
session on the register being viewed: they are not back yet.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from rollbook.registers.codes import Stat, stat_of
from rollbook.registers.rules import tally

LONG_ABSENCE_DAYS = 5  # a school week: absent for all of the last 5 school days

LONG_ABSENCE_TEXT = "Returning today after a long absence"
PA_TEXT = "Returning today: persistently absent this year, welcome back"

Sessions = Sequence[tuple[date, str]]


@dataclass(frozen=True)
class Returning:
    long_absence: bool = False
    persistent_absentee: bool = False

    @property
    def badges(self) -> tuple[str, ...]:
        return tuple(
            text
            for shown, text in (
                (self.long_absence, LONG_ABSENCE_TEXT),
                (self.persistent_absentee, PA_TEXT),
            )
            if shown
        )


def _absent(code: str, on: date) -> bool:
    return stat_of(code, on) in (Stat.AUTHORISED, Stat.UNAUTHORISED)


def long_absence(
    sessions: Sessions, marks: Mapping[tuple[date, str], str], *, admission: date
) -> bool:
    """Absent in every school session of the last LONG_ABSENCE_DAYS school days of `sessions`
    (the school sessions before the day, in order)."""
    days = sorted({d for d, _ in sessions})[-LONG_ABSENCE_DAYS:]
    if len(days) < LONG_ABSENCE_DAYS or days[0] < admission:
        return False
    window = set(days)
    absences = 0
    for day, session in sessions:
        if day not in window:
            continue
        code = marks.get((day, session))
        if code is None:
            return False
        stat = stat_of(code, day)
        if stat is Stat.NOT_POSSIBLE:
            continue
        if stat is Stat.ATTENDED:
            return False
        absences += 1
    return absences > 0


def last_possible_was_absence(sessions: Sessions, marks: Mapping[tuple[date, str], str]) -> bool:
    for day, session in reversed(sessions):
        code = marks.get((day, session))
        if code is not None and stat_of(code, day) is not Stat.NOT_POSSIBLE:
            return _absent(code, day)
    return False


def returning(
    *,
    day: date,
    sessions: Sessions,
    marks: Mapping[tuple[date, str], str],
    today_code: str | None,
    year_start: date,
    admission: date,
) -> Returning:
    """The badges for one pupil on the register for `day`.

    `sessions`: the school's sessions before `day` (from the calendar), in order;
    `marks`: the pupil's marks by (date, "AM"/"PM") for those sessions;
    `today_code`: the pupil's mark for the session being viewed, if any;
    `year_start`: first day of the academic year holding `day`.
    """
    if today_code is not None and stat_of(today_code, day) is not Stat.ATTENDED:
        return Returning()
    sessions = [(d, s) for d, s in sessions if d < day]
    if not last_possible_was_absence(sessions, marks):
        return Returning()
    first = max(year_start, admission)
    year = tally((d, code) for (d, _), code in marks.items() if first <= d < day)
    return Returning(
        long_absence=long_absence(sessions, marks, admission=admission),
        persistent_absentee=year.persistent_absence,
    )

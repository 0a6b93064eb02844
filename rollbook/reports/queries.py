"""Read-only report builders: each takes `today` and returns frozen dataclasses, never querysets.

The counting happens in the database (GROUP BY code, and per pupil through
`registers.queries.pupil_tallies`). The DfE arithmetic happens in `registers.rules`. So each
builder runs a fixed number of queries however many pupils there are.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count

from rollbook.core import calendar
from rollbook.core.models import School
from rollbook.pupils.models import Pupil
from rollbook.registers.queries import marks_on_roll, pupil_tallies
from rollbook.registers.rules import Rate, Tally, summarise, tally_counts
from rollbook.reports import groups


@dataclass(frozen=True)
class SessionToday:
    session: calendar.Session
    label: str
    is_open: bool
    on_roll: int
    marked: int
    present: int
    authorised: int
    unauthorised: int
    not_yet_marked: int
    registers_taken: int
    registers_expected: int
    attendance_rate: Rate


@dataclass(frozen=True)
class YearToDate:
    label: str  # "2025/26"
    first_day: date
    last_day: date
    pupils_counted: int  # pupils with at least one possible session
    attendance_rate: Rate
    overall_absence_rate: Rate
    persistent_absentees: int
    persistent_absence_rate: Rate
    severe_absentees: int


@dataclass(frozen=True)
class SchoolToday:
    school_name: str
    today: date
    is_school_day: bool
    closed_reason: str  # "" on a school day
    sessions: tuple[SessionToday, ...]
    year: YearToDate

    @property
    def closed_message(self) -> str:
        return f"No school today: {self.closed_reason}" if self.closed_reason else ""


SESSION_LABELS = {calendar.Session.AM: "Morning", calendar.Session.PM: "Afternoon"}


def school_today(school: School, today: date) -> SchoolToday:
    """Today's registers and the academic year so far for one school (a fixed number of queries)."""
    school_calendar = school.calendar()
    on_roll = Pupil.objects.on_roll(today).filter(school=school)
    roll = on_roll.aggregate(pupils=Count("id"), groups=Count("registration_group", distinct=True))
    tallies, taken = _today_counts(school, today)
    sessions = tuple(
        _session_today(
            session,
            is_open=school_calendar.is_school_session(today, session),
            on_roll=roll["pupils"],
            registers_expected=roll["groups"],
            tally=tallies.get(session, Tally()),
            registers_taken=taken.get(session, 0),
        )
        for session in calendar.SESSIONS
    )
    return SchoolToday(
        school_name=school.name,
        today=today,
        is_school_day=school_calendar.is_school_day(today),
        closed_reason=school_calendar.closed_reason(today),
        sessions=sessions,
        year=year_to_date(school, today),
    )


def _session_today(
    session: calendar.Session,
    *,
    is_open: bool,
    on_roll: int,
    registers_expected: int,
    tally: Tally,
    registers_taken: int,
) -> SessionToday:
    marked = tally.possible + tally.not_possible
    return SessionToday(
        session=session,
        label=SESSION_LABELS[session],
        is_open=is_open,
        on_roll=on_roll,
        marked=marked,
        present=tally.attended,
        authorised=tally.authorised,
        unauthorised=tally.unauthorised,
        not_yet_marked=max(on_roll - marked, 0),
        registers_taken=registers_taken,
        registers_expected=registers_expected,
        attendance_rate=Rate(tally.attendance_rate),
    )


def _today_counts(school: School, today: date) -> tuple[dict[str, Tally], dict[str, int]]:
    """Per session: a tally of today's marks, and how many registration groups have a mark."""
    marks = marks_on_roll(school, today, today)
    by_code: dict[str, list[tuple[str, date, int]]] = defaultdict(list)
    for row in marks.values("session", "code").annotate(n=Count("id")).order_by():
        by_code[row["session"]].append((row["code"], today, row["n"]))
    groups = marks.filter(pupil__registration_group__isnull=False).values("session").order_by()
    taken = {
        row["session"]: row["groups"]
        for row in groups.annotate(groups=Count("pupil__registration_group", distinct=True))
    }
    return {session: tally_counts(rows) for session, rows in by_code.items()}, taken


def year_to_date(school: School, today: date) -> YearToDate:
    """DfE figures from 1 August to `today` inclusive, each pupil counted only while on roll."""
    start_year = calendar.academic_year_of(today)
    first_day = date(start_year, 8, 1)
    summary = summarise(pupil_tallies(school, first_day, today).values())
    return YearToDate(
        label=calendar.academic_year_label(start_year),
        first_day=first_day,
        last_day=today,
        pupils_counted=summary.enrolments,
        attendance_rate=Rate(summary.tally.attendance_rate),
        overall_absence_rate=Rate(summary.tally.overall_absence_rate),
        persistent_absentees=summary.persistent_absentees,
        persistent_absence_rate=Rate(summary.persistent_absence_rate),
        severe_absentees=summary.severe_absentees,
    )


@dataclass(frozen=True)
class WeekSoFar:
    """This school week to today against the school's target and the same days a year ago."""

    first_day: date
    last_day: date
    attendance: Fraction | None
    target_pct: Decimal | None
    last_year: Fraction | None  # the same weekdays 52 weeks earlier

    @property
    def vs_target(self) -> Fraction | None:
        if self.attendance is None or self.target_pct is None:
            return None
        return self.attendance - Fraction(self.target_pct)

    @property
    def vs_last_year(self) -> Fraction | None:
        if self.attendance is None or self.last_year is None:
            return None
        return self.attendance - self.last_year


LAST_YEAR = timedelta(days=364)  # 52 weeks: the same weekdays a year earlier


def week_so_far(school: School, today: date, target_pct: Decimal | None) -> WeekSoFar:
    """Attendance from Monday to `today`, each pupil counted only while on roll (2 queries)."""
    monday = today - timedelta(days=today.weekday())
    this = summarise(pupil_tallies(school, monday, today).values()).tally
    then = summarise(pupil_tallies(school, monday - LAST_YEAR, today - LAST_YEAR).values()).tally
    return WeekSoFar(monday, today, this.attendance_rate, target_pct, then.attendance_rate)


@dataclass(frozen=True)
class Period:
    key: str
    label: str
    first: date
    last: date


def periods(school: School, today: date) -> list[Period]:
    """The periods a report can cover: this year so far, this term so far, last year."""
    year = calendar.academic_year_of(today)
    found = [
        Period("year", f"{calendar.academic_year_label(year)} so far", date(year, 8, 1), today)
    ]
    term = school.calendar().term_of(today)
    if term is not None:
        found.append(Period("term", f"{term.name} so far", term.start, today))
    found.append(
        Period(
            "last_year",
            calendar.academic_year_label(year - 1),
            date(year - 1, 8, 1),
            date(year, 7, 31),
        )
    )
    return found


def pupil_figures(school: School, first: date, last: date) -> list[groups.PupilFigures]:
    """Every pupil on roll in the period with their DfE counts and group characteristics (2 queries)."""
    return [figures for _, figures in pupil_figures_with_ids(school, first, last)]


def pupil_figures_with_ids(
    school: School, first: date, last: date
) -> list[tuple[int, groups.PupilFigures]]:
    tallies = pupil_tallies(school, first, last)
    pupils = school.pupils.on_roll(first, last).select_related("registration_group")
    return [
        (
            p.pk,
            groups.PupilFigures(
                tally=tallies.get(p.pk, Tally()),
                year_group=p.year_group,
                class_name=p.registration_group.name if p.registration_group else "",
                pupil_premium=p.pupil_premium,
                fsm=p.fsm,
                sen_status=p.sen_status,
                eal=p.eal,
                cla=p.cla,
                cin=p.cin,
                cp_plan=p.cp_plan,
                gender=p.gender,
            ),
        )
        for p in pupils
    ]

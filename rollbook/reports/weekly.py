"""The weekly attendance report. Pure: plain inputs and `today` in, a frozen `WeeklyReport` out.

The week reported is the Monday-to-Friday school week before the one holding `today`; if that
week had no school days (a holiday), the last week before it that had some. Persistent absence
(PA) is the DfE's: 10 % or more of possible sessions missed, inclusive, year to date. A pupil is
a *new* persistent absentee when PA at the end of the week and not at its start. Movers compare
each pupil's year-to-date attendance at the start and at the end of the week.

Pupil-level sections (names) are built only when `pupil_level` is true; governors and
analysts get the aggregates alone.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from fractions import Fraction

from rollbook.registers.rules import Summary, Tally, summarise
from rollbook.reports import groups

MOVERS = 5  # the five biggest falls and the five biggest rises
LOOK_BACK_WEEKS = 60  # how far back the "no school last week" fallback searches
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


# --- inputs --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PupilWeek:
    """One pupil's counts: year to date before the week, and within the week."""

    pupil_id: int
    name: str
    year_group: str
    class_name: str
    before: Tally  # 1 August to the day before the week's Monday
    week: Tally  # the week's Monday to Friday

    @property
    def after(self) -> Tally:
        return self.before + self.week


@dataclass(frozen=True)
class Procedures:
    """What was done for one pupil during the week, counted by label ("letter", "call", ...)."""

    actions_done: Mapping[str, int]  # policy actions marked done in the week, by kind
    contacts: Mapping[str, int]  # contact attempts logged in the week, by method
    # Procedures the attendance officer ticked on the weekly tracker (seed 003), by label.
    ticked: tuple[str, ...] = ()


# --- output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Week:
    monday: date
    school_days: tuple[date, ...]

    @property
    def friday(self) -> date:
        return self.monday + timedelta(days=4)

    @property
    def label(self) -> str:
        return f"{self.monday:%-d %B %Y} to {self.friday:%-d %B %Y}"


@dataclass(frozen=True)
class Mover:
    name: str
    class_name: str
    start: Fraction  # year-to-date attendance at the start of the week
    end: Fraction  # ... and at its end
    change: Fraction  # end - start, in percentage points


@dataclass(frozen=True)
class NewPersistentAbsentee:
    name: str
    class_name: str
    absence_rate: Fraction  # year to date at the end of the week
    absent: int
    possible: int


@dataclass(frozen=True)
class StageRow:
    stage_key: str
    label: str
    pupils: int
    names: tuple[str, ...]  # empty without pupil-level access


@dataclass(frozen=True)
class ProcedureRow:
    name: str
    class_name: str
    absence_rate: Fraction
    actions_done: int
    contacts: int
    detail: str  # "letter 1, call 2"
    ticked: str = ""  # "Letter, Home visit": the weekly tracker's ticks

    @property
    def total(self) -> int:
        return self.actions_done + self.contacts


@dataclass(frozen=True)
class PatternRow:
    kind: str
    label: str
    alerts: int


@dataclass(frozen=True)
class WeeklyReport:
    school_name: str
    today: date
    week: Week
    is_fallback: bool  # the week before this one had no school days
    pupil_level: bool
    suppressed_below: int | None
    week_summary: Summary
    year_summary: Summary  # 1 August to the end of the week
    target_pct: Decimal | None
    last_year_week: Summary | None  # the same week a year earlier, if it has marks
    years: tuple[groups.BreakdownRow, ...]
    classes: tuple[groups.BreakdownRow, ...]
    new_persistent_absentees: int
    new_pa: tuple[NewPersistentAbsentee, ...]  # names: empty without pupil-level access
    falls: tuple[Mover, ...]
    rises: tuple[Mover, ...]
    stages: tuple[StageRow, ...]
    procedures: tuple[ProcedureRow, ...]
    patterns: tuple[PatternRow, ...]

    @property
    def week_vs_target(self) -> Fraction | None:
        rate = self.week_summary.tally.attendance_rate
        return None if rate is None or self.target_pct is None else rate - _exact(self.target_pct)

    @property
    def year_vs_target(self) -> Fraction | None:
        rate = self.year_summary.tally.attendance_rate
        return None if rate is None or self.target_pct is None else rate - _exact(self.target_pct)

    @property
    def week_vs_last_year(self) -> Fraction | None:
        if self.last_year_week is None:
            return None
        mine = self.week_summary.tally.attendance_rate
        theirs = self.last_year_week.tally.attendance_rate
        return None if mine is None or theirs is None else mine - theirs


def _exact(value: Decimal) -> Fraction:
    return Fraction(value)


# --- the week ------------------------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def report_week(school_days: Iterable[date], today: date) -> tuple[Week, bool]:
    """The school week before `today`'s week, or the last earlier one with school days.

    Returns the week and whether it is a fallback. With no school days in the whole look-back,
    the week before `today`'s is returned, empty.
    """
    days = set(school_days)
    previous = monday_of(today) - timedelta(days=7)
    for back in range(LOOK_BACK_WEEKS):
        monday = previous - timedelta(days=7 * back)
        in_week = tuple(sorted(d for d in days if monday <= d <= monday + timedelta(days=4)))
        if in_week:
            return Week(monday, in_week), back > 0
    return Week(previous, ()), False


def week_of(school_days: Iterable[date], monday: date) -> Week:
    """A chosen week (a Monday given by the user)."""
    friday = monday + timedelta(days=4)
    return Week(monday, tuple(sorted(d for d in school_days if monday <= d <= friday)))


def is_due(weekly_day: str, weekly_time: time, now: datetime) -> bool:
    """Has this week's sending moment (e.g. Monday 11:30, local time) passed at `now`?"""
    day = WEEKDAYS.index(weekly_day)
    if now.weekday() != day:
        return now.weekday() > day
    return now.time() >= weekly_time


# --- the builder ---------------------------------------------------------------------------


def build_weekly_report(
    *,
    school_name: str,
    today: date,
    week: Week,
    is_fallback: bool,
    pupils: Iterable[PupilWeek],
    target_pct: Decimal | None,
    last_year_week: Iterable[Tally] = (),
    stage_alerts: Iterable[tuple[int, str]] = (),  # (pupil_id, stage_key), this year to date
    stage_labels: Mapping[str, str] | None = None,
    pattern_alerts: Iterable[tuple[str, str]] = (),  # (kind, label), raised during the week
    procedures: Mapping[int, Procedures] | None = None,
    pupil_level: bool,
) -> WeeklyReport:
    pupils = list(pupils)
    by_id = {p.pupil_id: p for p in pupils}
    suppress = not pupil_level
    week_figures = [
        groups.PupilFigures(tally=p.week, year_group=p.year_group, class_name=p.class_name)
        for p in pupils
    ]
    last_year = summarise(last_year_week)

    new_pa = sorted(
        (p for p in pupils if p.after.persistent_absence and not p.before.persistent_absence),
        key=lambda p: (-p.after.overall_absence_rate, p.name),
    )
    falls, rises = _movers(pupils)
    return WeeklyReport(
        school_name=school_name,
        today=today,
        week=week,
        is_fallback=is_fallback,
        pupil_level=pupil_level,
        suppressed_below=groups.SUPPRESS_BELOW if suppress else None,
        week_summary=summarise(p.week for p in pupils),
        year_summary=summarise(p.after for p in pupils),
        target_pct=target_pct,
        last_year_week=last_year if last_year.enrolments else None,
        years=tuple(groups.breakdown(week_figures, "year", suppress=suppress)),
        classes=tuple(groups.breakdown(week_figures, "class", suppress=suppress)),
        new_persistent_absentees=len(new_pa),
        new_pa=tuple(
            NewPersistentAbsentee(
                p.name, p.class_name, p.after.overall_absence_rate, p.after.absent, p.after.possible
            )
            for p in new_pa
        )
        if pupil_level
        else (),
        falls=falls if pupil_level else (),
        rises=rises if pupil_level else (),
        stages=_stages(stage_alerts, stage_labels or {}, by_id, pupil_level),
        procedures=_procedures(pupils, procedures or {}) if pupil_level else (),
        patterns=tuple(
            PatternRow(kind, label, n)
            for (kind, label), n in sorted(Counter(pattern_alerts).items(), key=lambda i: i[0][1])
        ),
    )


def _movers(pupils: list[PupilWeek]) -> tuple[tuple[Mover, ...], tuple[Mover, ...]]:
    """The biggest falls and rises in year-to-date attendance; ties by name."""
    moved = []
    for p in pupils:
        start, end = p.before.attendance_rate, p.after.attendance_rate
        if start is None or end is None or start == end:
            continue
        moved.append(Mover(p.name, p.class_name, start, end, end - start))
    falls = sorted((m for m in moved if m.change < 0), key=lambda m: (m.change, m.name))
    rises = sorted((m for m in moved if m.change > 0), key=lambda m: (-m.change, m.name))
    return tuple(falls[:MOVERS]), tuple(rises[:MOVERS])


def _stages(
    alerts: Iterable[tuple[int, str]],
    labels: Mapping[str, str],
    by_id: Mapping[int, PupilWeek],
    pupil_level: bool,
) -> tuple[StageRow, ...]:
    """Pupils who reached each policy stage this year, in the policy's stage order."""
    per_stage: dict[str, set[int]] = {}
    for pupil_id, key in alerts:
        per_stage.setdefault(key, set()).add(pupil_id)
    order = list(labels)
    rows = []
    for key in sorted(per_stage, key=lambda k: (order.index(k) if k in order else len(order), k)):
        ids = per_stage[key]
        names = sorted(by_id[i].name for i in ids if i in by_id) if pupil_level else []
        label = labels.get(key, key.replace("_", " ").capitalize())
        rows.append(StageRow(key, label, len(ids), tuple(names)))
    return tuple(rows)


def _procedures(
    pupils: list[PupilWeek], done: Mapping[int, Procedures]
) -> tuple[ProcedureRow, ...]:
    """Every pupil who is PA at the end of the week, with what was done for them in it."""
    rows = []
    for p in pupils:
        if not p.after.persistent_absence:
            continue
        found = done.get(p.pupil_id, Procedures({}, {}))
        counts = Counter(found.actions_done) + Counter(found.contacts)
        rows.append(
            ProcedureRow(
                name=p.name,
                class_name=p.class_name,
                absence_rate=p.after.overall_absence_rate,
                actions_done=sum(found.actions_done.values()),
                contacts=sum(found.contacts.values()),
                detail=", ".join(
                    f"{label.replace('_', ' ')} {n}" for label, n in sorted(counts.items())
                ),
                ticked=", ".join(found.ticked),
            )
        )
    rows.sort(key=lambda r: (r.total, -r.absence_rate, r.name))
    return tuple(rows)

"""The pupil attendance profile: one read-side builder that returns frozen dataclasses.

`pupil_profile(pupil, today)` runs a fixed number of queries however many marks the pupil
has (terms, closures, marks, mark revisions, the roles of the people who changed marks,
contacts). The DfE arithmetic is `registers.rules`; what each code means is `registers.codes`.

The period is the academic year holding `today` (from 1 August), cut to the pupil's time on
roll (admission date to leaving date, both inclusive) and ending today.
"""

from __future__ import annotations

import enum
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction

from rollbook.core import calendar
from rollbook.core.calendar import SESSIONS, Session
from rollbook.core.models import Role, StaffRole
from rollbook.pupils.models import Pupil, PupilContact, SenStatus
from rollbook.registers import codes
from rollbook.registers.codes import Stat
from rollbook.registers.models import Mark, MarkRevision, Source
from rollbook.registers.rules import Rate, Tally, cumulative_by_week, percent, tally

SESSION_WORDS = {Session.AM: "morning", Session.PM: "afternoon"}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")
COUNTS_AS = {
    Stat.ATTENDED: "Attendance",
    Stat.AUTHORISED: "Authorised absence",
    Stat.UNAUTHORISED: "Unauthorised absence",
    Stat.NOT_POSSIBLE: "Not counted (not a possible session)",
}
_CODE_ORDER = {c.code: i for i, c in reversed(list(enumerate(codes.CODES)))}


def _when(day: date, session: Session | str) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}, {SESSION_WORDS[Session(session)]}"


@dataclass(frozen=True)
class Flag:
    abbreviation: str
    label: str


@dataclass(frozen=True)
class Phone:
    label: str
    number: str


@dataclass(frozen=True)
class ContactCard:
    name: str
    relationship: str
    priority: int
    phones: tuple[Phone, ...]
    email: str
    parental_responsibility: bool
    lives_with_pupil: bool
    preferred_language: str


@dataclass(frozen=True)
class Figures:
    """DfE figures for one period of the pupil's enrolment; first_day None: not on roll then."""

    label: str
    first_day: date | None
    last_day: date | None
    tally: Tally
    attendance_rate: Rate
    absence_rate: Rate
    authorised_rate: Rate
    unauthorised_rate: Rate


class CellKind(enum.StrEnum):
    SCHOOL = "school"  # a school session on roll up to today: a code, or blank if unmarked
    CLOSED = "closed"  # weekend, holiday, bank holiday or closure: shaded
    NOT_ON_ROLL = "not-on-roll"  # before admission or after leaving: shaded
    FUTURE = "future"  # later this week: shows a code entered in advance


@dataclass(frozen=True)
class Cell:
    day: date
    session: Session
    kind: CellKind
    code: str = ""
    meaning: str = ""  # the code's meaning, or why there is no school
    stat: str = ""  # a codes.Stat value; "" without a mark
    mark_id: int | None = None

    @property
    def text(self) -> str:
        """Hover text and the words a screen reader hears for this cell."""
        if self.code:
            what = f"{self.code} ({self.meaning})"
            if self.kind is CellKind.NOT_ON_ROLL:
                what += ", not on roll"
        elif self.kind is CellKind.SCHOOL:
            what = "no mark"
        elif self.kind is CellKind.FUTURE:
            what = "not yet marked"
        else:
            what = self.meaning
        return f"{_when(self.day, self.session)}: {what}"

    @property
    def css_class(self) -> str:
        classes = f"rollbook-cell rollbook-cell--{self.kind}"
        return f"{classes} rollbook-cell--{self.stat.replace('_', '-')}" if self.stat else classes


@dataclass(frozen=True)
class WeekRow:
    monday: date
    cells: tuple[Cell, ...]  # Monday AM, Monday PM, ... Friday PM
    attended: int
    possible: int


@dataclass(frozen=True)
class CumulativeWeek:
    """S001-33: attendance from the first school week of the year to the end of this week."""

    monday: date
    attended: int  # so far
    possible: int  # so far
    rate: Rate  # attended of possible, so far
    week_rate: Rate  # this week alone


@dataclass(frozen=True)
class CodeTotal:
    code: str
    meaning: str
    counts_as: str
    sessions: int


@dataclass(frozen=True)
class Lates:
    before_close: int  # L: present
    after_close: int  # U: unauthorised absence
    timed: int  # lates with minutes recorded
    total_minutes: int

    @property
    def count(self) -> int:
        return self.before_close + self.after_close

    @property
    def average_minutes(self) -> Decimal | None:
        return percent(Fraction(self.total_minutes, self.timed), 1) if self.timed else None


CHART_WIDTH, CHART_HEIGHT = 320, 180
_CHART_TOP, _CHART_BOTTOM, _CHART_SIDE = 24, 28, 10


@dataclass(frozen=True)
class WeekdayBar:
    day: str
    absent: int
    possible: int
    rate: Rate  # absent of possible
    x: int
    y: int
    width: int
    height: int
    middle: int  # x of the labels
    value_y: int  # y of the number above the bar


@dataclass(frozen=True)
class WeekdayChart:
    """Absence sessions per weekday, with the geometry of an inline SVG bar chart."""

    bars: tuple[WeekdayBar, ...]
    summary: str  # the text alternative
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    baseline: int = CHART_HEIGHT - _CHART_BOTTOM
    label_y: int = CHART_HEIGHT - _CHART_BOTTOM + 18


@dataclass(frozen=True)
class CumulativeChart:
    """The cumulative rates as an inline SVG line (geometry only; the table holds the figures)."""

    points: str  # "x,y x,y ..." for a polyline, weeks with no possible session left out
    target_y: int  # the 90 % line (below it: persistent absence)
    summary: str  # the text alternative
    width: int = CHART_WIDTH
    height: int = CHART_HEIGHT
    baseline: int = CHART_HEIGHT - _CHART_BOTTOM


@dataclass(frozen=True)
class HistoryEntry:
    mark_id: int
    day: date
    session: str
    old_code: str
    new_code: str
    old_minutes_late: int | None
    new_minutes_late: int | None
    who: str
    position: str  # the person's roles at the school now (not recorded at the time)
    changed_at: datetime
    reason: str
    source: str

    @property
    def when(self) -> str:
        return _when(self.day, self.session)


@dataclass(frozen=True)
class PupilProfile:
    pupil_id: int
    name: str
    legal_name: str
    upn: str
    date_of_birth: date
    class_name: str
    year_group: str
    admission_date: date
    leaving_date: date | None
    today: date
    year_label: str
    flags: tuple[Flag, ...]
    evidence_required: bool  # S002-68: illness recorded as I only with evidence seen
    contacts: tuple[ContactCard, ...]
    year: Figures
    term: Figures | None
    weeks: tuple[WeekRow, ...]
    cumulative: tuple[CumulativeWeek, ...]  # one per school week up to this one
    cumulative_chart: CumulativeChart
    key: tuple[CodeTotal, ...]  # codes in the grid, `sessions` counting their cells
    code_totals: tuple[CodeTotal, ...]  # the year so far, on roll
    lates: Lates
    weekdays: WeekdayChart
    history: tuple[HistoryEntry, ...]  # newest first


def pupil_profile(pupil: Pupil, today: date, *, sensitive: bool = False) -> PupilProfile:
    """Everything the pupil page shows. `sensitive` adds the CLA, CIN and CP flags."""
    school_calendar = pupil.school.calendar()
    start_year = calendar.academic_year_of(today)
    year_start, year_end = date(start_year, 8, 1), date(start_year + 1, 7, 31)
    first = max(year_start, pupil.admission_date)
    last = min(today, pupil.leaving_date or today)
    grid_last = min(today + timedelta(days=4 - today.weekday()), pupil.leaving_date or year_end)
    marks = _marks(pupil, first - timedelta(days=first.weekday()), grid_last)
    counted = [m for m in marks if first <= m.date <= last]
    label = calendar.academic_year_label(start_year)
    weeks = _weeks(pupil, school_calendar, today, first, grid_last, marks)
    return PupilProfile(
        pupil_id=pupil.pk,
        name=pupil.display_name,
        legal_name=f"{pupil.legal_forename} {pupil.legal_surname}",
        upn=pupil.upn,
        date_of_birth=pupil.date_of_birth,
        class_name=pupil.registration_group.name if pupil.registration_group else "",
        year_group=pupil.year_group,
        admission_date=pupil.admission_date,
        leaving_date=pupil.leaving_date,
        today=today,
        year_label=label,
        flags=_flags(pupil, sensitive),
        evidence_required=pupil.evidence_required,
        contacts=_contacts(pupil),
        year=_figures(f"{label} so far", first, last, counted),
        term=_term_figures(school_calendar, today, year_start, first, last, counted),
        weeks=weeks,
        cumulative=(
            cumulative := _cumulative(counted, [w.monday for w in weeks if w.monday <= last])
        ),
        cumulative_chart=_cumulative_chart(cumulative),
        key=_totals((c.code, c.meaning, c.stat) for w in weeks for c in w.cells if c.code),
        code_totals=_totals(
            (m.code, m.definition.meaning, str(m.definition.stat)) for m in counted
        ),
        lates=_lates(counted),
        weekdays=_weekday_chart(counted),
        history=_history(pupil, year_start, year_end),
    )


@dataclass(frozen=True)
class _Mark:
    id: int
    date: date
    session: str
    code: str
    minutes_late: int | None
    definition: codes.CodeDefinition | None


def _marks(pupil: Pupil, first: date, last: date) -> list[_Mark]:
    rows = Mark.objects.filter(pupil=pupil, date__range=(first, last)).values_list(
        "id", "date", "session", "code", "minutes_late"
    )
    return [_Mark(*row, codes.definition(row[3], row[1])) for row in rows.order_by()]


def _flags(pupil: Pupil, sensitive: bool) -> tuple[Flag, ...]:
    flags = [
        ("PP", "Pupil premium", pupil.pupil_premium, False),
        ("SEN", "SEN support", pupil.sen_status == SenStatus.SUPPORT, False),
        ("EHCP", "Education, health and care plan", pupil.has_ehcp, False),
        ("EAL", "English as an additional language", pupil.eal, False),
        ("CLA", "Child looked after", pupil.cla, True),
        ("CIN", "Child in need", pupil.cin, True),
        ("CP", "Child protection plan", pupil.cp_plan, True),
    ]
    return tuple(
        Flag(abbr, label) for abbr, label, on, private in flags if on and (sensitive or not private)
    )


def _contacts(pupil: Pupil) -> tuple[ContactCard, ...]:
    links = PupilContact.objects.filter(pupil=pupil).select_related("contact")
    cards = []
    for link in links.order_by("priority", "id"):
        c = link.contact
        phones = (("Mobile", c.mobile_phone), ("Home", c.home_phone), ("Work", c.work_phone))
        cards.append(
            ContactCard(
                name=str(c),
                relationship=link.relationship,
                priority=link.priority,
                phones=tuple(Phone(label, number) for label, number in phones if number),
                email=c.email,
                parental_responsibility=link.parental_responsibility,
                lives_with_pupil=link.lives_with_pupil,
                preferred_language=c.preferred_language,
            )
        )
    return tuple(cards)


def _figures(label: str, first: date, last: date, marks: list[_Mark]) -> Figures:
    on_roll = first <= last
    t = tally((m.date, m.code) for m in marks) if on_roll else Tally()
    return Figures(
        label,
        first if on_roll else None,
        last if on_roll else None,
        t,
        Rate(t.attendance_rate),
        Rate(t.overall_absence_rate),
        Rate(t.authorised_absence_rate),
        Rate(t.unauthorised_absence_rate),
    )


def _term_figures(school_calendar, today, year_start, first, last, marks) -> Figures | None:
    """This term so far; between terms, the term that ended last (this academic year)."""
    term = school_calendar.term_of(today) or max(
        (t for t in school_calendar.terms if year_start <= t.start <= today),
        key=lambda t: t.start,
        default=None,
    )
    if term is None:
        return None
    term_first, term_last = max(term.start, first), min(term.end, last)
    label = f"{term.name} term so far" if term.end >= today else f"{term.name} term"
    in_term = [m for m in marks if term_first <= m.date <= term_last]
    return _figures(label, term_first, term_last, in_term)


def _weeks(pupil, school_calendar, today, first, grid_last, marks) -> tuple[WeekRow, ...]:
    """One row per week holding a school day: Monday AM to Friday PM."""
    by_slot = {(m.date, m.session): m for m in marks}
    rows = []
    for monday in calendar.school_weeks(school_calendar.school_days(first, grid_last)):
        cells = tuple(
            _cell(pupil, school_calendar, today, first, monday + timedelta(days=d), s, by_slot)
            for d in range(5)
            for s in SESSIONS
        )
        counted = [c for c in cells if c.kind is CellKind.SCHOOL and c.stat]
        rows.append(
            WeekRow(
                monday=monday,
                cells=cells,
                attended=sum(c.stat == Stat.ATTENDED for c in counted),
                possible=sum(c.stat != Stat.NOT_POSSIBLE for c in counted),
            )
        )
    return tuple(rows)


def _cumulative(marks: list[_Mark], mondays: list[date]) -> tuple[CumulativeWeek, ...]:
    """From the marks already read: no query per week (the arithmetic is `registers.rules`)."""
    return tuple(
        CumulativeWeek(
            monday=w.monday,
            attended=w.so_far.attended,
            possible=w.so_far.possible,
            rate=Rate(w.so_far.attendance_rate),
            week_rate=Rate(w.week.attendance_rate),
        )
        for w in cumulative_by_week(((m.date, m.code) for m in marks), mondays)
    )


def _cumulative_chart(weeks: tuple[CumulativeWeek, ...]) -> CumulativeChart:
    """x: the weeks in order; y: 0 % at the baseline to 100 % at the top (display only)."""
    plot_height = CHART_HEIGHT - _CHART_TOP - _CHART_BOTTOM
    step = (CHART_WIDTH - 2 * _CHART_SIDE) / max(len(weeks) - 1, 1)

    def y(percent_value: Fraction) -> int:
        return round(CHART_HEIGHT - _CHART_BOTTOM - plot_height * percent_value / 100)

    points = " ".join(
        f"{round(_CHART_SIDE + i * step)},{y(w.rate.value)}"
        for i, w in enumerate(weeks)
        if w.rate.value is not None
    )
    shown = [w for w in weeks if w.rate.value is not None]
    summary = (
        f"Attendance so far by week: {shown[0].rate} in the week of {shown[0].monday.day} {shown[0].monday:%B}, "
        f"{shown[-1].rate} in the week of {shown[-1].monday.day} {shown[-1].monday:%B}."
        if shown
        else "No attendance figures yet."
    )
    return CumulativeChart(points, y(Fraction(90)), summary)


def _cell(pupil, school_calendar, today, first, day, session, by_slot) -> Cell:
    mark = by_slot.get((day, str(session)))
    if not school_calendar.is_school_session(day, session):
        kind, meaning = CellKind.CLOSED, _closed_reason(school_calendar, day, session)
    elif day < first or (pupil.leaving_date and day > pupil.leaving_date):
        kind, meaning = CellKind.NOT_ON_ROLL, "not on roll"
    elif day > today:
        kind, meaning = CellKind.FUTURE, ""
    else:
        kind, meaning = CellKind.SCHOOL, ""
    if mark is None:
        return Cell(day, session, kind, meaning=meaning)
    definition = mark.definition
    return Cell(
        day,
        session,
        kind,
        code=mark.code,
        meaning=definition.meaning if definition else "not a valid code on this date",
        stat=str(definition.stat) if definition else "",
        mark_id=mark.id,
    )


def _closed_reason(school_calendar, day: date, session: Session) -> str:
    if school_calendar.is_school_day(day):  # only this session is closed
        closure = next(
            (c for c in school_calendar.closures if c.day == day and c.session == session), None
        )
        return closure.reason if closure and closure.reason else "school closed"
    return school_calendar.closed_reason(day)


def _totals(entries) -> tuple[CodeTotal, ...]:
    """Count (code, meaning, stat) triples, in the order of the DfE code table."""
    counts = Counter(entries)
    return tuple(
        CodeTotal(code, meaning, COUNTS_AS[Stat(stat)] if stat else "", n)
        for (code, meaning, stat), n in sorted(
            counts.items(), key=lambda item: (_CODE_ORDER.get(item[0][0], 999), item[0][0])
        )
    )


def _lates(marks: list[_Mark]) -> Lates:
    lates = [m for m in marks if m.code in ("L", "U")]
    timed = [m.minutes_late for m in lates if m.minutes_late is not None]
    return Lates(
        before_close=sum(m.code == "L" for m in lates),
        after_close=sum(m.code == "U" for m in lates),
        timed=len(timed),
        total_minutes=sum(timed),
    )


def _weekday_chart(marks: list[_Mark]) -> WeekdayChart:
    absent, possible = [0] * 5, [0] * 5
    for m in marks:
        if m.definition is None or m.date.weekday() > 4:
            continue
        possible[m.date.weekday()] += m.definition.counts_as_possible
        absent[m.date.weekday()] += m.definition.is_absence
    slot = (CHART_WIDTH - 2 * _CHART_SIDE) // 5
    bar_width = slot * 2 // 3
    plot_height = CHART_HEIGHT - _CHART_TOP - _CHART_BOTTOM
    tallest = max(*absent, 1)
    bars = []
    for i, day in enumerate(WEEKDAYS):
        height = round(plot_height * absent[i] / tallest)
        x, y = (
            _CHART_SIDE + i * slot + (slot - bar_width) // 2,
            CHART_HEIGHT - _CHART_BOTTOM - height,
        )
        rate = Rate(Fraction(100 * absent[i], possible[i]) if possible[i] else None)
        bars.append(
            WeekdayBar(
                day,
                absent[i],
                possible[i],
                rate,
                x,
                y,
                bar_width,
                height,
                x + bar_width // 2,
                y - 6,
            )
        )
    summary = ", ".join(f"{b.day} {b.absent}" for b in bars)
    return WeekdayChart(tuple(bars), f"Sessions missed by day of the week: {summary}.")


def _history(pupil: Pupil, first: date, last: date) -> tuple[HistoryEntry, ...]:
    revisions = list(
        MarkRevision.objects.filter(mark__pupil=pupil, mark__date__range=(first, last))
        .select_related("mark", "changed_by")
        .order_by("-changed_at", "-id")
    )
    positions: dict[int, list[str]] = {}
    if user_ids := {r.changed_by_id for r in revisions if r.changed_by_id}:
        roles = StaffRole.objects.filter(school_id=pupil.school_id, user_id__in=user_ids)
        for user_id, role in roles.order_by("id").values_list("user_id", "role"):
            positions.setdefault(user_id, []).append(Role(role).label)
    return tuple(
        HistoryEntry(
            mark_id=r.mark_id,
            day=r.mark.date,
            session=r.mark.session,
            old_code=r.old_code,
            new_code=r.new_code,
            old_minutes_late=r.old_minutes_late,
            new_minutes_late=r.new_minutes_late,
            who=(r.changed_by and r.changed_by.get_full_name())
            or (r.changed_by and r.changed_by.get_username())
            or r.changed_by_label
            or "Unknown",
            position=", ".join(positions.get(r.changed_by_id, ())),
            changed_at=r.changed_at,
            reason=r.reason,
            source=Source(r.source).label if r.source in Source.values else r.source,
        )
        for r in revisions
    )

"""Load the invented demo school, Oakfield Primary (URN 999001), through the ordinary actions.

`plan_demo` is pure: one `random.Random(seed)` and the `today` passed in decide every pupil,
parent and mark, so a seed and a date always give the same school. `generate` writes that
plan through the same actions an import or a member of staff would use (`create_school`,
`add_closure`, `save_pupils`, `add_contact`, `save_marks`, `create_staff_user`), inside one
transaction: a failure leaves nothing behind.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from rollbook.casework.actions import open_cases_for_alerts
from rollbook.core.actions import add_closure, create_school, create_staff_user
from rollbook.core.calendar import (
    ClosureDay,
    SchoolCalendar,
    Session,
    academic_year_label,
    academic_year_of,
)
from rollbook.core.models import Role, School, StaffRole
from rollbook.demo.attendance import Attendance, make_attendance, penalty_window_peak
from rollbook.demo.people import People, PupilSpec, class_names, make_people
from rollbook.demo.registration import record_admission_register
from rollbook.demo.terms import inset_days, term_dates
from rollbook.letters.actions import generate_stage_letters
from rollbook.policy.actions import adopt_preset
from rollbook.policy.monitoring import run_monitoring
from rollbook.pupils.actions import add_class_teacher, add_contact, save_pupils
from rollbook.pupils.importing import PupilRow
from rollbook.pupils.models import RegistrationGroup
from rollbook.registers.actions import save_marks
from rollbook.registers.importing import MarkRow
from rollbook.registers.models import Mark, Source
from rollbook.registers.rules import Summary, summarise
from rollbook.reports.statistics import pupil_stats

DEMO_URN = "999001"
SCHOOL_NAME = "Oakfield Primary School"
LA_CODE, LA_NAME = "873", "Cambridgeshire"
ESTABLISHMENT = "2145"  # invented DfE number 873/2145
DEMO_PASSWORD = "rollbook-demo-2026"  # printed on screen: demo databases only
ACTOR = "rollbook demo"
FIRST_YEAR = 2025  # the demo needs last year's marks under the codes in force since Aug 2024
DEFAULT_SEED = 9  # any seed works; this one lands close to the national figures


class DemoError(Exception):
    pass


@dataclass(frozen=True)
class StaffLogin:
    username: str
    first_name: str
    last_name: str
    roles: tuple[Role, ...]
    try_first: str
    class_name: str = ""
    superuser: bool = False


STAFF: tuple[StaffLogin, ...] = (
    StaffLogin("head", "Helen", "Marsh", (Role.HEAD,), "the home page: today and the year so far"),
    StaffLogin(
        "office", "Dawn", "Pickering", (Role.OFFICE,), "today's missing registers and N marks"
    ),
    StaffLogin(
        "attendance_lead",
        "Imran",
        "Qureshi",
        (Role.ATTENDANCE_LEAD,),
        "persistent absentees and the penalty-notice threshold",
    ),
    StaffLogin("dsl", "Grace", "Adeyemi", (Role.DSL,), "looked-after and child-protection pupils"),
    StaffLogin("senco", "Tom", "Whitfield", (Role.SENCO,), "SEN pupils and part-time timetables"),
    StaffLogin("governor", "Margaret", "Ellison", (Role.GOVERNOR,), "last year against national"),
    StaffLogin("admin", "Sam", "Okoro", (Role.ADMIN,), "/admin/ and the audit log", superuser=True),
)
TEACHERS = (
    ("Amy", "Holt"),
    ("Jordan", "Fairweather"),
    ("Chloe", "Bannister"),
    ("Ravi", "Mistry"),
    ("Lucy", "Penhaligon"),
    ("Owen", "Bradshaw"),
    ("Nkechi", "Obi"),
    ("Hannah", "Lowther"),
    ("Daniel", "Kowal"),
    ("Ellie", "Thorne"),
    ("Marcus", "Reid"),
    ("Fiona", "Gallagher"),
    ("Aaron", "Sterling"),
    ("Beth", "Carrow"),
)


DEMO_PRESET = "002_st_dunstans"  # issue 5: the demo runs preset 002 by default


def teacher_username(class_name: str) -> str:
    return "teacher_" + class_name.replace(" ", "").lower()


def demo_calendar(current_year: int) -> SchoolCalendar:
    """The demo school's calendar as plain values: last year and this year, INSET days closed."""
    terms = term_dates(current_year - 1) + term_dates(current_year)
    closures = tuple(
        ClosureDay(day, None, "INSET day")
        for year in (current_year - 1, current_year)
        for day in inset_days(year)
    )
    return SchoolCalendar(terms=tuple(terms), closures=closures)


@dataclass
class DemoPlan:
    today: date
    calendar: SchoolCalendar
    people: People
    attendance: Attendance

    @property
    def current_year(self) -> int:
        return academic_year_of(self.today)

    def penalty_threshold_upns(self) -> list[str]:
        """Pupils with 10+ G/O/U sessions within 10 school weeks this academic year."""
        start = date(self.current_year, 8, 1)
        marks: dict[str, list] = {}
        for m in self.attendance.marks:
            if m.date >= start:
                marks.setdefault(m.upn, []).append(m)
        return sorted(u for u, ms in marks.items() if penalty_window_peak(ms, self.calendar) >= 10)


def plan_demo(
    *,
    seed: int,
    today: date,
    pupils_per_class: int = 30,
    calendar: SchoolCalendar | None = None,
) -> DemoPlan:
    """Every pupil, parent and mark of the demo school, from `random.Random(seed)` alone."""
    year = _check(today, pupils_per_class)
    calendar = calendar or demo_calendar(year)
    rng = random.Random(seed)
    people = make_people(
        rng,
        current_year=year,
        pupils_per_class=pupils_per_class,
        calendar=calendar,
        today=today,
        la_code=LA_CODE,
        establishment=ESTABLISHMENT,
    )
    attendance = make_attendance(people, calendar, today=today, rng=rng)
    return DemoPlan(today, calendar, people, attendance)


def _check(today: date, pupils_per_class: int) -> int:
    year = academic_year_of(today)
    if year < FIRST_YEAR:
        raise DemoError(f"the demo needs a date in {academic_year_label(FIRST_YEAR)} or later")
    if pupils_per_class < 1:
        raise DemoError("a class needs at least one pupil")
    return year


def demo_school() -> School | None:
    return School.objects.filter(urn=DEMO_URN).first()


@dataclass
class DemoResult:
    school: School
    plan: DemoPlan
    contacts: int
    marks: int
    usernames: list[str]


def generate(
    *,
    seed: int = DEFAULT_SEED,
    today: date,
    pupils_per_class: int = 30,
    progress: Callable[[str], None] | None = None,
) -> DemoResult:
    """Create the demo school with its pupils, parents, two years of marks and staff sign-ins."""
    say = progress or (lambda message: None)
    if demo_school() is not None:
        raise DemoError(f"the demo school (URN {DEMO_URN}) is already loaded")
    if School.objects.exists():
        raise DemoError(
            "this database already holds other schools; the demo (whose sign-ins share a "
            "published password) only goes into an empty database"
        )
    year = _check(today, pupils_per_class)
    with transaction.atomic():
        school = _create_school(year)
        plan = plan_demo(
            seed=seed, today=today, pupils_per_class=pupils_per_class, calendar=school.calendar()
        )
        sessions = len(plan.calendar.school_sessions())
        say(
            f"School: {school}, {sessions} school sessions in "
            f"{academic_year_label(year - 1)} and {academic_year_label(year)}"
        )
        save_pupils(
            actor_label=ACTOR,
            school=school,
            rows=_pupil_rows(plan.people, plan.attendance),
            source="demo",
        )
        contacts = _save_contacts(school, plan.people)
        families = sum(1 for h in plan.people.households if h.family_id)
        say(
            f"Pupils: {len(plan.people.pupils)} in {len(plan.people.class_names)} classes, "
            f"{families} families with brothers or sisters at the school, {contacts} parents and carers"
        )
        say(f"Marks: {len(plan.attendance.marks):,} generated up to {today:%a %d %b %Y}")
        saved = _save_marks(school, plan.attendance)
        say(f"Marks: {saved:,} saved")
        usernames = _create_logins(school)
        say(f"Staff sign-ins: {len(usernames)} created")
        policy = adopt_preset(actor_label=ACTOR, school=school, preset=DEMO_PRESET)
        entries, told, to_tell = record_admission_register(school, today, ACTOR)
        say(
            f"Admission register: {entries} entries this school year; the LA told of "
            f"{told} joiners, {to_tell} still to tell"
        )
        alerts = run_monitoring(school=school, as_of=today - timedelta(days=1), actor_label=ACTOR)
        say(
            f"Policy: {policy.name}; monitoring raised {len(alerts.created)} alerts up to yesterday"
        )
    # As the daily monitoring job does after its transaction: a case for each pupil a stage
    # has reached, and each stage's letter drafted once (PDFs are rendered by the worker).
    yesterday = today - timedelta(days=1)
    cases = open_cases_for_alerts(school=school, as_of=yesterday, actor_label=ACTOR)
    letters = generate_stage_letters(school=school, today=yesterday, actor_label=ACTOR)
    say(f"Casework: {len(cases)} cases opened, {len(letters)} stage letters drafted")
    return DemoResult(school, plan, contacts, saved, usernames)


def _create_school(year: int) -> School:
    school = create_school(
        actor_label=ACTOR,
        urn=DEMO_URN,
        name=SCHOOL_NAME,
        terms=term_dates(year - 1) + term_dates(year),
        local_authority=LA_NAME,
        la_code=LA_CODE,
    )
    for start_year in (year - 1, year):
        for day in inset_days(start_year):
            add_closure(actor_label=ACTOR, school=school, day=day, reason="INSET day")
    return school


def _pupil_rows(people: People, attendance: Attendance | None = None) -> list[PupilRow]:
    stories = attendance.stories if attendance else {}
    ill = set(stories.get("long_term_illness", ()))
    part_time = set(stories.get("part_time_timetable", ()))
    return [
        _pupil_row(n, p, long_term_illness=p.upn in ill, medical_plan=p.upn in ill | part_time)
        for n, p in enumerate(people.pupils, 1)
    ]


def _pupil_row(line: int, p: PupilSpec, **circumstances: bool) -> PupilRow:
    return PupilRow(
        line=line,
        upn=p.upn,
        legal_surname=p.surname,
        legal_forename=p.forename,
        date_of_birth=p.date_of_birth,
        year_group=p.year_group,
        class_name=p.class_name,
        admission_date=p.admission_date,
        leaving_date=p.leaving_date,
        pupil_premium=p.pupil_premium,
        sen_status=p.sen_status,
        family_id=p.household.family_id,
        preferred_forename=p.preferred_forename,
        gender=p.gender,
        fsm=p.fsm,
        eal=p.eal,
        cla=p.cla,
        cin=p.cin,
        cp_plan=p.cp_plan,
        **circumstances,
    )


def _save_contacts(school: School, people: People) -> int:
    pupils = {p.upn: p for p in school.pupils.all()}
    count = 0
    for household in people.households:
        children = [pupils[p.upn] for p in household.pupils]
        for c in household.contacts:
            add_contact(
                actor_label=ACTOR,
                school=school,
                pupils=children,
                title=c.title,
                forename=c.forename,
                surname=c.surname,
                relationship=c.relationship,
                mobile_phone=c.mobile_phone,
                home_phone=c.home_phone,
                email=c.email,
                preferred_language=c.preferred_language,
                parental_responsibility=c.parental_responsibility,
                lives_with_pupil=c.lives_with_pupil,
            )
            count += 1
    return count


def _save_marks(school: School, attendance: Attendance) -> int:
    ids = dict(school.pupils.values_list("upn", "pk"))
    rows = [
        MarkRow(0, ids[m.upn], m.date, m.session, m.code, m.minutes_late) for m in attendance.marks
    ]
    result = save_marks(
        actor_label=ACTOR, school=school, rows=rows, source=Source.IMPORT, reason="demo data"
    )
    return result.created


def _create_logins(school: School) -> list[str]:
    usernames = []
    for staff in STAFF:
        create_staff_user(
            actor_label=ACTOR,
            school=school,
            username=staff.username,
            password=DEMO_PASSWORD,
            roles=staff.roles,
            first_name=staff.first_name,
            last_name=staff.last_name,
            email=f"{staff.username}@oakfield.example.com",
            superuser=staff.superuser,
        )
        usernames.append(staff.username)
    groups = {g.name: g for g in school.registration_groups.all()}
    for (first, last), class_name in zip(TEACHERS, _class_order(groups), strict=False):
        username = teacher_username(class_name)
        user = create_staff_user(
            actor_label=ACTOR,
            school=school,
            username=username,
            password=DEMO_PASSWORD,
            roles=[Role.TEACHER],
            first_name=first,
            last_name=last,
            email=f"{username}@oakfield.example.com",
        )
        add_class_teacher(actor_label=ACTOR, group=groups[class_name], user=user)
        usernames.append(username)
    return usernames


def _class_order(groups) -> list[str]:
    return [name for name in class_names() if name in groups]


# --- reading the loaded demo back ------------------------------------------------------------


def year_summary(school: School, first: date, last: date) -> Summary:
    """DfE totals for the school over [first, last], as `rollbook stats` reports them."""
    return summarise(s.tally for s in pupil_stats(school, first, last))


@dataclass(frozen=True)
class LoginRow:
    username: str
    roles: str
    try_first: str


def login_rows(school: School, today: date) -> list[LoginRow]:
    """The demo sign-ins as they are in the database, with a first thing to try for each."""
    roles: dict[str, list[str]] = {}
    for username, role in StaffRole.objects.filter(school=school).values_list(
        "user__username", "role"
    ):
        roles.setdefault(username, []).append(Role(role).label)
    taken = set(
        Mark.objects.filter(school=school, date=today, session="AM")
        .values_list("pupil__registration_group__name", flat=True)
        .distinct()
    )
    school_day = school.calendar().is_school_session(today, Session.AM)
    rows = [
        LoginRow(s.username, ", ".join(roles[s.username]), s.try_first)
        for s in STAFF
        if s.username in roles
    ]
    groups = RegistrationGroup.objects.filter(school=school).prefetch_related("teachers")
    by_name = {g.name: g for g in groups}
    for class_name in _class_order(by_name):
        for teacher in by_name[class_name].teachers.all():
            pending = " (not yet taken today)" if school_day and class_name not in taken else ""
            rows.append(
                LoginRow(
                    teacher.username,
                    ", ".join(roles.get(teacher.username, [])),
                    f"take the {class_name} register{pending}",
                )
            )
    return rows

"""Read side of the office's day ("Today"): frozen dataclasses, built with a fixed number of queries.

`office_today` answers the office's morning questions (seeds 000, 003, 004): which registers
are still missing, who is absent with no reason yet (with their contacts, flags, siblings and
the calls already made), whose unexplained absence has run long enough for a home visit, and
who arrived after the register closed. It runs about a dozen queries however many pupils
there are. The home-visit rule is the pure `unexplained_run` / `home_visit_due` pair.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import Q

from rollbook.absences import rules as absence_rules
from rollbook.absences.models import ContactAttempt, ContactOutcome
from rollbook.comms import rules as comms_rules
from rollbook.comms.models import Kind as MessageKind
from rollbook.comms.models import Message
from rollbook.core.calendar import SESSIONS, SchoolCalendar, Session
from rollbook.core.models import School
from rollbook.pupils.models import Pupil, PupilContact
from rollbook.registers import taking
from rollbook.registers.models import Mark, Register, RegisterChase

UNEXPLAINED = frozenset({"N", "O"})  # absent, and the school does not know (or accept) why
NO_REASON = "N"
LOOK_BACK_SCHOOL_DAYS = 30
SESSION_LABELS = {Session.AM: "Morning", Session.PM: "Afternoon"}
PRIORITY_FLAGS = (("cp_plan", "CP plan"), ("cin", "Child in need"), ("cla", "Looked after"))


# ---- pure rules (no ORM, no clock) -------------------------------------------------------


def unexplained_run(
    school_days: Sequence[date], codes_by_day: Mapping[date, Collection[str]]
) -> int:
    """School days in a row, ending on the last of `school_days`, with only unexplained marks.

    A day counts when it has at least one mark and every mark it has is `N` or `O`, so this
    morning's `N` counts before the afternoon register is taken. A day with no marks at all,
    or with any other code, ends the run. Weekends and holidays are not in `school_days`, so
    they do not break it. (`policy.statutory.current_run` needs every session marked: right
    for past days, too strict for today.)
    """
    run = 0
    for day in reversed(school_days):
        marked = codes_by_day.get(day, ())
        if not marked or not all(code in UNEXPLAINED for code in marked):
            break
        run += 1
    return run


def home_visit_due(run_days: int, priority: bool) -> str | None:
    """Why a home visit is due today, or None.

    Seed 003: a home visit on the second day of unexplained absence. Seed 004: a home visit
    after three days, and on the first day for a child with a social worker or on a plan.
    """
    if run_days >= 3:
        return f"Day {run_days} of unexplained absence: home visit due"
    if run_days == 2:
        return "Day 2 of unexplained absence: home visit due"
    if run_days == 1 and priority:
        return "Day 1, priority pupil: home visit due today"
    return None


# ---- what the page shows ------------------------------------------------------------------


@dataclass(frozen=True)
class Chase:
    at: datetime
    by: str


@dataclass(frozen=True)
class MissingRegister:
    group_id: int
    group_name: str
    session: Session
    opened_at: datetime
    teachers: tuple[str, ...]
    chases: tuple[Chase, ...]

    @property
    def session_label(self) -> str:
        return SESSION_LABELS[self.session]


@dataclass(frozen=True)
class ContactRow:
    contact_id: int
    name: str
    relationship: str
    priority: int
    parental_responsibility: bool
    lives_with_pupil: bool
    phones: tuple[tuple[str, str], ...]  # (kind, number)
    email: str


@dataclass(frozen=True)
class SiblingRow:
    pupil_id: int
    name: str
    group_name: str
    am: str  # a code, or "" when not marked yet
    pm: str


@dataclass(frozen=True)
class AttemptRow:
    at: datetime
    by: str
    method: str
    outcome: str
    contact: str
    note: str
    reached: bool = False  # spoke to the family or saw the child


@dataclass(frozen=True)
class TextRow:
    """Today's first-day text about the pupil (comms outbox)."""

    status: str
    status_label: str
    to: str
    at: datetime | None  # when it was sent (None while it waits)


@dataclass(frozen=True)
class AbsentMark:
    mark_id: int
    session: Session
    version: int

    @property
    def session_label(self) -> str:
        return SESSION_LABELS[self.session]


@dataclass(frozen=True)
class AbsentPupil:
    pupil_id: int
    name: str
    group_name: str
    flags: tuple[str, ...]
    marks: tuple[AbsentMark, ...]  # today's N marks
    contacts: tuple[ContactRow, ...]
    siblings: tuple[SiblingRow, ...]
    attempts: tuple[AttemptRow, ...]
    run_days: int
    home_visit: str | None
    text: TextRow | None = None
    step: comms_rules.FollowUpStep | None = None  # what the office does next
    evidence_required: bool = False  # S002-68: I only with evidence seen, otherwise O

    @property
    def priority(self) -> bool:
        return bool(self.flags)

    @property
    def sessions_text(self) -> str:
        return " and ".join(m.session_label.lower() for m in self.marks)


@dataclass(frozen=True)
class HomeVisitDue:
    pupil_id: int
    name: str
    group_name: str
    why: str
    flags: tuple[str, ...]
    in_absent_list: bool


@dataclass(frozen=True)
class LateArrival:
    pupil_id: int
    name: str
    group_name: str
    session: Session
    minutes_late: int | None

    @property
    def session_label(self) -> str:
        return SESSION_LABELS[self.session]


@dataclass(frozen=True)
class WholeDayM:
    pupil_id: int
    name: str
    group_name: str


@dataclass(frozen=True)
class OfficeToday:
    today: date
    now: datetime
    grace_minutes: int
    is_school_day: bool
    missing: tuple[MissingRegister, ...] = ()
    absent: tuple[AbsentPupil, ...] = ()
    home_visits: tuple[HomeVisitDue, ...] = ()
    lates: tuple[LateArrival, ...] = ()
    call_after_minutes: int = 60  # policy comms.call_after_minutes
    whole_day_m: tuple[WholeDayM, ...] = ()  # S002-69: M all day, for the office to review

    def absent_pupil(self, pupil_id: int) -> AbsentPupil | None:
        return next((a for a in self.absent if a.pupil_id == pupil_id), None)

    @property
    def follow_ups(self) -> tuple[AbsentPupil, ...]:
        """Who must be visited or phoned now (home visits first), from `comms.rules.follow_up_step`."""
        due = [a for a in self.absent if a.step and a.step.key in ("visit", "call")]
        return tuple(sorted(due, key=lambda a: (a.step.key != "visit", not a.priority, a.name)))


def person(user) -> str:
    if user is None:
        return "someone no longer on the system"
    return user.get_full_name() or user.get_username()


def group_name(pupil: Pupil) -> str:
    return pupil.registration_group.name if pupil.registration_group else "No class"


def office_today(
    school: School,
    now: datetime,
    grace_minutes: int | None = None,
    times: taking.RegisterTimes | None = None,
    call_after_minutes: int | None = None,
) -> OfficeToday:
    """The office's view of `now`'s school day (`now` aware; the day is taken in London).

    Register times, the chase delay and the wait before phoning after a first-day text
    (policy `comms.call_after_minutes`) default to the school's own."""
    grace_minutes = school.chase_after_minutes if grace_minutes is None else grace_minutes
    times = times or taking.times_for(school)
    today = now.astimezone(taking.LONDON).date()
    calendar = school.calendar()
    if not calendar.is_school_day(today):
        return OfficeToday(today, now, grace_minutes, is_school_day=False)
    marks = list(
        Mark.objects.filter(school=school, date=today, code__in=UNEXPLAINED | {"U", "M"})
        .filter(pupil__admission_date__lte=today)
        .filter(Q(pupil__leaving_date__isnull=True) | Q(pupil__leaving_date__gte=today))
        .select_related("pupil__registration_group")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "session")
    )
    whole_day_m = _whole_day_m(calendar, today, [m for m in marks if m.code == "M"])
    unexplained = [m for m in marks if m.code in UNEXPLAINED]
    pupils = {m.pupil_id: m.pupil for m in unexplained}
    runs = _runs(calendar, today, pupils)
    absent, call_after_minutes = _absent_pupils(
        school,
        today,
        [m for m in unexplained if m.code == NO_REASON],
        runs,
        now,
        call_after_minutes,
    )
    return OfficeToday(
        today=today,
        now=now,
        grace_minutes=grace_minutes,
        is_school_day=True,
        missing=_missing_registers(school, calendar, today, now, grace_minutes, times),
        absent=absent,
        home_visits=_home_visits(pupils, runs, {a.pupil_id for a in absent}),
        call_after_minutes=call_after_minutes,
        lates=tuple(
            LateArrival(
                m.pupil_id,
                m.pupil.display_name,
                group_name(m.pupil),
                Session(m.session),
                m.minutes_late,
            )
            for m in marks
            if m.code == "U"
        ),
        whole_day_m=whole_day_m,
    )


def _whole_day_m(calendar: SchoolCalendar, today: date, m_marks: list[Mark]) -> tuple:
    """Pupils coded M for every school session today (read with today's other marks)."""
    sessions = sum(calendar.is_school_session(today, s) for s in SESSIONS)
    by_pupil: dict[int, dict[str, str]] = defaultdict(dict)
    pupils = {}
    for m in m_marks:
        by_pupil[m.pupil_id][m.session] = m.code
        pupils[m.pupil_id] = m.pupil
    return tuple(
        WholeDayM(pk, pupils[pk].display_name, group_name(pupils[pk]))
        for pk, found in by_pupil.items()
        if absence_rules.whole_day_of_m(found, sessions)
    )


def _missing_registers(
    school: School,
    calendar: SchoolCalendar,
    today: date,
    now: datetime,
    grace_minutes: int,
    times: taking.RegisterTimes,
) -> tuple[MissingRegister, ...]:
    sessions = [
        s
        for s in SESSIONS
        if calendar.is_school_session(today, s)
        and taking.is_register_overdue(now, today, s, grace_minutes, times)
    ]
    if not sessions:
        return ()
    on_roll = Pupil.objects.on_roll(today).filter(school=school).values("registration_group")
    groups = school.registration_groups.filter(pk__in=on_roll).prefetch_related("teachers")
    taken = set(
        Register.objects.filter(school=school, date=today).values_list(
            "registration_group_id", "session"
        )
    )
    chases: dict[tuple[int, str], list[Chase]] = defaultdict(list)
    for c in (
        RegisterChase.objects.filter(registration_group__school=school, date=today)
        .select_related("chased_by")
        .order_by("chased_at")
    ):
        chases[c.registration_group_id, c.session].append(Chase(c.chased_at, person(c.chased_by)))
    return tuple(
        MissingRegister(
            group_id=g.pk,
            group_name=g.name,
            session=s,
            opened_at=times.opens(today, s),
            teachers=tuple(person(t) for t in g.teachers.all()),
            chases=tuple(chases[g.pk, s]),
        )
        for s in sessions
        for g in groups
        if (g.pk, s) not in taken
    )


def _runs(calendar: SchoolCalendar, today: date, pupils: Mapping[int, Pupil]) -> dict[int, int]:
    """Each pupil's run of unexplained school days up to today (one query for all of them)."""
    days = calendar.school_days(today - timedelta(days=LOOK_BACK_SCHOOL_DAYS * 2), today)
    days = days[-LOOK_BACK_SCHOOL_DAYS:]
    by_pupil: dict[int, dict[date, list[str]]] = defaultdict(lambda: defaultdict(list))
    rows = Mark.objects.filter(pupil_id__in=list(pupils), date__range=(days[0], today))
    for pupil_id, day, code in rows.values_list("pupil_id", "date", "code"):
        by_pupil[pupil_id][day].append(code)
    return {pk: unexplained_run(days, by_pupil[pk]) for pk in pupils}


def _flags(pupil: Pupil) -> tuple[str, ...]:
    return tuple(label for field, label in PRIORITY_FLAGS if getattr(pupil, field))


def _absent_pupils(
    school: School,
    today: date,
    no_reason: list[Mark],
    runs: dict[int, int],
    now: datetime,
    call_after_minutes: int | None,
) -> tuple[tuple[AbsentPupil, ...], int]:
    by_pupil: dict[int, list[Mark]] = defaultdict(list)
    for mark in no_reason:
        by_pupil[mark.pupil_id].append(mark)
    if not by_pupil:
        return (), call_after_minutes or 0
    pupils = {pk: marks[0].pupil for pk, marks in by_pupil.items()}
    contacts = _contacts(pupils)
    siblings = _siblings(today, pupils)
    attempts = _attempts(today, pupils)
    texts = _texts(today, pupils)
    if call_after_minutes is None:
        # Read the policy only when a text has gone (the wait counts from it).
        call_after_minutes = 0
        if any(t.at for t in texts.values()):
            from rollbook.comms.actions import comms_policy  # comms reads the policy app

            call_after_minutes = comms_policy(school).call_after_minutes
    cards = [
        AbsentPupil(
            pupil_id=pk,
            name=pupil.display_name,
            group_name=group_name(pupil),
            flags=_flags(pupil),
            marks=tuple(AbsentMark(m.pk, Session(m.session), m.version) for m in by_pupil[pk]),
            contacts=contacts.get(pk, ()),
            siblings=siblings.get(pk, ()),
            attempts=attempts.get(pk, ()),
            run_days=runs.get(pk, 0),
            home_visit=home_visit_due(runs.get(pk, 0), bool(_flags(pupil))),
            text=texts.get(pk),
            evidence_required=pupil.evidence_required,
            step=comms_rules.follow_up_step(
                comms_rules.FollowUpFacts(
                    text_status=texts[pk].status if pk in texts else "",
                    texted_at=texts[pk].at if pk in texts else None,
                    contact_logged=bool(attempts.get(pk)),
                    spoke_or_seen=any(a.reached for a in attempts.get(pk, ())),
                    home_visit=home_visit_due(runs.get(pk, 0), bool(_flags(pupil))),
                    has_contact=any(c.phones for c in contacts.get(pk, ())),
                ),
                now,
                call_after_minutes,
            ),
        )
        for pk, pupil in pupils.items()
    ]
    cards.sort(key=lambda c: (not c.priority, -c.run_days, c.name))
    return tuple(cards), call_after_minutes


def _contacts(pupils: Mapping[int, Pupil]) -> dict[int, tuple[ContactRow, ...]]:
    found: dict[int, list[ContactRow]] = defaultdict(list)
    links = PupilContact.objects.filter(pupil_id__in=list(pupils)).select_related("contact")
    for link in links.order_by("pupil_id", "priority", "id"):
        c = link.contact
        phones = (("Mobile", c.mobile_phone), ("Home", c.home_phone), ("Work", c.work_phone))
        found[link.pupil_id].append(
            ContactRow(
                contact_id=c.pk,
                name=str(c),
                relationship=link.relationship,
                priority=link.priority,
                parental_responsibility=link.parental_responsibility,
                lives_with_pupil=link.lives_with_pupil,
                phones=tuple((kind, number) for kind, number in phones if number),
                email=c.email,
            )
        )
    return {pk: tuple(rows) for pk, rows in found.items()}


def _siblings(today: date, pupils: Mapping[int, Pupil]) -> dict[int, tuple[SiblingRow, ...]]:
    families = {p.family_id for p in pupils.values() if p.family_id}
    if not families:
        return {}
    others = list(
        Pupil.objects.on_roll(today)
        .filter(family_id__in=families)
        .select_related("registration_group")
    )
    codes_today: dict[tuple[int, str], str] = {
        (pupil_id, session): code
        for pupil_id, session, code in Mark.objects.filter(
            pupil_id__in=[o.pk for o in others], date=today
        ).values_list("pupil_id", "session", "code")
    }
    return {
        pk: tuple(
            SiblingRow(
                o.pk,
                o.display_name,
                group_name(o),
                codes_today.get((o.pk, "AM"), ""),
                codes_today.get((o.pk, "PM"), ""),
            )
            for o in others
            if o.family_id == pupil.family_id and o.pk != pk
        )
        for pk, pupil in pupils.items()
        if pupil.family_id
    }


def _attempts(today: date, pupils: Mapping[int, Pupil]) -> dict[int, tuple[AttemptRow, ...]]:
    start = datetime.combine(today, datetime.min.time(), tzinfo=taking.LONDON)
    found: dict[int, list[AttemptRow]] = defaultdict(list)
    attempts = ContactAttempt.objects.filter(
        pupil_id__in=list(pupils), at__gte=start, at__lt=start + timedelta(days=1)
    ).select_related("by", "contact")
    for a in attempts.order_by("at", "id"):
        found[a.pupil_id].append(
            AttemptRow(
                at=a.at,
                by=person(a.by),
                method=a.get_method_display(),
                outcome=a.get_outcome_display(),
                contact=str(a.contact) if a.contact else "",
                note=a.note,
                reached=a.outcome in REACHED,
            )
        )
    return {pk: tuple(rows) for pk, rows in found.items()}


REACHED = (ContactOutcome.SPOKE_REASON, ContactOutcome.SPOKE_NO_REASON, ContactOutcome.CHILD_SEEN)


def _texts(today: date, pupils: Mapping[int, Pupil]) -> dict[int, TextRow]:
    """Each pupil's latest first-day text today (one query)."""
    start = datetime.combine(today, datetime.min.time(), tzinfo=taking.LONDON)
    rows = (
        Message.objects.filter(
            kind=MessageKind.FIRST_DAY_ABSENCE,
            pupils__in=list(pupils),
            created_at__gte=start,
            created_at__lt=start + timedelta(days=1),
        )
        .order_by("created_at", "id")
        .values_list(
            "pupils",
            "status",
            "sent_at",
            "contact__forename",
            "contact__surname",
        )
    )
    labels = dict(Message._meta.get_field("status").choices)
    found: dict[int, TextRow] = {}
    for pupil_id, status, sent_at, forename, surname in rows:
        found[pupil_id] = TextRow(status, labels[status], f"{forename} {surname}".strip(), sent_at)
    return found


def _home_visits(
    pupils: Mapping[int, Pupil], runs: dict[int, int], listed: set[int]
) -> tuple[HomeVisitDue, ...]:
    due = []
    for pk, pupil in pupils.items():
        why = home_visit_due(runs.get(pk, 0), bool(_flags(pupil)))
        if why:
            due.append(
                HomeVisitDue(
                    pk, pupil.display_name, group_name(pupil), why, _flags(pupil), pk in listed
                )
            )
    return tuple(sorted(due, key=lambda d: (-runs.get(d.pupil_id, 0), d.name)))

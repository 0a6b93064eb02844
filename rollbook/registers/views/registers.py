"""My registers (/registers/) and taking one register (/registers/<class>/<date>/<AM|PM>/).

Both run a fixed number of queries whatever the class size: the pupils on roll, their marks
for the session and the register row are each one query, and `take_register` saves in bulk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rollbook.core.access import get_group_for_user, groups_for_user, is_office, require_school
from rollbook.core.calendar import SESSIONS, SchoolCalendar, Session, academic_year_of
from rollbook.core.models import School
from rollbook.pupils.models import Pupil, RegistrationGroup
from rollbook.registers import returning, taking
from rollbook.registers.actions import MarkError
from rollbook.registers.forms import ErrorLink, RegisterForm, error_links
from rollbook.registers.models import Mark, Register, RegisterChase
from rollbook.registers.office import SESSION_LABELS, Chase, person
from rollbook.registers.register_actions import (
    OpenRegister,
    RegisterConflict,
    open_register,
    take_register,
)
from rollbook.registers.views import common

TEMPLATE = "registers/register_take.html"


@dataclass(frozen=True)
class RegisterStatus:
    group_name: str
    session: Session
    url: str
    is_session: bool  # False when the school is closed for this session
    taken_by: str
    taken_at: datetime | None
    after_close: bool
    chases: tuple[Chase, ...]

    @property
    def session_label(self) -> str:
        return SESSION_LABELS[self.session]


@dataclass(frozen=True)
class Sheet:
    """Everything the register page reads, loaded once per request."""

    group: RegistrationGroup
    school: School
    office: bool
    day: date
    session: Session
    now: datetime
    opened: OpenRegister
    unavailable: str  # why this register cannot be taken, or ""
    calendar: SchoolCalendar  # the day's term only, or the whole calendar on GET

    @property
    def pupils(self) -> list[Pupil]:
        return self.opened.pupils

    @property
    def marks(self) -> dict[int, Mark]:
        return self.opened.marks

    @property
    def register(self) -> Register | None:
        return self.opened.register

    @property
    def session_label(self) -> str:
        return SESSION_LABELS[self.session]

    @property
    def saved_by(self) -> str:
        return person(self.register.submitted_by) if self.register else ""


@require_GET
def register_list(request: common.HtmxHttpRequest) -> HttpResponse:
    school = require_school(request.user)
    now = common.now()
    today = timezone.localdate(now)
    calendar = school.calendar()
    context = {
        "school": school,
        "today": today,
        "is_school_day": calendar.is_school_day(today),
        "statuses": _statuses(school, groups_for_user(request.user, school), calendar, today),
        "office": is_office(request.user, school),
    }
    return common.page(request, "registers/register_list.html", "registers", context)


@require_http_methods(["GET", "POST"])
def register_take(
    request: common.HtmxHttpRequest, group_id: int, day: date, session: Session
) -> HttpResponse:
    if request.method == "GET":
        # The whole calendar (the same two queries as the day's term and closures) because the
        # "returning today" badges look back over earlier school days; the save reads less.
        sheet = _sheet(request.user, group_id, day, session, common.now(), whole_year=True)
        return _show(request, sheet, _form(sheet), badges=_badges(sheet))
    try:
        # The form is checked and the register saved against one reading, marks locked.
        with transaction.atomic():
            sheet = _sheet(request.user, group_id, day, session, common.now(), lock=True)
            form = _form(sheet, request.POST)
            valid = not sheet.unavailable and form.is_valid()
            if valid:
                _take(request.user, sheet, form)
    except RegisterConflict as e:
        form.reload(_marks(sheet.pupils, day, session), e.conflicts)
        return _show(request, sheet, form, _conflict_links(e))
    except MarkError as e:
        return _show(
            request, sheet, form, [ErrorLink(_sentence(p), "#pupils") for p in str(e).split("; ")]
        )
    if not valid:
        return _show(request, sheet, form)
    saved = "Changes saved" if sheet.register else "Register saved"
    return common.saved(request, request.path, f"{saved} at {timezone.localtime(sheet.now):%H:%M}")


def _take(user, sheet: Sheet, form: RegisterForm) -> None:
    take_register(
        actor=user,
        group=sheet.group,
        day=sheet.day,
        session=sheet.session,
        entries=form.entries,
        office=sheet.office,
        reason=form.cleaned_data["reason"],
        now=sheet.now,
        opened=sheet.opened,
        evidence=form.cleaned_data.get("evidence", ""),
    )


def _statuses(
    school: School, groups, calendar: SchoolCalendar, today: date
) -> list[RegisterStatus]:
    groups = list(groups.order_by("name"))
    times = taking.times_for(school)
    registers = {
        (r.registration_group_id, r.session): r
        for r in Register.objects.filter(registration_group__in=groups, date=today).select_related(
            "submitted_by"
        )
    }
    chases: dict[tuple[int, str], list[Chase]] = defaultdict(list)
    for c in RegisterChase.objects.filter(registration_group__in=groups, date=today).select_related(
        "chased_by"
    ):
        chases[c.registration_group_id, c.session].append(Chase(c.chased_at, person(c.chased_by)))
    statuses = []
    for group in groups:
        for session in SESSIONS:
            register = registers.get((group.pk, session))
            statuses.append(
                RegisterStatus(
                    group_name=group.name,
                    session=session,
                    url=reverse("register_take", args=[group.pk, today, session]),
                    is_session=calendar.is_school_session(today, session),
                    taken_by=person(register.submitted_by) if register else "",
                    taken_at=register.submitted_at if register else None,
                    after_close=bool(register)
                    and register.submitted_at > times.closes(today, session),
                    chases=tuple(sorted(chases[group.pk, session], key=lambda c: c.at)),
                )
            )
    return statuses


def _sheet(
    user,
    group_id: int,
    day: date,
    session: Session,
    now: datetime,
    *,
    lock: bool = False,
    whole_year: bool = False,
) -> Sheet:
    group = get_group_for_user(user, group_id)
    school = group.school
    opened = open_register(group, day, session, lock=lock)
    calendar = school.calendar() if whole_year else school.calendar(around=day)
    return Sheet(
        group=group,
        school=school,
        office=is_office(user, school),
        day=day,
        session=session,
        now=now,
        opened=opened,
        unavailable=_unavailable(calendar, day, session, timezone.localdate(now)),
        calendar=calendar,
    )


def _badges(sheet: Sheet) -> dict[int, tuple[str, ...]]:
    """The "returning today" badges per pupil (one query: the class's marks since the start of
    the academic year, or of the look-back window if that starts earlier)."""
    if sheet.unavailable or not sheet.pupils:
        return {}
    day, calendar = sheet.day, sheet.calendar
    year = academic_year_of(day)
    starts = [t.start for t in calendar.terms if academic_year_of(t.start) == year]
    year_start = min(starts, default=day)
    before = [(d, s.value) for d, s in calendar.school_sessions(last=day - timedelta(days=1))]
    window = sorted({d for d, _ in before})[-returning.LONG_ABSENCE_DAYS :]
    first = min([year_start, *window[:1]])
    marks: dict[int, dict[tuple[date, str], str]] = defaultdict(dict)
    for pupil_id, on, session, code in Mark.objects.filter(
        pupil_id__in=[p.pk for p in sheet.pupils], date__gte=first, date__lt=day
    ).values_list("pupil_id", "date", "session", "code"):
        marks[pupil_id][on, session] = code
    found = {}
    for pupil in sheet.pupils:
        today = sheet.marks.get(pupil.pk)
        badges = returning.returning(
            day=day,
            sessions=[(d, s) for d, s in before if d >= first],
            marks=marks[pupil.pk],
            today_code=today.code if today else None,
            year_start=year_start,
            admission=pupil.admission_date,
        ).badges
        if badges:
            found[pupil.pk] = badges
    return found


def _marks(pupils: list[Pupil], day: date, session: Session) -> dict[int, Mark]:
    found = Mark.objects.filter(pupil_id__in=[p.pk for p in pupils], date=day, session=session)
    return {m.pupil_id: m for m in found}


def _unavailable(calendar: SchoolCalendar, day: date, session: Session, today: date) -> str:
    if day > today:
        return "This register is for a day that has not come yet."
    if not calendar.is_school_session(day, session):
        return f"There is no {SESSION_LABELS[session].lower()} register that day: the school is closed."
    return ""


def _form(sheet: Sheet, data=None) -> RegisterForm:
    return RegisterForm(
        data,
        pupils=sheet.pupils,
        marks=sheet.marks,
        day=sheet.day,
        session=sheet.session,
        office=sheet.office,
        submitted=sheet.register is not None,
    )


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]


def _conflict_links(e: RegisterConflict) -> list[ErrorLink]:
    if not e.conflicts:
        return [
            ErrorLink(
                "Someone else saved this register at the same moment. Check the marks and save again.",
                "#pupils",
            )
        ]
    return [
        ErrorLink(
            f"{c.pupil_name}: someone else recorded {c.current_code} while you had the register open",
            f"#pupil-{c.pupil_id}",
        )
        for c in e.conflicts
    ]


def _show(
    request: common.HtmxHttpRequest,
    sheet: Sheet,
    form: RegisterForm,
    problems: list[ErrorLink] | None = None,
    badges: dict[int, tuple[str, ...]] | None = None,
) -> HttpResponse:
    badges = badges or {}
    rows = [replace(r, badges=badges.get(r.pupil_id, ())) for r in form.rows()]
    errors = [*(problems or []), *(error_links(form, form.anchors()) if form.is_bound else [])]
    context = {
        "sheet": sheet,
        "form": form,
        "rows": rows,
        "errors": errors,
        "school": sheet.school,
        "office": sheet.office,
    }
    if request.htmx and request.method == "GET" and request.GET.get("pupil", "").isdigit():
        row = next((r for r in rows if r.pupil_id == int(request.GET["pupil"])), None)
        if row is None:
            raise Http404("That pupil is not on this register.")
        return render(request, f"{TEMPLATE}#row", {**context, "row": row})
    return common.page(request, TEMPLATE, "register_form", context)

"""The office's Today page (/office/today/) and its three forms: chase, log a call, record a reason.

Every POST re-renders the whole page (or, for htmx, the part the form sits in) with status 200
when something is wrong, and redirects back with a confirmation when it worked.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.http import HttpResponse, HttpResponseBadRequest
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import retarget

from rollbook.absences.actions import (
    FollowUpError,
    chase_register,
    log_contact_attempt,
    record_absence_reason,
)
from rollbook.core.access import get_group_for_user, get_pupil_for_user, require_office
from rollbook.core.calendar import Session
from rollbook.core.models import School
from rollbook.pupils.models import Contact
from rollbook.registers import office
from rollbook.registers.forms import (
    AbsenceReasonForm,
    ChaseForm,
    ContactAttemptForm,
    ErrorLink,
    TodayForm,
    code_label,
    error_links,
)
from rollbook.registers.models import Mark
from rollbook.registers.views import common

TEMPLATE = "registers/office_today.html"


@dataclass(frozen=True)
class Card:
    """One absent pupil's card with its two forms (bound after a failed POST)."""

    pupil: office.AbsentPupil
    attempt_form: ContactAttemptForm
    reason_form: AbsenceReasonForm
    errors: tuple[ErrorLink, ...] = ()


@require_GET
def office_today(request: common.HtmxHttpRequest) -> HttpResponse:
    school = require_office(request.user)
    settings = TodayForm(request.GET or None)
    today = office.office_today(school, common.now(), settings.minutes(school.chase_after_minutes))
    return _show(request, school, today, partial="missing_registers", settings=settings)


@require_POST
def office_chase(request: common.HtmxHttpRequest) -> HttpResponse:
    school = require_office(request.user)
    form = ChaseForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest("Choose a class and a session to chase.")
    group = get_group_for_user(request.user, form.cleaned_data["group"])
    session, now = Session(form.cleaned_data["session"]), common.now()
    today = office.office_today(school, now)
    try:
        chase_register(actor=request.user, group=group, day=today.today, session=session, now=now)
    except FollowUpError as e:
        problem = ErrorLink(_sentence(str(e)), "#missing-registers")
        return _show(request, school, today, partial="missing_registers", problems=[problem])
    message = f"Chased the {office.SESSION_LABELS[session].lower()} register for {group.name} at {_hhmm(now)}"
    return common.saved(request, reverse("office_today"), message)


@require_POST
def office_log_contact(request: common.HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    school = require_office(request.user)
    pupil = get_pupil_for_user(request.user, pupil_id)
    today = office.office_today(school, common.now())
    if (card := today.absent_pupil(pupil.pk)) is None:
        return _gone(request, school, today, pupil.display_name)
    form = ContactAttemptForm(request.POST, card=card)
    if form.is_valid():
        contact = Contact.objects.filter(pk=form.cleaned_data["contact"]).first()
        fields = {k: form.cleaned_data[k] for k in ("method", "outcome", "note")}
        try:
            log_contact_attempt(actor=request.user, pupil=pupil, contact=contact, **fields)
        except FollowUpError as e:
            form.add_error(None, _sentence(str(e)))
        else:
            message = f"Contact attempt logged for {pupil.display_name}"
            return common.saved(request, reverse("office_today"), message)
    return _show(request, school, today, partial="absent_pupil", bound={pupil.pk: form})


@require_POST
def office_record_reason(request: common.HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    school = require_office(request.user)
    pupil = get_pupil_for_user(request.user, pupil_id)
    today = office.office_today(school, common.now())
    if (card := today.absent_pupil(pupil.pk)) is None:
        return _gone(request, school, today, pupil.display_name)
    form = AbsenceReasonForm(request.POST, card=card, day=today.today)
    if form.is_valid():
        marks = Mark.objects.in_bulk([mark_id for mark_id, _ in form.chosen()])
        pairs = [(marks[mark_id], seen) for mark_id, seen in form.chosen()]
        code, reason = form.cleaned_data["code"], form.cleaned_data["reason"]
        try:
            record_absence_reason(
                actor=request.user,
                marks=pairs,
                code=code,
                reason=reason,
                reason_key=form.cleaned_data["reason_key"],
                evidence=form.cleaned_data["evidence"],
            )
        except FollowUpError as e:
            form.add_error(None, _sentence(str(e)))
        else:
            message = f"Recorded {code_label(code, today.today)} for {pupil.display_name}"
            return common.saved(request, reverse("office_today"), message)
    return _show(request, school, today, partial="absent_pupil", bound={pupil.pk: form})


def _gone(request, school: School, today: office.OfficeToday, name: str) -> HttpResponse:
    """The pupil left the list (someone recorded the reason first): say so, change nothing."""
    problem = ErrorLink(
        f"{name} is no longer on today's list of absences with no reason: "
        "someone may have recorded the reason already",
        "#absences",
    )
    response = _show(request, school, today, partial="absences", problems=[problem])
    return retarget(response, "#absences") if request.htmx else response


def _show(
    request: common.HtmxHttpRequest,
    school: School,
    today: office.OfficeToday,
    *,
    partial: str,
    settings: TodayForm | None = None,
    problems: list[ErrorLink] | None = None,
    bound: dict[int, ContactAttemptForm | AbsenceReasonForm] | None = None,
) -> HttpResponse:
    bound = bound or {}
    cards = [_card(p, today.today, bound.get(p.pupil_id)) for p in today.absent]
    context = {
        "school": school,
        "today": today,
        "cards": cards,
        "settings": settings or TodayForm(),
        "errors": [
            *(problems or []),
            *(error_links(settings) if settings and settings.is_bound else []),
            *(e for c in cards for e in c.errors),
        ],
        "card": next((c for c in cards if c.errors), None),
        "office": True,
    }
    return common.page(request, TEMPLATE, partial, context)


def _card(pupil: office.AbsentPupil, day, bound) -> Card:
    attempt = bound if isinstance(bound, ContactAttemptForm) else ContactAttemptForm(card=pupil)
    reason = (
        bound if isinstance(bound, AbsenceReasonForm) else AbsenceReasonForm(card=pupil, day=day)
    )
    errors = tuple(error_links(bound, {"__all__": f"#{bound.prefix}"})) if bound else ()
    return Card(pupil, attempt, reason, errors)


def _hhmm(moment) -> str:
    return f"{moment.astimezone(office.taking.LONDON):%H:%M}"


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:]

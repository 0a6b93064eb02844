"""Reception's late sign-in (/office/late/): find the pupil, say when and why, and the code is written.

GET ?q= searches pupils on roll by name or UPN (htmx asks for the results part only, as you
type); GET ?pupil= opens the sign-in form for one pupil; POST records the arrival through
`record_late_arrival`, which writes L before the register closes and U after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Q
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from rollbook.core.access import get_pupil_for_user, require_office
from rollbook.core.calendar import Session
from rollbook.core.models import School
from rollbook.pupils.models import Pupil
from rollbook.registers.actions import MarkError
from rollbook.registers.forms import ErrorLink, LateSearchForm, LateSignInForm, error_links
from rollbook.registers.models import Mark
from rollbook.registers.office import group_name
from rollbook.registers.register_actions import record_late_arrival
from rollbook.registers.taking import LONDON, times_for
from rollbook.registers.views import common

TEMPLATE = "registers/late_sign_in.html"
MAX_RESULTS = 20


@dataclass(frozen=True)
class PupilHit:
    pupil_id: int
    name: str
    group_name: str
    upn: str
    am: str  # today's code so far, or ""
    pm: str


@require_http_methods(["GET", "POST"])
def late_sign_in(request: common.HtmxHttpRequest) -> HttpResponse:
    school = require_office(request.user)
    now = common.now()
    pupil = _pupil(request.user, request.POST if request.method == "POST" else request.GET)
    form = LateSignInForm(request.POST or None, pupil=pupil, now=now) if pupil else None
    if form is None or not form.is_bound:
        return _show(request, school, form, partial="results")
    if form.is_valid():
        try:
            mark = record_late_arrival(
                actor=request.user,
                pupil=pupil,
                arrived=form.arrived_at(),
                session=Session(form.cleaned_data["session"]),
                reason=form.cleaned_data["reason"],
                times=times_for(school),
            )
        except MarkError as e:
            form.add_error("reason", str(e)[:1].upper() + str(e)[1:])
        else:
            return common.saved(request, reverse("late_sign_in"), _written(pupil, mark))
    return _show(request, school, form, partial="sign_in")


def _pupil(user, data) -> Pupil | None:
    raw = data.get("pupil", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404("No such pupil.")
    return get_pupil_for_user(user, int(raw))


def search(school: School, text: str, today: date) -> list[PupilHit]:
    """Pupils on roll whose names contain every word typed, or whose UPN is the word."""
    words = text.split()[:4]
    if not words:
        return []
    found = Pupil.objects.on_roll(today).filter(school=school).select_related("registration_group")
    for word in words:
        found = found.filter(
            Q(legal_forename__icontains=word)
            | Q(legal_surname__icontains=word)
            | Q(preferred_forename__icontains=word)
            | Q(preferred_surname__icontains=word)
            | Q(upn__iexact=word)
        )
    pupils = list(found[:MAX_RESULTS])
    marks = {
        (pupil_id, session): code
        for pupil_id, session, code in Mark.objects.filter(
            pupil_id__in=[p.pk for p in pupils], date=today
        ).values_list("pupil_id", "session", "code")
    }
    return [
        PupilHit(
            p.pk,
            p.display_name,
            group_name(p),
            p.upn,
            marks.get((p.pk, "AM"), ""),
            marks.get((p.pk, "PM"), ""),
        )
        for p in pupils
    ]


def _written(pupil: Pupil, mark: Mark) -> str:
    """The confirmation names the code the arrival time gave."""
    if mark.code == "L":
        return f"{pupil.display_name} signed in: L, {mark.minutes_late} minutes late"
    if mark.code == "U":
        return (
            f"{pupil.display_name} signed in: U — arrived after the register closed "
            f"({mark.minutes_late} minutes late)"
        )
    return f"{pupil.display_name} signed in: {mark.code} — arrived before the register opened, so present"


def _show(
    request: common.HtmxHttpRequest,
    school: School,
    form: LateSignInForm | None,
    *,
    partial: str,
) -> HttpResponse:
    query = LateSearchForm(request.GET)
    text = query.cleaned_data["q"] if query.is_valid() else ""
    today = common.now().astimezone(LONDON).date()
    errors: list[ErrorLink] = error_links(form) if form is not None and form.is_bound else []
    context = {
        "school": school,
        "query": query,
        "text": text,
        "hits": search(school, text, today),
        "form": form,
        "errors": errors,
        "office": True,
    }
    return common.page(request, TEMPLATE, partial, context)

"""Case pages: the caseload, a pupil's case and timeline, and a family's timeline.

Each view fetches through `casework.access` (404 outside the user's school, 403 for the wrong
role), parses a form, calls one action from `casework.actions`, and renders or redirects.
Validation errors re-render the page (or, for htmx, its forms partial) with status 200.
"""

from __future__ import annotations

from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from rollbook.casework import access, actions, caseloads, concern_actions, queries
from rollbook.casework.forms import (
    AgencyForm,
    AllocateForm,
    AssignCaseForm,
    BarrierForm,
    CaseloadFilterForm,
    CloseCaseForm,
    ConcernForm,
    HandBackForm,
    LeftSiteForm,
    NoteForm,
    OpenCaseForm,
    StageForm,
    TimelineFilterForm,
)
from rollbook.casework.rules import CaseError
from rollbook.core import access as core_access
from rollbook.pupils.models import Pupil

PUPIL_TEMPLATE = "casework/case_pupil.html"
FAMILY_TEMPLATE = "casework/case_family.html"


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def today():
    """The school day casework pages work from: read only here (the browser journey pins it)."""
    return timezone.localdate()


def _wants_partial(request: HtmxHttpRequest) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _timeline(request: HtmxHttpRequest, school, pupils: list[Pupil]):
    """The filter form and the timeline the user may read; audits safeguarding notes shown."""
    filters = TimelineFilterForm(request.GET)
    kinds = filters.cleaned_data["kind"] if filters.is_valid() else []
    safeguarding = access.may_read_safeguarding(request.user, school)
    built = queries.timeline(school, pupils, safeguarding=safeguarding, kinds=kinds)
    actions.record_safeguarding_reads(
        actor=request.user, school=school, note_ids_by_pupil=built.safeguarding_note_ids
    )
    return filters, built.events


# --- The caseload -------------------------------------------------------------------------------


@require_GET
def caseload(request: HtmxHttpRequest) -> HttpResponse:
    school = access.require_case_reader(request.user)
    owners = queries.staff_owners(school)
    form = CaseloadFilterForm(request.GET, owners=owners, stages=queries.stages(school))
    owner_id, stage = None, ""
    if form.is_valid():
        if form.cleaned_data["mine"]:
            owner_id = request.user.pk
        elif form.cleaned_data["owner"] is not None:
            owner_id = form.cleaned_data["owner"].pk
        stage = form.cleaned_data["stage"]
    rows = queries.caseload(school, owner_id=owner_id, stage=stage)
    template = "casework/case_list.html"
    return render(
        request,
        f"{template}#cases" if _wants_partial(request) else template,
        {
            "form": form,
            "rows": rows,
            "barrier_counts": queries.barrier_counts(school),
            "agency_counts": queries.agency_counts(
                school, safeguarding=access.may_read_safeguarding(request.user, school)
            ),
        },
    )


# --- A pupil's case -----------------------------------------------------------------------------


def _pupil_page(
    request: HtmxHttpRequest, pupil: Pupil, *, bound: tuple[str, forms.Form] | None = None
) -> HttpResponse:
    school = pupil.school
    case = queries.open_case_for(pupil)
    can_write = access.may_write(request.user, school)
    can_read_cases = access.may_read_cases(request.user, school)  # not a class teacher
    owners = queries.staff_owners(school)
    safeguarding = access.may_read_safeguarding(request.user, school)
    forms_ = {}
    if can_write:
        forms_ = {
            "open_form": OpenCaseForm(owners=owners),
            "assign_form": AssignCaseForm(
                owners=owners,
                initial={"owner": case.owner_id, "next_review_on": case.next_review_on}
                if case
                else None,
            ),
            "close_form": CloseCaseForm(),
            "note_form": NoteForm(),
            "barrier_form": BarrierForm(),
            "agency_form": AgencyForm(safeguarding=safeguarding),
            "stage_form": StageForm(stages=queries.stage_names(school)),
        }
        if bound is not None and bound[0] not in ("concern_form", "left_site_form"):
            forms_[bound[0]] = bound[1]
            forms_["error_form"] = bound[1]  # summarised above whichever forms are shown
            forms_["error_anchor"] = bound[0].replace("_", "-")
    concern_bound = bound is not None and bound[0] in ("concern_form", "left_site_form")
    forms_["concern_form"] = ConcernForm()
    forms_["left_site_form"] = LeftSiteForm()
    if concern_bound:
        forms_[bound[0]] = bound[1]
    forms_["concern_error"] = bound[1] if concern_bound else None
    filters, events = _timeline(request, school, [pupil])
    context = {
        "pupil": pupil,
        # Case readers see every concern and its task; a class teacher sees their own.
        "concerns": queries.concerns_for(
            pupil, reader=request.user, safeguarding=safeguarding, own_only=not can_read_cases
        ),
        "case": case,
        "barriers": queries.barriers_of(case),
        "meeting_attendance": queries.meeting_attendance(case),
        "agencies": queries.agencies_of(case, safeguarding=safeguarding),
        "can_write": can_write,
        "can_read_cases": can_read_cases,
        "is_office": core_access.is_office(request.user, school),  # registration duties
        "filters": filters,
        "events": events,
        "timeline_url": reverse("casework:pupil", args=[pupil.pk]),
        **forms_,
    }
    template = PUPIL_TEMPLATE
    if _wants_partial(request):
        if request.method != "POST":
            template += "#timeline"
        else:
            template += "#concern" if concern_bound else "#forms"
    return render(request, template, context)


@require_GET
def pupil_case(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_timeline(request.user, pupil_id)
    return _pupil_page(request, pupil)


def _write(request: HtmxHttpRequest, pupil_id: int, form_class, name: str, act) -> HttpResponse:
    """Shared shape of the four case writes: access, parse, act, respond."""
    pupil = access.get_pupil_for_case_writer(request.user, pupil_id)
    kwargs = {}
    if form_class in (OpenCaseForm, AssignCaseForm):
        kwargs = {"owners": queries.staff_owners(pupil.school)}
    elif form_class is StageForm:
        kwargs = {"stages": queries.stage_names(pupil.school)}
    elif form_class is AgencyForm:
        kwargs = {"safeguarding": access.may_read_safeguarding(request.user, pupil.school)}
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        try:
            act(pupil, form.cleaned_data)
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            return _redirect(request, reverse("casework:pupil", args=[pupil.pk]))
    return _pupil_page(request, pupil, bound=(name, form))


def _the_open_case(pupil: Pupil):
    case = queries.open_case_for(pupil)
    if case is None:
        raise CaseError("This pupil has no open case.")
    return case


@require_POST
def open_case(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    def act(pupil, data):
        actions.open_case(
            actor=request.user, pupil=pupil, reason=data["reason"], owner=data["owner"]
        )

    return _write(request, pupil_id, OpenCaseForm, "open_form", act)


@require_POST
def assign_case(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    def act(pupil, data):
        actions.assign_case(
            actor=request.user,
            case=_the_open_case(pupil),
            owner=data["owner"],
            next_review_on=data["next_review_on"],
        )

    return _write(request, pupil_id, AssignCaseForm, "assign_form", act)


@require_POST
def close_case(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    def act(pupil, data):
        actions.close_case(actor=request.user, case=_the_open_case(pupil), reason=data["reason"])

    return _write(request, pupil_id, CloseCaseForm, "close_form", act)


@require_POST
def add_note(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    def act(pupil, data):
        actions.add_note(
            actor=request.user,
            case=_the_open_case(pupil),
            text=data["text"],
            safeguarding=data["safeguarding"],
        )

    return _write(request, pupil_id, NoteForm, "note_form", act)


@require_POST
def add_barrier(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    def act(pupil, data):
        actions.add_barrier(
            actor=request.user,
            case=_the_open_case(pupil),
            category=data["category"],
            note=data["note"],
        )

    return _write(request, pupil_id, BarrierForm, "barrier_form", act)


@require_POST
def add_agency(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    def act(pupil, data):
        actions.add_agency(
            actor=request.user,
            case=_the_open_case(pupil),
            contact=actions.AgencyContact(
                agency=data["agency"],
                contact_name=data["contact_name"],
                contact_role=data["contact_role"],
                phone=data["phone"],
                email=data["email"],
                since=data["since"],
                other_name=data["other_name"],
            ),
            safeguarding=access.may_read_safeguarding(request.user, pupil.school),
        )

    return _write(request, pupil_id, AgencyForm, "agency_form", act)


@require_POST
def change_stage(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    def act(pupil, data):
        actions.change_stage(
            actor=request.user,
            case=_the_open_case(pupil),
            stage=data["stage"],
            stages=queries.stage_names(pupil.school),
            reason=data["reason"],
        )

    return _write(request, pupil_id, StageForm, "stage_form", act)


@require_POST
def raise_concern(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    """A concern from anyone who may read the pupil's timeline (a class teacher: their own
    class): it becomes a task for the case owner or the attendance lead."""
    pupil = access.get_pupil_for_concern(request.user, pupil_id)
    form = ConcernForm(request.POST)
    if form.is_valid():
        try:
            raised = concern_actions.raise_concern(
                actor=request.user,
                pupil=pupil,
                text=form.cleaned_data["text"],
                safeguarding=form.cleaned_data["safeguarding"],
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            task = raised.task
            to = task.assigned_to.get_username() if task.assigned_to else "the attendance lead"
            to = "the DSL" if task.assigned_role == "dsl" else to
            messages.success(request, f"Concern raised: {to} has a task to follow it up.")
            return _redirect(request, reverse("casework:pupil", args=[pupil.pk]))
    return _pupil_page(request, pupil, bound=("concern_form", form))


@require_POST
def left_site(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    """A pupil left school without permission (S002-118): the time goes on their record and
    the DSL gets an immediate task."""
    pupil = access.get_pupil_for_concern(request.user, pupil_id)
    form = LeftSiteForm(request.POST)
    if form.is_valid():
        left_at = timezone.make_aware(datetime.combine(today(), form.cleaned_data["left_at"]))
        try:
            concern_actions.record_left_site(
                actor=request.user, pupil=pupil, left_at=left_at, text=form.cleaned_data["text"]
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Recorded: left at {left_at:%H:%M}. The DSL has a task now.")
            return _redirect(request, reverse("casework:pupil", args=[pupil.pk]))
    return _pupil_page(request, pupil, bound=("left_site_form", form))


# --- A family -----------------------------------------------------------------------------------


def family_page(
    request: HtmxHttpRequest,
    fam,
    *,
    allocate_form=None,
    warning: str = "",
    hand_back_form=None,
) -> HttpResponse:
    """The family view; writers also see who holds the family and the allocation form (with
    the cap warning to confirm, after a POST past the cap)."""
    school = fam.school
    children = list(
        fam.pupils.filter(school=school)
        .select_related("registration_group")
        .order_by("date_of_birth", "id")
    )
    filters, events = _timeline(request, school, children)
    can_write = access.may_write(request.user, school)
    context = {
        "family": fam,
        "children": queries.family_figures(school, children, today()),
        "filters": filters,
        "events": events,
        "show_pupil": True,
        "timeline_url": reverse("casework:family", args=[fam.pk]),
        "can_write": can_write,
        "holder": fam.assignments.filter(ended_on__isnull=True).select_related("holder").first(),
        "warning": warning,
    }
    if can_write:
        context["allocate_form"] = allocate_form or AllocateForm(
            holders=caseloads.possible_holders(school),
            caseloads=caseloads.caseload_choices(school),
        )
        context["hand_back_form"] = hand_back_form or HandBackForm()
        bound = allocate_form if allocate_form is not None else hand_back_form
        context["error_form"] = bound if bound is not None and bound.errors else None
    template = FAMILY_TEMPLATE + ("#timeline" if _wants_partial(request) else "")
    return render(request, template, context)


@require_GET
def family(request: HtmxHttpRequest, family_id: int) -> HttpResponse:
    fam = access.get_family_for_case_reader(request.user, family_id)
    return family_page(request, fam)

"""Caseload pages: my caseload (families, cases, what is due this week), the allocations with
their caps, allocating a family (a warning to confirm past the cap), and the weekly tracker."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollbook.casework import access, caseloads, rules, views
from rollbook.casework import caseload_actions as actions
from rollbook.casework.forms import AllocateForm, DayForm, HandBackForm
from rollbook.casework.rules import CaseError
from rollbook.casework.views import HtmxHttpRequest, _redirect, _wants_partial, family_page


@require_GET
def my_caseload(request: HtmxHttpRequest) -> HttpResponse:
    school = access.require_caseload_holder(request.user)
    form = DayForm(request.GET)
    day = (form.cleaned_data["on"] if form.is_valid() else None) or views.today()
    mine = caseloads.my_caseload(school, request.user, day)
    context = {
        "form": form,
        "mine": mine,
        "is_today": day == views.today(),
        "can_read_cases": access.may_read_cases(request.user, school),
        "can_write": access.may_write(request.user, school),
    }
    template = "casework/caseload_mine.html"
    return render(request, f"{template}#due" if _wants_partial(request) else template, context)


@require_GET
def allocations(request: HtmxHttpRequest) -> HttpResponse:
    school = access.require_case_reader(request.user)
    rows = caseloads.allocations(school, views.today())
    return render(request, "casework/caseload_allocations.html", {"rows": rows})


@require_POST
def allocate(request: HtmxHttpRequest, family_id: int) -> HttpResponse:
    fam = access.get_family_for_case_writer(request.user, family_id)
    form = AllocateForm(
        request.POST,
        holders=caseloads.possible_holders(fam.school),
        caseloads=caseloads.caseload_choices(fam.school),
    )
    warning = ""
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.assign_family(
                actor=request.user,
                family=fam,
                holder=data["holder"],
                caseload=data["caseload"],
                on=views.today(),
                confirm=data["confirm"],
            )
        except actions.OverCap as over:
            warning = str(over)  # shown with a button that posts the same choice confirmed
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Family given to {data['holder'].get_username()}.")
            return _redirect(request, reverse("casework:family", args=[fam.pk]))
    return family_page(request, fam, allocate_form=form, warning=warning)


@require_POST
def hand_back(request: HtmxHttpRequest, family_id: int) -> HttpResponse:
    fam = access.get_family_for_case_writer(request.user, family_id)
    form = HandBackForm(request.POST)
    current = fam.assignments.filter(ended_on__isnull=True).first()
    if form.is_valid():
        try:
            if current is None:
                raise CaseError("Nobody holds this family.")
            actions.end_assignment(
                actor=request.user,
                assignment=current,
                reason=form.cleaned_data["reason"],
                on=views.today(),
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Family handed back.")
            return _redirect(request, reverse("casework:family", args=[fam.pk]))
    return family_page(request, fam, allocate_form=None, warning="", hand_back_form=form)


def _week(request: HtmxHttpRequest) -> date:
    try:
        return rules.week_of(date.fromisoformat(request.GET.get("week") or ""))[0]
    except ValueError:
        return rules.week_of(views.today())[0]


@require_http_methods(["GET", "POST"])
def tracker(request: HtmxHttpRequest) -> HttpResponse:
    """Seed 003's weekly tracker: PA pupils x procedures done this week, ticked by the office."""
    school = access.require_case_reader(request.user)
    error = ""
    if request.method == "POST":
        access.require_case_writer(request.user)
        try:
            week = rules.week_of(date.fromisoformat(request.POST.get("week", "")))[0]
        except ValueError:
            error = "Choose the week to save."
        else:
            rows = caseloads.tracker(school, week, views.today())
            ids = {r.pupil_id for r in rows}
            ticks = set()
            for value in request.POST.getlist("tick"):
                pupil_id, _, procedure = value.partition(":")
                if pupil_id.isdigit():
                    ticks.add((int(pupil_id), procedure))
            added, cleared = actions.save_tracker_week(
                actor=request.user, school=school, week_start=week, pupil_ids=ids, ticks=ticks
            )
            messages.success(request, f"Tracker saved: {added} ticked, {cleared} cleared.")
            url = reverse("casework:tracker")
            return _redirect(request, f"{url}?week={week.isoformat()}")
    week = _week(request)
    context = {
        "week": week,
        "rows": caseloads.tracker(school, week, views.today()),
        "procedures": list(rules.PROCEDURES.items()),
        "can_write": access.may_write(request.user, school),
        "previous": date.fromordinal(week.toordinal() - 7),
        "next": date.fromordinal(week.toordinal() + 7),
        "error": error,
    }
    return render(request, "casework/caseload_tracker.html", context)

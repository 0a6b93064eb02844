"""Qualifying lists, improvers, the assembly sheet, treats, Friday trackers and goals.

Pages that name pupils are staff-facing: office roles for the lists, sheet and treats; the
class's teachers and the office for the Friday pages; a goal is read as the pupil's page.
The board counts go on the existing hall display, which never names a pupil.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollbook.core.access import (
    can_read_all_pupils,
    get_group_for_user,
    get_pupil_for_user,
    require_office,
)
from rollbook.policy.monitoring import active_policy
from rollbook.rewards import booklets, qualifying, sheets
from rollbook.rewards.actions import RewardError, offer_treats, set_goal
from rollbook.rewards.forms import (
    AssemblyForm,
    GoalForm,
    ImproversForm,
    QualifyingForm,
    TreatListForm,
    TreatOfferForm,
)


def _htmx(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _template(request, name: str, partial: str) -> str:
    return f"{name}#{partial}" if _htmx(request) else name


def _cleaned(form) -> dict | None:
    """{} for a blank form (the defaults), the cleaned data, or None when it has errors."""
    if not form.is_bound:
        return {}
    return form.cleaned_data if form.is_valid() else None


@require_GET
def qualifying_lists(request):
    """Pupils at the line (100 % or the policy's) for this half-term, term and year."""
    school = require_office(request.user)
    policy, _ = active_policy(school)
    form = QualifyingForm(request.GET or None)
    data = _cleaned(form)
    context = {"school": school, "policy": policy, "form": form, "lists": None}
    if data is not None:
        as_of = data.get("as_of") or timezone.localdate()
        context |= {
            "as_of": as_of,
            "lists": sheets.qualifying_lists(
                school,
                policy,
                school.calendar(),
                as_of=as_of,
                at_least=data.get("at_least"),
                max_lates=data.get("max_lates"),
            ),
        }
    template = _template(request, "rewards/qualifying_list.html", "results")
    return render(request, template, context)


@require_GET
def improvers(request):
    """Pupils whose attendance rose by at least N points (the policy's, or chosen)."""
    school = require_office(request.user)
    policy, _ = active_policy(school)
    form = ImproversForm(request.GET or None)
    data = _cleaned(form)
    context = {"school": school, "policy": policy, "form": form, "found": None}
    if data is not None:
        context["found"] = sheets.improvers_list(
            school,
            school.calendar(),
            as_of=data.get("as_of") or timezone.localdate(),
            compare=data.get("compare") or "half_term",
            points=data.get("points") or qualifying.default_points(policy),
            min_possible=data.get("min_possible") or sheets.DEFAULT_MIN_POSSIBLE,
        )
    template = _template(request, "rewards/improvers_list.html", "results")
    return render(request, template, context)


@require_GET
def assembly(request):
    """The printable assembly sheet (staff-facing: it names the 100 % pupils)."""
    school = require_office(request.user)
    policy, _ = active_policy(school)
    form = AssemblyForm(request.GET or None)
    data = _cleaned(form)
    context = {"school": school, "policy": policy, "form": form, "sheet": None}
    if data is not None:
        context["sheet"] = sheets.assembly_sheet(
            school,
            policy,
            school.calendar(),
            kind=data.get("kind") or "week",
            as_of=data.get("as_of") or timezone.localdate(),
        )
    return render(request, "rewards/assembly_sheet.html", context)


DEFAULT_RISES = 2  # "two half-terms rising in a row" (S004-30 leaves it to the school)


def _treat_page(request, school, form, lists, status=200):
    context = {"school": school, "form": form, "lists": lists}
    return render(request, "rewards/treat_list.html", context, status=status)


@require_GET
def treats(request):
    """Pupils at 100 % this half-term and sustained improvers, and the treats offered."""
    school = require_office(request.user)
    form = TreatListForm(request.GET or None)
    data = _cleaned(form)
    lists = None
    if data is not None:
        lists = sheets.treat_lists(
            school,
            school.calendar(),
            as_of=data.get("as_of") or timezone.localdate(),
            rises=data.get("rises") or DEFAULT_RISES,
        )
    return _treat_page(request, school, form, lists)


@require_POST
def offer_treat(request):
    school = require_office(request.user)
    listed = TreatListForm(request.POST)
    if not listed.is_valid():
        return _treat_page(request, school, listed, None)
    as_of = listed.cleaned_data["as_of"] or timezone.localdate()
    rises = listed.cleaned_data["rises"] or DEFAULT_RISES
    lists = sheets.treat_lists(school, school.calendar(), as_of=as_of, rises=rises)
    form = TreatOfferForm(request.POST, eligible=lists.ids(request.POST.get("reason", "")))
    if not form.is_valid():
        return _treat_page(request, school, form, lists)
    try:
        new = offer_treats(
            actor=request.user,
            school=school,
            reason=form.cleaned_data["reason"],
            treat=form.cleaned_data["treat"],
            period=lists.period,
            pupil_ids=form.cleaned_data["pupils"],
            offered_on=timezone.localdate(),
        )
    except RewardError as e:
        form.add_error(None, str(e).capitalize())
        return _treat_page(request, school, form, lists)
    messages.success(request, f"{form.cleaned_data['treat']}: {len(new)} new offer(s) recorded.")
    return redirect(f"{reverse('rewards:treats')}?as_of={as_of.isoformat()}&rises={rises}")


def _date(value: str | None):
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


@require_GET
def booklet(request, group_id: int):
    """Friday tracker pages for a class (booklets and planners): the class's teachers and
    the office; 404 for another school's class, 403 for another class's teacher."""
    group = get_group_for_user(request.user, group_id)
    policy, _ = active_policy(group.school)
    wanted = request.GET.get("week")
    week = _date(wanted)
    pages = booklets.booklet(
        group, policy, group.school.calendar(), today=timezone.localdate(), week=week
    )
    bad = bool(wanted) and week is None
    context = {
        "group": group,
        "booklet": pages,
        "bad_week": bad,
        "week_errors": [{"text": "Enter the week as a real date", "href": "#id_week"}],
    }
    return render(request, "rewards/booklet_list.html", context)


def _goal_page(request, pupil, form):
    context = {
        "pupil": pupil,
        "form": form,
        "page": booklets.goal_page(pupil, today=timezone.localdate()),
        "may_set": can_read_all_pupils(request.user, pupil.school),
    }
    return render(request, "rewards/goal_form.html", context)


@require_http_methods(["GET", "POST"])
def goal(request, pupil_id: int):
    """A pupil's personal goal with its progress: read as the pupil's page (teachers their own
    classes); set by pastoral staff (office roles, DSL, SENCO), audited."""
    pupil = get_pupil_for_user(request.user, pupil_id)
    if request.method == "GET":
        return _goal_page(request, pupil, GoalForm())
    if not can_read_all_pupils(request.user, pupil.school):
        raise PermissionDenied("Only pastoral staff can set a pupil's goal.")
    form = GoalForm(request.POST)
    if not form.is_valid():
        return _goal_page(request, pupil, form)
    set_goal(
        actor=request.user,
        pupil=pupil,
        target_pct=form.cleaned_data["target_pct"],
        note=form.cleaned_data["note"],
        today=timezone.localdate(),
    )
    messages.success(request, f"Goal of {form.cleaned_data['target_pct']}% saved.")
    return redirect("rewards:goal", pupil_id=pupil.pk)

"""The attendance lead's Alerts page: what monitoring raised, with the actions stages created."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from rollbook.core.access import require_office
from rollbook.policy.actions import AlertError, complete_action, decide_alert
from rollbook.policy.forms import DecisionForm, FilterForm
from rollbook.policy.models import KIND_LABELS, Alert, PolicyAction
from rollbook.policy.monitoring import active_policy

PAGE_SIZE = 50


def _alerts(school, filters: FilterForm):
    status = (filters.cleaned_data.get("status") if filters.is_valid() else "") or "open"
    kind = filters.cleaned_data.get("kind") if filters.is_valid() else ""
    alerts = Alert.objects.filter(school=school).select_related(
        "pupil", "pupil__registration_group"
    )
    if status != "all":
        alerts = alerts.filter(status=status)
    if kind:
        alerts = alerts.filter(kind=kind)
    return alerts.prefetch_related(
        Prefetch("actions", queryset=PolicyAction.objects.order_by("due_on"))
    )


@require_GET
def alert_list(request):
    school = require_office(request.user)
    filters = FilterForm(request.GET)
    counts = dict(
        Alert.objects.filter(school=school, status="open")
        .values_list("kind")
        .annotate(n=Count("id"))
    )
    policy, version = active_policy(school)
    # Each alert carries its decision form: 50 a page keeps the page small (200 were 841 KB
    # and missed the 200 ms page budget in bench/staff_pages.py).
    page = Paginator(_alerts(school, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "school": school,
        "alerts": page,
        "page": page,
        "filters": filters,
        "counts": [(k, KIND_LABELS.get(k, k), n) for k, n in sorted(counts.items())],
        "policy": policy,
        "policy_version": version,
        "form": DecisionForm(),
    }
    return render(request, "policy/alert_list.html", context)


@require_POST
def alert_decide(request, alert_id: int):
    school = require_office(request.user)
    alert = get_object_or_404(Alert, pk=alert_id, school=school)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return render(request, "policy/alert_decide.html", {"alert": alert, "form": form})
    decide_alert(
        actor=request.user,
        alert=alert,
        status=form.cleaned_data["status"],
        reason=form.cleaned_data["reason"],
        defer_until=form.cleaned_data["defer_until"],
    )
    messages.success(
        request,
        f"Alert for {alert.pupil.display_name} recorded as {alert.get_status_display().lower()}.",
    )
    return redirect("policy:alerts")


@require_POST
def action_done(request, action_id: int):
    school = require_office(request.user)
    action = get_object_or_404(PolicyAction, pk=action_id, school=school)
    try:
        complete_action(actor=request.user, action=action, note=request.POST.get("note", ""))
    except AlertError as e:
        messages.error(request, str(e).capitalize())
    else:
        verb = "sent" if action.kind == "letter" else "done"
        messages.success(
            request,
            f"{action.get_kind_display().capitalize()} for {action.pupil.display_name} marked {verb}.",
        )
    return redirect("policy:alerts")

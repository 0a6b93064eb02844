"""The attendance lead's Alerts page: what monitoring raised, with the actions stages created."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollbook.core.access import require_office, require_school, roles_at
from rollbook.core.calendar import academic_year_of
from rollbook.core.models import School, StaffRole
from rollbook.policy import access as policy_access
from rollbook.policy import published, reading, tiers
from rollbook.policy.actions import (
    AlertError,
    complete_action,
    confirm_policy_read,
    decide_alert,
    enqueue_published_pdf,
    move_tier,
)
from rollbook.policy.forms import DecisionForm, FilterForm, TierMoveForm
from rollbook.policy.models import (
    KIND_LABELS,
    Alert,
    PolicyAction,
    PublishedPolicyPdf,
    SchoolPolicy,
    TierChange,
)
from rollbook.policy.monitoring import active_policy
from rollbook.policy.schema import NATIONAL
from rollbook.policy.tiers import TierError

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


# --- The published policy (S001-6) -------------------------------------------------------------
# Public: parents follow the link from the school's website without signing in. The page holds
# nothing but the policy file and the school's name (rollbook/policy/published.py).


def _published(urn: str):
    school = School.objects.filter(urn=urn).first()
    if school is None:
        raise Http404("No such school.")
    record = SchoolPolicy.objects.filter(school=school, active=True).first()
    policy = record.policy if record else NATIONAL
    return published.build(
        policy,
        school_name=school.name,
        version=record.version if record else 0,
        adopted_on=timezone.localdate(record.loaded_at) if record else None,
    )


@login_not_required
@require_GET
def published_policy(request, urn: str):
    return render(request, "policy/published.html", {"doc": _published(urn), "urn": urn})


@login_not_required
@require_GET
def published_policy_pdf(request, urn: str):
    """The same page as a PDF, rendered by a background task once per version (the URL is
    public: a request never runs WeasyPrint). Until it is ready, back to the page."""
    school = School.objects.filter(urn=urn).first()
    if school is None:
        raise Http404("No such school.")
    record = SchoolPolicy.objects.filter(school=school, active=True).first()
    stored = PublishedPolicyPdf.objects.filter(policy=record).first() if record else None
    if stored is None:
        # The URL is public: one render queued per version every few minutes, however many
        # people ask meanwhile (the task itself is idempotent; this bounds the queue).
        if record is not None and cache.add(f"published-pdf-queued:{record.pk}", True, 300):
            transaction.on_commit(lambda: enqueue_published_pdf(record.pk))
        messages.info(request, "The PDF is being prepared: try again in a minute.")
        return redirect("policy:published", urn=urn)
    response = HttpResponse(bytes(stored.pdf), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="attendance-policy-{urn}-v{record.version}.pdf"'
    )
    return response


# --- Staff confirm they have read the policy (S001-4) -------------------------------------------


@require_http_methods(["GET", "POST"])
def policy_read(request):
    """Every member of staff confirms the version in force; the head (and the attendance lead)
    see who has and who has not. A new version starts an empty list."""
    school = require_school(request.user)
    if request.method == "POST":
        try:
            confirm_policy_read(actor=request.user, school=school)
        except AlertError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "Thank you: your confirmation is recorded.")
        return redirect("policy:read")
    record = SchoolPolicy.objects.filter(school=school, active=True).first()
    confirmed = (
        dict(record.read_confirmations.values_list("user_id", "confirmed_at")) if record else {}
    )
    everyone = reading.may_see_everyone(roles_at(request.user, school))
    done, waiting = [], []
    if everyone and record is not None:
        staff = [
            (g.user_id, g.user.get_full_name() or g.user.get_username())
            for g in StaffRole.objects.filter(school=school).select_related("user")
        ]
        done, waiting = reading.readers(staff, confirmed)
    context = {
        "school": school,
        "record": record,
        "mine": confirmed.get(request.user.pk),
        "everyone": everyone,
        "done": done,
        "waiting": waiting,
    }
    return render(request, "policy/policy_read.html", context)


# --- Support tiers (S001-49) -------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def pupil_tiers(request, pupil_id: int):
    """A pupil's support tier and every move, up and down; office roles move them by hand."""
    pupil = policy_access.get_pupil_for_office(request.user, pupil_id)
    policy, _ = active_policy(pupil.school)
    order = tiers.tier_order(policy.stages)
    form = TierMoveForm(request.POST or None, tiers=order)
    if request.method == "POST" and form.is_valid():
        try:
            move_tier(
                actor=request.user,
                pupil=pupil,
                to_tier=form.cleaned_data["to_tier"],
                reason=form.cleaned_data["reason"],
                on=timezone.localdate(),
            )
        except TierError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "The move is recorded.")
            return redirect("policy:tiers", pupil_id=pupil.pk)
    year = academic_year_of(timezone.localdate())
    history = list(
        TierChange.objects.filter(pupil=pupil).select_related("by").order_by("-at", "-id")
    )
    current = next((c.to_tier for c in history if c.academic_year == year), None)
    context = {"pupil": pupil, "order": order, "current": current, "history": history}
    return render(request, "policy/pupil_tiers.html", context | {"form": form})

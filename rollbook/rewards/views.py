"""The class league, the hall display, pupil awards, certificates and the prize draw."""

from __future__ import annotations

import secrets
from datetime import date

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rollbook.core.access import groups_for_user, is_office, require_office, require_school
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.views import readable_pupils
from rollbook.rewards import pdf, queries, sheets
from rollbook.rewards.actions import RewardError, record_awards, run_prize_draw
from rollbook.rewards.forms import AwardForm

DISPLAY_REFRESH_SECONDS = 300


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def _league_context(request):
    school = require_school(request.user)
    policy, _ = active_policy(school)
    calendar = school.calendar()
    today = timezone.localdate()
    table = queries.league(
        school,
        policy,
        calendar,
        today=today,
        week=_date(request.GET.get("week")),
        hotspot_day=_date(request.GET.get("day")),
    )
    return school, {"school": school, "policy": policy, "league": table, "today": today}


@require_GET
def league(request):
    school, context = _league_context(request)
    context["office"] = is_office(request.user, school)
    return render(request, "rewards/league_list.html", context)


@require_GET
def display(request):
    school, context = _league_context(request)
    table = context["league"]
    context["board"] = (
        sheets.board(school, context["policy"], school.calendar(), table.week) if table else None
    )
    # Kiosk mode (?refresh=1), for an unattended hall screen: a meta refresh every 5 minutes,
    # no JavaScript. Off by default: axe (WCAG 2.2.1) rightly flags a page that reloads itself
    # under a person reading it, so people opening the page choose it.
    context["kiosk"] = request.GET.get("refresh") == "1"
    context["refresh"] = DISPLAY_REFRESH_SECONDS
    return render(request, "rewards/league_display.html", context)


@require_GET
def trackers(request):
    """Personal reward trackers for focus pupils (003): office roles, DSL and SENCO see every
    pupil with an open case; teachers only those in their own classes."""
    school = require_school(request.user)
    pupils = readable_pupils(request.user, school)
    policy, _ = active_policy(school)
    page = queries.focus_trackers(
        school, pupils, policy, school.calendar(), today=timezone.localdate()
    )
    groups = list(groups_for_user(request.user, school).order_by("name").values("pk", "name"))
    context = {"school": school, "page": page, "groups": groups}
    return render(request, "rewards/tracker_list.html", context)


def _awards_page(request, school, form: AwardForm, as_of: date, status: int = 200):
    policy, _ = active_policy(school)
    context = {
        "school": school,
        "policy": policy,
        "as_of": as_of,
        "lists": queries.award_lists(school, policy, school.calendar(), as_of=as_of),
        "draws": queries.recent_draws(school),
        "form": form,
    }
    return render(request, "rewards/award_list.html", context, status=status)


def _form(school, data):
    policy, _ = active_policy(school)
    return AwardForm(data, rewards=queries.pupil_rewards(policy))


@require_GET
def awards(request):
    school = require_office(request.user)
    as_of = _date(request.GET.get("as_of")) or timezone.localdate()
    return _awards_page(request, school, _form(school, None), as_of)


def _bound(request, school, data):
    """(form, award list) for a valid request; (form, None) to re-render with errors."""
    form = _form(school, data)
    if not form.is_valid():
        return form, None
    as_of = form.cleaned_data["as_of"] or timezone.localdate()
    found = queries.award_list(school, form.chosen, school.calendar(), as_of=as_of)
    return form, found


@require_GET
def certificates(request):
    school = require_office(request.user)
    form, found = _bound(request, school, request.GET)
    if found is None:
        return _awards_page(request, school, form, timezone.localdate())
    if not found.pupils:
        form.add_error(None, "No pupils qualify for this award over that period")
        return _awards_page(request, school, form, found.period.last)
    today = timezone.localdate()
    body = pdf.certificates_pdf(
        [
            pdf.Certificate(school.name, p.name, found.reward.name, found.period.label, today)
            for p in found.pupils
        ]
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{found.reward.key}-certificates.pdf"'
    return response


def _back(as_of: date) -> str:
    return f"{reverse('rewards:awards')}?as_of={as_of.isoformat()}"


@require_POST
def record(request):
    school = require_office(request.user)
    form, found = _bound(request, school, request.POST)
    if found is None:
        return _awards_page(request, school, form, timezone.localdate())
    try:
        new = record_awards(
            actor=request.user,
            school=school,
            reward=found.reward,
            period=found.period,
            pupil_ids=found.ids,
            awarded_on=timezone.localdate(),
        )
    except RewardError as e:
        form.add_error(None, str(e).capitalize())
        return _awards_page(request, school, form, found.period.last)
    messages.success(request, f"{found.reward.name}: {len(new)} new award(s) recorded.")
    return redirect(_back(found.period.last))


@require_POST
def draw(request):
    school = require_office(request.user)
    form, found = _bound(request, school, request.POST)
    if found is None:
        return _awards_page(request, school, form, timezone.localdate())
    seed = form.cleaned_data["seed"]
    if seed is None:
        seed = secrets.randbelow(10**9)  # chosen here, at the edge, and recorded on the draw
    try:
        result = run_prize_draw(
            actor=request.user,
            school=school,
            reward=found.reward,
            period=found.period,
            eligible_ids=found.ids,
            seed=seed,
            winners=form.cleaned_data["winners"] or 1,
        )
    except RewardError as e:
        form.add_error(None, str(e).capitalize())
        return _awards_page(request, school, form, found.period.last)
    names = queries.certificate_names(school, result.winner_ids)
    winners = ", ".join(names[i] for i in result.winner_ids)
    messages.success(
        request,
        f"Prize draw for {found.reward.name}: {winners} (seed {seed}, {result.eligible_count} eligible).",
    )
    return redirect(_back(found.period.last))

"""Meeting, plan and task pages for one pupil: the meetings and plans page (with a meeting's
pack and impact chart), recording a meeting, the printable plan, outcomes and tasks done.

Pages are keyed by the pupil; which meeting or plan is shown comes from the query string or
the form (checked to belong to the pupil), so every URL stays on the pupil's access check.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from rollbook.casework import access, charts, meetings, queries, rules, views
from rollbook.casework import meeting_actions as actions
from rollbook.casework.forms import MeetingForm, PlanOutcomeForm, TaskDoneForm
from rollbook.casework.models import SupportPlan
from rollbook.casework.rules import CaseError
from rollbook.casework.views import HtmxHttpRequest, _redirect, _wants_partial


def _pack(meeting) -> dict:
    """The meeting pack: frozen figures, 'Pupil B', days lost, and the impact chart."""
    figures = meetings.frozen_figures(meeting)
    child = charts.shown_pct(figures.tally.attendance_rate)
    peer = charts.shown_pct(figures.peer_tally.attendance_rate) if figures.peers else None
    svg = charts.impact_chart_svg(child_pct=child, peer_pct=peer, target_pct=meeting.target_pct)
    return {
        "meeting": meeting,
        "figures": figures,
        "child_pct": child,
        "peer_pct": peer,
        "child_days_lost": rules.days_lost(child) if child is not None else None,
        "peer_days_lost": rules.days_lost(peer) if peer is not None else None,
        "target_days_lost": rules.days_lost(meeting.target_pct),
        "late_hours": rules.hours_lost_to_lateness(10),
        "support": rules.support_labels(meeting.agreed_support),
        "chart": charts.data_uri(svg),
    }


def _records_page(request: HtmxHttpRequest, pupil, *, bound=None) -> HttpResponse:
    safeguarding = access.may_read_safeguarding(request.user, pupil.school)
    records = meetings.pupil_records(pupil, safeguarding=safeguarding)
    chosen = request.GET.get("meeting")
    meeting = next((m for m in records.meetings if str(m.pk) == chosen), None)
    if chosen and meeting is None:
        raise Http404("No such meeting for this pupil.")
    meeting = meeting or (records.meetings[0] if records.meetings else None)
    can_write = access.may_write(request.user, pupil.school)
    context = {
        "pupil": pupil,
        "records": records,
        "can_write": can_write,
        "pack": _pack(meeting) if meeting else None,
        "outcome_form": PlanOutcomeForm(plans=SupportPlan.objects.filter(pupil=pupil)),
        "task_form": TaskDoneForm(tasks=meetings.tasks_for(pupil, safeguarding=safeguarding)),
    }
    if bound is not None:
        context[bound[0]] = bound[1]
        context["error_form"] = bound[1]
    return render(request, "casework/meeting_list.html", context)


@require_GET
def pupil_meetings(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_case_reader(request.user, pupil_id)
    return _records_page(request, pupil)


def _plan_terms(data) -> actions.PlanTerms | None:
    if not data["plan_kind"]:
        return None
    return actions.PlanTerms(
        kind=data["plan_kind"],
        commitments=data["commitments"],
        signatories=data["signatories"] or data["attendees"],
        support=tuple(data["support"]),
        support_detail=data["support_detail"],
        nurse_referral_on=data["nurse_referral_on"],
        key_adult=data["key_adult"],
    )


@require_http_methods(["GET", "POST"])
def record_meeting(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_case_writer(request.user, pupil_id)
    form = MeetingForm(
        request.POST or None,
        initial={"held_on": views.today()},
        staff=queries.school_staff(pupil.school),
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            done = actions.record_meeting(
                actor=request.user,
                pupil=pupil,
                held_on=data["held_on"],
                attendees=data["attendees"],
                barriers=data["barriers"],
                support=data["support"],
                support_detail=data["support_detail"],
                monitoring_weeks=data["monitoring_weeks"],
                target_pct=data["target_pct"],
                review_on=data["review_on"],
                notes=data["notes"],
                plan=_plan_terms(data),
                parent_attendance=data["parent_attendance"],
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request, f"Meeting recorded. Review task due {done.task.due_on:%-d %B %Y}."
            )
            url = reverse("casework:meetings", args=[pupil.pk])
            return _redirect(request, f"{url}?meeting={done.meeting.pk}")
    template = "casework/meeting_form.html"
    if _wants_partial(request) and request.method == "POST":
        template += "#form"
    return render(request, template, {"pupil": pupil, "form": form})


@require_GET
def plan_print(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    """The plan or contract laid out for signing (print CSS); the latest one by default."""
    pupil = access.get_pupil_for_case_reader(request.user, pupil_id)
    plans = SupportPlan.objects.filter(pupil=pupil).select_related("meeting", "school", "key_adult")
    chosen = request.GET.get("plan")
    plan = plans.filter(pk=chosen).first() if chosen and chosen.isdigit() else plans.first()
    if chosen and plan is None:
        raise Http404("No such plan for this pupil.")
    context = {
        "pupil": pupil,
        "plan": plan,
        "support": rules.support_labels(plan.support) if plan else [],
        "signatories": plan.signatories.splitlines() if plan else [],
    }
    return render(request, "casework/plan_print.html", context)


@require_POST
def plan_outcome(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_case_writer(request.user, pupil_id)
    form = PlanOutcomeForm(request.POST, plans=SupportPlan.objects.filter(pupil=pupil))
    if form.is_valid():
        try:
            actions.record_plan_outcome(
                actor=request.user,
                plan=form.cleaned_data["plan"],
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
                on=views.today(),
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Outcome recorded.")
            return _redirect(request, reverse("casework:meetings", args=[pupil.pk]))
    return _records_page(request, pupil, bound=("outcome_form", form))


@require_POST
def task_done(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_case_writer(request.user, pupil_id)
    safeguarding = access.may_read_safeguarding(request.user, pupil.school)
    form = TaskDoneForm(request.POST, tasks=meetings.tasks_for(pupil, safeguarding=safeguarding))
    if form.is_valid():
        try:
            actions.complete_task(
                actor=request.user,
                task=form.cleaned_data["task"],
                note=form.cleaned_data["note"],
                safeguarding_concern=form.cleaned_data["safeguarding_concern"],
            )
        except CaseError as error:
            form.add_error(None, str(error))
        else:
            sent = form.cleaned_data["safeguarding_concern"]
            messages.success(
                request, "Task done. The DSL has a task now." if sent else "Task done."
            )
            back = request.POST.get("next") == "mine"
            url = (
                reverse("casework:mine") if back else reverse("casework:meetings", args=[pupil.pk])
            )
            return _redirect(request, url)
    return _records_page(request, pupil, bound=("task_form", form))

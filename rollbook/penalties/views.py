"""Penalty-notice pages for the office roles: the decisions waiting, a pupil's notices with
their history and next steps, and the LA evidence pack (PDF and CSV).

Each view checks access through `penalties.access`, parses a form, calls one action and
redirects; errors re-render the page (for htmx, the part that holds the form) with 200.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from rollbook.core.access import require_office, roles_at
from rollbook.core.models import Role
from rollbook.penalties import access, actions, pack, queries, rules
from rollbook.penalties.forms import ConsiderForm, DecideForm, StepForm
from rollbook.penalties.rules import PenaltyError
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Contact

DECISIONS = "penalties/decisions.html"
PUPIL = "penalties/pupil_notices.html"


def _partial(request) -> bool:
    return bool(request.htmx) and not request.htmx.history_restore_request


def _go(request, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


def _parents(pupil) -> object:
    return Contact.objects.filter(
        pupil_links__pupil=pupil, pupil_links__parental_responsibility=True
    ).order_by("pupil_links__priority", "id")


def _signoff_note(user, school) -> str:
    """Said on the pages when the policy gates requests to the LA and this user may not
    sign them off (S000-27)."""
    role = active_policy(school)[0].statutory.pn_signoff_role
    if role is None or rules.may_sign_off(roles_at(user, school), role):
        return ""
    return (
        f"Requests to the local authority are signed off by the {Role(role).label.lower()} "
        "or the head teacher."
    )


# --- Decisions ----------------------------------------------------------------------------------


def _decision_page(request, school, *, bound: tuple[int, DecideForm] | None = None):
    today = timezone.localdate()
    rows = []
    for candidate in queries.candidates(school):
        if bound is not None and bound[0] == candidate.alert.pk:
            form = bound[1]
        else:
            form = DecideForm(
                parents=_parents(candidate.alert.pupil),
                initial={"on": today, "parents": [p.parent.pk for p in candidate.parents]},
                prefix=f"a{candidate.alert.pk}",
            )
        # The parents' boxes are drawn from the candidate's parents (loaded once for every
        # alert), not from the form's queryset, which would cost a query per alert.
        if form.is_bound:
            chosen = set(form.data.getlist(form.add_prefix("parents")))
            parents = [(p.parent, str(p.parent.pk) in chosen) for p in candidate.parents]
        else:
            parents = [(p.parent, True) for p in candidate.parents]
        rows.append((candidate, form, parents))
    if bound is not None and _partial(request):
        row = next((r for r in rows if r[0].alert.pk == bound[0]), (None, None, []))
        return render(
            request,
            f"{DECISIONS}#candidate",
            {"candidate": row[0], "form": row[1], "parents": row[2]},
        )
    context = {
        "rows": rows,
        "notices": list(queries.in_progress(school)[:200]),
        "signoff_note": _signoff_note(request.user, school),
    }
    return render(request, DECISIONS, context)


@require_GET
def decisions(request) -> HttpResponse:
    return _decision_page(request, require_office(request.user))


@require_POST
def decide(request, alert_id: int) -> HttpResponse:
    alert = access.get_alert_for_office(request.user, alert_id)
    if not queries.candidates(alert.school, alert_id=alert.pk):
        # Decided already, or not an alert that asks for a penalty-notice decision.
        return _pupil_page(
            request,
            alert.pupil,
            errors=["This alert is not waiting for a penalty-notice decision."],
        )
    form = DecideForm(request.POST, parents=_parents(alert.pupil), prefix=f"a{alert.pk}")
    if form.is_valid():
        data = form.cleaned_data
        try:
            actions.decide(
                actor=request.user,
                alert=alert,
                parents=data["parents"],
                choice=data["choice"],
                on=data["on"],
                reason=data["reason"],
                improve_by=data["improve_by"],
                override_reason=data["override_reason"],
            )
        except PenaltyError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Decision recorded for {alert.pupil.display_name}.")
            return _go(request, reverse("penalties:pupil", args=[alert.pupil_id]))
    return _decision_page(request, alert.school, bound=(alert.pk, form))


# --- A pupil's notices --------------------------------------------------------------------------


def _pupil_page(request, pupil, *, consider_form=None, step=None, errors=()) -> HttpResponse:
    today = timezone.localdate()
    notices = queries.notices_for(pupil)
    caps = queries.cap_inputs([pupil.pk])
    rows = []
    for notice in notices:
        form = (
            step[1]
            if step is not None and step[0] == notice.pk
            else StepForm(initial={"notice": notice.pk, "on": today})
        )
        dates, pending = caps.get((notice.pupil_id, notice.parent_id), ([], 0))
        others = [d for d in dates if d != notice.issued_on] if notice.issued_on else dates
        rows.append(
            {
                "notice": notice,
                "next": rules.next_steps(notice.status),
                "form": form,
                "cap": rules.cap_check(others, notice.last_date, pending=pending)
                if notice.status in rules.IN_PROGRESS
                else None,
                "deadlines": rules.deadlines(notice.rate, notice.received_on)
                if notice.rate and notice.received_on
                else [],
            }
        )
    context = {
        "pupil": pupil,
        "rows": rows,
        "consider_form": consider_form
        or ConsiderForm(parents=_parents(pupil), initial={"last_date": today}),
        "today": today,
        "errors": list(errors),
        "can_write": access.may_write(request.user, pupil),
        "signoff_note": _signoff_note(request.user, pupil.school),
    }
    template = f"{PUPIL}#notices" if request.method == "POST" and _partial(request) else PUPIL
    return render(request, template, context)


@require_GET
def pupil_notices(request, pupil_id: int) -> HttpResponse:
    return _pupil_page(request, access.get_pupil_for_reader(request.user, pupil_id))


@require_POST
def consider(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_office(request.user, pupil_id)
    form = ConsiderForm(request.POST, parents=_parents(pupil))
    if form.is_valid():
        data = form.cleaned_data
        sessions = queries.sessions_between(pupil, data["first_date"], data["last_date"])
        try:
            for parent in data["parents"]:
                actions.consider(
                    actor=request.user,
                    pupil=pupil,
                    parent=parent,
                    first_date=data["first_date"],
                    last_date=data["last_date"],
                    sessions=sessions,
                    on=timezone.localdate(),
                    note=data["note"],
                )
        except PenaltyError as error:
            form.add_error(None, str(error))
        else:
            return _go(request, reverse("penalties:pupil", args=[pupil.pk]))
    return _pupil_page(request, pupil, consider_form=form)


@require_POST
def step(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_office(request.user, pupil_id)
    form = StepForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        notice = access.get_notice(pupil, data["notice"])
        try:
            actions.advance(
                actor=request.user,
                notice=notice,
                to=data["to"],
                on=data["on"],
                reason=data["reason"],
                warning_kind=data["warning_kind"],
                improve_by=data["improve_by"],
                la_reference=data["la_reference"],
                received_on=data["received_on"],
                override_reason=data["override_reason"],
            )
        except PenaltyError as error:
            form.add_error(None, str(error))
        else:
            return _go(request, reverse("penalties:pupil", args=[pupil.pk]))
        return _pupil_page(request, pupil, step=(notice.pk, form))
    notice_id = str(form["notice"].value() or "")
    return _pupil_page(request, pupil, step=(int(notice_id) if notice_id.isdigit() else 0, form))


# --- The LA evidence pack -----------------------------------------------------------------------


def _pack(request, pupil_id: int):
    """The pack for ?notice=<id> of this pupil, or for the year so far with ?scope=year;
    None (go to the pupil's page) without either."""
    pupil = access.get_pupil_for_office(request.user, pupil_id)
    notice_id = request.GET.get("notice", "")
    if notice_id.isdigit():
        notice = access.get_notice(pupil, int(notice_id))
    elif request.GET.get("scope") == "year":
        notice = None
    else:
        return pupil, None
    return pupil, pack.build_pack(pupil, notice, timezone.localdate())


def _filename(built, ext: str) -> str:
    return f"evidence-{built.upn}-{built.generated_on:%Y%m%d}.{ext}"


@require_GET
def pack_pdf(request, pupil_id: int) -> HttpResponse:
    pupil, built = _pack(request, pupil_id)
    if built is None:
        return redirect("penalties:pupil", pupil_id=pupil.pk)
    response = HttpResponse(pack.pack_pdf(built), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(built, "pdf")}"'
    return response


@require_GET
def pack_csv(request, pupil_id: int) -> HttpResponse:
    pupil, built = _pack(request, pupil_id)
    if built is None:
        return redirect("penalties:pupil", pupil_id=pupil.pk)
    response = HttpResponse(pack.pack_csv(built), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_filename(built, "csv")}"'
    return response

"""Registration duties: the admission register, a pupil's registration page (countdowns,
LA notice, EHE, deletion, CME concern and enquiries), the CME list and the LA returns.

Office roles read and write; only the head teacher (or an administrator) deletes a pupil
from the register. Errors re-render the page (for htmx, its #registration part) with
status 200; every form works without JavaScript.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db.models import F
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from rollbook.admissions import access, actions, queries, returns, rules
from rollbook.admissions.forms import (
    CmeCloseForm,
    CmeOpenForm,
    DeletionForm,
    EheForm,
    EnquiryForm,
    LaNotifiedForm,
    PeriodForm,
)
from rollbook.admissions.models import AdmissionEntry, CmeConcern, Deletion, DeletionStatus
from rollbook.core import audit
from rollbook.core.calendar import academic_year_of
from rollbook.policy.monitoring import active_policy

PUPIL_TEMPLATE = "admissions/pupil.html"


# --- the admission register -------------------------------------------------------------------


@require_GET
def register(request) -> HttpResponse:
    school = access.require_office(request.user)
    today = timezone.localdate()
    calendar = school.calendar()
    year_start = date(academic_year_of(today), 8, 1)
    entries = list(
        AdmissionEntry.objects.filter(school=school, admitted_on__gte=year_start)
        .select_related("pupil")
        .order_by("-admitted_on", "pupil__legal_surname", "pk")
    )
    rows = [
        {
            "entry": e,
            "state": rules.notice_state(
                calendar, due_on=e.la_notice_due_on, notified_on=e.la_notified_on, today=today
            )
            if e.la_notice_required and e.la_notice_due_on
            else None,
        }
        for e in entries
    ]
    deletions = list(
        Deletion.objects.filter(school=school)
        .exclude(status=DeletionStatus.WITHDRAWN)
        .filter(ground_met_on__gte=year_start)
        .select_related("pupil")
    )
    return render(
        request,
        "admissions/register.html",
        {
            "rows": rows,
            "overdue": sum(1 for r in rows if r["state"] and r["state"].overdue),
            "deletions": deletions,
            "today": today,
        },
    )


# --- a pupil's registration page --------------------------------------------------------------


def _page(request, pupil, **forms) -> HttpResponse:
    school = pupil.school
    today = timezone.localdate()
    policy, _ = active_policy(school)
    calendar = school.calendar()
    counts = queries.countdowns(pupil, calendar, policy, today)
    entry = pupil.admission_entries.order_by("-admitted_on").first()
    concerns = list(pupil.cme_concerns.prefetch_related("enquiries"))
    open_concern = next((c for c in concerns if c.is_open), None)
    d = today.isoformat()
    context = {
        "pupil": pupil,
        "today": today,
        "entry": entry,
        "notice": rules.notice_state(
            calendar, due_on=entry.la_notice_due_on, notified_on=entry.la_notified_on, today=today
        )
        if entry and entry.la_notice_required and entry.la_notice_due_on
        else None,
        "counts": counts,
        "policy": policy.statutory,
        "deletions": list(pupil.deletions.all()),
        "ehe_notices": list(pupil.ehe_notices.all()),
        "concerns": concerns,
        "open_concern": open_concern,
        "may_delete": access.may_delete(request.user, school),
        "la_form": forms.get("la_form") or LaNotifiedForm(initial={"notified_on": d}),
        "deletion_form": forms.get("deletion_form")
        or DeletionForm(initial={"ground_met_on": d, "removed_on": d, "la_notified_on": d}),
        "ehe_form": forms.get("ehe_form") or EheForm(initial={"received_on": d}),
        "cme_open_form": forms.get("cme_open_form") or CmeOpenForm(initial={"opened_on": d}),
        "enquiry_form": forms.get("enquiry_form") or EnquiryForm(initial={"made_on": d}),
        "cme_close_form": forms.get("cme_close_form") or CmeCloseForm(initial={"closed_on": d}),
        "form_errors": [f for f in forms.values() if f is not None and f.errors],
    }
    partial = bool(request.htmx) and request.method == "POST"
    return render(request, f"{PUPIL_TEMPLATE}#registration" if partial else PUPIL_TEMPLATE, context)


def _done(request, pupil) -> HttpResponse:
    url = reverse("admissions:pupil", args=[pupil.pk])
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@require_GET
def pupil_page(request, pupil_id: int) -> HttpResponse:
    return _page(request, access.get_pupil_for_office(request.user, pupil_id))


def _post(request, pupil, form_class, name, run) -> HttpResponse:
    """Validate `form_class`, call `run(cleaned_data, today)`; refusals become form errors."""
    form = form_class(request.POST)
    if form.is_valid():
        try:
            run(form.cleaned_data, timezone.localdate())
        except rules.RegistrationRuleError as error:
            form.add_error(None, str(error))
        else:
            return _done(request, pupil)
    return _page(request, pupil, **{name: form})


@require_POST
def la_notified(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_office(request.user, pupil_id)

    def run(data, today):
        entry = pupil.admission_entries.order_by(
            "-admitted_on"
        ).first() or actions.record_admission(actor=request.user, pupil=pupil, as_of=today)
        actions.record_la_notified(
            actor=request.user,
            entry=entry,
            notified_on=data["notified_on"],
            reference=data["reference"],
            today=today,
        )

    return _post(request, pupil, LaNotifiedForm, "la_form", run)


@require_POST
def deletion(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_deleter(request.user, pupil_id)

    def run(data, today):
        actions.record_deletion(actor=request.user, pupil=pupil, today=today, **data)

    return _post(request, pupil, DeletionForm, "deletion_form", run)


@require_POST
def ehe(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_office(request.user, pupil_id)

    def run(data, today):
        actions.record_ehe_notice(actor=request.user, pupil=pupil, today=today, **data)

    return _post(request, pupil, EheForm, "ehe_form", run)


@require_POST
def cme_open(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_office(request.user, pupil_id)

    def run(data, today):
        actions.open_cme_concern(actor=request.user, pupil=pupil, today=today, **data)

    return _post(request, pupil, CmeOpenForm, "cme_open_form", run)


def _open_concern(pupil) -> CmeConcern:
    concern = pupil.cme_concerns.filter(closed_on__isnull=True).first()
    if concern is None:
        raise rules.RegistrationRuleError("Open a CME concern first.")
    return concern


@require_POST
def cme_enquiry(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_office(request.user, pupil_id)

    def run(data, today):
        actions.record_enquiry(
            actor=request.user, concern=_open_concern(pupil), today=today, **data
        )

    return _post(request, pupil, EnquiryForm, "enquiry_form", run)


@require_POST
def cme_close(request, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_office(request.user, pupil_id)

    def run(data, today):
        actions.close_cme_concern(
            actor=request.user, concern=_open_concern(pupil), today=today, **data
        )

    return _post(request, pupil, CmeCloseForm, "cme_close_form", run)


# --- children missing education ---------------------------------------------------------------


@require_GET
def cme_list(request) -> HttpResponse:
    """Open concerns, those closed this year, and pupils the CME check has reached who have
    no open concern yet (the policy's run of unexplained absence, N or O)."""
    school = access.require_office(request.user)
    today = timezone.localdate()
    policy, _ = active_policy(school)
    concerns = list(
        CmeConcern.objects.filter(school=school)
        .select_related("pupil")
        .prefetch_related("enquiries")
        .order_by(F("closed_on").desc(nulls_first=True), "-opened_on", "pk")[:200]
    )
    open_ids = {c.pupil_id for c in concerns if c.is_open}
    reached = []
    days = policy.statutory.cme_unexplained_days
    if days:
        calendar = school.calendar()
        pupils = list(school.pupils.on_roll(today).order_by("legal_surname", "pk"))
        marks = queries.marks_for([p.pk for p in pupils], today - timedelta(days=60), today)
        for pupil in pupils:
            if pupil.pk in open_ids or pupil.pk not in marks:
                continue
            check = rules.cme_check(marks[pupil.pk], calendar, today, threshold=days)
            if check.reached:
                reached.append({"pupil": pupil, "check": check})
    return render(
        request,
        "admissions/cme_list.html",
        {"concerns": concerns, "reached": reached, "days": days, "today": today},
    )


# --- LA returns -------------------------------------------------------------------------------


def _period(request) -> tuple[PeriodForm, date, date]:
    today = timezone.localdate()
    default_first = today.replace(day=1)
    form = PeriodForm(request.GET or None, initial={"first": default_first, "last": today})
    if request.GET and form.is_valid():
        return form, form.cleaned_data["first"], form.cleaned_data["last"]
    return form, default_first, today


@require_GET
def la_returns(request) -> HttpResponse:
    school = access.require_office(request.user)
    form, first, last = _period(request)
    rows = returns.la_return(school, first, last) if not form.errors else []
    sections = [
        (label, [r for r in rows if r.section == key]) for key, label in returns.SECTIONS.items()
    ]
    return render(
        request,
        "admissions/la_returns.html",
        {"form": form, "first": first, "last": last, "sections": sections, "count": len(rows)},
    )


@require_GET
def la_returns_csv(request) -> HttpResponse:
    school = access.require_office(request.user)
    form, first, last = _period(request)
    if form.errors:
        return HttpResponseBadRequest("Choose a valid period.")
    rows = returns.la_return(school, first, last)
    # Every download of pupil data is audited as an export (who, what, which period).
    audit.record(
        "export.downloaded",
        actor=request.user,
        school=school,
        report="la_returns",
        format="csv",
        first=first.isoformat(),
        last=last.isoformat(),
        rows=len(rows),
    )
    response = HttpResponse(returns.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="la-return-{school.urn}-{first:%Y%m%d}-{last:%Y%m%d}.csv"'
    )
    return response

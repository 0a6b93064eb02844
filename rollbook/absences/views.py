"""The office's inbox of parents' absence reports: accept (code the sessions) or query.

Routed under /parents/office/ by rollbook/portal/urls.py (namespace "portal"), beside the
portal the reports come from. Office roles only (`core.access.require_office`).
"""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rollbook.absences import rules
from rollbook.absences.access import get_report_for_office
from rollbook.absences.actions import (
    FollowUpError,
    accept_absence_report,
    query_absence_report,
)
from rollbook.absences.forms import AcceptForm, QueryForm
from rollbook.absences.models import AbsenceReport, ReportStatus
from rollbook.core.access import require_office
from rollbook.core.downloads import upload_download
from rollbook.leave.rules import sessions_between
from rollbook.portal.notify import tell_parents
from rollbook.registers.models import Mark

OPEN = (ReportStatus.PENDING, ReportStatus.QUERIED)


@require_GET
def inbox(request) -> HttpResponse:
    school = require_office(request.user)
    reports = AbsenceReport.objects.filter(school=school).select_related(
        "pupil__registration_group", "reported_by"
    )
    since = timezone.now() - timedelta(days=14)
    waiting = list(reports.filter(status__in=OPEN).order_by("first_date", "submitted_at"))
    return render(
        request,
        "absences/inbox.html",
        {
            "school": school,
            "open": waiting,
            # S002-68: illness reports for pupils flagged "evidence required": decide I or O.
            "decide": [
                r
                for r in waiting
                if rules.needs_decision(
                    reason=r.reason, evidence_required=r.pupil.evidence_required
                )
            ],
            "done": reports.exclude(status__in=OPEN)
            .filter(decided_at__gte=since)
            .order_by("-decided_at")[:20],
        },
    )


def _show(request, report: AbsenceReport, accept=None, query=None) -> HttpResponse:
    decide = rules.needs_decision(
        reason=report.reason, evidence_required=report.pupil.evidence_required
    )
    sessions = sessions_between(
        report.school.calendar(),
        report.first_date,
        report.first_session,
        report.last_date,
        report.last_session,
    )
    marks = {
        (m.date, m.session): m
        for m in Mark.objects.filter(
            pupil=report.pupil, date__range=(report.first_date, report.last_date)
        )
    }
    return render(
        request,
        "absences/report.html",
        {
            "school": report.school,
            "report": report,
            "notes": report.notes.all(),
            "sessions": [(day, s.value, marks.get((day, s.value))) for day, s in sessions],
            "decide": decide,
            "accept": accept
            or AcceptForm(initial={"code": "" if decide else rules.default_code(report.reason)}),
            "query": query or QueryForm(),
            "is_open": report.status in OPEN,
        },
    )


@require_GET
def inbox_report(request, report_id: int) -> HttpResponse:
    return _show(request, get_report_for_office(request.user, report_id))


@require_POST
def inbox_accept(request, report_id: int) -> HttpResponse:
    report = get_report_for_office(request.user, report_id)
    form = AcceptForm(request.POST)
    if form.is_valid():
        try:
            report = accept_absence_report(
                actor=request.user,
                report=report,
                code=form.cleaned_data["code"],
                note=form.cleaned_data["note"],
                evidence=form.cleaned_data["evidence"],
            )
        except FollowUpError as e:
            form.add_error(None, str(e)[:1].upper() + str(e)[1:])
        else:
            messages.success(
                request,
                f"Accepted: {report.pupil.display_name}, {report.sessions_coded} "
                f"session{'s' if report.sessions_coded != 1 else ''} coded {report.code}.",
            )
            return redirect("portal:inbox")
    return _show(request, report, accept=form)


@require_POST
def inbox_query(request, report_id: int) -> HttpResponse:
    report = get_report_for_office(request.user, report_id)
    form = QueryForm(request.POST)
    if form.is_valid():
        try:
            report = query_absence_report(
                actor=request.user, report=report, question=form.cleaned_data["question"]
            )
        except FollowUpError as e:
            form.add_error(None, str(e)[:1].upper() + str(e)[1:])
        else:
            tell_parents(
                report.reported_by,
                subject=f"{report.school.name} has a question about an absence you reported",
                text=f"{report.school.name} has a question about an absence you reported.",
                portal_url=request.build_absolute_uri(
                    reverse("portal:report_detail", args=[report.pk])
                ),
            )
            messages.success(request, "Question sent to the parent.")
            return redirect("portal:inbox")
    return _show(request, report, query=form)


@require_GET
def inbox_evidence(request, report_id: int) -> HttpResponse:
    """The parent's upload, as a download only (never shown inline: it came from outside).

    Read whole (at most rules.MAX_EVIDENCE_BYTES); the type is the one sniffed at upload.
    """
    report = get_report_for_office(request.user, report_id)
    if not report.evidence:
        raise Http404("No evidence was uploaded with this report.")
    return upload_download(
        report.evidence, report.evidence_type, f"absence-report-{report.pk}-evidence"
    )

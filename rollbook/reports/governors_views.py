"""The governors' report: HTML preview, the background PDF build, its progress and download.

Governors and trust analysts may use every page here: the report holds aggregates only. The
head's commentary is accepted from staff who may read pupils (they wrote the casework).
"""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from rollbook.core.access import require_aggregates
from rollbook.reports import actions, charts, governors, periods
from rollbook.reports.forms import CommentaryForm
from rollbook.reports.governors_pdf import pdf_filename
from rollbook.reports.governors_queries import data_version, governors_report
from rollbook.reports.models import BuildStatus, GovernorsReportBuild
from rollbook.reports.views import HtmxHttpRequest

KINDS = ("term", "year")


def _periods(school, today):
    return periods.report_periods(school.calendar().terms, today)


@require_GET
def governors_report_page(request: HtmxHttpRequest) -> HttpResponse:
    school, suppress = require_aggregates(request.user)
    today = timezone.localdate()
    choices = [p for p in _periods(school, today) if p.kind in KINDS]
    period = periods.find(choices, request.GET.get("period"), KINDS)
    if period is None:
        return render(request, "reports/governors_none.html", {"school": school})
    report = governors_report(school, period, today)
    # Charts on request only: drawing them imports matplotlib (1.7 s in a fresh worker); the
    # tables carry the same figures, and the PDF always has the charts.
    show_charts = request.GET.get("charts") == "1"
    return render(
        request,
        "reports/governors_report.html",
        {
            "report": report,
            "charts": charts.charts(report) if show_charts else (),
            "show_charts": show_charts,
            "period": period,
            "periods": choices,
            "can_comment": not suppress,
            "commentary_form": CommentaryForm(),
        },
    )


@require_POST
def governors_pdf_request(request: HtmxHttpRequest) -> HttpResponse:
    school, suppress = require_aggregates(request.user)
    today = timezone.localdate()
    choices = [p for p in _periods(school, today) if p.kind in KINDS]
    period = next((p for p in choices if p.key == request.POST.get("period")), None)
    form = CommentaryForm(request.POST)
    if period is None or not form.is_valid():
        return HttpResponseBadRequest("Choose a period from the report page.")
    commentary = governors.Commentary() if suppress else governors.Commentary(**form.cleaned_data)
    actions.request_governors_pdf(
        actor=request.user,
        school=school,
        period=period,
        commentary=commentary,
        version=data_version(school, period, commentary),
    )
    return redirect(f"{reverse('governors_pdf_status')}?period={period.key}")


def _latest(school, key: str, **filters) -> GovernorsReportBuild | None:
    return (
        GovernorsReportBuild.objects.filter(school=school, period_key=key, **filters)
        .defer("pdf")
        .order_by("-requested_at", "-pk")
        .first()
    )


@require_GET
def governors_pdf_status(request: HtmxHttpRequest) -> HttpResponse:
    """How the latest PDF for a period is getting on. htmx polls the partial while it builds;
    without JavaScript the page offers a refresh link."""
    school, _ = require_aggregates(request.user)
    key = request.GET.get("period", "")
    build = _latest(school, key)
    ready = (
        build
        if build and build.status == BuildStatus.READY
        else _latest(school, key, status=BuildStatus.READY)
    )
    context = {
        "build": build,
        "ready": ready,
        "period_key": key,
        "working": bool(build and build.status in (BuildStatus.QUEUED, BuildStatus.BUILDING)),
    }
    template = "reports/governors_pdf_status.html"
    if request.htmx:
        template += "#status"
    return render(request, template, context)


@require_GET
def governors_pdf_download(request: HtmxHttpRequest) -> HttpResponse:
    school, _ = require_aggregates(request.user)
    key = request.GET.get("period", "")
    build = (
        GovernorsReportBuild.objects.filter(school=school, period_key=key, status=BuildStatus.READY)
        .order_by("-requested_at", "-pk")
        .first()
    )
    if build is None:
        return redirect(f"{reverse('governors_pdf_status')}?period={key}")
    actions.record_export(
        actor=request.user, school=school, report="governors", fmt="pdf", period=key
    )
    response = HttpResponse(bytes(build.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(school, key)}"'
    return response

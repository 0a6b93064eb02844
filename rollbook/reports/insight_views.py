"""Cohort and pattern views for the people who act on them (SENCO, DSL, attendance team,
class teachers). Thin: access, parse the period, call one builder, render.

Pages that name pupils or read special-category data (SEN, CLA, CIN, CP, health) are for the
roles that read every pupil (`reports.access.require_pupil_reader`); class packs are also for a
class's own teachers. Aggregate pages follow `core.access.require_aggregates` and suppress
small groups for governors and analysts.
"""

from __future__ import annotations

from datetime import timedelta

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rollbook.core.access import can_read_all_pupils, require_aggregates
from rollbook.policy.monitoring import active_policy
from rollbook.reports import actions, cluster, cohorts, exports, pattern_queries, queries
from rollbook.reports.access import (
    get_readable_group,
    readable_groups,
    require_class_reader,
    require_pupil_reader,
)
from rollbook.reports.class_pack_queries import class_pack_for
from rollbook.reports.cohorts_queries import pa_risk_report, pupil_lines, watch_list
from rollbook.reports.forms import PeriodForm
from rollbook.reports.pattern_queries import reasons_report, year_groups
from rollbook.reports.views import HtmxHttpRequest


def _page(request: HtmxHttpRequest, template: str, context: dict, partial: str = "figures"):
    """The whole page, or only its figures partial for htmx (the period form swaps them)."""
    return render(request, f"{template}#{partial}" if request.htmx else template, context)


@require_GET
def sen_cohorts_page(request: HtmxHttpRequest) -> HttpResponse:
    school = require_pupil_reader(request.user)
    form = PeriodForm(request.GET, periods=queries.periods(school, timezone.localdate()))
    period = form.chosen()
    report = cohorts.sen_cohorts(pupil_lines(school, period.first, period.last))
    context = {"school": school, "form": form, "period": period, "report": report}
    return _page(request, "reports/sen_cohorts.html", context)


@require_GET
def watch_list_page(request: HtmxHttpRequest) -> HttpResponse:
    school = require_pupil_reader(request.user)
    today = timezone.localdate()
    context = {"school": school, "today": today, "rows": watch_list(school, today)}
    return render(request, "reports/watch_list.html", context)


@require_GET
def reasons_page(request: HtmxHttpRequest) -> HttpResponse:
    school, suppress = require_aggregates(request.user)
    choices = queries.periods(school, timezone.localdate())
    years = year_groups(school, choices[-1].first, choices[0].last)
    form = PeriodForm(request.GET, periods=choices, years=years)
    period, year = form.chosen(), form.chosen_year()
    report = reasons_report(school, period.first, period.last, suppress=suppress, year=year)
    context = {"school": school, "form": form, "period": period, "year": year, "report": report}
    return _page(request, "reports/reasons_by_year.html", context)


def _with_four_weeks(school, today) -> list[queries.Period]:
    four = queries.Period("4_weeks", "The last 4 weeks", today - timedelta(days=27), today)
    return [four, *queries.periods(school, today)]


@require_GET
def family_lates_page(request: HtmxHttpRequest) -> HttpResponse:
    school = require_pupil_reader(request.user)
    form = PeriodForm(request.GET, periods=_with_four_weeks(school, timezone.localdate()))
    period = form.chosen()
    families = pattern_queries.family_lates(school, period.first, period.last)
    context = {"school": school, "form": form, "period": period, "families": families}
    return _page(request, "reports/family_lates.html", context)


@require_GET
def late_trend_page(request: HtmxHttpRequest) -> HttpResponse:
    school, _ = require_aggregates(request.user)  # school-wide counts: nothing to suppress
    trend = pattern_queries.late_trend(school, timezone.localdate())
    return render(request, "reports/late_trend.html", {"school": school, "trend": trend})


@require_GET
def cluster_export(request: HtmxHttpRequest) -> HttpResponse:
    """The cluster's figures on screen, and as a CSV or Excel download (audited)."""
    school, _ = require_aggregates(request.user)  # suppressed for everyone: the file leaves school
    form = PeriodForm(request.GET, periods=queries.periods(school, timezone.localdate()))
    period = form.chosen()
    rows = cluster.cluster_rows(queries.pupil_figures(school, period.first, period.last))
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS and not form.errors:
        actions.record_export(
            actor=request.user, school=school, report="cluster", fmt=fmt, period=period.key
        )
        table = exports.Table("Cluster figures", cluster.HEADER, [r.cells() for r in rows])
        return exports.download(fmt, f"cluster-attendance-{school.urn}-{period.key}", [table])
    context = {"school": school, "form": form, "period": period, "rows": rows}
    return _page(request, "reports/cluster_export.html", context)


@require_GET
def class_packs(request: HtmxHttpRequest) -> HttpResponse:
    """The classes whose pack the user may open: their own, or every class for pupil readers."""
    school = require_class_reader(request.user)
    groups = readable_groups(request.user, school)
    return render(request, "reports/class_packs.html", {"school": school, "groups": groups})


@require_GET
def class_pack_page(request: HtmxHttpRequest, group_id: int) -> HttpResponse:
    group = get_readable_group(request.user, group_id)
    sensitive = can_read_all_pupils(request.user, group.school)  # CLA, CIN and CP flags
    pack = class_pack_for(group, timezone.localdate(), sensitive=sensitive)
    return render(request, "reports/class_pack.html", {"school": group.school, "pack": pack})


@require_GET
def pa_risk_page(request: HtmxHttpRequest) -> HttpResponse:
    """This week's pupils at risk of PA, by the policy's `pa_risk_projected_below_pct`."""
    school = require_pupil_reader(request.user)
    policy, _ = active_policy(school)
    below = policy.thresholds.pa_risk_projected_below_pct
    report = None if below is None else pa_risk_report(school, timezone.localdate(), below)
    return render(request, "reports/pa_risk.html", {"school": school, "report": report})

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET
from django_htmx.middleware import HtmxDetails

from rollbook.core.access import (
    AGGREGATE_ROLES,
    PUPIL_READ_ROLES,
    can_read_all_pupils,
    require_aggregates,
    roles_at,
    school_for,
)
from rollbook.core.models import Role
from rollbook.policy.monitoring import active_policy
from rollbook.portal.access import parent_account
from rollbook.registers.rules import percent, summarise
from rollbook.reports import actions, exports, queries
from rollbook.reports.groups import SUPPRESS_BELOW, breakdown, group_analysis
from rollbook.reports.national import latest_full_year
from rollbook.reports.queries import school_today, week_so_far


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


@require_GET
def home(request: HtmxHttpRequest) -> HttpResponse:
    school = school_for(request.user)
    if school is None:
        if parent_account(request.user) is not None:  # a parent who opened the staff site
            return redirect("portal:home")
        return render(request, "reports/home.html", {"school": None})
    today = timezone.localdate()
    policy, _ = active_policy(school)
    context = {
        "school": school,
        "summary": school_today(school, today),
        "week": week_so_far(school, today, policy.school_target_pct),
        # Links further in, for those who may open the reports (the pages check again).
        "can_report": bool(roles_at(request.user, school) & AGGREGATE_ROLES),
        "can_read_pupils": can_read_all_pupils(request.user, school),
        "can_open_packs": bool(
            roles_at(request.user, school) & (PUPIL_READ_ROLES | {Role.TEACHER})
        ),
    }
    return render(request, "reports/home.html", context)


@require_GET
def group_report(request: HtmxHttpRequest) -> HttpResponse:
    school, suppress = require_aggregates(request.user)
    choices = queries.periods(school, timezone.localdate())
    period = next((p for p in choices if p.key == request.GET.get("period")), choices[0])
    figures = queries.pupil_figures(school, period.first, period.last)
    context = {
        "school": school,
        "period": period,
        "periods": choices,
        "whole_school": summarise(f.tally for f in figures),
        "groups": group_analysis(figures, suppress=suppress),
        "years": breakdown(figures, "year", suppress=suppress),
        "classes": breakdown(figures, "class", suppress=suppress),
        "national": latest_full_year(),
        "suppressed_below": SUPPRESS_BELOW if suppress else None,
    }
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        actions.record_export(
            actor=request.user, school=school, report="groups", fmt=fmt, period=period.key
        )
        table = group_table(context["groups"], context["years"], context["classes"])
        return exports.download(fmt, f"attendance-by-group-{school.urn}-{period.key}", [table])
    return render(request, "reports/group_report.html", context)


GROUP_HEADER = (
    "table",
    "row",
    "pupils",
    "attendance_pct",
    "overall_absence_pct",
    "gap_points",
    "pa_pct",
    "sa_pct",
)


def group_table(group_rows, years, classes) -> exports.Table:
    """The group, year and class tables as one table, suppression included (CSV and XLSX)."""
    rows = [
        ["group", row.label, *_csv_figures(row.group, row.suppressed, row.gap)]
        for row in group_rows
    ]
    rows += [["year", row.label, *_csv_figures(row.summary, row.suppressed)] for row in years]
    rows += [["class", row.label, *_csv_figures(row.summary, row.suppressed)] for row in classes]
    return exports.Table("Attendance by group", GROUP_HEADER, rows)


def _csv_figures(summary, suppressed: bool, gap=None) -> list:
    if suppressed:
        return ["suppressed", "", "", "", "", ""]
    t = summary.tally
    rates = (
        t.attendance_rate,
        t.overall_absence_rate,
        gap,
        summary.persistent_absence_rate,
        summary.severe_absence_rate,
    )
    return [summary.enrolments, *("" if r is None else percent(r, 1) for r in rates)]

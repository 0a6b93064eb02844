"""The half-termly and termly review, and the school census attendance counts, with downloads.

Both honour roles: staff who may read every pupil see names (and get them in downloads);
governors and trust analysts get aggregates, small groups suppressed. Every download is audited.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from rollbook.core.access import require_aggregates
from rollbook.core.calendar import academic_year_of
from rollbook.policy.monitoring import active_policy
from rollbook.registers.rules import percent
from rollbook.reports import actions, census, exports, periods
from rollbook.reports.review_queries import census_return, review_for
from rollbook.reports.views import HtmxHttpRequest, group_table

REVIEW_KINDS = ("half_term", "term", "year")


def _pct(rate):
    return "" if rate is None else percent(rate, 1)


@require_GET
def review_report(request: HtmxHttpRequest) -> HttpResponse:
    school, suppress = require_aggregates(request.user)
    today = timezone.localdate()
    choices = [
        p for p in periods.report_periods(school.calendar().terms, today) if p.kind in REVIEW_KINDS
    ]
    period = periods.find(choices, request.GET.get("period"), REVIEW_KINDS)
    if period is None:
        return render(request, "reports/governors_none.html", {"school": school})
    policy, _ = active_policy(school)
    report = review_for(school, period, policy.school_target_pct, pupil_level=not suppress)
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        actions.record_export(
            actor=request.user, school=school, report="review", fmt=fmt, period=period.key
        )
        tables = [group_table(report.groups, report.years, report.classes)]
        if report.pupil_level:
            tables[:0] = [
                _pupil_table(f"Below {report.threshold_pct}%", report.below),
                _pupil_table("All pupils", report.everyone),
            ]
        return exports.download(fmt, f"attendance-review-{school.urn}-{period.key}", tables)
    return render(
        request,
        "reports/review_report.html",
        {"report": report, "period": period, "periods": choices},
    )


def _pupil_table(title: str, pupils) -> exports.Table:
    return exports.Table(
        title,
        (
            "upn",
            "name",
            "year_group",
            "class",
            "year_to_date_attendance_pct",
            "year_to_date_possible",
            "year_to_date_absent",
            "period_attendance_pct",
        ),
        [
            (
                p.upn,
                p.name,
                p.year_group,
                p.class_name,
                _pct(p.year_to_date.attendance_rate),
                p.year_to_date.possible,
                p.year_to_date.absent,
                _pct(p.within.attendance_rate),
            )
            for p in pupils
        ],
    )


def _census_choices(today: date) -> list[census.CensusPeriod]:
    year = academic_year_of(today)
    found = census.census_periods(year - 1) + census.census_periods(year)
    return [p for p in reversed(found) if p.first <= today]


@require_GET
def census_report(request: HtmxHttpRequest) -> HttpResponse:
    school, suppress = require_aggregates(request.user)
    today = timezone.localdate()
    choices = _census_choices(today)
    chosen = request.GET.get("period")
    period = next((p for p in choices if p.key == chosen), choices[0])
    result = census_return(school, period, pupil_level=not suppress)
    fmt = request.GET.get("format")
    if fmt in exports.FORMATS:
        actions.record_export(
            actor=request.user, school=school, report="census", fmt=fmt, period=period.key
        )
        return exports.download(
            fmt, f"census-attendance-{school.urn}-{period.key}", _census_tables(result)
        )
    return render(
        request,
        "reports/census_report.html",
        {"result": result, "period": period, "periods": choices, "pupil_level": not suppress},
    )


def _census_tables(result: census.CensusReturn) -> list[exports.Table]:
    t = result.tally
    totals = exports.Table(
        "School totals",
        ("measure", "sessions"),
        [
            ("enrolments", result.enrolments),
            ("sessions_possible", t.possible),
            ("authorised_absence", t.authorised),
            ("unauthorised_absence", t.unauthorised),
            *((f"reason_{r.code}", r.sessions) for r in result.reasons),
            *((f"not_counted_{r.code}", r.sessions) for r in result.not_counted),
        ],
    )
    tables = [totals]
    if result.pupils:
        codes = sorted({c for e in result.pupils for c in e.by_code})
        tables.insert(
            0,
            exports.Table(
                "Enrolments",
                (
                    "upn",
                    "name",
                    "year_group",
                    "sessions_possible",
                    "authorised_absence",
                    "unauthorised_absence",
                    *(f"reason_{c}" for c in codes),
                ),
                [
                    (
                        e.upn,
                        e.name,
                        e.year_group,
                        e.tally.possible,
                        e.tally.authorised,
                        e.tally.unauthorised,
                        *(e.by_code.get(c, 0) for c in codes),
                    )
                    for e in result.pupils
                ],
            ),
        )
    return tables

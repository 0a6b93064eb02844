"""Load counted rows for the reasons and lateness views (a fixed number of GROUP BY queries)."""

from __future__ import annotations

from datetime import date

from django.db.models import Case, Count, IntegerField, Min, Value, When

from rollbook.core.calendar import academic_year_of, school_weeks
from rollbook.core.models import School
from rollbook.policy.models import KIND_LABELS, Alert
from rollbook.pupils.models import Pupil
from rollbook.registers.codes import REFORM_2024
from rollbook.registers.queries import marks_on_roll
from rollbook.reports import lates, reasons
from rollbook.reports.cohorts import year_sort_key

ERA = Case(
    When(date__gte=REFORM_2024, then=Value(1)), default=Value(0), output_field=IntegerField()
)


def year_groups(school: School, first: date, last: date) -> list[str]:
    """The year groups with a pupil on roll in the period (1 query)."""
    pupils = school.pupils.on_roll(first, last).values_list("year_group", flat=True)
    return sorted(set(pupils), key=year_sort_key)


def reasons_report(
    school: School, first: date, last: date, *, suppress: bool, year: str = ""
) -> reasons.ReasonsReport:
    """Absence sessions by code and year group, pupils per year group and the pattern alerts
    raised in [first, last] by year group and kind (3 queries). `year` narrows to one year."""
    marks = marks_on_roll(school, first, last)
    pupils = school.pupils.on_roll(first, last)
    alerts = Alert.objects.filter(school=school, raised_on__range=(first, last)).exclude(
        kind="stage"
    )
    if year:
        marks = marks.filter(pupil__year_group=year)
        pupils = pupils.filter(year_group=year)
        alerts = alerts.filter(pupil__year_group=year)
    rows = (
        marks.values("pupil__year_group", "code")
        .annotate(era=ERA, n=Count("id"), on=Min("date"))
        .order_by()
    )
    per_year = pupils.values("year_group").annotate(n=Count("id")).order_by()
    raised = alerts.values("pupil__year_group", "kind").annotate(n=Count("id")).order_by()
    return reasons.reasons_by_year(
        [(r["pupil__year_group"], r["code"], r["on"], r["n"]) for r in rows],
        {r["year_group"]: r["n"] for r in per_year},
        [(r["pupil__year_group"], r["kind"], r["n"]) for r in raised],
        kind_labels=KIND_LABELS,
        suppress=suppress,
    )


def family_lates(school: School, first: date, last: date) -> list[lates.FamilyLates]:
    """Lates (L, U) per pupil in [first, last] and the pupils who had one (2 queries)."""
    late = marks_on_roll(school, first, last).filter(code__in=lates.LATE_CODES)
    counts: dict[int, dict[str, int]] = {}
    for row in late.values("pupil_id", "code").annotate(n=Count("id")).order_by():
        counts.setdefault(row["pupil_id"], {})[row["code"]] = row["n"]
    pupils = Pupil.objects.filter(school=school, pk__in=late.values("pupil_id")).select_related(
        "registration_group", "family"
    )
    return lates.family_lates(
        lates.ChildLates(
            pupil_id=p.pk,
            name=p.display_name,
            class_name=p.registration_group.name if p.registration_group else "",
            family=p.family.reference if p.family else "",
            before_close=counts.get(p.pk, {}).get("L", 0),
            after_close=counts.get(p.pk, {}).get("U", 0),
        )
        for p in pupils
    )


def _per_day(school: School, first: date, last: date) -> list[tuple[date, str, int]]:
    marks = marks_on_roll(school, first, last).values("date", "code").annotate(n=Count("id"))
    return [(r["date"], r["code"], r["n"]) for r in marks.order_by()]


def late_trend(school: School, today: date) -> lates.LateTrend:
    """Lates per school week this academic year to today, and the same days 52 weeks earlier
    (2 queries, plus the school's calendar)."""
    first = date(academic_year_of(today), 8, 1)
    mondays = school_weeks(school.calendar().school_days(first, today))
    return lates.late_trend(
        mondays,
        _per_day(school, first, today),
        _per_day(school, first - lates.LAST_YEAR, today - lates.LAST_YEAR),
    )

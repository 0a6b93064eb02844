"""Load the half-termly review and the census counts (a fixed number of queries each)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Case, Count, IntegerField, Min, Value, When

from rollbook.core.models import School
from rollbook.registers.codes import REFORM_2024
from rollbook.registers.queries import marks_on_roll, pupil_tallies
from rollbook.registers.rules import Tally
from rollbook.reports import census, groups, review
from rollbook.reports.periods import ReportPeriod


def review_for(
    school: School, period: ReportPeriod, threshold: Decimal | None, *, pupil_level: bool
) -> review.Review:
    """Three queries: the period's counts, the year to date's, and the pupils."""
    within = pupil_tallies(school, period.first, period.last)
    year_to_date = pupil_tallies(school, date(period.academic_year, 8, 1), period.last)
    pupils = (
        school.pupils.on_roll(period.first, period.last)
        .select_related("registration_group")
        .order_by("legal_surname", "legal_forename", "pk")
    )
    rows = []
    for p in pupils:
        class_name = p.registration_group.name if p.registration_group else ""
        tally = within.get(p.pk, Tally())
        rows.append(
            review.ReviewPupil(
                name=p.display_name,
                upn=p.upn,
                year_group=p.year_group,
                class_name=class_name,
                within=tally,
                year_to_date=year_to_date.get(p.pk, Tally()),
                figures=groups.PupilFigures(
                    tally=tally,
                    year_group=p.year_group,
                    class_name=class_name,
                    pupil_premium=p.pupil_premium,
                    fsm=p.fsm,
                    sen_status=p.sen_status,
                    eal=p.eal,
                    cla=p.cla,
                    cin=p.cin,
                    cp_plan=p.cp_plan,
                    gender=p.gender,
                ),
            )
        )
    return review.build_review(
        period_label=period.label, pupils=rows, threshold_pct=threshold, pupil_level=pupil_level
    )


def census_return(
    school: School, period: census.CensusPeriod, *, pupil_level: bool
) -> census.CensusReturn:
    """One GROUP BY over the period's marks on roll, and the pupils' names if allowed."""
    era = Case(
        When(date__gte=REFORM_2024, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    marks = marks_on_roll(school, period.first, period.last)
    rows = [
        (r["pupil_id"], r["code"], r["on"], r["n"])
        for r in marks.values("pupil_id", "code")
        .annotate(era=era, n=Count("id"), on=Min("date"))
        .order_by()
    ]
    pupils = {}
    if pupil_level:
        pupils = {
            p.pk: (p.upn, p.display_name, p.year_group)
            for p in school.pupils.on_roll(period.first, period.last)
        }
    return census.build_census(period, rows, pupils, pupil_level=pupil_level)

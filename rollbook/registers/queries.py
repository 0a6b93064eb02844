"""Reusable reads over marks that feed the pure statistics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Min, Q, Value, When

from rollbook.core.models import School
from rollbook.registers.codes import REFORM_2024
from rollbook.registers.models import Mark
from rollbook.registers.rules import Tally, tally_counts


def marks_on_roll(school: School, first: date, last: date):
    """Marks in [first, last] that fall inside each pupil's time on roll (leaving date inclusive)."""
    return Mark.objects.filter(
        school=school, date__range=(first, last), date__gte=F("pupil__admission_date")
    ).filter(Q(pupil__leaving_date__isnull=True) | Q(date__lte=F("pupil__leaving_date")))


def pupil_tallies(
    school: School, first: date, last: date, pupil_ids: Iterable[int] | None = None
) -> dict[int, Tally]:
    """DfE session counts per pupil, counted in the database by code and code era.

    Grouping by era keeps withdrawn codes' historic meaning (old J was attendance) without
    fetching every mark: one row per pupil x code x era.
    """
    marks = marks_on_roll(school, first, last)
    if pupil_ids is not None:
        marks = marks.filter(pupil_id__in=list(pupil_ids))
    era = Case(
        When(date__gte=REFORM_2024, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = (
        marks.values("pupil_id", "code").annotate(era=era, n=Count("id"), on=Min("date")).order_by()
    )
    per_pupil: dict[int, list[tuple[str, date, int]]] = defaultdict(list)
    for row in rows:
        per_pupil[row["pupil_id"]].append((row["code"], row["on"], row["n"]))
    return {pupil_id: tally_counts(counts) for pupil_id, counts in per_pupil.items()}

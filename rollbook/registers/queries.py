"""Reusable reads over marks that feed the pure statistics."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date

from django.db.models import Case, Count, F, IntegerField, Min, Q, Value, When

from rollbook.core.models import School
from rollbook.registers.codes import REFORM_2024
from rollbook.registers.importing import PupilFacts
from rollbook.registers.models import Mark
from rollbook.registers.rules import Tally, tally_counts

# A mark inside its pupil's time on roll: from admission to the leaving date inclusive.
ON_ROLL = Q(date__gte=F("pupil__admission_date")) & (
    Q(pupil__leaving_date__isnull=True) | Q(date__lte=F("pupil__leaving_date"))
)


def marks_on_roll(school: School, first: date, last: date):
    """Marks in [first, last] that fall inside each pupil's time on roll (leaving date inclusive)."""
    return Mark.objects.filter(ON_ROLL, school=school, date__range=(first, last))


def tallies_by(marks, *keys: str) -> dict:
    """DfE session counts per value of `keys` (e.g. "pupil_id"), counted in the database by
    code and code era: grouping by era keeps withdrawn codes' historic meaning (old J was
    attendance) without fetching every mark. One key gives plain keys, several give tuples."""
    era = Case(
        When(date__gte=REFORM_2024, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = marks.values(*keys, "code").annotate(era=era, n=Count("id"), on=Min("date")).order_by()
    counts: dict = defaultdict(list)
    for row in rows:
        key = row[keys[0]] if len(keys) == 1 else tuple(row[k] for k in keys)
        counts[key].append((row["code"], row["on"], row["n"]))
    return {key: tally_counts(found) for key, found in counts.items()}


def pupil_tallies(
    school: School, first: date, last: date, pupil_ids: Iterable[int] | None = None
) -> dict[int, Tally]:
    """DfE session counts per pupil (one row per pupil x code x era)."""
    marks = marks_on_roll(school, first, last)
    if pupil_ids is not None:
        marks = marks.filter(pupil_id__in=list(pupil_ids))
    return tallies_by(marks, "pupil_id")


def pupil_facts(pupils) -> dict[str, PupilFacts]:
    """{UPN: what the marks checks need to know} for a queryset of pupils (one query)."""
    return {
        upn: PupilFacts(pk, admitted, left, dob)
        for upn, pk, admitted, left, dob in pupils.values_list(
            "upn", "pk", "admission_date", "leaving_date", "date_of_birth"
        )
    }

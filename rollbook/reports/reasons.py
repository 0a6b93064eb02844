"""Absence reasons by year group (S003-29, S003-32). Pure: counted rows in, a report out.

Each absence code is a reason; the DfE groups the codes into categories (authorised leave,
other authorised absence, unauthorised absence). The report counts sessions of absence by code
and by category for every year group, with the pattern alerts raised in the period beside them.
A code means what it meant on the day it was recorded (`registers.codes.definition`), so the
query groups by code era as `registers.queries.tallies_by` does.

For roles that may read only aggregates, a year group of fewer than `SUPPRESS_BELOW` pupils is
not shown, and whole-school totals are left out so that it cannot be worked out by subtraction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from rollbook.registers import codes
from rollbook.registers.codes import Stat
from rollbook.reports.cohorts import year_sort_key
from rollbook.reports.groups import SUPPRESS_BELOW

ABSENCE = (Stat.AUTHORISED, Stat.UNAUTHORISED)


@dataclass(frozen=True)
class YearColumn:
    year_group: str
    pupils: int  # on roll at some time in the period
    possible: int
    absent: int
    suppressed: bool


@dataclass(frozen=True)
class ReasonRow:
    key: str
    label: str
    cells: tuple[int | None, ...]  # per year column; None where the year is suppressed
    total: int | None  # whole school; None when any year is suppressed


@dataclass(frozen=True)
class ReasonsReport:
    years: tuple[YearColumn, ...]
    codes: tuple[ReasonRow, ...]  # absence codes, most sessions first
    categories: tuple[ReasonRow, ...]
    patterns: tuple[ReasonRow, ...]  # pattern alerts raised in the period, by kind
    suppressed_below: int | None  # set when small year groups are hidden from this reader


CATEGORY_ORDER = (
    codes.Category.AUTHORISED_OTHER,
    codes.Category.AUTHORISED_LEAVE,
    codes.Category.UNAUTHORISED,
)


def _rows(
    counts: Mapping[tuple[str, str], int],
    keys: Iterable[str],
    labels: Mapping[str, str],
    years: tuple[YearColumn, ...],
    *,
    by_total: bool,
) -> tuple[ReasonRow, ...]:
    any_hidden = any(y.suppressed for y in years)
    rows = []
    for key in keys:
        cells = tuple(None if y.suppressed else counts.get((y.year_group, key), 0) for y in years)
        total = None if any_hidden else sum(counts.get((y.year_group, key), 0) for y in years)
        rows.append(ReasonRow(key, labels[key], cells, total))
    if by_total:
        rows.sort(key=lambda r: (-sum(c or 0 for c in r.cells), r.key))
    return tuple(rows)


def reasons_by_year(
    marks: Iterable[tuple[str, str, date, int]],
    pupils: Mapping[str, int],
    alerts: Iterable[tuple[str, str, int]],
    *,
    kind_labels: Mapping[str, str],
    suppress: bool,
) -> ReasonsReport:
    """marks: (year group, code, a date in the code's era, sessions); pupils: on roll per year
    group; alerts: (year group, alert kind, number raised)."""
    by_code: Counter = Counter()
    by_category: Counter = Counter()
    possible: Counter = Counter()
    absent: Counter = Counter()
    labels: dict[str, str] = {}
    for year, code, on, n in marks:
        found = codes.definition(code, on)
        if found is None or not found.counts_as_possible:
            continue
        possible[year] += n
        if found.stat in ABSENCE:
            absent[year] += n
            by_code[year, code] += n
            by_category[year, found.category.name] += n
            labels.setdefault(code, f"{code}: {found.meaning}")
    years = tuple(
        YearColumn(
            year,
            pupils.get(year, 0),
            possible[year],
            absent[year],
            suppress and 0 < pupils.get(year, 0) < SUPPRESS_BELOW,
        )
        for year in sorted(set(pupils) | set(possible), key=year_sort_key)
    )
    pattern_counts: Counter = Counter()
    for year, kind, n in alerts:
        pattern_counts[year, kind] += n
    kinds = sorted({kind for _, kind in pattern_counts})
    return ReasonsReport(
        years=years,
        codes=_rows(by_code, {c for _, c in by_code}, labels, years, by_total=True),
        categories=_rows(
            by_category,
            [c.name for c in CATEGORY_ORDER],
            {c.name: str(c.value) for c in CATEGORY_ORDER},
            years,
            by_total=False,
        ),
        patterns=_rows(
            pattern_counts,
            kinds,
            {k: kind_labels.get(k, k) for k in kinds},
            years,
            by_total=True,
        ),
        suppressed_below=SUPPRESS_BELOW if suppress else None,
    )

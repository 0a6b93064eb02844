"""The trust / LA dashboard: each school's headline figures side by side, worst first. Pure.

Input is one `Summary` per school (already summed over that school's enrolments, exactly as
the group report's whole-school row). The total sums those summaries again, over enrolments
and sessions, and recomputes every rate from the sums: a mean of school percentages would
weight a 30-pupil school like a 600-pupil one.

Suppression is decided per school, as for governors: a user who may not read that school's
pupils does not see its figures when it has fewer than `SUPPRESS_BELOW` counted pupils. A
suppressed row is listed last (by name), so its rank does not give its figures away, and the
total is withheld when the suppressed rows together are a small group (total minus the rows
shown would reveal them).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from rollbook.core.calendar import TermDates, academic_year_label, academic_year_of
from rollbook.registers.rules import Summary, Tally
from rollbook.reports.groups import SUPPRESS_BELOW
from rollbook.reports.national import NationalFigures

# The periods the group report offers (rollbook/reports/queries.py `periods`), by the same keys.
PERIODS = ("term", "year", "last_year")


@dataclass(frozen=True)
class TrustPeriod:
    key: str
    label: str


def period_choices(today: date) -> list[TrustPeriod]:
    year = academic_year_of(today)
    return [
        TrustPeriod("term", "This term so far (each school's own term dates)"),
        TrustPeriod("year", f"{academic_year_label(year)} so far"),
        TrustPeriod("last_year", academic_year_label(year - 1)),
    ]


def window(key: str, today: date, current_term: TermDates | None) -> tuple[date, date] | None:
    """The dates one school's figures cover, as the group report counts them for that key.

    "term" is the school's own term containing `today` (None in a holiday: no figures).
    """
    year = academic_year_of(today)
    if key == "year":
        return (date(year, 8, 1), today)
    if key == "last_year":
        return (date(year - 1, 8, 1), date(year, 7, 31))
    if key == "term":
        return None if current_term is None else (current_term.start, today)
    raise ValueError(f"unknown period {key!r}")


@dataclass(frozen=True)
class SchoolInput:
    urn: str
    name: str
    summary: Summary | None  # None: the period does not apply (e.g. not in term today)
    suppress: bool  # the user may see only aggregates at this school


@dataclass(frozen=True)
class SchoolRow:
    urn: str
    name: str
    summary: Summary | None
    suppressed: bool
    vs_national: Fraction | None  # overall absence minus the national figure, in points


@dataclass(frozen=True)
class TrustDashboard:
    rows: tuple[SchoolRow, ...]
    total: Summary
    total_suppressed: bool
    total_vs_national: Fraction | None
    national: NationalFigures
    suppressed_below: int | None  # shown when some row was suppressed

    @property
    def schools(self) -> int:
        return len(self.rows)


def add(summaries: Iterable[Summary]) -> Summary:
    """Sum summaries over their enrolments; the rates follow from the sums."""
    enrolments, tally, pa, sa = 0, Tally(), 0, 0
    for s in summaries:
        enrolments += s.enrolments
        tally += s.tally
        pa += s.persistent_absentees
        sa += s.severe_absentees
    return Summary(enrolments=enrolments, tally=tally, persistent_absentees=pa, severe_absentees=sa)


def _vs_national(summary: Summary | None, national: NationalFigures) -> Fraction | None:
    rate = None if summary is None else summary.tally.overall_absence_rate
    return None if rate is None else rate - Fraction(national.overall_absence)


def _small(summary: Summary | None) -> bool:
    return summary is not None and 0 < summary.enrolments < SUPPRESS_BELOW


def build(schools: Iterable[SchoolInput], national: NationalFigures) -> TrustDashboard:
    rows = []
    for s in schools:
        hidden = s.suppress and _small(s.summary)
        rows.append(
            SchoolRow(
                urn=s.urn,
                name=s.name,
                summary=s.summary,
                suppressed=hidden,
                vs_national=None if hidden else _vs_national(s.summary, national),
            )
        )
    rows.sort(key=_worst_first)
    total = add(r.summary for r in rows if r.summary is not None)
    hidden_pupils = sum(r.summary.enrolments for r in rows if r.suppressed)
    total_suppressed = 0 < hidden_pupils < SUPPRESS_BELOW
    return TrustDashboard(
        rows=tuple(rows),
        total=total,
        total_suppressed=total_suppressed,
        total_vs_national=None if total_suppressed else _vs_national(total, national),
        national=national,
        suppressed_below=SUPPRESS_BELOW if any(r.suppressed for r in rows) else None,
    )


def _worst_first(row: SchoolRow) -> tuple:
    """Highest overall absence first; schools with no figures, then suppressed ones, last."""
    rate = None if row.summary is None else row.summary.tally.overall_absence_rate
    if row.suppressed:
        return (2, 0, row.name, row.urn)
    if rate is None:
        return (1, 0, row.name, row.urn)
    return (0, -rate, row.name, row.urn)

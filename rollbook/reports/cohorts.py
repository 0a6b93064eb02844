"""Cohort views for the SENCO and the safeguarding team. Pure: plain rows in, dataclasses out.

- `sen_cohorts`: pupils on SEN support, with an EHCP and with no SEN, side by side (S000-60).
- `watch_list`: looked-after pupils, children in need, pupils on a child protection plan or a
  healthcare plan, and pupils with an EHCP, with their attendance this year and over the last
  four weeks (S002-32).

Every figure follows `registers.rules`: sessions summed over enrolments, rates over the sums,
PA compared on whole sessions. Pupils with no possible session are left out of the PA base.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from rollbook.registers.rules import Summary, Tally, summarise
from rollbook.reports.groups import YEAR_ORDER

NO_SESSIONS = Tally()


@dataclass(frozen=True)
class PupilLine:
    """One pupil on roll in the period, with their DfE counts."""

    pupil_id: int
    name: str
    year_group: str
    class_name: str
    tally: Tally  # the period (the year so far on the watch list)
    recent: Tally = NO_SESSIONS  # the last four weeks (watch list, at-risk list)
    sen_status: str = "N"
    cla: bool = False
    cin: bool = False
    cp_plan: bool = False
    medical_plan: bool = False


def year_sort_key(year_group: str) -> tuple:
    return (
        YEAR_ORDER.get(year_group, 1),
        int(year_group) if year_group.isdigit() else 0,
        year_group,
    )


# --- SEN cohorts -----------------------------------------------------------------------------

SEN_COHORTS = (
    ("K", "SEN support"),
    ("E", "Education, health and care plan"),
    ("N", "No SEN"),
)


@dataclass(frozen=True)
class Cohort:
    key: str
    label: str
    summary: Summary
    gap: Fraction | None  # overall absence minus that of pupils with no SEN, in points


@dataclass(frozen=True)
class CohortYear:
    year_group: str
    summaries: tuple[Summary, ...]  # in SEN_COHORTS order


@dataclass(frozen=True)
class SenCohorts:
    cohorts: tuple[Cohort, ...]
    years: tuple[CohortYear, ...]
    persistent: tuple[PupilLine, ...]  # SEN support and EHCP pupils who are PA, lowest first


def _gap(mine: Summary, theirs: Summary) -> Fraction | None:
    a, b = mine.tally.overall_absence_rate, theirs.tally.overall_absence_rate
    return None if a is None or b is None else a - b


def sen_cohorts(pupils: Iterable[PupilLine]) -> SenCohorts:
    pupils = list(pupils)
    summaries = {
        key: summarise(p.tally for p in pupils if p.sen_status == key) for key, _ in SEN_COHORTS
    }
    cohorts = tuple(
        Cohort(
            key, label, summaries[key], None if key == "N" else _gap(summaries[key], summaries["N"])
        )
        for key, label in SEN_COHORTS
    )
    years = tuple(
        CohortYear(
            year,
            tuple(
                summarise(p.tally for p in pupils if p.year_group == year and p.sen_status == key)
                for key, _ in SEN_COHORTS
            ),
        )
        for year in sorted({p.year_group for p in pupils}, key=year_sort_key)
    )
    persistent = sorted(
        (p for p in pupils if p.sen_status in ("K", "E") and p.tally.persistent_absence),
        key=lambda p: (p.tally.attendance_rate, p.name),
    )
    return SenCohorts(cohorts, years, tuple(persistent))


# --- the vulnerable pupils' watch list ------------------------------------------------------

WATCH_FLAGS: tuple[tuple[str, str, Callable[[PupilLine], bool]], ...] = (
    ("CLA", "Child looked after", lambda p: p.cla),
    ("CIN", "Child in need", lambda p: p.cin),
    ("CP", "Child protection plan", lambda p: p.cp_plan),
    ("Medical", "Individual healthcare plan", lambda p: p.medical_plan),
    ("EHCP", "Education, health and care plan", lambda p: p.sen_status == "E"),
)


@dataclass(frozen=True)
class WatchRow:
    pupil: PupilLine
    flags: tuple[str, ...]  # abbreviations from WATCH_FLAGS

    @property
    def persistent_absence(self) -> bool:
        return self.pupil.tally.persistent_absence


def on_watch(pupil: PupilLine) -> tuple[str, ...]:
    return tuple(abbr for abbr, _, member in WATCH_FLAGS if member(pupil))


def watch_list(pupils: Iterable[PupilLine]) -> list[WatchRow]:
    """Pupils in any watched group, lowest attendance this year first (no marks yet last)."""
    rows = [WatchRow(p, flags) for p in pupils if (flags := on_watch(p))]

    def order(row: WatchRow):
        rate = row.pupil.tally.attendance_rate
        return (rate is None, rate or 0, row.pupil.name)

    return sorted(rows, key=order)

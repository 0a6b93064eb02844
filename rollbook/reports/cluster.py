"""The anonymised figures a school takes to its cluster's attendance meetings (S004-18). Pure.

School totals, then year groups, then pupil groups: no pupil row and no pupil identifier. The
figures leave the school, so small numbers are suppressed whoever downloads them:
- a year group or pupil group of fewer than `SUPPRESS_BELOW` pupils is not shown (primary);
- where exactly one row of a set that adds up to the school is hidden (the year groups; girls
  and boys), the next smallest row of that set is hidden too, so that the hidden one cannot be
  worked out by subtracting the others from the school's total (secondary suppression).
Rates are session-weighted (`registers.rules`), shown to one decimal place only here, at the edge.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from rollbook.registers.rules import Summary, percent, summarise
from rollbook.reports.groups import GROUPS, SUPPRESS_BELOW, PupilFigures, breakdown

PARTITIONS = (("girls", "boys"),)  # pupil groups that (nearly) add up to the school

HEADER = (
    "level",
    "group",
    "pupils",
    "sessions_possible",
    "attendance_pct",
    "overall_absence_pct",
    "authorised_absence_pct",
    "unauthorised_absence_pct",
    "persistent_absentees",
    "persistent_absence_pct",
    "severe_absentees",
    "severe_absence_pct",
)


@dataclass(frozen=True)
class ClusterRow:
    level: str  # "school", "year group" or "pupil group"
    label: str
    summary: Summary
    suppressed: bool

    @property
    def figures(self) -> list:
        """The cells after the level and the label (for the page)."""
        return self.cells()[2:]

    def cells(self) -> list:
        if self.suppressed:
            return [self.level, self.label, f"fewer than {SUPPRESS_BELOW}", *[""] * 9]
        s, t = self.summary, self.summary.tally
        rates = (
            t.attendance_rate,
            t.overall_absence_rate,
            t.authorised_absence_rate,
            t.unauthorised_absence_rate,
        )
        pct = [("" if r is None else percent(r, 1)) for r in rates]
        return [
            self.level,
            self.label,
            s.enrolments,
            t.possible,
            *pct,
            s.persistent_absentees,
            "" if s.persistent_absence_rate is None else percent(s.persistent_absence_rate, 1),
            s.severe_absentees,
            "" if s.severe_absence_rate is None else percent(s.severe_absence_rate, 1),
        ]


def _small(summary: Summary) -> bool:
    return 0 < summary.enrolments < SUPPRESS_BELOW


def _secondary(rows: list[ClusterRow]) -> list[ClusterRow]:
    """If exactly one row of the set is hidden, hide the smallest shown row that has pupils."""
    hidden = [r for r in rows if r.suppressed]
    shown = [r for r in rows if not r.suppressed and r.summary.enrolments]
    if len(hidden) != 1 or not shown:
        return rows
    also = min(shown, key=lambda r: (r.summary.enrolments, r.label))
    return [ClusterRow(r.level, r.label, r.summary, True) if r is also else r for r in rows]


def cluster_rows(pupils: Iterable[PupilFigures]) -> list[ClusterRow]:
    pupils = list(pupils)
    school = ClusterRow("school", "Whole school", summarise(p.tally for p in pupils), False)
    years = _secondary(
        [
            ClusterRow("year group", f"Year {row.label}", row.summary, _small(row.summary))
            for row in breakdown(pupils, "year", suppress=False)
        ]
    )
    groups = {
        key: ClusterRow("pupil group", label, s, _small(s))
        for key, label, member in GROUPS
        for s in [summarise(p.tally for p in pupils if member(p))]
    }
    for keys in PARTITIONS:
        for row in _secondary([groups[k] for k in keys]):
            groups[next(k for k in keys if groups[k].label == row.label)] = row
    return [school, *years, *groups.values()]

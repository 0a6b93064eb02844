"""Attendance by pupil group, with the gap to all other pupils as the DfE shows it. Pure.

Every figure is a session-weighted sum over the group's enrolments (never a mean of pupil
percentages). Groups smaller than the suppression threshold are hidden from people who may
see only aggregates (governors, trust and LA analysts), so no child can be identified.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from rollbook.registers.rules import Summary, Tally, summarise

SUPPRESS_BELOW = 5  # pupils; a common disclosure-control threshold for school-level tables


@dataclass(frozen=True)
class PupilFigures:
    tally: Tally
    year_group: str
    class_name: str
    pupil_premium: bool = False
    fsm: bool = False
    sen_status: str = "N"
    eal: bool = False
    cla: bool = False
    cin: bool = False
    cp_plan: bool = False
    gender: str = "U"


GROUPS: tuple[tuple[str, str, Callable[[PupilFigures], bool]], ...] = (
    ("pupil_premium", "Pupil premium", lambda p: p.pupil_premium),
    ("fsm", "Free school meals", lambda p: p.fsm),
    ("sen_support", "SEN support", lambda p: p.sen_status == "K"),
    ("ehcp", "Education, health and care plan", lambda p: p.sen_status == "E"),
    ("eal", "English as an additional language", lambda p: p.eal),
    ("cla", "Looked after", lambda p: p.cla),
    ("cin_cp", "Child in need or on a child protection plan", lambda p: p.cin or p.cp_plan),
    ("girls", "Girls", lambda p: p.gender == "F"),
    ("boys", "Boys", lambda p: p.gender == "M"),
)


@dataclass(frozen=True)
class GroupRow:
    key: str
    label: str
    group: Summary
    others: Summary
    suppressed: bool

    @property
    def gap(self) -> Fraction | None:
        """Overall absence of the group minus that of all other pupils, in percentage points."""
        mine, theirs = self.group.tally.overall_absence_rate, self.others.tally.overall_absence_rate
        return None if mine is None or theirs is None else mine - theirs


def group_analysis(pupils: Iterable[PupilFigures], *, suppress: bool) -> list[GroupRow]:
    pupils = list(pupils)
    rows = []
    for key, label, member in GROUPS:
        inside = [p.tally for p in pupils if member(p)]
        outside = [p.tally for p in pupils if not member(p)]
        group, others = summarise(inside), summarise(outside)
        rows.append(
            GroupRow(key, label, group, others, suppress and 0 < group.enrolments < SUPPRESS_BELOW)
        )
    return rows


@dataclass(frozen=True)
class BreakdownRow:
    label: str
    summary: Summary
    suppressed: bool


YEAR_ORDER = {"N1": -2, "N2": -1, "R": 0}


def breakdown(pupils: Iterable[PupilFigures], by: str, *, suppress: bool) -> list[BreakdownRow]:
    """Figures per year group or per class."""
    key = (lambda p: p.year_group) if by == "year" else (lambda p: p.class_name)
    buckets: dict[str, list[Tally]] = {}
    for p in pupils:
        buckets.setdefault(key(p), []).append(p.tally)
    ordered = sorted(buckets, key=lambda k: (YEAR_ORDER.get(k, 1), int(k) if k.isdigit() else 0, k))
    rows = []
    for label in ordered:
        summary = summarise(buckets[label])
        rows.append(
            BreakdownRow(label, summary, suppress and 0 < summary.enrolments < SUPPRESS_BELOW)
        )
    return rows

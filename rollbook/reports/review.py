"""The half-termly and termly review (seed 001: every pupil below 96 % at the end of each
half-term; seed 003: reports on all pupils and key groups). Pure.

A pupil is on the list when their attendance for the year to date at the end of the period is
*strictly* below the threshold, compared on integers (attended * 100 < threshold * possible),
so 95.99 % is listed and 96.00 % is not. Names are built only for staff who may read every
pupil; governors and trust analysts get the count and the group tables, small groups suppressed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from rollbook.registers.rules import Summary, Tally, summarise
from rollbook.reports import groups

DEFAULT_THRESHOLD = Decimal(96)


@dataclass(frozen=True)
class ReviewPupil:
    name: str
    upn: str
    year_group: str
    class_name: str
    within: Tally  # in the period
    year_to_date: Tally  # 1 August to the end of the period
    figures: groups.PupilFigures  # the period's counts with the pupil's characteristics


@dataclass(frozen=True)
class Review:
    period_label: str
    threshold_pct: Decimal
    pupil_level: bool
    counted: int  # pupils with possible sessions in the year to date
    below_count: int
    below: tuple[ReviewPupil, ...]  # empty without pupil-level access
    everyone: tuple[ReviewPupil, ...]  # every pupil (seed 003: "all pupils"); ditto
    whole: Summary
    groups: tuple[groups.GroupRow, ...]
    years: tuple[groups.BreakdownRow, ...]
    classes: tuple[groups.BreakdownRow, ...]
    suppressed_below: int | None


def is_below(t: Tally, threshold_pct: Decimal) -> bool:
    return t.possible > 0 and Decimal(t.attended * 100) < threshold_pct * t.possible


def build_review(
    *,
    period_label: str,
    pupils: Iterable[ReviewPupil],
    threshold_pct: Decimal | None,
    pupil_level: bool,
) -> Review:
    pupils = list(pupils)
    threshold = DEFAULT_THRESHOLD if threshold_pct is None else threshold_pct
    below = sorted(
        (p for p in pupils if is_below(p.year_to_date, threshold)),
        key=lambda p: (p.year_to_date.attendance_rate, p.name),
    )
    figures = [p.figures for p in pupils]
    suppress = not pupil_level
    return Review(
        period_label=period_label,
        threshold_pct=threshold,
        pupil_level=pupil_level,
        counted=sum(1 for p in pupils if p.year_to_date.possible),
        below_count=len(below),
        below=tuple(below) if pupil_level else (),
        everyone=tuple(sorted(pupils, key=lambda p: (p.name, p.upn))) if pupil_level else (),
        whole=summarise(p.tally for p in figures),
        groups=tuple(groups.group_analysis(figures, suppress=suppress)),
        years=tuple(groups.breakdown(figures, "year", suppress=suppress)),
        classes=tuple(groups.breakdown(figures, "class", suppress=suppress)),
        suppressed_below=groups.SUPPRESS_BELOW if suppress else None,
    )

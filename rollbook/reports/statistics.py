"""Attendance statistics for a school and period, per pupil and in groups, as plain rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rollbook.core.models import School
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Summary, Tally, percent, summarise

GROUPINGS = ("year", "class")


@dataclass(frozen=True)
class PupilStats:
    upn: str
    name: str
    year_group: str
    class_name: str
    tally: Tally


@dataclass(frozen=True)
class GroupStats:
    group: str
    summary: Summary


def pupil_stats(school: School, first: date, last: date) -> list[PupilStats]:
    """Every pupil on roll at some point in the period, with their DfE session counts."""
    tallies = pupil_tallies(school, first, last)
    pupils = (
        school.pupils.on_roll(first, last)
        .select_related("registration_group")
        .order_by(
            "year_group", "registration_group__name", "legal_surname", "legal_forename", "upn"
        )
    )
    return [
        PupilStats(
            upn=p.upn,
            name=f"{p.legal_surname}, {p.legal_forename}",
            year_group=p.year_group,
            class_name=p.registration_group.name if p.registration_group else "",
            tally=tallies.get(p.pk, Tally()),
        )
        for p in pupils
    ]


def grouped(stats: list[PupilStats], by: str) -> list[GroupStats]:
    key = {"year": lambda s: s.year_group, "class": lambda s: s.class_name}[by]
    groups: dict[str, list[Tally]] = {}
    for s in stats:
        groups.setdefault(key(s), []).append(s.tally)
    order = {"N1": -2, "N2": -1, "R": 0}
    return [
        GroupStats(name, summarise(tallies))
        for name, tallies in sorted(groups.items(), key=lambda kv: (order.get(kv[0], 1), kv[0]))
    ]


def _rate(value) -> float | None:
    rounded = percent(value)
    return None if rounded is None else float(rounded)


def tally_fields(t: Tally) -> dict:
    return {
        "possible_sessions": t.possible,
        "attended_sessions": t.attended,
        "authorised_absence_sessions": t.authorised,
        "unauthorised_absence_sessions": t.unauthorised,
        "not_counted_sessions": t.not_possible,
        "attendance_rate": _rate(t.attendance_rate),
        "overall_absence_rate": _rate(t.overall_absence_rate),
        "authorised_absence_rate": _rate(t.authorised_absence_rate),
        "unauthorised_absence_rate": _rate(t.unauthorised_absence_rate),
    }


def pupil_fields(s: PupilStats) -> dict:
    return {
        "upn": s.upn,
        "name": s.name,
        "year_group": s.year_group,
        "class_name": s.class_name,
        **tally_fields(s.tally),
        "persistent_absence": s.tally.persistent_absence,
        "severe_absence": s.tally.severe_absence,
    }


def summary_fields(summary: Summary) -> dict:
    return {
        "pupils": summary.enrolments,
        **tally_fields(summary.tally),
        "persistent_absentees": summary.persistent_absentees,
        "persistent_absence_rate": _rate(summary.persistent_absence_rate),
        "severe_absentees": summary.severe_absentees,
        "severe_absence_rate": _rate(summary.severe_absence_rate),
    }

"""The school census attendance counts for a census period (domain reference §8). Pure.

The census collects attendance a term in arrears over fixed date windows, not term dates:
spring census = 1 Aug to 31 Dec; summer census = 1 Jan to Easter Sunday; autumn census = the
summer term in two halves, Easter Monday to the Sunday before the spring bank holiday, then
the spring bank holiday to 31 Jul. Per enrolment it carries sessions possible, authorised and
unauthorised absence sessions, and sessions missed per absence reason code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter

from rollbook.registers.codes import Stat, definition, stat_of
from rollbook.registers.rules import Tally, tally_counts


@dataclass(frozen=True)
class CensusPeriod:
    key: str
    census: str  # which census collects it
    label: str
    first: date
    last: date


def spring_bank_holiday(year: int) -> date:
    """The last Monday in May."""
    day = date(year, 5, 31)
    return day - timedelta(days=day.weekday())


def census_periods(start_year: int) -> list[CensusPeriod]:
    """The four census windows of the academic year starting in `start_year`."""
    y = start_year + 1
    sunday, bank = easter(y), spring_bank_holiday(y)
    return [
        CensusPeriod(
            f"{start_year}-autumn",
            "Spring census",
            "Autumn term",
            date(start_year, 8, 1),
            date(start_year, 12, 31),
        ),
        CensusPeriod(f"{start_year}-spring", "Summer census", "Spring term", date(y, 1, 1), sunday),
        CensusPeriod(
            f"{start_year}-summer-1",
            "Autumn census",
            "Summer term, first half",
            sunday + timedelta(days=1),
            bank - timedelta(days=1),
        ),
        CensusPeriod(
            f"{start_year}-summer-2",
            "Autumn census",
            "Summer term, second half",
            bank,
            date(y, 7, 31),
        ),
    ]


@dataclass(frozen=True)
class CodeCount:
    code: str
    meaning: str
    stat: Stat
    sessions: int


@dataclass(frozen=True)
class Enrolment:
    upn: str
    name: str
    year_group: str
    tally: Tally
    by_code: Mapping[str, int]  # absence reason code -> sessions


@dataclass(frozen=True)
class CensusReturn:
    period: CensusPeriod
    enrolments: int
    tally: Tally
    reasons: tuple[CodeCount, ...]  # authorised then unauthorised, by code
    not_counted: tuple[CodeCount, ...]  # Y, Q and the other not-possible codes, for checking
    pupils: tuple[Enrolment, ...]  # empty without pupil-level access


ABSENCE = (Stat.AUTHORISED, Stat.UNAUTHORISED)


def build_census(
    period: CensusPeriod,
    rows: Iterable[tuple[int, str, date, int]],  # (pupil id, code, a date in its era, sessions)
    pupils: Mapping[int, tuple[str, str, str]],  # pupil id -> (upn, name, year group)
    *,
    pupil_level: bool,
) -> CensusReturn:
    per_pupil: dict[int, list[tuple[str, date, int]]] = {}
    codes: dict[tuple[str, Stat], int] = {}
    for pid, code, on, n in rows:
        per_pupil.setdefault(pid, []).append((code, on, n))
        key = (code, stat_of(code, on))
        codes[key] = codes.get(key, 0) + n
    tallies = {pid: tally_counts(found) for pid, found in per_pupil.items()}
    total = sum(tallies.values(), Tally())
    order = {Stat.AUTHORISED: 0, Stat.UNAUTHORISED: 1}

    def count(code: str, stat: Stat, n: int) -> CodeCount:
        found = definition(code, period.last) or definition(code, period.first)
        return CodeCount(code, found.meaning if found else "", stat, n)

    reasons = sorted(
        (count(c, s, n) for (c, s), n in codes.items() if s in ABSENCE),
        key=lambda r: (order[r.stat], r.code),
    )
    not_counted = sorted(
        (count(c, s, n) for (c, s), n in codes.items() if s == Stat.NOT_POSSIBLE),
        key=lambda r: r.code,
    )
    enrolments = []
    if pupil_level:
        for pid, t in tallies.items():
            if pid not in pupils or not (t.possible or t.not_possible):
                continue
            upn, name, year = pupils[pid]
            by_code: dict[str, int] = {}
            for code, on, n in per_pupil[pid]:
                if stat_of(code, on) in ABSENCE:
                    by_code[code] = by_code.get(code, 0) + n
            enrolments.append(Enrolment(upn, name, year, t, by_code))
        enrolments.sort(key=lambda e: (e.name, e.upn))
    return CensusReturn(
        period=period,
        enrolments=sum(1 for t in tallies.values() if t.possible),
        tally=total,
        reasons=tuple(reasons),
        not_counted=tuple(not_counted),
        pupils=tuple(enrolments),
    )

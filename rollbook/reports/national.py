"""Published national attendance figures, stored as data with their source (domain reference §3).

Each row is computed by the DfE exactly as Rollbook computes a school's figures (session-weighted
sums over enrolments; PA at 10 % or more absence, SA at 50 % or more).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class NationalFigures:
    phase: str
    period: str
    overall_absence: Decimal
    authorised_absence: Decimal | None
    unauthorised_absence: Decimal | None
    persistent_absence: Decimal | None
    severe_absence: Decimal | None
    source: str


D = Decimal
NATIONAL_FIGURES: tuple[NationalFigures, ...] = (
    NationalFigures(
        "State-funded primary",
        "2023/24 full year",
        D("5.53"),
        D("3.89"),
        D("1.63"),
        D("14.56"),
        D("0.85"),
        "DfE, Pupil absence in schools in England: 2023/24 (March 2025); PA and SA from the DfE data set "
        "Absence_202324 (all mainstream primaries)",
    ),
    NationalFigures(
        "State-funded primary",
        "2024/25 autumn term",
        D("5.07"),
        None,
        None,
        None,
        None,
        "DfE, Pupil absence in schools in England: autumn term 2024/25",
    ),
    NationalFigures(
        "State-funded primary",
        "2024/25 autumn and spring terms",
        D("5.16"),
        None,
        None,
        None,
        None,
        "DfE, Pupil absence in schools in England: autumn and spring terms 2024/25",
    ),
)


def latest_full_year() -> NationalFigures:
    return next(f for f in NATIONAL_FIGURES if "full year" in f.period)

"""The at-risk-of-PA rule (S000-40), with hand-computed cases and a property (no database)."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from rollbook.registers.rules import Tally
from rollbook.reports.cohorts import PupilLine
from rollbook.reports.pa_risk import (
    at_risk,
    is_at_risk,
    projected_attendance,
    recent_window_start,
)

NINETY = Decimal(90)


def tally(attended, possible):
    return Tally(attended=attended, authorised=possible - attended)


# A pupil at 92 % losing about a point a week: 25 school weeks of 10 sessions; weeks 1-21
# 202 of 210 (96.2 %), then 7 of 10 a week, so the year to date reads 95.0, 93.9, 92.9, 92.0.
SLIDING_YEAR, SLIDING_RECENT = tally(230, 250), tally(28, 40)
REMAINING = 130  # 13 school weeks left in the calendar


def test_a_pupil_at_92_percent_losing_a_point_a_week_is_at_risk_of_pa():
    # (230 + 28/40 * 130) / (250 + 130) = 321 / 380 = 84.47 %: below 90.
    # On whole numbers: 100 * (230*40 + 28*130) = 1,284,000 < 90 * 40 * 380 = 1,368,000.
    assert SLIDING_YEAR.attendance_rate == 92
    assert projected_attendance(SLIDING_YEAR, SLIDING_RECENT, REMAINING) == Fraction(32100, 380)
    assert is_at_risk(SLIDING_YEAR, SLIDING_RECENT, REMAINING, NINETY)


def test_a_pupil_at_92_percent_holding_steady_is_not_at_risk():
    steady = tally(37, 40)  # 92.5 % over the last four weeks
    # (230 + 37/40 * 130) / 380 = 350.25 / 380 = 92.17 %
    assert not is_at_risk(SLIDING_YEAR, steady, REMAINING, NINETY)


def test_below_is_strict_a_projection_of_exactly_90_percent_is_not_at_risk():
    year, recent = tally(95, 100), tally(34, 40)  # 85 % recently
    # (95 + 0.85 * 100) / 200 = 180 / 200 = 90 % exactly; two sessions more and it drops below.
    assert projected_attendance(year, recent, 100) == 90
    assert not is_at_risk(year, recent, 100, NINETY)
    assert is_at_risk(year, recent, 102, NINETY)  # (95 + 86.7) / 202 = 89.95 %


def test_pupils_already_pa_or_with_no_sessions_are_not_listed_as_at_risk():
    assert not is_at_risk(tally(90, 100), tally(0, 40), 200, NINETY)  # 10 % missed: PA
    assert not is_at_risk(Tally(), Tally(), 200, NINETY)


def test_without_recent_sessions_the_year_rate_is_projected():
    assert projected_attendance(tally(89, 98), Tally(), 50) == Fraction(8900, 98)
    assert projected_attendance(tally(46, 50), Tally(), 0) == 92


def test_the_list_is_lowest_projection_first():
    def line(name, year, recent):
        return PupilLine(1, name, "3", "3A", year, recent)

    found = at_risk(
        [
            line("Steady", SLIDING_YEAR, tally(37, 40)),
            line("Sliding", SLIDING_YEAR, SLIDING_RECENT),
            line("Falling", SLIDING_YEAR, tally(20, 40)),
        ],
        REMAINING,
        NINETY,
    )

    assert [r.pupil.name for r in found] == ["Falling", "Sliding"]


def test_the_window_is_the_last_four_school_weeks_within_the_year():
    mondays = [date(2025, 9, 1), date(2025, 9, 8), date(2025, 9, 15), date(2025, 9, 22)]

    assert recent_window_start([*mondays, date(2025, 9, 29)], date(2025, 8, 1)) == date(2025, 9, 8)
    assert recent_window_start(mondays[:2], date(2025, 8, 1)) == date(2025, 8, 1)


@given(
    attended=st.integers(0, 400),
    absent=st.integers(0, 400),
    recent_attended=st.integers(0, 50),
    recent_absent=st.integers(0, 50),
    remaining=st.integers(0, 400),
)
def test_the_projection_lies_between_the_year_rate_and_the_recent_rate(
    attended, absent, recent_attended, recent_absent, remaining
):
    year, recent = (
        tally(attended, attended + absent),
        tally(recent_attended, recent_attended + recent_absent),
    )
    projected = projected_attendance(year, recent, remaining)
    if year.possible == 0:
        assert projected is None
        return
    recent_rate = recent.attendance_rate if recent.possible else year.attendance_rate
    rates = [year.attendance_rate, recent_rate]
    assert min(rates) <= projected <= max(rates)

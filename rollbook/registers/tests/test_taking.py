"""Register times and late codes, including both sides of the October and March clock changes."""

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollbook.core.calendar import Session
from rollbook.registers.taking import (
    LONDON,
    RegisterTimes,
    arrival_code,
    is_register_open,
    is_register_overdue,
    locked_for_teacher,
    may_enter,
)

TIMES = RegisterTimes(am_opens=time(8, 45), pm_opens=time(13, 15), minutes_open=30)
BEFORE_CHANGE = date(2025, 10, 24)  # Friday, BST (UTC+1)
AFTER_CHANGE = date(2025, 10, 27)  # Monday, GMT (UTC+0): clocks went back on Sunday 26 October
AFTER_SPRING_CHANGE = date(2026, 3, 30)  # Monday, BST: clocks went forward on Sunday 29 March


def london(day: date, hh: int, mm: int, ss: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hh, mm, ss, tzinfo=LONDON)


@pytest.mark.parametrize("day", [BEFORE_CHANGE, AFTER_CHANGE, AFTER_SPRING_CHANGE])
def test_arriving_before_the_register_closes_is_l_and_after_is_u(day):
    assert arrival_code(london(day, 9, 14, 59), day, Session.AM, TIMES).code == "L"
    assert (
        arrival_code(london(day, 9, 15), day, Session.AM, TIMES).code == "U"
    )  # at the close: not before it
    assert arrival_code(london(day, 8, 50), day, Session.AM, TIMES).minutes_late == 5


def test_the_clock_change_is_judged_in_london_time_not_utc():
    # 08:14 UTC is 09:14 BST on Friday (L) but 08:14 GMT on Monday (before opening: present).
    friday = datetime(2025, 10, 24, 8, 14, tzinfo=UTC)
    monday = datetime(2025, 10, 27, 9, 14, tzinfo=UTC)  # 09:14 GMT: L
    monday_late = datetime(2025, 10, 27, 9, 15, tzinfo=UTC)  # 09:15 GMT: U

    assert arrival_code(friday, BEFORE_CHANGE, Session.AM, TIMES).code == "L"
    assert arrival_code(monday, AFTER_CHANGE, Session.AM, TIMES).code == "L"
    assert arrival_code(monday_late, AFTER_CHANGE, Session.AM, TIMES).code == "U"
    assert (
        arrival_code(
            datetime(2025, 10, 27, 8, 14, tzinfo=UTC), AFTER_CHANGE, Session.AM, TIMES
        ).code
        == "/"
    )


def test_afternoon_arrivals_use_the_pm_register_times():
    assert arrival_code(london(AFTER_CHANGE, 13, 10), AFTER_CHANGE, Session.PM, TIMES).code == "\\"
    late = arrival_code(london(AFTER_CHANGE, 13, 50), AFTER_CHANGE, Session.PM, TIMES)
    assert (late.code, late.minutes_late) == ("U", 35)


def test_a_naive_arrival_time_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        arrival_code(datetime(2025, 10, 27, 9, 0), AFTER_CHANGE, Session.AM, TIMES)  # noqa: DTZ001


def test_a_register_may_not_stay_open_past_the_legal_maximum():
    with pytest.raises(ValueError, match="30"):
        RegisterTimes(minutes_open=31)
    with pytest.raises(ValueError):
        RegisterTimes(minutes_open=0)


def test_open_and_overdue_registers():
    assert is_register_open(london(AFTER_CHANGE, 9, 0), AFTER_CHANGE, Session.AM, TIMES)
    assert not is_register_open(london(AFTER_CHANGE, 9, 16), AFTER_CHANGE, Session.AM, TIMES)
    assert is_register_overdue(london(AFTER_CHANGE, 9, 0), AFTER_CHANGE, Session.AM, 15, TIMES)
    assert not is_register_overdue(london(AFTER_CHANGE, 8, 59), AFTER_CHANGE, Session.AM, 15, TIMES)


def test_teachers_enter_only_teacher_codes_and_office_marks_are_locked_for_them():
    assert may_enter("N", office=False) and may_enter("L", office=False)
    assert not may_enter("I", office=False) and not may_enter("U", office=False)
    assert may_enter("I", office=True)
    assert locked_for_teacher("office") and locked_for_teacher("leave_request")
    assert not locked_for_teacher("register")


@given(st.integers(0, 120))
def test_minutes_late_never_decrease_and_u_follows_l(minutes_after_opening):
    arrived = london(AFTER_CHANGE, 8, 45) + timedelta(minutes=minutes_after_opening)

    result = arrival_code(arrived, AFTER_CHANGE, Session.AM, TIMES)

    if minutes_after_opening == 0:
        assert result.code == "/"
    else:
        assert result.minutes_late == minutes_after_opening
        assert result.code == ("L" if minutes_after_opening < 30 else "U")

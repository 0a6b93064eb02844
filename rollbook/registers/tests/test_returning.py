"""The "returning today" badges (S002-79, S003-50): hand-computed cases on a real calendar.

Calendar: autumn 2026 (2 Sep to 23 Oct, 2 Nov to 18 Dec). The day is Monday 23 November 2026,
so the last five school days before it are Monday 16 to Friday 20 November.
"""

from datetime import date, timedelta

from rollbook.core.calendar import ClosureDay, SchoolCalendar, TermDates
from rollbook.registers.returning import (
    LONG_ABSENCE_TEXT,
    PA_TEXT,
    Returning,
    returning,
)

TERMS = (
    TermDates("Autumn 1", date(2026, 9, 2), date(2026, 10, 23)),
    TermDates("Autumn 2", date(2026, 11, 2), date(2026, 12, 18)),
)
DAY = date(2026, 11, 23)
AUTUMN = SchoolCalendar(TERMS)
YEAR_START = date(2026, 9, 2)
ADMITTED = date(2022, 9, 1)


def sessions(calendar=AUTUMN) -> list[tuple[date, str]]:
    return [(d, s.value) for d, s in calendar.school_sessions(last=DAY - timedelta(days=1))]


def every(code: str, first: date, last: date, calendar=AUTUMN) -> dict:
    return {(d, s.value): code for d, s in calendar.school_sessions(first, last)}


def check(marks, *, today_code=None, calendar=AUTUMN, admission=ADMITTED):
    return returning(
        day=DAY,
        sessions=sessions(calendar),
        marks=marks,
        today_code=today_code,
        year_start=YEAR_START,
        admission=admission,
    )


PRESENT_UNTIL_13TH = {
    (d, s): ("/" if s == "AM" else "\\") for (d, s) in every("/", YEAR_START, date(2026, 11, 13))
}


def test_a_pupil_absent_all_of_the_last_five_school_days_is_returning_after_a_long_absence():
    marks = {**PRESENT_UNTIL_13TH, **every("I", date(2026, 11, 16), date(2026, 11, 20))}

    result = check(marks)

    # Sep 2 to Nov 20 is 53 school days, 106 sessions; 10 absent: 100 < 106, not PA.
    assert result == Returning(long_absence=True, persistent_absentee=False)
    assert result.badges == (LONG_ABSENCE_TEXT,)


def test_one_more_absence_this_year_makes_the_returning_pupil_persistently_absent():
    marks = {**PRESENT_UNTIL_13TH, **every("I", date(2026, 11, 16), date(2026, 11, 20))}
    marks[YEAR_START, "AM"] = "O"

    result = check(marks)

    # 11 absent of 106 possible: 110 >= 106 is PA (inclusive, on integers; 10.4 %).
    assert result == Returning(long_absence=True, persistent_absentee=True)
    assert result.badges == (LONG_ABSENCE_TEXT, PA_TEXT)


def test_a_persistent_absentee_back_after_one_day_gets_only_the_pa_badge():
    after_half_term = {k: v for k, v in PRESENT_UNTIL_13TH.items() if k[0] >= date(2026, 11, 2)}
    marks = after_half_term | every("/", date(2026, 11, 16), date(2026, 11, 19))
    marks |= every("O", date(2026, 11, 20), date(2026, 11, 20))
    marks[date(2026, 11, 2), "AM"] = "M"

    # Admitted 2 Nov: 15 school days, 30 sessions; absent 3 (M, O, O): 30 >= 30, PA.
    result = check(marks, admission=date(2026, 11, 2))

    assert result == Returning(long_absence=False, persistent_absentee=True)
    assert result.badges == (PA_TEXT,)
    marks[date(2026, 11, 2), "AM"] = "/"
    # 2 of 30: 20 < 30, not PA, and one day away is not a long absence: no badge at all.
    assert check(marks, admission=date(2026, 11, 2)) == Returning()


def test_a_half_term_holiday_is_not_counted_as_school_days():
    # The five school days before Monday 2 November are 19-23 October (26-30 Oct is half term).
    calendar = SchoolCalendar(TERMS)
    marks = every("/", YEAR_START, date(2026, 10, 16)) | every(
        "O", date(2026, 10, 19), date(2026, 10, 23)
    )

    result = returning(
        day=date(2026, 11, 2),
        sessions=[(d, s.value) for d, s in calendar.school_sessions(last=date(2026, 11, 1))],
        marks=marks,
        today_code=None,
        year_start=YEAR_START,
        admission=ADMITTED,
    )

    assert result.long_absence is True


def test_a_closure_session_coded_hash_neither_breaks_nor_makes_the_run():
    marks = {**PRESENT_UNTIL_13TH, **every("I", date(2026, 11, 16), date(2026, 11, 20))}
    marks[date(2026, 11, 18), "AM"] = "Y4"

    assert check(marks).long_absence is True


def test_a_present_session_in_the_window_breaks_the_run():
    marks = {**PRESENT_UNTIL_13TH, **every("I", date(2026, 11, 16), date(2026, 11, 20))}
    marks[date(2026, 11, 17), "PM"] = "L"

    assert check(marks).long_absence is False


def test_a_session_with_no_mark_breaks_the_run():
    marks = {**PRESENT_UNTIL_13TH, **every("I", date(2026, 11, 16), date(2026, 11, 20))}
    del marks[date(2026, 11, 16), "AM"]

    assert check(marks).long_absence is False


def test_a_closed_day_is_skipped_and_the_window_reaches_back_a_day():
    calendar = SchoolCalendar(TERMS, closures=(ClosureDay(date(2026, 11, 18), None, "INSET"),))
    marks = {**PRESENT_UNTIL_13TH, **every("I", date(2026, 11, 16), date(2026, 11, 20), calendar)}

    # The window is now 13, 16, 17, 19, 20 November: present on the 13th.
    assert check(marks, calendar=calendar).long_absence is False
    marks |= every("I", date(2026, 11, 13), date(2026, 11, 13), calendar)
    assert check(marks, calendar=calendar).long_absence is True


def test_no_badge_when_the_pupil_is_already_marked_absent_today():
    marks = {**PRESENT_UNTIL_13TH, **every("I", date(2026, 11, 16), date(2026, 11, 20))}

    assert check(marks, today_code="I") == Returning()
    assert check(marks, today_code="/").long_absence is True


def test_a_pupil_present_last_session_is_not_returning_even_if_persistently_absent():
    marks = every("O", YEAR_START, date(2026, 11, 19)) | every(
        "/", date(2026, 11, 20), date(2026, 11, 20)
    )

    assert check(marks) == Returning()


def test_a_pupil_admitted_during_the_window_is_not_a_long_absence():
    marks = every("O", date(2026, 11, 17), date(2026, 11, 20))

    result = check(marks, admission=date(2026, 11, 17))

    assert result.long_absence is False
    assert result.persistent_absentee is True  # 8 of 8 since admission

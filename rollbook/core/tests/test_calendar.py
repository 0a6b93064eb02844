from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollbook.core.calendar import (
    ClosureDay,
    SchoolCalendar,
    Session,
    TermDates,
    academic_year_label,
    academic_year_of,
    school_weeks,
)

AUTUMN = SchoolCalendar(
    terms=(
        TermDates("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
        TermDates("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
        TermDates("Summer 2", date(2026, 5, 1), date(2026, 5, 29)),
    ),
    closures=(
        ClosureDay(date(2025, 9, 3), None, "INSET"),
        ClosureDay(date(2025, 9, 5), Session.PM, "Staff training"),
    ),
)


def test_weekends_half_terms_and_closures_are_not_school_days():
    assert not AUTUMN.is_school_day(date(2025, 9, 6))  # Saturday
    assert not AUTUMN.is_school_day(date(2025, 10, 28))  # half-term
    assert not AUTUMN.is_school_day(date(2025, 9, 3))  # INSET day
    assert AUTUMN.is_school_day(date(2025, 9, 4))


def test_bank_holidays_in_term_are_not_school_days():
    assert not AUTUMN.is_school_day(date(2026, 5, 4))  # Early May bank holiday
    assert not AUTUMN.is_school_day(date(2026, 5, 25))  # Spring bank holiday
    assert AUTUMN.is_school_day(date(2026, 5, 5))


def test_a_half_day_closure_removes_only_that_session():
    assert AUTUMN.is_school_session(date(2025, 9, 5), Session.AM)
    assert not AUTUMN.is_school_session(date(2025, 9, 5), Session.PM)
    sessions = AUTUMN.school_sessions(date(2025, 9, 4), date(2025, 9, 5))
    assert sessions == [
        (date(2025, 9, 4), Session.AM),
        (date(2025, 9, 4), Session.PM),
        (date(2025, 9, 5), Session.AM),
    ]


def test_autumn_term_2025_has_the_expected_number_of_school_days():
    # Autumn 1: 3 Sep - 24 Oct = 38 weekdays, minus the INSET day; Autumn 2: 35 weekdays.
    assert len(AUTUMN.school_days(date(2025, 9, 1), date(2025, 12, 31))) == 37 + 35


def test_school_weeks_skip_holiday_weeks():
    weeks = school_weeks(AUTUMN.school_days(date(2025, 10, 13), date(2025, 11, 7)))

    assert weeks == [date(2025, 10, 13), date(2025, 10, 20), date(2025, 11, 3)]


def test_academic_years_run_from_august():
    assert academic_year_of(date(2025, 8, 1)) == 2025
    assert academic_year_of(date(2026, 7, 31)) == 2025
    assert academic_year_label(2025) == "2025/26"
    assert academic_year_label(1999) == "1999/00"


@given(st.dates(date(2025, 8, 1), date(2026, 7, 31)))
def test_a_school_day_is_always_an_in_term_weekday(day):
    if AUTUMN.is_school_day(day):
        assert day.weekday() < 5 and AUTUMN.is_in_term(day)


@pytest.mark.django_db
def test_the_calendar_around_one_day_answers_that_day_as_the_whole_calendar_does():
    """The register page reads only the term and closures of its day; for that day every
    answer must be the same as the whole calendar's (term edges, half terms, bank holidays,
    weekends, whole-day and half-day closures)."""
    from datetime import timedelta

    from rollbook.core.models import Closure
    from rollbook.core.tests.factories import make_school

    school = make_school()
    Closure.objects.create(school=school, date=date(2025, 9, 19), reason="INSET")
    Closure.objects.create(school=school, date=date(2025, 10, 3), session="PM", reason="Training")
    whole = school.calendar()
    day = date(2025, 8, 25)
    while day <= date(2026, 1, 16):
        around = school.calendar(around=day)
        assert around.is_school_day(day) == whole.is_school_day(day), day
        for session in (Session.AM, Session.PM):
            assert around.is_school_session(day, session) == whole.is_school_session(day, session)
        day += timedelta(days=1)
    assert not school.calendar(around=date(2025, 10, 3)).is_school_session(
        date(2025, 10, 3), Session.PM
    )
    assert school.calendar(around=date(2025, 10, 3)).is_school_session(
        date(2025, 10, 3), Session.AM
    )

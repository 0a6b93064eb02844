from datetime import date
from fractions import Fraction

import pytest

from rollbook.core.actions import add_closure
from rollbook.core.calendar import Session
from rollbook.registers.rules import NO_FIGURE, Rate
from rollbook.reports.queries import school_today
from rollbook.reports.tests import builders
from rollbook.reports.tests.builders import TODAY

pytestmark = pytest.mark.django_db


def test_morning_register_figures_count_only_pupils_on_roll_today(oakfield):
    am = school_today(oakfield.school, TODAY).sessions[0]

    assert am.session == Session.AM
    assert am.label == "Morning"
    assert am.is_open
    assert (am.on_roll, am.marked, am.not_yet_marked) == (5, 4, 1)
    assert (am.present, am.authorised, am.unauthorised) == (2, 1, 1)
    assert (am.registers_taken, am.registers_expected) == (2, 2)
    assert am.attendance_rate == Rate(Fraction(50))
    assert str(am.attendance_rate) == "50.0%"


def test_afternoon_counts_a_not_possible_code_as_marked_but_not_in_the_rate(oakfield):
    pm = school_today(oakfield.school, TODAY).sessions[1]

    assert pm.session == Session.PM
    assert (pm.on_roll, pm.marked, pm.not_yet_marked) == (5, 2, 3)
    assert (pm.present, pm.authorised, pm.unauthorised) == (1, 0, 0)
    assert (pm.registers_taken, pm.registers_expected) == (2, 2)
    assert str(pm.attendance_rate) == "100.0%"


def test_year_to_date_counts_each_pupil_only_while_on_roll(oakfield):
    year = school_today(oakfield.school, TODAY).year

    assert year.label == "2025/26"
    assert (year.first_day, year.last_day) == (date(2025, 8, 1), TODAY)
    assert year.pupils_counted == 5
    assert year.attendance_rate.value == Fraction(100 * 17, 21)
    assert str(year.attendance_rate) == "81.0%"
    assert year.overall_absence_rate.value == Fraction(100 * 4, 21)
    assert str(year.overall_absence_rate) == "19.0%"
    assert year.persistent_absentees == 3
    assert str(year.persistent_absence_rate) == "60.0%"
    assert year.severe_absentees == 2


def test_a_pupil_admitted_mid_year_is_counted_from_admission(oakfield):
    before = school_today(oakfield.school, date(2026, 1, 2)).year
    builders.marks(oakfield.pupils["Dev"], (date(2026, 1, 6), "AM", "/"))

    after = school_today(oakfield.school, TODAY).year

    # Amy, Ben and Cara only: Dev's December N is before he joined (Eve's marks are in February).
    assert before.pupils_counted == 3
    assert before.overall_absence_rate.value == Fraction(100 * 1, 13)  # Ben's N, not Dev's
    assert after.pupils_counted == 5
    assert after.persistent_absentees == 3  # Dev: 1 of 3 absent, 33% -> still PA
    assert after.severe_absentees == 1  # ... but no longer SA


def test_a_pupil_who_left_keeps_counting_in_the_year_but_not_today(oakfield):
    today = school_today(oakfield.school, TODAY)
    on_her_last_day = school_today(oakfield.school, date(2026, 2, 13))

    assert today.sessions[0].on_roll == 5
    assert on_her_last_day.sessions[0].on_roll == 6  # Eve is on roll on her leaving date
    assert on_her_last_day.sessions[0].marked == 1
    assert on_her_last_day.sessions[0].registers_expected == 3


def test_the_summary_says_no_marks_yet_for_a_new_school(db):
    empty = builders.school("Empty Primary")

    summary = school_today(empty, TODAY)

    assert summary.is_school_day
    assert summary.sessions[0].on_roll == 0
    assert str(summary.sessions[0].attendance_rate) == NO_FIGURE
    assert str(summary.year.attendance_rate) == NO_FIGURE
    assert str(summary.year.persistent_absence_rate) == NO_FIGURE
    assert summary.year.pupils_counted == 0


def test_marks_from_another_school_are_not_counted(oakfield):
    other = builders.school("Elsewhere Primary")
    stranger = builders.pupil(other, "Zed", builders.group(other, "3B"))
    builders.marks(stranger, (TODAY, "AM", "N"))

    summary = school_today(oakfield.school, TODAY)

    assert summary.sessions[0].unauthorised == 1
    assert summary.year.pupils_counted == 5


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 3, 14), "weekend"),
        (date(2026, 5, 4), "bank holiday"),
        (date(2026, 4, 8), "school holiday"),
        (date(2026, 3, 12), "INSET day"),
        (TODAY, ""),
    ],
)
def test_it_says_why_there_is_no_school(oakfield, day, reason):
    add_closure(
        actor_label="test", school=oakfield.school, day=date(2026, 3, 12), reason="INSET day"
    )

    summary = school_today(oakfield.school, day)

    assert summary.is_school_day is (reason == "")
    assert summary.closed_reason == reason
    assert summary.closed_message == (f"No school today: {reason}" if reason else "")


def test_a_school_with_no_terms_says_so():
    from rollbook.core.calendar import SchoolCalendar

    assert SchoolCalendar(terms=()).closed_reason(TODAY) == "no term dates have been set up"


def test_a_closed_afternoon_is_shown_as_closed(oakfield):
    add_closure(
        actor_label="test",
        school=oakfield.school,
        day=TODAY,
        session=Session.PM,
        reason="Staff training",
    )

    am, pm = school_today(oakfield.school, TODAY).sessions

    assert am.is_open
    assert not pm.is_open


def test_rates_are_rounded_half_up_to_one_place():
    assert str(Rate(Fraction(200, 3))) == "66.7%"
    assert str(Rate(Fraction(1, 20))) == "0.1%"  # 0.05 rounds up
    assert str(Rate(Fraction(0))) == "0.0%"
    assert str(Rate(None)) == NO_FIGURE


def test_the_query_count_does_not_grow_with_pupils(oakfield, django_assert_max_num_queries):
    g = builders.group(oakfield.school, "6A")
    for n in range(30):
        extra = builders.pupil(oakfield.school, f"Extra{n}", g)
        builders.marks(extra, (TODAY, "AM", "/"), (date(2026, 3, 10), "PM", "N"))

    with django_assert_max_num_queries(6):  # terms, closures, roll, 2 x today, year
        summary = school_today(oakfield.school, TODAY)

    assert summary.sessions[0].on_roll == 35
    assert summary.sessions[0].registers_taken == 3

"""The pure weekly report builder, with hand-computed figures (no database)."""

from datetime import date, datetime, time
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from rollbook.core.calendar import SchoolCalendar
from rollbook.core.tests.factories import AUTUMN_2025, SPRING_SUMMER_2026
from rollbook.registers.rules import Tally
from rollbook.reports.weekly import (
    Procedures,
    PupilWeek,
    Week,
    build_weekly_report,
    is_due,
    report_week,
)

CALENDAR = SchoolCalendar(AUTUMN_2025 + SPRING_SUMMER_2026)
DAYS = CALENDAR.school_days()
WEEK = Week(date(2025, 11, 10), tuple(date(2025, 11, d) for d in range(10, 15)))
LONDON = ZoneInfo("Europe/London")


def pupil(pid, name, before, week, cls="3A", year="3") -> PupilWeek:
    return PupilWeek(pid, name, year, cls, Tally(*before), Tally(*week))


def build(pupils, **kw):
    kw.setdefault("pupil_level", True)
    return build_weekly_report(
        school_name="Test",
        today=date(2025, 11, 17),
        week=WEEK,
        is_fallback=False,
        pupils=pupils,
        target_pct=kw.pop("target_pct", None),
        **kw,
    )


def test_the_report_covers_the_school_week_before_today():
    week, fallback = report_week(DAYS, date(2025, 11, 19))  # a Wednesday

    assert week.monday == date(2025, 11, 10)
    assert len(week.school_days) == 5
    assert not fallback


def test_a_week_with_a_bank_holiday_has_four_school_days():
    week, _ = report_week(DAYS, date(2026, 5, 11))  # the week of the May Day bank holiday

    assert week.monday == date(2026, 5, 4)
    assert week.school_days == tuple(date(2026, 5, d) for d in range(5, 9))


def test_with_no_school_last_week_it_reports_the_last_week_that_had_school():
    week, fallback = report_week(DAYS, date(2025, 11, 3))  # after October half-term

    assert week.monday == date(2025, 10, 20)
    assert week.label == "20 October 2025 to 24 October 2025"
    assert fallback


def test_a_pupil_crossing_ten_percent_exactly_is_a_new_persistent_absentee():
    # Amy: 19 attended, 1 absent of 20 (5 %); the week adds 8 attended and 2 absent, so
    #   3 absent of 30 = 10 % exactly: PA (inclusive) at the end and not at the start.
    # Ben: 2 absent of 29 (6.9 %); the week adds 9 + 1 -> 3 of 39 = 7.7 %: not PA.
    # Cal: 2 absent of 19 (10.5 %, PA at the start); a full week -> 2 of 29: not PA.
    amy = pupil(1, "Amy A", (19, 1, 0), (8, 0, 2))
    ben = pupil(2, "Ben B", (27, 2, 0), (9, 1, 0))
    cal = pupil(3, "Cal C", (17, 2, 0), (10, 0, 0))

    report = build([amy, ben, cal])

    assert report.new_persistent_absentees == 1
    (new,) = report.new_pa
    assert (new.name, new.absence_rate, new.absent, new.possible) == ("Amy A", 10, 3, 30)
    # Week: 27 attended of 30 = 90 %; year: 27 + 36 + 27 = 90 attended of 30 + 39 + 29 = 98.
    assert report.week_summary.tally.attendance_rate == Fraction(90)
    assert report.year_summary.tally.attendance_rate == Fraction(100 * 90, 98)
    assert report.year_summary.persistent_absentees == 1  # Amy


def test_movers_are_the_five_biggest_falls_and_rises_in_order():
    # Each pupil starts at 10 of 10 (100 %); a week of (attended, unauthorised) moves them.
    weeks = {"F1": (0, 10), "F2": (5, 5), "F3": (8, 2), "F4": (9, 1), "F5": (7, 3), "F6": (6, 4)}
    pupils = [pupil(i, n, (10, 0, 0), (a, 0, u)) for i, (n, (a, u)) in enumerate(weeks.items())]
    pupils.append(pupil(20, "Riser", (5, 0, 5), (10, 0, 0)))  # 50 % -> 75 %: +25 points
    pupils.append(pupil(21, "Same", (10, 0, 0), (10, 0, 0)))  # 100 % -> 100 %: not a mover
    pupils.append(pupil(22, "New", (0, 0, 0), (10, 0, 0)))  # no start figure: not a mover

    report = build(pupils)

    assert [m.name for m in report.falls] == ["F1", "F2", "F6", "F5", "F3"]
    assert report.falls[0].change == Fraction(-50)  # 100 % -> 10 of 20 = 50 %
    assert report.falls[-1].change == -10  # F3: 18 of 20 = 90 %
    assert [(m.name, m.change) for m in report.rises] == [("Riser", 25)]


def test_stages_procedures_and_patterns_are_counted():
    amy = pupil(1, "Amy A", (0, 0, 0), (5, 0, 5))  # 50 % absent: PA
    ben = pupil(2, "Ben B", (10, 0, 0), (10, 0, 0))

    report = build(
        [amy, ben],
        stage_alerts=[(1, "letter_1"), (2, "letter_1"), (1, "meeting")],
        stage_labels={"letter_1": "First letter", "meeting": "Meeting"},
        pattern_alerts=[("weekday_pattern", "Same weekday")] * 2 + [("sharp_drop", "Sharp drop")],
        procedures={
            1: Procedures({"letter": 1}, {"call": 2, "home_visit": 1}, ("Letter", "Home visit"))
        },
    )

    assert [(s.label, s.pupils, s.names) for s in report.stages] == [
        ("First letter", 2, ("Amy A", "Ben B")),
        ("Meeting", 1, ("Amy A",)),
    ]
    (row,) = report.procedures
    assert (row.name, row.actions_done, row.contacts) == ("Amy A", 1, 3)
    assert row.detail == "call 2, home visit 1, letter 1"
    assert row.ticked == "Letter, Home visit"  # from the casework tracker
    assert [(p.label, p.alerts) for p in report.patterns] == [
        ("Same weekday", 2),
        ("Sharp drop", 1),
    ]


def test_without_pupil_level_access_no_name_is_built():
    amy = pupil(1, "Amy A", (10, 0, 0), (5, 0, 5))

    report = build([amy], stage_alerts=[(1, "letter_1")], pupil_level=False)

    assert report.new_persistent_absentees == 1
    assert report.new_pa == report.falls == report.rises == report.procedures == ()
    assert report.stages[0].pupils == 1 and report.stages[0].names == ()
    assert report.suppressed_below == 5
    assert report.classes[0].suppressed  # one pupil in 3A
    assert "Amy" not in repr(report)


def test_target_and_last_year_comparisons_are_in_points():
    report = build(
        [pupil(1, "Amy A", (10, 0, 0), (9, 1, 0))],
        target_pct=Decimal("96"),
        last_year_week=[Tally(19, 1, 0)],
    )

    assert report.week_vs_target == -6  # 90 % against 96 %
    assert report.week_vs_last_year == -5  # 90 % against 95 %
    assert build([]).last_year_week is None


def test_the_report_is_due_after_the_policy_day_and_time():
    monday = datetime(2025, 11, 17, 11, 0, tzinfo=LONDON)

    assert not is_due("Monday", time(11, 30), monday)
    assert is_due("Monday", time(11, 30), monday.replace(minute=30, hour=11))
    assert is_due("Monday", time(11, 30), datetime(2025, 11, 18, 8, 0, tzinfo=LONDON))
    assert not is_due("Wednesday", time(9, 0), datetime(2025, 11, 18, 23, 0, tzinfo=LONDON))

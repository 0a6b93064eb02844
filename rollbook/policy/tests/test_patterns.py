"""Pattern alerts with hand-computed dates."""

from datetime import date, timedelta
from decimal import Decimal

from rollbook.core.calendar import SchoolCalendar, Session, TermDates
from rollbook.policy.patterns import (
    Period,
    holiday_repeats,
    next_to_breaks,
    run_of_lates,
    sharp_drop,
    siblings_absent_together,
    weekday_concentration,
)

AM, PM = Session.AM, Session.PM
CAL = SchoolCalendar(
    terms=(
        TermDates("Summer 2", date(2025, 6, 2), date(2025, 7, 18)),
        TermDates("Autumn 1", date(2025, 9, 1), date(2025, 10, 24)),
        TermDates("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    )
)
DAYS = CAL.school_days()


def day_marks(codes_by_day: dict[date, str]) -> dict:
    marks = {}
    for d in DAYS:
        code = codes_by_day.get(d)
        marks[(d, AM)] = code or "/"
        marks[(d, PM)] = code or "\\"
    return marks


def test_three_of_the_last_five_absences_on_a_monday():
    mondays = [date(2025, 9, 8), date(2025, 9, 22), date(2025, 10, 6)]
    marks = day_marks(
        {**dict.fromkeys(mondays, "I"), date(2025, 9, 17): "I", date(2025, 10, 2): "O"}
    )

    alert = weekday_concentration(marks, date(2025, 10, 10))

    assert alert is not None and alert.kind == "weekday_pattern"
    assert (
        alert.explanation
        == "3 of the last 5 days of absence were on a Monday: Mon 8 Sep, Mon 22 Sep, Mon 6 Oct"
    )
    assert len(alert.evidence) == 6


def test_spread_out_absences_raise_no_weekday_pattern():
    marks = day_marks(
        {
            date(2025, 9, 8): "I",
            date(2025, 9, 16): "I",
            date(2025, 9, 24): "I",
            date(2025, 10, 2): "I",
        }
    )

    assert weekday_concentration(marks, date(2025, 10, 10)) is None


def test_absence_next_to_half_term_and_christmas():
    marks = day_marks(
        {
            date(2025, 9, 1): "N",
            date(2025, 10, 24): "G",
            date(2025, 11, 3): "I",
            date(2025, 9, 10): "I",
        }
    )

    alert = next_to_breaks(marks, DAYS, date(2025, 11, 7), year_start=date(2025, 8, 1))

    assert (
        alert is not None
        and "3 times this year: Mon 1 Sep, Fri 24 Oct, Mon 3 Nov" in alert.explanation
    )
    assert (
        next_to_breaks(marks, DAYS, date(2025, 10, 31), year_start=date(2025, 8, 1)) is None
    )  # only 2 yet


def test_an_ordinary_monday_is_not_next_to_a_holiday():
    marks = day_marks({date(2025, 9, 8): "I", date(2025, 9, 15): "I"})

    assert next_to_breaks(marks, DAYS, date(2025, 9, 30), year_start=date(2025, 8, 1)) is None


def test_a_term_time_holiday_at_the_same_time_as_last_year():
    marks = {
        (date(2024, 10, 17), AM): "G",
        (date(2024, 10, 18), AM): "G",
        (date(2025, 10, 20), AM): "G",
    }

    alert = holiday_repeats(marks, date(2025, 10, 24))

    assert (
        alert is not None
        and "Mon 20 Oct" in alert.explanation
        and "Fri 18 Oct" in alert.explanation
    )
    assert holiday_repeats({(date(2025, 10, 20), AM): "G"}, date(2025, 10, 24)) is None


def test_siblings_absent_on_the_same_days():
    mine = day_marks({date(2025, 9, 8): "I", date(2025, 9, 9): "I", date(2025, 9, 12): "O"})
    sister = day_marks({date(2025, 9, 8): "I", date(2025, 9, 9): "I"})
    brother = day_marks({date(2025, 9, 12): "O"})

    alert = siblings_absent_together(
        mine, {"Amy": sister, "Ben": brother}, date(2025, 9, 30), since=date(2025, 9, 1)
    )

    assert alert is not None and "absent on the same 3 days as Amy and Ben" in alert.explanation
    assert (
        siblings_absent_together(mine, {"Ben": brother}, date(2025, 9, 30), since=date(2025, 9, 1))
        is None
    )


def test_late_three_school_days_running_across_a_weekend():
    marks = day_marks({})
    for d in (date(2025, 9, 11), date(2025, 9, 12), date(2025, 9, 15)):
        marks[(d, AM)] = "L"

    assert run_of_lates(marks, DAYS, date(2025, 9, 15)) is not None
    assert run_of_lates(marks, DAYS, date(2025, 9, 16)) is None


def test_a_sharp_drop_against_the_previous_half_term():
    first = Period("Autumn 1", date(2025, 9, 1), date(2025, 10, 24))
    second = Period("Autumn 2", date(2025, 11, 3), date(2025, 12, 19))
    absences = {
        date(2025, 11, 3) + timedelta(days=i): "I" for i in (0, 7, 14, 21)
    }  # 4 Mondays in 4 weeks
    marks = day_marks(absences)

    alert = sharp_drop(marks, second, first, date(2025, 11, 28))

    assert (
        alert is not None and "80.0% in Autumn 2, down from 100.0% in Autumn 1" in alert.explanation
    )
    assert sharp_drop(marks, second, first, date(2025, 11, 28), points=Decimal(25)) is None
    assert (
        sharp_drop(marks, second, first, date(2025, 11, 21)) is None
    )  # three weeks: too few sessions yet
    assert (
        sharp_drop(day_marks({date(2025, 11, 3): "I"}), second, first, date(2025, 11, 28)) is None
    )  # 97.5 %


def test_four_mondays_and_nothing_else_is_a_weekday_pattern():
    mondays = [date(2025, 9, 8), date(2025, 9, 15), date(2025, 9, 22), date(2025, 9, 29)]

    alert = weekday_concentration(day_marks(dict.fromkeys(mondays, "O")), date(2025, 10, 3))

    assert alert is not None and alert.explanation.startswith(
        "4 of the last 4 days of absence were on a Monday"
    )
    assert (
        weekday_concentration(day_marks(dict.fromkeys(mondays[:2], "O")), date(2025, 10, 3)) is None
    )


def test_the_policy_can_tighten_or_loosen_the_pattern_thresholds():
    from rollbook.policy.patterns import pattern_alerts
    from rollbook.policy.schema import Patterns

    mondays = [date(2025, 9, 8), date(2025, 9, 15)]
    marks = day_marks(dict.fromkeys(mondays, "O"))

    default = pattern_alerts(
        marks,
        school_days=DAYS,
        as_of=date(2025, 9, 19),
        year_start=date(2025, 8, 1),
        sibling_marks={},
        periods=None,
    )
    loose = pattern_alerts(
        marks,
        school_days=DAYS,
        as_of=date(2025, 9, 19),
        year_start=date(2025, 8, 1),
        sibling_marks={},
        periods=None,
        settings=Patterns(weekday_at_least=2),
    )

    assert [a.kind for a in default] == []
    assert [a.kind for a in loose] == ["weekday_pattern"]

"""Lates per family and per week, hand-counted (no database)."""

from datetime import date

from rollbook.reports.lates import ChildLates, family_lates, late_trend


def child(pid, name, family, before, after=0):
    return ChildLates(pid, name, "3A", family, before, after)


def test_two_siblings_each_late_three_times_appear_together_as_one_family():
    families = family_lates(
        [
            child(1, "Ada Bell", "F1", 2, 1),
            child(2, "Bo Bell", "F1", 3),
            child(3, "Cy Dunn", "F2", 4),
            child(4, "Di Eve", "", 5),  # no family recorded: a family of one
            child(5, "Ed Fox", "F3", 0),  # never late: left out
        ]
    )

    assert [(f.family, [c.name for c in f.children], f.lates) for f in families] == [
        ("F1", ["Ada Bell", "Bo Bell"], 6),
        ("", ["Di Eve"], 5),
        ("F2", ["Cy Dunn"], 4),
    ]


def test_equal_totals_put_the_bigger_family_first():
    families = family_lates(
        [child(1, "Zed", "F9", 2), child(2, "Amy", "F1", 1), child(3, "Al", "F1", 1)]
    )

    assert [f.family for f in families] == ["F1", "F9"]


MON, TUE = date(2025, 10, 6), date(2025, 10, 7)
NEXT_MON = date(2025, 10, 13)
YEAR_BEFORE = date(2024, 10, 7)  # MON - 364 days: also a Monday


def test_each_week_is_set_beside_the_same_week_a_year_earlier():
    this_year = [
        (MON, "L", 3),
        (MON, "/", 7),
        (TUE, "U", 1),
        (TUE, "\\", 9),
        (TUE, "Y2", 5),  # not possible: outside the rate's denominator
        (NEXT_MON, "/", 10),
    ]
    last_year = [(YEAR_BEFORE, "L", 6), (YEAR_BEFORE, "/", 14)]

    trend = late_trend([MON, NEXT_MON], this_year, last_year)

    latest, first = trend.weeks
    assert latest.this_year.monday == NEXT_MON
    assert (latest.this_year.lates, latest.last_year.possible, latest.change) == (0, 0, None)
    assert latest.change_words == "—"  # no school that week last year
    assert (first.this_year.lates, first.this_year.possible) == (4, 20)
    assert first.this_year.rate == 20  # 4 lates per 20 possible sessions
    assert (first.last_year.monday, first.last_year.lates) == (YEAR_BEFORE, 6)
    assert first.change == -2 and first.change_words == "2 fewer"
    assert (trend.this_year.lates, trend.this_year.possible) == (4, 30)
    assert (trend.last_year.lates, trend.last_year.possible) == (6, 20)


def test_no_school_weeks_yet_gives_an_empty_trend():
    trend = late_trend([], [], [])

    assert trend.weeks == () and trend.this_year.rate is None

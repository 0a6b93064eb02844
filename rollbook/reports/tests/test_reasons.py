"""Absence reasons by year group, hand-counted (no database)."""

from datetime import date

from rollbook.reports.reasons import reasons_by_year

AUTUMN = date(2025, 10, 6)
OLD = date(2023, 10, 2)  # before the 2024 codes: old J was attendance

MARKS = [
    ("3", "/", AUTUMN, 30),
    ("3", "I", AUTUMN, 4),
    ("3", "M", AUTUMN, 1),
    ("3", "G", AUTUMN, 6),
    ("3", "Y2", AUTUMN, 2),  # not a possible session: not a reason
    ("4", "\\", AUTUMN, 20),
    ("4", "N", AUTUMN, 3),
    ("4", "I", AUTUMN, 1),
    ("R", "O", AUTUMN, 2),
    ("R", "J", OLD, 5),  # attendance in its own era
]
PUPILS = {"3": 6, "4": 5, "R": 2}
ALERTS = [("3", "weekday_pattern", 2), ("R", "run_of_lates", 1)]
LABELS = {"weekday_pattern": "Same weekday", "run_of_lates": "Run of lates"}


def build(suppress):
    return reasons_by_year(MARKS, PUPILS, ALERTS, kind_labels=LABELS, suppress=suppress)


def test_sessions_are_counted_by_code_and_category_for_each_year_group():
    report = build(suppress=False)

    assert [y.year_group for y in report.years] == ["R", "3", "4"]
    assert [(y.possible, y.absent) for y in report.years] == [(7, 2), (41, 11), (24, 4)]
    by_code = {r.key: (r.cells, r.total) for r in report.codes}
    assert list(by_code) == ["G", "I", "N", "O", "M"]  # most sessions first, then by code
    assert by_code["I"] == ((0, 4, 1), 5)
    assert by_code["G"] == ((0, 6, 0), 6)
    assert "J" not in by_code and "Y2" not in by_code
    categories = {r.label: r.cells for r in report.categories}
    assert categories == {
        "Authorised absence: other": (0, 4, 1),
        "Authorised absence: leave of absence": (0, 1, 0),
        "Unauthorised absence": (2, 6, 3),
    }
    assert [(r.label, r.cells, r.total) for r in report.patterns] == [
        ("Same weekday", (0, 2, 0), 2),  # most raised first
        ("Run of lates", (1, 0, 0), 1),
    ]
    assert report.suppressed_below is None


def test_small_year_groups_and_the_totals_are_hidden_from_aggregate_readers():
    report = build(suppress=True)

    assert [y.suppressed for y in report.years] == [True, False, False]  # R has 2 pupils
    by_code = {r.key: (r.cells, r.total) for r in report.codes}
    assert by_code["O"] == ((None, 0, 0), None)
    assert by_code["I"] == ((None, 4, 1), None)
    assert report.suppressed_below == 5

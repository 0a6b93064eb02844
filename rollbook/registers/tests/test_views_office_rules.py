"""The Today page's home-visit rule: pure functions, no database."""

from datetime import date, timedelta

import pytest

from rollbook.registers.office import home_visit_due, unexplained_run

MON, TUE, WED, THU, FRI = (date(2026, 11, 16) + timedelta(days=i) for i in range(5))
NEXT_MON = date(2026, 11, 23)
SCHOOL_DAYS = [MON, TUE, WED, THU, FRI, NEXT_MON]


@pytest.mark.parametrize(
    ("codes", "run"),
    [
        ({}, 0),
        ({NEXT_MON: ["/"]}, 0),
        ({NEXT_MON: ["N"]}, 1),  # this morning's N counts before the afternoon is taken
        ({NEXT_MON: ["N", "N"], FRI: ["N", "N"]}, 2),  # the weekend does not break the run
        ({NEXT_MON: ["N"], FRI: ["O", "N"], THU: ["N", "N"], WED: ["I", "I"]}, 3),
        ({NEXT_MON: ["N"], FRI: ["N", "\\"], THU: ["N", "N"]}, 1),  # came in on Friday afternoon
        ({NEXT_MON: ["N"], THU: ["N", "N"]}, 1),  # no marks on Friday: the run is not assumed
        ({NEXT_MON: ["N", "L"]}, 0),
        ({NEXT_MON: ["G"], FRI: ["N"]}, 0),  # G is unauthorised but not unexplained
        ({d: ["O", "O"] for d in SCHOOL_DAYS}, 6),
    ],
)
def test_unexplained_run_counts_school_days_back_from_today(codes, run):
    assert unexplained_run(SCHOOL_DAYS, codes) == run


def test_unexplained_run_with_no_school_days_is_zero():
    assert unexplained_run([], {NEXT_MON: ["N"]}) == 0


@pytest.mark.parametrize(
    ("run", "priority", "due"),
    [
        (0, False, None),
        (0, True, None),
        (1, False, None),
        (1, True, "Day 1, priority pupil: home visit due today"),  # seed 004
        (2, False, "Day 2 of unexplained absence: home visit due"),  # seed 003
        (2, True, "Day 2 of unexplained absence: home visit due"),
        (3, False, "Day 3 of unexplained absence: home visit due"),  # seed 004
        (7, False, "Day 7 of unexplained absence: home visit due"),
    ],
)
def test_home_visit_due_on_day_two_day_three_or_day_one_for_priority_pupils(run, priority, due):
    assert home_visit_due(run, priority) == due

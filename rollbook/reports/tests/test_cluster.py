"""The cluster's anonymised figures: hand-counted, suppression checked (no database)."""

from decimal import Decimal

from rollbook.registers.rules import Tally
from rollbook.reports.cluster import HEADER, cluster_rows
from rollbook.reports.groups import PupilFigures


def pupil(year, attended, absent=0, **kw):
    return PupilFigures(Tally(attended=attended, unauthorised=absent), year, f"{year}A", **kw)


# Year 3: 6 pupils; Year 4: 5 pupils; Year 5: 2 pupils (hidden, so Year 4 is hidden too).
PUPILS = (
    [pupil("3", 18, 2, gender="F")] * 3
    + [pupil("3", 20, gender="M")] * 3
    + [pupil("4", 19, 1, gender="F", fsm=True)] * 5
    + [pupil("5", 10, 10, gender="M", cla=True)] * 2
)


def test_the_school_row_comes_first_with_exact_dfe_figures():
    school = cluster_rows(PUPILS)[0]

    cells = school.cells()
    assert cells[:4] == ["school", "Whole school", 13, 260]
    assert cells[4] == Decimal("88.1")  # 229 of 260 sessions attended
    # PA: 3 Year 3 girls at exactly 10 % (inclusive) and 2 at 50 %; Year 4's 5 % is not PA.
    assert cells[8:10] == [5, Decimal("38.5")]
    assert cells[10] == 2


def test_small_year_groups_are_hidden_and_so_is_the_next_smallest():
    rows = {r.label: r for r in cluster_rows(PUPILS)}

    assert rows["Year 5"].suppressed  # 2 pupils
    assert rows["Year 4"].suppressed  # else Year 5 = school - Year 3 - Year 4
    assert not rows["Year 3"].suppressed
    assert rows["Year 5"].cells() == ["year group", "Year 5", "fewer than 5", *[""] * 9]


def test_pupil_groups_are_suppressed_below_five_and_no_pupil_is_identified():
    rows = {r.label: r for r in cluster_rows(PUPILS)}

    assert rows["Looked after"].suppressed  # 2 pupils
    assert not rows["Free school meals"].suppressed  # 5 pupils
    assert rows["Free school meals"].cells()[2] == 5
    assert rows["Pupil premium"].cells()[2] == 0  # an empty group is shown as none
    assert not rows["Girls"].suppressed and not rows["Boys"].suppressed
    assert all(len(r.cells()) == len(HEADER) for r in rows.values())


def test_when_boys_are_hidden_girls_are_hidden_too():
    pupils = [pupil("3", 20, gender="F")] * 6 + [pupil("3", 20, gender="M")] * 2

    rows = {r.label: r for r in cluster_rows(pupils)}

    assert rows["Boys"].suppressed and rows["Girls"].suppressed

"""Group analysis with hand-computed figures."""

from fractions import Fraction

from rollbook.registers.rules import Tally
from rollbook.reports.groups import SUPPRESS_BELOW, PupilFigures, breakdown, group_analysis
from rollbook.reports.national import latest_full_year


def pupil(attended, absent, **kw):
    return PupilFigures(
        Tally(attended=attended, authorised=absent),
        kw.pop("year_group", "3"),
        kw.pop("class_name", "3A"),
        **kw,
    )


def test_the_gap_is_the_group_rate_minus_all_other_pupils_on_summed_sessions():
    pupils = [
        pupil(90, 10, pupil_premium=True),  # 10 %
        pupil(170, 30, pupil_premium=True),  # 15 %
        pupil(195, 5),  # 2.5 %
        pupil(95, 5),  # 5 %
    ]

    pp = next(r for r in group_analysis(pupils, suppress=False) if r.key == "pupil_premium")

    assert pp.group.tally.overall_absence_rate == Fraction(
        40 * 100, 300
    )  # 13.33 %, not the mean 12.5 %
    assert pp.others.tally.overall_absence_rate == Fraction(10 * 100, 300)
    assert pp.gap == 10
    assert pp.group.persistent_absentees == 2


def test_small_groups_are_suppressed_only_for_aggregate_readers():
    pupils = [pupil(90, 10, cla=True)] + [pupil(100, 0) for _ in range(10)]

    for_staff = {r.key: r for r in group_analysis(pupils, suppress=False)}
    for_governors = {r.key: r for r in group_analysis(pupils, suppress=True)}

    assert not for_staff["cla"].suppressed
    assert for_governors["cla"].suppressed and SUPPRESS_BELOW > 1
    assert not for_governors["girls"].suppressed  # an empty group reveals nobody


def test_breakdown_by_year_orders_reception_first():
    pupils = [
        pupil(9, 1, year_group="2"),
        pupil(8, 2, year_group="R"),
        pupil(10, 0, year_group="10"),
    ]

    rows = breakdown(pupils, "year", suppress=False)

    assert [r.label for r in rows] == ["R", "2", "10"]
    assert rows[0].summary.tally.overall_absence_rate == 20


def test_national_figures_carry_their_source():
    figures = latest_full_year()

    assert str(figures.overall_absence) == "5.53" and "2023/24" in figures.source

"""The SEN cohort and watch-list builders, on hand-counted pupils (no database)."""

from fractions import Fraction

from rollbook.registers.rules import Tally
from rollbook.reports.cohorts import PupilLine, sen_cohorts, watch_list


def line(name, *, attended, absent=0, sen="N", year="3", recent=None, **flags):
    return PupilLine(
        pupil_id=hash(name) % 1000,
        name=name,
        year_group=year,
        class_name=f"{year}A",
        tally=Tally(attended=attended, authorised=absent),
        recent=recent or Tally(),
        sen_status=sen,
        **flags,
    )


PUPILS = [
    line("Sam", attended=18, absent=2, sen="K"),  # 10 %: PA (inclusive)
    line("Sue", attended=19, absent=1, sen="K", year="4"),  # 5 %
    line("Eli", attended=10, absent=10, sen="E"),  # 50 %: PA and SA
    line("Noa", attended=20, absent=0),
    line("Nia", attended=19, absent=1, year="4"),
    line("Ned", attended=0, absent=0),  # no possible sessions: not counted
]


def test_the_three_cohorts_sit_side_by_side_with_sessions_summed_over_pupils():
    report = sen_cohorts(PUPILS)

    support, ehcp, none = report.cohorts
    assert [c.label for c in report.cohorts] == [
        "SEN support",
        "Education, health and care plan",
        "No SEN",
    ]
    assert (support.summary.enrolments, support.summary.tally.possible) == (2, 40)
    assert support.summary.tally.attendance_rate == Fraction(37 * 100, 40)  # 92.5 %
    assert support.summary.persistent_absentees == 1
    assert ehcp.summary.tally.attendance_rate == 50
    assert ehcp.summary.severe_absentees == 1
    assert none.summary.enrolments == 2  # Ned has no possible session
    assert none.summary.tally.overall_absence_rate == Fraction(100, 40)  # 2.5 %
    assert support.gap == Fraction(300, 40) - Fraction(100, 40)  # 7.5 - 2.5 = 5 points
    assert ehcp.gap == 50 - Fraction(5, 2)
    assert none.gap is None


def test_each_year_group_is_split_by_cohort():
    report = sen_cohorts(PUPILS)

    years = {row.year_group: row.summaries for row in report.years}
    assert list(years) == ["3", "4"]
    assert [s.enrolments for s in years["3"]] == [1, 1, 1]
    assert [s.enrolments for s in years["4"]] == [1, 0, 1]
    assert years["4"][0].tally.attendance_rate == 95


def test_the_pa_list_holds_only_pupils_with_sen_lowest_attendance_first():
    report = sen_cohorts([*PUPILS, line("Pat", attended=5, absent=5)])  # PA but no SEN

    assert [p.name for p in report.persistent] == ["Eli", "Sam"]


def test_the_watch_list_shows_each_vulnerable_group_with_its_attendance():
    pupils = [
        line("Cal", attended=9, absent=1, cla=True, recent=Tally(attended=3, authorised=1)),
        line("Ivy", attended=20, cin=True, cp_plan=True),
        line("Meg", attended=8, absent=2, medical_plan=True),
        line("Eli", attended=10, absent=10, sen="E"),
        line("Sam", attended=1, absent=9, sen="K"),  # SEN support alone is not watched
        line("New", attended=0, cla=True),  # no marks yet: last
    ]

    rows = watch_list(pupils)

    assert [(r.pupil.name, r.flags) for r in rows] == [
        ("Eli", ("EHCP",)),
        ("Meg", ("Medical",)),
        ("Cal", ("CLA",)),
        ("Ivy", ("CIN", "CP")),
        ("New", ("CLA",)),
    ]
    cal = rows[2]
    assert cal.pupil.tally.attendance_rate == 90
    assert cal.pupil.recent.attendance_rate == 75
    assert cal.persistent_absence  # 1 of 10 missed: 10 % inclusive
    assert not rows[3].persistent_absence

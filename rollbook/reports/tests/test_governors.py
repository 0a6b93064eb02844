"""The governors' report builder and the report periods: pure, hand-computed."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from rollbook.core.calendar import TermDates
from rollbook.registers.rules import Tally
from rollbook.reports import governors, periods
from rollbook.reports.groups import PupilFigures
from rollbook.reports.national import latest_full_year

TODAY = date(2026, 1, 20)


def school() -> list[PupilFigures]:
    """Nine pupils. Year 3: five pupil-premium pupils at exactly 10 % absence (PA, inclusive).
    Year 4: three at 100 % and one looked-after pupil at 50 % (PA and SA).
    Whole school: 160 attended, 10 authorised, 10 unauthorised of 180 possible."""
    pp = [PupilFigures(Tally(18, 2), "3", "3A", pupil_premium=True) for _ in range(5)]
    full = [PupilFigures(Tally(20), "4", "4A") for _ in range(3)]
    cla = [PupilFigures(Tally(10, 0, 10), "4", "4A", cla=True)]
    return pp + full + cla


def build(**overrides) -> governors.GovernorsReport:
    pupils = school()
    args = {
        "school_name": "Oakfield",
        "today": TODAY,
        "period_label": "Autumn term 2025/26",
        "first": date(2025, 9, 3),
        "last": date(2025, 12, 19),
        "finished": True,
        "pupils": pupils,
        "last_year": [Tally(95, 5)],
        "last_year_span": (date(2024, 9, 4), date(2024, 12, 20)),
        "target_pct": Decimal(96),
        "national": latest_full_year(),
        "half_terms": [
            governors.HalfTermInput(
                "Autumn 1",
                date(2025, 9, 3),
                date(2025, 10, 24),
                within=[Tally(9, 1), Tally(10)],
                year_to_date=[Tally(9, 1), Tally(10)],
            ),
            governors.HalfTermInput(
                "Autumn 2",
                date(2025, 11, 3),
                date(2025, 12, 19),
                within=[Tally(5, 5), Tally(10)],
                year_to_date=[Tally(14, 6), Tally(20)],
            ),
        ],
        "actions_done": {"letter": 2, "meeting": 1},
        "contacts": {"call": 3},
        "events": {"penalty_notice.issued": 1, "register.submitted": 4},
        "acted_on_before": [Tally(8, 2)] * 5,
        "acted_on_during": [p.tally for p in pupils[:5]],
        "acted_on_pupils": 5,
        "has_previous": True,
    }
    return governors.build_governors_report(**(args | overrides))


def test_whole_school_against_target_last_year_and_national():
    report = build()

    assert report.whole.enrolments == 9
    assert report.whole.tally.attendance_rate == Fraction(160 * 100, 180)  # 88.9 %
    assert report.target.met is False
    assert report.target.gap == Fraction(16000, 180) - 96  # -7.1 points
    attendance, absence, *_, pa, sa = report.headlines
    assert attendance.last_year == 95 and attendance.change == Fraction(16000, 180) - 95
    assert attendance.national == Decimal("94.47")  # 100 - 5.53
    assert absence.national == Decimal("5.53")
    assert pa.school == Fraction(600, 9) and pa.national == Decimal("14.56")  # 6 of 9 pupils
    assert sa.school == Fraction(100, 9)


def test_the_target_is_met_exactly_on_integers():
    report = build(pupils=[PupilFigures(Tally(96, 4), "3", "3A")] * 5)

    assert report.target.met is True and report.target.gap == 0


def test_small_year_groups_and_pupil_groups_are_suppressed():
    report = build()

    years = {r.label: r for r in report.years}
    assert not years["3"].suppressed and years["3"].summary.enrolments == 5
    assert years["4"].suppressed  # four pupils
    rows = {r.key: r for r in report.groups}
    assert not rows["pupil_premium"].suppressed
    # Pupil premium: 10 of 100 absent = 10 %; all others: 10 of 80 = 12.5 %.
    assert rows["pupil_premium"].gap == Fraction(-5, 2)
    assert rows["cla"].suppressed  # one pupil


def test_half_terms_count_pa_and_sa_year_to_date():
    first, second = build().half_terms

    assert first.within.tally.attendance_rate == 95
    assert first.year_to_date.persistent_absentees == 1  # 1 of 10, inclusive
    assert second.within.tally.attendance_rate == 75
    assert second.year_to_date.persistent_absentees == 1
    assert second.year_to_date.severe_absentees == 0


def test_impact_counts_casework_and_compares_the_pupils_who_had_it():
    impact = build().impact

    assert [(c.label, c.count) for c in impact.counts] == [
        ("Letters", 2),
        ("Meetings", 1),
        ("Phone calls", 3),
        ("Penalty notice issued", 1),
    ]  # register.submitted is not casework
    assert impact.total == 7
    assert impact.before.attendance_rate == 80 and impact.during.attendance_rate == 90
    assert impact.change == 10
    assert impact.others_during.attendance_rate == Fraction(70 * 100, 80)  # 87.5 %


def test_impact_figures_for_fewer_than_five_pupils_are_suppressed():
    impact = build(acted_on_pupils=2, acted_on_during=[Tally(18, 2)] * 2).impact

    assert impact.suppressed and impact.before is None and impact.during is None
    assert impact.change is None


def test_no_target_and_no_last_year():
    report = build(target_pct=None, last_year=[])

    assert report.target is None and report.last_year is None
    assert report.headlines[0].change is None


SIX = [
    TermDates("Autumn 1", date(2025, 9, 3), date(2025, 10, 24)),
    TermDates("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    TermDates("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    TermDates("Spring 2", date(2026, 2, 23), date(2026, 3, 27)),
    TermDates("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),
    TermDates("Summer 2", date(2026, 6, 1), date(2026, 7, 22)),
    TermDates("Autumn 1", date(2024, 9, 4), date(2024, 10, 25)),
    TermDates("Autumn 2", date(2024, 11, 4), date(2024, 12, 20)),
]


def test_periods_are_years_terms_and_half_terms_that_have_started():
    found = periods.report_periods(SIX, TODAY)

    keys = [p.key for p in found]
    assert keys[:3] == ["2025-year", "2025-spring", "2025-autumn"]
    assert "2025-summer" not in keys and "half-2026-02-23" not in keys
    assert keys[3:6] == ["half-2026-01-05", "half-2025-11-03", "half-2025-09-03"]
    assert "2024-autumn" in keys and "2024-year" in keys
    spring = found[1]
    assert spring.label == "Spring term 2025/26 (so far)" and not spring.finished
    assert spring.first == date(2026, 1, 5) and spring.last == TODAY
    assert [t.end for t in spring.half_terms] == [TODAY]
    assert spring.previous == (date(2025, 9, 3), date(2025, 12, 19))
    autumn = found[2]
    assert autumn.finished and autumn.label == "Autumn term 2025/26"
    # Last autumn, cut 52 weeks before 19 December 2025.
    assert autumn.last_year == (date(2024, 9, 4), date(2024, 12, 20))
    assert periods.find(found, None, ("term", "year")).key == "2025-spring"
    assert periods.find(found, "2025-year", ("term", "year")).key == "2025-year"
    assert periods.find(found, "nonsense", ("half_term",)).key == "half-2026-01-05"


def test_three_term_schools_and_seasons_by_month():
    three = [
        TermDates("Michaelmas", date(2025, 9, 3), date(2025, 12, 19)),
        TermDates("Lent", date(2026, 1, 5), date(2026, 3, 27)),
        TermDates("Trinity", date(2026, 4, 13), date(2026, 7, 22)),
    ]

    assert [periods.season_of(t) for t in three] == ["autumn", "spring", "summer"]
    found = periods.report_periods(three, date(2026, 5, 1))
    assert [p.key for p in found if p.kind == "term"] == [
        "2025-summer",
        "2025-spring",
        "2025-autumn",
    ]


def test_charts_are_svg_images_described_in_words():
    from rollbook.reports import charts

    drawn = charts.charts(build())

    assert [c.title for c in drawn] == [
        "Attendance by half-term",
        "Attendance by year group",
        "Persistent and severe absence by half-term",
    ]
    assert all(c.data_uri.startswith("data:image/svg+xml;base64,") for c in drawn)
    assert "Autumn 1 95.0%; Autumn 2 75.0%" in drawn[0].alt
    assert "Year 4" not in drawn[1].alt  # suppressed: fewer than five pupils

"""DfE statistics: hand-computed cases from the domain reference, boundaries and properties."""

import itertools
from datetime import date, timedelta
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from rollbook.registers import codes
from rollbook.registers.rules import Tally, enrolment_tally, percent, summarise, tally, tally_counts

DAY = date(2025, 10, 6)
CURRENT = list(codes.CURRENT_CODES)
POSSIBLE = [c for c in CURRENT if codes.current(c).counts_as_possible]
NOT_POSSIBLE = [c for c in CURRENT if not codes.current(c).counts_as_possible]


def marks_of(codes_in_order: str, start: date = DAY) -> list[tuple[date, str]]:
    return [(start + timedelta(days=i // 2), code) for i, code in enumerate(codes_in_order.split())]


def test_worked_example_1_year_2_pupil_with_every_category():
    result = tally(marks_of(r"/ \ / \ / \ / \ L U C1 M I I Y1 Y1 # # O N"))

    assert (result.possible, result.attended, result.authorised, result.unauthorised) == (
        16,
        9,
        4,
        3,
    )
    assert result.not_possible == 4
    assert result.attendance_rate == Fraction(5625, 100)
    assert result.overall_absence_rate == Fraction(4375, 100)
    assert result.authorised_absence_rate == 25
    assert result.unauthorised_absence_rate == Fraction(1875, 100)
    assert result.persistent_absence is True
    assert result.severe_absence is False


def test_worked_example_2_reception_pupil_not_required_to_attend():
    result = tally(marks_of(r"/ \ / \ X X / \ I \ "))

    assert (result.possible, result.attended, result.authorised) == (8, 7, 1)
    assert percent(result.attendance_rate) == percent(Fraction(875, 10))


def test_worked_example_3_dual_registered_sessions_leave_the_denominator():
    result = tally(marks_of(r"D D D D / \ / O / \ "))

    assert (result.possible, result.attended, result.unauthorised) == (6, 5, 1)
    assert str(percent(result.attendance_rate)) == "83.33"


def test_exactly_ten_percent_absence_is_persistent_absence():
    assert Tally(attended=90, authorised=10).persistent_absence is True
    assert Tally(attended=90, unauthorised=9).persistent_absence is False  # 9/99 displays 9.1 %
    assert Tally(attended=89, authorised=5, unauthorised=5).persistent_absence is True


def test_exactly_half_absent_is_severe_absence():
    assert Tally(attended=10, authorised=10).severe_absence is True
    assert Tally(attended=11, authorised=10).severe_absence is False


def test_no_possible_sessions_gives_no_rate_and_no_flags():
    result = tally(marks_of("# # Y4 Y4"))

    assert result.possible == 0
    assert result.attendance_rate is None
    assert not result.persistent_absence and not result.severe_absence


def test_school_totals_sum_sessions_and_do_not_average_pupil_rates():
    a = Tally(attended=361, authorised=19)  # 5 %
    b = Tally(attended=10, unauthorised=10)  # 50 %

    summary = summarise([a, b])

    assert summary.tally.overall_absence_rate == Fraction(725, 100)
    assert summary.persistent_absence_rate == 50
    assert summary.severe_absence_rate == 50


def test_summary_leaves_enrolments_without_possible_sessions_out_of_the_pa_base():
    summary = summarise([Tally(attended=10), Tally(not_possible=4)])

    assert summary.enrolments == 1


def test_every_code_category_counts_as_the_domain_table_says():
    expected = {
        "attended": set("/\\LKVPWB"),
        "authorised": {"C1", "M", "J1", "S", "C2", "C", "T", "R", "I", "E"},
        "unauthorised": {"G", "N", "O", "U"},
        "not_possible": {"D", "X", "Q", "Y1", "Y2", "Y3", "Y4", "Y5", "Y6", "Y7", "Z", "#"},
    }

    for stat, members in expected.items():
        for code in members:
            assert codes.stat_of(code, DAY).value == stat, code
    assert set(CURRENT) == set().union(*expected.values())


def test_withdrawn_codes_keep_their_historic_meaning():
    before = date(2024, 7, 1)

    assert tally([(before, "J")]).attended == 1  # old J counted as attendance
    assert tally([(DAY, "J1")]).authorised == 1  # J1 is absence
    assert tally([(before, "H")]).authorised == 1
    assert tally([(before, "Y")]).not_possible == 1


def test_marks_before_admission_and_after_leaving_are_not_counted():
    marks = marks_of("O O / \\ / \\ O O", start=date(2025, 10, 6))

    result = enrolment_tally(
        marks,
        period_start=date(2025, 9, 1),
        period_end=date(2025, 12, 31),
        admission=date(2025, 10, 7),
        leaving=date(2025, 10, 8),
    )

    assert (result.possible, result.unauthorised) == (4, 0)


def test_period_bounds_are_inclusive():
    marks = [(date(2025, 10, 6), "O"), (date(2025, 10, 10), "O"), (date(2025, 10, 13), "O")]

    result = enrolment_tally(
        marks,
        period_start=date(2025, 10, 6),
        period_end=date(2025, 10, 10),
        admission=date(2020, 9, 1),
    )

    assert result.unauthorised == 2


def test_display_rounding_is_half_up():
    assert str(percent(Fraction(1, 8), 2)) == "0.13"
    assert str(percent(Fraction(2, 3), 1)) == "0.7"
    assert percent(None) is None


code_lists = st.lists(st.sampled_from(CURRENT), max_size=60)


@given(code_lists)
def test_rates_stay_between_0_and_100_and_counts_add_up(code_list):
    result = tally([(DAY, c) for c in code_list])

    assert result.attended + result.authorised + result.unauthorised == result.possible
    assert result.possible + result.not_possible == len(code_list)
    if result.possible:
        assert 0 <= result.attendance_rate <= 100
        assert result.attendance_rate + result.overall_absence_rate == 100


@given(code_lists, st.lists(st.sampled_from(NOT_POSSIBLE), max_size=20))
def test_a_non_possible_code_never_changes_any_rate(code_list, extra):
    base = tally([(DAY, c) for c in code_list])
    more = tally([(DAY, c) for c in code_list + extra])

    assert more.attendance_rate == base.attendance_rate
    assert more.overall_absence_rate == base.overall_absence_rate
    assert more.persistent_absence == base.persistent_absence
    assert more.severe_absence == base.severe_absence


@given(code_lists, st.randoms(use_true_random=False))
def test_the_order_of_marks_never_matters(code_list, rnd):
    marks = [(DAY + timedelta(days=i), c) for i, c in enumerate(code_list)]
    shuffled = marks[:]
    rnd.shuffle(shuffled)

    assert tally(shuffled) == tally(marks)


@given(code_lists)
def test_counting_by_code_gives_the_same_tally_as_counting_marks(code_list):
    counts: dict[str, int] = {}
    for c in code_list:
        counts[c] = counts.get(c, 0) + 1

    assert tally_counts((c, DAY, n) for c, n in counts.items()) == tally(
        [(DAY, c) for c in code_list]
    )


@given(st.integers(0, 500), st.integers(0, 500))
def test_pa_flag_matches_exact_fraction_comparison(attended, absent):
    t = Tally(attended=attended, authorised=absent)

    if t.possible:
        assert t.persistent_absence == (Fraction(absent, t.possible) >= Fraction(1, 10))
        assert t.severe_absence == (Fraction(absent, t.possible) >= Fraction(1, 2))


# --- Cumulative attendance week by week (S001-33) ---------------------------------------------


def test_cumulative_by_week_runs_the_totals_on_and_skips_holiday_weeks():
    from rollbook.registers.rules import cumulative_by_week

    mon1, mon2, mon4 = date(2025, 10, 6), date(2025, 10, 13), date(2025, 10, 27)
    marks = [
        (mon1, "/"),
        (mon1, "\\"),
        (mon1 + timedelta(days=1), "I"),
        (mon1 + timedelta(days=1), "#"),  # not possible: outside the denominator
        (mon2, "O"),
        (mon2, "O"),
        (mon4, "/"),
        (mon4 + timedelta(days=4), "L"),
    ]

    weeks = cumulative_by_week(marks, [mon1, mon2, mon4])  # 20-24 Oct is half term

    assert [w.monday for w in weeks] == [mon1, mon2, mon4]
    # Week 1: 2 of 3; weeks 1-2: 2 of 5; weeks 1-4: 4 of 7.
    assert [(w.so_far.attended, w.so_far.possible) for w in weeks] == [(2, 3), (2, 5), (4, 7)]
    assert [w.so_far.attendance_rate for w in weeks] == [
        Fraction(200, 3),
        Fraction(40),
        Fraction(400, 7),
    ]
    assert (weeks[1].week.attended, weeks[1].week.possible) == (0, 2)
    assert weeks[-1].so_far == tally(marks)


def test_cumulative_by_week_with_no_marks_has_no_rate():
    from rollbook.registers.rules import cumulative_by_week

    (week,) = cumulative_by_week([], [date(2025, 10, 6)])

    assert week.so_far == Tally() and week.so_far.attendance_rate is None


@given(
    st.lists(st.tuples(st.integers(0, 60), st.sampled_from(POSSIBLE + NOT_POSSIBLE)), max_size=80)
)
def test_the_last_cumulative_week_equals_the_tally_of_every_mark(rows):
    from rollbook.registers.rules import cumulative_by_week

    marks = [(DAY + timedelta(days=n), code) for n, code in rows]
    mondays = [DAY + timedelta(weeks=k) for k in range(10)]  # DAY is a Monday; 70 days

    weeks = cumulative_by_week(marks, mondays)

    assert weeks[-1].so_far == tally(marks)
    assert all(a.so_far.possible <= b.so_far.possible for a, b in itertools.pairwise(weeks))
    assert sum((w.week for w in weeks), Tally()) == weeks[-1].so_far

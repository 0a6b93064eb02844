"""Hand-computed tests of the reward rules for each seed's preset. Pure: no database."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from rollbook.core.calendar import SchoolCalendar, TermDates
from rollbook.core.tests.factories import AUTUMN_2025, SPRING_SUMMER_2026
from rollbook.policy.schema import Reward, load_preset
from rollbook.registers.rules import Tally
from rollbook.rewards import rules
from rollbook.rewards.rules import ClassInfo, PupilFacts

P000, P001, P002 = (
    load_preset(n) for n in ("000_dovecote", "001_everyones_business", "002_st_dunstans")
)
P003, P004 = load_preset("003_woodside"), load_preset("004_strategy_2024_25")


def reward(policy, key: str) -> Reward:
    return next(r for r in policy.rewards if r.key == key)


def figure(name: str, attended: int, possible: int, year_group: str = "3", gid: int = 0):
    group = ClassInfo(gid or hash(name) % 10_000, name, year_group)
    return rules.ClassFigure(group, Tally(attended, possible - attended, 0), pupils=1, excluded=0)


def names(figures) -> list[str]:
    return sorted(f.group.name for f in figures)


# --- Comparisons as the policy words them -----------------------------------------------------


def test_002_a_class_at_exactly_96_earns_a_token_and_one_at_95_9_does_not():
    challenge = reward(P002, "weekly_96_challenge")

    assert rules.meets(Fraction(96), challenge)
    assert rules.meets(Fraction(100 * 480, 500), challenge)  # 480 of 500 sessions = 96.0 %
    assert not rules.meets(Fraction(959, 10), challenge)  # 95.9 %
    assert not rules.meets(Fraction(9599, 100), challenge)  # 95.99 %, shown "96.0" if rounded


def test_003_the_hotspot_is_strictly_above_95_6():
    hotspot = reward(P003, "ht_hotspot")

    assert not rules.meets(Fraction(956, 10), hotspot)  # exactly 95.6 %: no
    assert not rules.meets(Fraction(239, 250), hotspot)  # 239/250 is exactly 95.6 % too
    assert rules.meets(Fraction(9561, 100), hotspot)  # 95.61 %: yes


@given(
    attended=st.integers(0, 2000), extra=st.integers(0, 2000), line=st.decimals(0, 100, places=2)
)
def test_at_least_is_the_integer_comparison_and_above_is_strict(attended, extra, line):
    possible = attended + extra
    if possible == 0:
        return
    rate = Fraction(100 * attended, possible)
    at_least = Reward(key="a", name="a", period="week", measure="class_pct", at_least_pct=line)
    above = Reward(key="b", name="b", period="week", measure="class_pct", above_pct=line)

    assert rules.meets(rate, at_least) == (100 * attended >= line * possible)
    assert rules.meets(rate, above) == (100 * attended > line * possible)


def test_no_rate_never_qualifies():
    assert not rules.meets(None, reward(P002, "weekly_96_challenge"))
    assert not rules.pupil_qualifies(Tally(), reward(P004, "termly_100"))


# --- Class figures and exclusions -------------------------------------------------------------


GROUP = ClassInfo(1, "3A", "3")
TALLIES = {10: Tally(10), 11: Tally(2, 8), 12: Tally(9, 1)}


def test_001_a_pupil_with_a_long_term_illness_is_left_out_of_the_class_figure():
    pupils = [PupilFacts(10, 1), PupilFacts(11, 1, long_term_illness=True), PupilFacts(12, 1)]

    [adjusted] = rules.class_figures(
        [GROUP], pupils, TALLIES, P001.adjustments.excluded_from_class_challenge
    )
    [plain] = rules.class_figures(
        [GROUP], pupils, TALLIES, P002.adjustments.excluded_from_class_challenge
    )

    # Without the exclusion: (10 + 2 + 9) of 30 sessions = 70 %; with it 19 of 20 = 95 %.
    assert plain.rate == Fraction(70) and not plain.adjusted
    assert adjusted.rate == Fraction(95) and adjusted.excluded == 1 and adjusted.adjusted


def test_001_a_medical_plan_or_a_part_time_timetable_are_left_out_too():
    pupils = [
        PupilFacts(10, 1),
        PupilFacts(11, 1, medical_plan=True),
        PupilFacts(12, 1, part_time_timetable=True),
    ]

    [f] = rules.class_figures(
        [GROUP], pupils, TALLIES, P001.adjustments.excluded_from_class_challenge
    )

    assert f.rate == Fraction(100) and f.pupils == 1 and f.excluded == 2


def test_001_the_exclusion_lifts_a_class_over_the_96_target():
    target = reward(P001, "weekly_class_at_target")
    tallies = {1: Tally(20), 2: Tally(20), 3: Tally(16, 4)}  # 56 of 60 = 93.3 %
    pupils = [PupilFacts(1, 1), PupilFacts(2, 1), PupilFacts(3, 1, long_term_illness=True)]

    [before] = rules.class_figures([GROUP], pupils, tallies)
    [after] = rules.class_figures(
        [GROUP], pupils, tallies, P001.adjustments.excluded_from_class_challenge
    )

    assert not rules.meets(before.rate, target)
    assert rules.meets(after.rate, target)


# --- Winners and ties -------------------------------------------------------------------------


def test_003_and_004_the_highest_class_wins_and_tied_classes_all_win():
    figures = [figure("3A", 97, 100), figure("4A", 97, 100, "4"), figure("5A", 96, 100, "5")]

    for policy, key in (
        (P003, "weekly_highest_class"),
        (P004, "weekly_winning_class"),
        (P000, "weekly_class_celebration"),
    ):
        assert names(rules.class_winners(figures, reward(policy, key))) == ["3A", "4A"]


def test_001_every_class_at_96_or_more_is_at_target():
    figures = [figure("3A", 96, 100), figure("3B", 959, 1000), figure("4A", 100, 100, "4")]

    assert names(rules.class_winners(figures, reward(P001, "weekly_class_at_target"))) == [
        "3A",
        "4A",
    ]


def test_003_hotspot_best_class_per_year_group_only_above_95_6():
    figures = [
        figure("3A", 239, 250, "3"),  # exactly 95.6 %: the best in year 3, but not above
        figure("3B", 230, 250, "3"),
        figure("4A", 96, 100, "4"),  # tied best in year 4, both above
        figure("4B", 96, 100, "4"),
        figure("5A", 9561, 10000, "5"),  # 95.61 %
        figure("5B", 9562, 10000, "5"),  # 95.62 %: the best in year 5
    ]

    winners = rules.class_winners(figures, reward(P003, "ht_hotspot"))

    assert names(winners) == ["4A", "4B", "5B"]


def test_no_marks_no_winner():
    assert rules.class_winners([figure("3A", 0, 0)], reward(P003, "weekly_highest_class")) == []


# --- Weeks and tokens ---------------------------------------------------------------------------


SUMMER_2026 = SchoolCalendar(terms=AUTUMN_2025 + SPRING_SUMMER_2026)


def test_a_bank_holiday_week_is_a_shorter_week_and_holiday_weeks_do_not_exist():
    weeks = rules.school_weeks(SUMMER_2026.school_days(date(2026, 4, 27), date(2026, 6, 5)))

    mondays = [w.monday for w in weeks]
    # 4 May is the early May bank holiday; 25 May the spring bank holiday in half-term.
    assert mondays == [
        date(2026, 4, 27),
        date(2026, 5, 4),
        date(2026, 5, 11),
        date(2026, 5, 18),
        date(2026, 6, 1),
    ]
    assert len(weeks[1].days) == 4 and weeks[1].first == date(2026, 5, 5)


def test_002_tokens_across_weeks_with_a_bank_holiday_week_and_six_buy_a_movie():
    challenge = reward(P002, "weekly_96_challenge")
    # A class of 5: a full week is 50 sessions, the bank-holiday week 40.
    weekly = [
        Fraction(100 * 48, 50),  # 96.0 %: token
        Fraction(100 * 39, 40),  # bank-holiday week, 97.5 %: token
        Fraction(100 * 47, 50),  # 94 %: none
        Fraction(100 * 50, 50),  # token
        None,  # no marks (not yet taken): none
        Fraction(100 * 49, 50),  # token
        Fraction(100 * 48, 50),  # token
        Fraction(100 * 38, 40),  # 95 % in a 4-day week: none
        Fraction(100 * 50, 50),  # the 6th token
    ]

    five = rules.progress(weekly[:7], challenge)
    six = rules.progress(weekly, challenge)

    assert (five.tokens, five.earned, five.towards_next) == (5, 0, 5)
    assert (six.tokens, six.earned, six.towards_next, six.buys) == (6, 1, 0, "movie afternoon")


# --- Periods ------------------------------------------------------------------------------------


def test_the_term_joins_its_two_half_terms_and_the_half_term_is_one():
    terms = AUTUMN_2025 + SPRING_SUMMER_2026

    term = rules.period_of("term", date(2025, 11, 20), terms)
    half = rules.period_of("half_term", date(2025, 11, 20), terms)
    year = rules.period_of("year", date(2026, 3, 2), terms)

    assert (term.first, term.last, term.label) == (
        date(2025, 9, 1),
        date(2025, 11, 20),
        "Autumn term 2025/26",
    )
    assert (half.first, half.last, half.label) == (
        date(2025, 11, 3),
        date(2025, 11, 20),
        "Autumn 2",
    )
    assert (year.first, year.last) == (date(2025, 8, 1), date(2026, 3, 2))
    assert rules.period_of("term", date(2025, 12, 31), terms).last == date(2025, 12, 19)
    previous = rules.previous_period(rules.period_of("term", date(2026, 1, 20), terms), terms)
    assert (previous.first, previous.last) == (date(2025, 9, 1), date(2025, 12, 19))


def test_a_single_named_term_is_its_own_term():
    terms = (TermDates("Autumn 2026", date(2026, 9, 2), date(2026, 12, 18)),)

    assert rules.period_of("term", date(2026, 11, 23), terms).first == date(2026, 9, 2)


# --- Pupil awards -------------------------------------------------------------------------------


def test_003_class_lead_at_95_8_and_ambassador_at_100():
    lead, ambassador = reward(P003, "class_attendance_lead"), reward(P003, "year_group_ambassador")

    assert rules.pupil_qualifies(Tally(958, 42), lead)  # 95.8 %
    assert not rules.pupil_qualifies(Tally(9579, 421), lead)  # 95.79 %
    assert rules.pupil_qualifies(Tally(300), ambassador)
    assert not rules.pupil_qualifies(Tally(299, 1), ambassador)


def test_004_100_for_the_term_and_99_over_a_career():
    termly, career = reward(P004, "termly_100"), reward(P004, "career_99")
    this_year = Tally(380)
    career_991 = Tally(991 * 3, 9 * 3)  # 99.1 % over years of 1000 sessions
    career_985 = Tally(985 * 3, 15 * 3)  # 100 % this year, 98.5 % over the career

    assert rules.pupil_qualifies(this_year, termly)
    assert not rules.pupil_qualifies(Tally(379, 0, 1), termly)
    assert rules.pupil_qualifies(career_991, career)
    assert not rules.pupil_qualifies(career_985, career)


def test_most_improved_needs_the_rise_the_reward_names_and_sorts_the_biggest_first():
    improved = Reward(
        key="imp",
        name="Most improved",
        period="term",
        measure="improvement",
        at_least_pct=Decimal(5),
    )
    before = {1: Tally(80, 20), 2: Tally(90, 10), 3: Tally(95, 5), 4: Tally(50, 50)}
    after = {1: Tally(95, 5), 2: Tally(94, 6), 3: Tally(90, 10), 4: Tally(56, 44), 5: Tally(10)}

    found = rules.most_improved(before, after, improved)

    # 1: +15 points; 4: +6; 2: +4 (under 5); 3 fell; 5 has no earlier period.
    assert [(i.pupil_id, i.points) for i in found] == [(1, Fraction(15)), (4, Fraction(6))]


# --- Prize draw ---------------------------------------------------------------------------------


def test_the_same_seed_draws_the_same_winner():
    first = rules.prize_draw([5, 3, 9, 1, 7], seed=20251219, winners=2)
    again = rules.prize_draw([9, 7, 5, 3, 1], seed=20251219, winners=2)

    assert first == again and len(first.winners) == 2 and first.eligible == (1, 3, 5, 7, 9)


@given(
    ids=st.sets(st.integers(1, 10_000), max_size=60),
    seed=st.integers(0, 2**53),
    n=st.integers(1, 5),
)
def test_a_draw_picks_distinct_eligible_pupils_reproducibly(ids, seed, n):
    result = rules.prize_draw(ids, seed=seed, winners=n)

    assert set(result.winners) <= ids and len(set(result.winners)) == len(result.winners) == min(
        n, len(ids)
    )
    assert rules.prize_draw(sorted(ids, reverse=True), seed=seed, winners=n) == result

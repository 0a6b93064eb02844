"""The class pack's pure parts: which term, which flags, class figures (no database)."""

from datetime import date
from fractions import Fraction

from rollbook.core.calendar import TermDates
from rollbook.registers.rules import Tally
from rollbook.reports.class_pack import ClassPack, PackPupil, current_term, flags_for

TERMS = (
    TermDates("Autumn", date(2025, 9, 3), date(2025, 12, 19)),
    TermDates("Spring", date(2026, 1, 5), date(2026, 3, 27)),
)


def test_the_term_is_the_one_holding_today_or_in_a_holiday_the_last_one_started():
    assert current_term(TERMS, date(2025, 10, 8)).name == "Autumn"
    assert current_term(TERMS, date(2025, 12, 30)).name == "Autumn"  # Christmas holiday
    assert current_term(TERMS, date(2026, 1, 5)).name == "Spring"
    assert current_term(TERMS, date(2025, 8, 20)) is None


def test_safeguarding_flags_are_shown_only_to_those_who_may_see_them():
    facts = {"pupil_premium": True, "ehcp": True, "cp_plan": True, "cla": False}

    assert flags_for(facts, sensitive=False) == ("PP", "EHCP")
    assert flags_for(facts, sensitive=True) == ("PP", "EHCP", "CP")


def test_class_figures_sum_sessions_and_pa_is_inclusive():
    pupils = (
        PackPupil(1, "A", Tally(attended=18, authorised=2), Tally(attended=9, authorised=1), 2, 1),
        PackPupil(2, "B", Tally(attended=19, unauthorised=1), Tally(attended=10), 0, 0),
    )

    pack = ClassPack("3A", date(2025, 10, 8), date(2025, 8, 1), TERMS[0], pupils)

    assert [p.persistent_absence for p in pupils] == [True, False]  # 2 of 20: exactly 10 %
    assert pack.persistent_absentees == 1
    assert pack.year_summary.tally.attendance_rate == Fraction(3700, 40)  # 92.5 %
    assert pack.term_summary.tally.attendance_rate == 95

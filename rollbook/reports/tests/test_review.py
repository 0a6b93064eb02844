"""The half-termly review and the census counts: pure, hand-computed."""

from datetime import date
from decimal import Decimal

from rollbook.registers.codes import Stat
from rollbook.registers.rules import Tally
from rollbook.reports import census, review
from rollbook.reports.groups import PupilFigures


def pupil(name: str, ytd: Tally, **flags) -> review.ReviewPupil:
    return review.ReviewPupil(
        name, f"UPN{name}", "3", "3A", ytd, ytd, PupilFigures(ytd, "3", "3A", **flags)
    )


def test_below_96_is_strict_and_compared_on_integers():
    assert review.is_below(Tally(2399, 100), Decimal(96))  # 95.998 %
    assert not review.is_below(Tally(2400, 100), Decimal(96))  # exactly 96.00 %
    assert not review.is_below(Tally(), Decimal(96))  # no sessions: no figure


def test_the_review_lists_names_only_for_pupil_level_readers():
    pupils = [pupil("Ann", Tally(23, 2)), pupil("Bob", Tally(24, 1)), pupil("Cy", Tally(20, 5))]

    staff = review.build_review(
        period_label="Autumn 1", pupils=pupils, threshold_pct=None, pupil_level=True
    )
    governors = review.build_review(
        period_label="Autumn 1", pupils=pupils, threshold_pct=Decimal(96), pupil_level=False
    )

    assert staff.threshold_pct == 96  # the default when the policy sets no target
    assert [p.name for p in staff.below] == ["Cy", "Ann"]  # 80 %, 92 %; Bob is at 96 %
    assert staff.below_count == governors.below_count == 2
    assert governors.below == () and governors.suppressed_below == 5
    assert all(r.suppressed for r in governors.years)  # three pupils in Year 3


def test_census_windows_follow_easter_and_the_spring_bank_holiday():
    autumn, spring, summer1, summer2 = census.census_periods(2025)

    assert (autumn.first, autumn.last) == (date(2025, 8, 1), date(2025, 12, 31))
    assert (spring.first, spring.last) == (date(2026, 1, 1), date(2026, 4, 5))  # Easter Sunday
    assert (summer1.first, summer1.last) == (date(2026, 4, 6), date(2026, 5, 24))
    assert (summer2.first, summer2.last) == (date(2026, 5, 25), date(2026, 7, 31))
    assert summer1.census == summer2.census == "Autumn census"


def test_census_counts_sessions_by_reason_code():
    period = census.census_periods(2025)[0]
    on = date(2025, 10, 1)
    rows = [
        (1, "/", on, 16),
        (1, "I", on, 3),
        (1, "G", on, 1),
        (2, "\\", on, 18),
        (2, "O", on, 2),
        (2, "Y2", on, 2),
        (3, "X", on, 4),  # not compulsory age: no possible sessions, not an enrolment counted
    ]
    pupils = {1: ("A1", "Ann", "3"), 2: ("B2", "Bob", "3"), 3: ("C3", "Cy", "R")}

    result = census.build_census(period, rows, pupils, pupil_level=True)

    assert result.enrolments == 2
    assert (result.tally.possible, result.tally.authorised, result.tally.unauthorised) == (40, 3, 3)
    assert [(r.code, r.stat, r.sessions) for r in result.reasons] == [
        ("I", Stat.AUTHORISED, 3),
        ("G", Stat.UNAUTHORISED, 1),
        ("O", Stat.UNAUTHORISED, 2),
    ]
    assert [(r.code, r.sessions) for r in result.not_counted] == [("X", 4), ("Y2", 2)]
    ann = next(e for e in result.pupils if e.upn == "A1")
    assert ann.by_code == {"I": 3, "G": 1} and ann.tally.possible == 20
    assert census.build_census(period, rows, {}, pupil_level=False).pupils == ()

"""Penalty-notice rules: hand-computed cases from domain notes §4, and properties."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollbook.penalties import rules
from rollbook.penalties.rules import PenaltyError, Rate, Status

# --- Steps ---------------------------------------------------------------------------------------


def test_the_road_from_considered_to_paid():
    assert rules.next_steps("considered") == [Status.WARNED, Status.REQUESTED, Status.NOT_PURSUED]
    assert rules.next_steps("warned") == [Status.REQUESTED, Status.NOT_PURSUED]
    assert rules.next_steps("requested") == [Status.ISSUED, Status.NOT_PURSUED]
    assert rules.next_steps("issued") == [Status.PAID, Status.WITHDRAWN, Status.PROSECUTION]
    for end in ("paid", "withdrawn", "prosecution", "not_pursued"):
        assert rules.next_steps(end) == []


@pytest.mark.parametrize(
    ("old", "new"),
    [("considered", "issued"), ("warned", "paid"), ("paid", "withdrawn"), ("issued", "warned")],
)
def test_steps_out_of_order_are_refused(old, new):
    with pytest.raises(PenaltyError, match="cannot become"):
        rules.check_transition(old, new, reason="because")


def test_not_pursued_and_withdrawn_need_a_reason():
    with pytest.raises(PenaltyError, match="reason"):
        rules.check_transition("considered", "not_pursued", reason="  ")
    with pytest.raises(PenaltyError, match="reason"):
        rules.check_transition("issued", "withdrawn")
    rules.check_transition("issued", "prosecution")  # the prosecution is its own record


# --- The cap: two notices per parent per child in three years ----------------------------------


def test_three_years_after_counts_from_the_issue_date_and_29_february_moves_to_1_march():
    assert rules.three_years_after(date(2025, 1, 10)) == date(2028, 1, 10)
    assert rules.three_years_after(date(2024, 2, 29)) == date(2027, 3, 1)


def test_a_first_notice_is_at_the_first_rate():
    check = rules.cap_check([], date(2025, 11, 4))

    assert check.allowed and check.rate is Rate.FIRST and check.counted == ()
    assert "£80" in check.message


def test_a_second_within_three_years_of_the_first_is_at_the_higher_rate():
    check = rules.cap_check([date(2025, 1, 10)], date(2027, 6, 1))

    assert check.allowed and check.rate is Rate.SECOND
    assert check.counted == (date(2025, 1, 10),)
    assert check.clear_on == date(2028, 1, 10)
    assert "flat £160" in check.message


def test_a_third_within_three_years_is_refused_with_other_action():
    check = rules.cap_check([date(2025, 1, 10), date(2026, 3, 2)], date(2027, 12, 1))

    assert not check.allowed and check.rate is None
    assert "consider other action (e.g. prosecution)" in check.message


def test_the_three_years_end_the_day_before_the_anniversary():
    first, second = date(2025, 1, 10), date(2026, 3, 2)
    # Offence on 9 Jan 2028: still within three years of the first notice: refused.
    assert not rules.cap_check([first, second], date(2028, 1, 9)).allowed
    # On 10 Jan 2028 the first no longer counts: one counted (the second), higher rate.
    check = rules.cap_check([first, second], date(2028, 1, 10))
    assert check.allowed and check.rate is Rate.SECOND and check.counted == (second,)
    # Once neither counts, a notice is a first again.
    assert rules.cap_check([first, second], date(2029, 3, 2)).rate is Rate.FIRST


def test_a_request_already_with_the_la_holds_a_place():
    check = rules.cap_check([date(2025, 1, 10)], date(2025, 6, 1), pending=1)

    assert not check.allowed and "awaiting the LA" in check.message


# --- Amounts -------------------------------------------------------------------------------------


def test_first_rate_80_within_21_days_of_receipt_then_160_within_28():
    received = date(2025, 9, 1)

    assert rules.deadlines("first", received) == [(date(2025, 9, 22), 80), (date(2025, 9, 29), 160)]
    assert rules.amount_due("first", received, date(2025, 9, 1)) == 80
    assert rules.amount_due("first", received, date(2025, 9, 22)) == 80
    assert rules.amount_due("first", received, date(2025, 9, 23)) == 160
    assert rules.amount_due("first", received, date(2025, 9, 29)) == 160
    assert rules.amount_due("first", received, date(2025, 9, 30)) is None


def test_second_rate_is_a_flat_160_with_no_reduced_rate():
    received = date(2025, 9, 1)

    assert rules.amount_due("second", received, date(2025, 9, 2)) == 160
    assert rules.amount_due("second", received, date(2025, 9, 29)) == 160
    assert rules.amount_due("second", received, date(2025, 9, 30)) is None


def test_payment_before_receipt_is_refused():
    with pytest.raises(PenaltyError):
        rules.amount_due("first", date(2025, 9, 10), date(2025, 9, 9))


# --- Properties ----------------------------------------------------------------------------------

# A parent-child pair's offences: (days since the last offence, days from offence to issue).
offences = st.lists(
    st.tuples(st.integers(1, 500), st.integers(0, 60), st.booleans()), min_size=1, max_size=12
)


def _simulate(steps) -> list[tuple[date, date, Rate]]:
    """Run each offence through the cap at request and at issue, as the actions do: returns
    (offence date, issue date, rate) of every notice issued (a withdrawn one is dropped)."""
    offence = date(2024, 9, 2)
    issued: list[tuple[date, date, Rate]] = []
    for gap, lag, withdrawn in steps:
        offence += timedelta(days=gap)
        dates = [d for _, d, _ in issued]
        if not rules.cap_check(dates, offence).allowed:
            continue
        check = rules.cap_check(dates, offence)  # at issue: nothing else issued meanwhile
        if not withdrawn:
            issued.append((offence, offence + timedelta(days=lag), check.rate))
    return issued


@settings(max_examples=60, deadline=None)
@given(offences)
def test_never_more_than_two_notices_issued_within_any_three_years(steps):
    issue_dates = sorted(d for _, d, _ in _simulate(steps))
    for start in issue_dates:
        within = [d for d in issue_dates if start <= d < rules.three_years_after(start)]
        assert len(within) <= rules.CAP


@settings(max_examples=60, deadline=None)
@given(offences)
def test_a_notice_is_at_the_higher_rate_exactly_when_another_counts(steps):
    issued = _simulate(steps)
    for i, (offence, _, rate) in enumerate(issued):
        # The notices issued before this one (possibly after its offence date) count.
        counts = any(offence < rules.three_years_after(d) for _, d, _ in issued[:i])
        assert rate is (Rate.SECOND if counts else Rate.FIRST)


@given(
    st.sampled_from(["first", "second"]),
    st.dates(date(2024, 8, 19), date(2030, 1, 1)),
    st.integers(0, 60),
)
def test_the_amount_never_falls_with_later_payment_and_ends_at_28_days(rate, received, days):
    earlier = rules.amount_due(rate, received, received + timedelta(days=days))
    later = rules.amount_due(rate, received, received + timedelta(days=days + 1))
    if days + 1 > rules.FULL_DAYS:
        assert later is None
    else:
        assert earlier is not None and later is not None and later >= earlier


# --- Which policy stages ask for a decision ------------------------------------------------------


def test_the_policys_own_penalty_stages_are_found_by_their_task():
    from rollbook.penalties.queries import penalty_stage_keys
    from rollbook.policy.schema import load_preset

    assert penalty_stage_keys(load_preset("002_st_dunstans")) == {"penalty_notice"}
    assert penalty_stage_keys(load_preset("001_everyones_business")) == {"enforce"}
    assert penalty_stage_keys(load_preset("national")) == frozenset()

"""Hand-computed countdowns for the admission register and the deletion grounds.

Calendar (the factories' terms): Autumn 1 1 Sep-24 Oct 2025, October half-term 27-31 Oct,
Autumn 2 3 Nov-19 Dec, Christmas (25-26 Dec, 1 Jan bank holidays inside it), Spring 1 from
Mon 5 Jan 2026, ... Summer 1 13 Apr-22 May 2026 (Early May bank holiday Mon 4 May inside
it), Summer 2 from 1 Jun (the Spring bank holiday 25 May falls in half-term).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollbook.admissions import rules
from rollbook.core.calendar import ClosureDay, SchoolCalendar, Session
from rollbook.core.tests.factories import AUTUMN_2025, SPRING_SUMMER_2026

CAL = SchoolCalendar(terms=AUTUMN_2025 + SPRING_SUMMER_2026)
AM, PM = Session.AM, Session.PM


def coded(first: date, last: date, code: str, cal=CAL) -> dict:
    """Every school session from first to last marked with `code`."""
    return dict.fromkeys(cal.school_sessions(first, last), code)


# --- (a) LA new-pupil notice: 5 school days after adding to the register ----------------------


@pytest.mark.parametrize(
    ("added_on", "due"),
    [
        # Mon 10 Nov 2025: 11, 12, 13, 14, 17 Nov
        (date(2025, 11, 10), date(2025, 11, 17)),
        # Fri 24 Oct 2025, before half-term (27-31 Oct skipped): 3, 4, 5, 6, 7 Nov
        (date(2025, 10, 24), date(2025, 11, 7)),
        # Wed 22 Oct 2025: 23, 24 Oct, then 3, 4, 5 Nov
        (date(2025, 10, 22), date(2025, 11, 5)),
        # Thu 18 Dec 2025: 19 Dec, then 5, 6, 7, 8 Jan (25-26 Dec and 1 Jan are in the break)
        (date(2025, 12, 18), date(2026, 1, 8)),
        # Wed 29 Apr 2026: 30 Apr, 1 May, (Mon 4 May bank holiday) 5, 6, 7 May
        (date(2026, 4, 29), date(2026, 5, 7)),
        # Mon 18 May 2026: 19, 20, 21, 22 May, (half-term and the 25 May bank holiday) 1 Jun
        (date(2026, 5, 18), date(2026, 6, 1)),
    ],
)
def test_new_pupil_notice_is_due_five_school_days_later(added_on, due):
    assert rules.new_pupil_notice_due(CAL, added_on) == due


def test_new_pupil_notice_in_calendar_days_when_the_policy_says_so():
    assert rules.new_pupil_notice_due(CAL, date(2025, 10, 24), day_kind="calendar") == date(
        2025, 10, 29
    )


def test_an_inset_day_is_not_a_school_day_for_the_notice():
    cal = SchoolCalendar(terms=CAL.terms, closures=(ClosureDay(date(2025, 11, 12)),))
    assert rules.new_pupil_notice_due(cal, date(2025, 11, 10)) == date(2025, 11, 18)


def test_past_the_known_terms_weekdays_that_are_not_bank_holidays_stand_in():
    # Wed 22 Jul 2026 is the last day of Summer 2: 23, 24, 27, 28, 29 Jul (weekdays).
    assert rules.new_pupil_notice_due(CAL, date(2026, 7, 22)) == date(2026, 7, 29)


def test_no_notice_for_reception_at_the_start_of_the_year_only():
    assert not rules.new_pupil_notice_required(CAL, year_group="R", admitted_on=date(2025, 9, 1))
    assert rules.new_pupil_notice_required(CAL, year_group="R", admitted_on=date(2025, 11, 3))
    assert rules.new_pupil_notice_required(CAL, year_group="3", admitted_on=date(2025, 9, 1))


def test_notice_state_turns_overdue_the_day_after_it_is_due():
    due = date(2025, 11, 7)
    on_time = rules.notice_state(CAL, due_on=due, notified_on=None, today=date(2025, 11, 5))
    assert (on_time.overdue, on_time.days_left) == (False, 2)
    assert not rules.notice_state(CAL, due_on=due, notified_on=None, today=due).overdue
    late = rules.notice_state(CAL, due_on=due, notified_on=None, today=date(2025, 11, 10))
    assert (late.overdue, late.days_left) == (True, 0)
    assert rules.notice_state(CAL, due_on=due, notified_on=due, today=date(2025, 11, 10)) is None


# --- (b) Ground I: 20 consecutive school days coded only G, N or O ----------------------------


def test_ground_i_across_the_october_half_term():
    # O from Mon 13 Oct: 13-17 (5), 20-24 (10), half-term skipped, 3-7 Nov (15), 10-14 (20).
    marks = coded(date(2025, 10, 13), date(2025, 11, 14), "O")
    on_day_19 = rules.ground_i_countdown(marks, CAL, date(2025, 11, 13))
    assert (on_day_19.count, on_day_19.reached, on_day_19.days_left) == (19, False, 1)
    assert on_day_19.projected_on == date(2025, 11, 14)
    done = rules.ground_i_countdown(marks, CAL, date(2025, 11, 14))
    assert (done.count, done.reached_on, done.started_on) == (
        20,
        date(2025, 11, 14),
        date(2025, 10, 13),
    )


def test_ground_i_across_christmas_and_its_bank_holidays():
    # G then N then O from Mon 8 Dec: 8-12 (5), 15-19 Dec (10), 5-9 Jan (15), 12-16 Jan (20).
    marks = (
        coded(date(2025, 12, 8), date(2025, 12, 12), "G")
        | coded(date(2025, 12, 15), date(2025, 12, 19), "N")
        | coded(date(2026, 1, 5), date(2026, 1, 16), "O")
    )
    c = rules.ground_i_countdown(marks, CAL, date(2026, 1, 16))
    assert (c.count, c.reached_on) == (20, date(2026, 1, 16))
    early = rules.ground_i_countdown(marks, CAL, date(2025, 12, 19))
    assert (early.count, early.projected_on) == (10, date(2026, 1, 16))


def test_ground_i_across_the_early_may_bank_holiday():
    # O from Tue 21 Apr 2026: 21-24 (4), 27 Apr-1 May (9), Mon 4 May skipped, 5-8 (13),
    # 11-15 (18), 18, 19 May (20).
    marks = coded(date(2026, 4, 21), date(2026, 5, 19), "O")
    assert rules.ground_i_countdown(marks, CAL, date(2026, 5, 19)).reached_on == date(2026, 5, 19)


@pytest.mark.parametrize("breaker", ["U", "I", "/", "C"])
def test_one_session_of_another_code_starts_ground_i_again(breaker):
    marks = coded(date(2025, 10, 13), date(2025, 11, 14), "O")
    marks[(date(2025, 11, 4), PM)] = breaker
    c = rules.ground_i_countdown(marks, CAL, date(2025, 11, 14))
    assert (c.count, c.started_on, c.reached) == (8, date(2025, 11, 5), False)


def test_today_unmarked_neither_counts_nor_breaks_the_run():
    marks = coded(date(2025, 11, 3), date(2025, 11, 7), "N")
    marks[(date(2025, 11, 10), AM)] = "N"  # the afternoon register is not taken yet
    assert rules.ground_i_countdown(marks, CAL, date(2025, 11, 10)).count == 5
    marks[(date(2025, 11, 10), PM)] = "N"
    assert rules.ground_i_countdown(marks, CAL, date(2025, 11, 10)).count == 6


# --- (c) failure to return after leave: 10 school days (Ground H) ----------------------------


@pytest.mark.parametrize(
    ("ended", "due_back", "deadline"),
    [
        # Leave to Fri 24 Oct: back Mon 3 Nov (after half-term); 3-7, 10-14 Nov -> Fri 14 Nov.
        (date(2025, 10, 24), date(2025, 11, 3), date(2025, 11, 14)),
        # Leave to Fri 12 Dec: 15-19 Dec, 5-9 Jan -> Fri 9 Jan 2026.
        (date(2025, 12, 12), date(2025, 12, 15), date(2026, 1, 9)),
        # Leave to Fri 1 May 2026: Mon 4 May is a bank holiday: 5-8, 11-15, 18 May.
        (date(2026, 5, 1), date(2026, 5, 5), date(2026, 5, 18)),
    ],
)
def test_failure_to_return_deadline(ended, due_back, deadline):
    r = rules.failure_to_return({}, CAL, leave_ended_on=ended, today=ended)
    assert (r.due_back_on, r.deadline, r.school_days_missed, r.overdue) == (
        due_back,
        deadline,
        0,
        False,
    )


def test_failure_to_return_counts_missed_school_days_and_meets_ground_h_time_condition():
    ended = date(2025, 10, 24)
    marks = coded(date(2025, 11, 3), date(2025, 11, 14), "O")
    first_day = rules.failure_to_return(marks, CAL, leave_ended_on=ended, today=date(2025, 11, 3))
    assert (first_day.overdue, first_day.school_days_missed, first_day.days_left) == (True, 1, 9)
    ninth = rules.failure_to_return(marks, CAL, leave_ended_on=ended, today=date(2025, 11, 13))
    assert (ninth.school_days_missed, ninth.time_condition_met) == (9, False)
    tenth = rules.failure_to_return(marks, CAL, leave_ended_on=ended, today=date(2025, 11, 14))
    assert (tenth.school_days_missed, tenth.time_condition_met) == (10, True)


def test_a_return_stops_the_failure_to_return_clock():
    marks = coded(date(2025, 11, 3), date(2025, 11, 4), "O") | {(date(2025, 11, 5), AM): "L"}
    r = rules.failure_to_return(
        marks, CAL, leave_ended_on=date(2025, 10, 24), today=date(2025, 11, 20)
    )
    assert (r.returned_on, r.overdue, r.time_condition_met, r.days_left) == (
        date(2025, 11, 5),
        False,
        False,
        0,
    )


# --- (d) the CME check: 5 school days in a row of unexplained absence -------------------------


def test_cme_check_after_five_unexplained_days_across_half_term():
    # N on Thu 23, Fri 24 Oct, half-term, then Mon 3 Nov N, Tue 4 O (N replaced), Wed 5 N.
    marks = (
        coded(date(2025, 10, 23), date(2025, 10, 24), "N")
        | coded(date(2025, 11, 3), date(2025, 11, 3), "N")
        | coded(date(2025, 11, 4), date(2025, 11, 4), "O")
        | coded(date(2025, 11, 5), date(2025, 11, 5), "N")
    )
    c = rules.cme_check(marks, CAL, date(2025, 11, 5))
    assert (c.count, c.reached_on) == (5, date(2025, 11, 5))
    assert rules.cme_check(marks, CAL, date(2025, 11, 4)).projected_on == date(2025, 11, 5)


def test_an_explained_day_starts_the_cme_count_again():
    marks = coded(date(2025, 11, 3), date(2025, 11, 12), "N")
    marks[(date(2025, 11, 6), AM)] = "I"
    marks[(date(2025, 11, 6), PM)] = "I"
    c = rules.cme_check(marks, CAL, date(2025, 11, 12))
    assert (c.count, c.started_on, c.reached_on) == (4, date(2025, 11, 7), None)
    assert c.projected_on == date(2025, 11, 13)


def test_a_holiday_not_granted_is_not_unexplained():
    marks = coded(date(2025, 11, 3), date(2025, 11, 7), "G")
    assert rules.cme_check(marks, CAL, date(2025, 11, 7)).count == 0


# --- enquiries and deletions ------------------------------------------------------------------


def test_enquiries_need_the_school_and_the_la_since_the_absence_began():
    since = date(2025, 10, 13)
    both = [(date(2025, 10, 20), "home_visit"), (date(2025, 11, 3), "la_cme_officer")]
    assert rules.enquiries_outstanding(both, since) == []
    assert len(rules.enquiries_outstanding([(date(2025, 10, 1), "call")], since)) == 2
    assert rules.enquiries_outstanding(both[:1], since) == [rules.ENQUIRIES_NEEDED[1][1]]


def _facts(**kw) -> rules.DeletionFacts:
    base = {
        "ground": "moved_away",
        "today": date(2025, 11, 14),
        "ground_met_on": date(2025, 11, 14),
        "removed_on": date(2025, 11, 14),
        "la_notified_on": date(2025, 11, 14),
        "evidence": "Tenancy ended; new address in Leeds",
    }
    return rules.DeletionFacts(**(base | kw))


def test_a_deletion_with_its_ground_met_and_the_la_told_is_allowed():
    assert rules.deletion_problems(_facts()) == []


def test_a_deletion_is_never_backdated_and_the_la_is_told_first():
    problems = rules.deletion_problems(_facts(removed_on=date(2025, 11, 13), la_notified_on=None))
    assert any("never backdated" in p for p in problems)
    assert any("Tell the LA first" in p for p in problems)
    late = rules.deletion_problems(
        _facts(removed_on=date(2025, 11, 17), la_notified_on=date(2025, 11, 18))
    )
    assert late == ["The LA must be told no later than the date of removal."]
    assert rules.deletion_problems(_facts(la_notified_on=None, transition_point=True)) == []


def test_ground_i_is_refused_with_a_reason_until_met():
    marks = coded(date(2025, 10, 13), date(2025, 11, 14), "O")
    not_yet = rules.ground_i_countdown(marks, CAL, date(2025, 11, 13))
    problems = rules.deletion_problems(
        _facts(
            ground="ground_i",
            today=date(2025, 11, 13),
            ground_met_on=date(2025, 11, 13),
            removed_on=date(2025, 11, 13),
            la_notified_on=date(2025, 11, 13),
            ground_i=not_yet,
            outstanding_enquiries=("x",),
        )
    )
    assert problems[0].startswith("Ground I is not met: 19 consecutive school days")
    assert "Still needed: x." in problems
    assert any("sickness" in p for p in problems)
    met = rules.ground_i_countdown(marks, CAL, date(2025, 11, 14))
    assert (
        rules.deletion_problems(
            _facts(ground="ground_i", ground_i=met, no_sickness_or_unavoidable_cause=True)
        )
        == []
    )


def test_ground_h_needs_ten_school_days_after_the_leave():
    ended = date(2025, 10, 24)
    marks = coded(date(2025, 11, 3), date(2025, 11, 14), "O")
    early = rules.failure_to_return(marks, CAL, leave_ended_on=ended, today=date(2025, 11, 13))
    problems = rules.deletion_problems(
        _facts(
            ground="ground_h",
            today=date(2025, 11, 13),
            ground_met_on=date(2025, 11, 13),
            removed_on=date(2025, 11, 13),
            la_notified_on=date(2025, 11, 13),
            failure_to_return=early,
            no_sickness_or_unavoidable_cause=True,
        )
    )
    assert problems == [
        "Ground H is not met: the pupil has missed 9 school days since the leave ended on "
        "24 October 2025; the ground is met after 10 (14 November 2025)."
    ]
    met = rules.failure_to_return(marks, CAL, leave_ended_on=ended, today=date(2025, 11, 14))
    assert (
        rules.deletion_problems(
            _facts(ground="ground_h", failure_to_return=met, no_sickness_or_unavoidable_cause=True)
        )
        == []
    )


def test_home_education_needs_the_written_notice_and_no_school_attendance_order():
    assert rules.deletion_problems(_facts(ground="home_education"))[0].startswith(
        "Record the parent's written notice"
    )
    assert rules.deletion_problems(
        _facts(ground="home_education", ehe_from=date(2025, 11, 17))
    ) == ["The pupil is home educated from 17 November 2025: delete on or after it."]
    assert (
        "school attendance order"
        in rules.deletion_problems(
            _facts(
                ground="home_education", ehe_from=date(2025, 11, 14), school_attendance_order=True
            )
        )[0]
    )


# --- LA returns ------------------------------------------------------------------------------


def test_irregular_attendance_is_persistent_absence_on_whole_numbers():
    assert rules.is_irregular(10, 100)
    assert not rules.is_irregular(9, 99)  # 9.09 %
    assert not rules.is_irregular(0, 0)


def test_continuous_absence_runs_for_the_return_include_u_and_reach_back():
    marks = coded(date(2025, 10, 20), date(2025, 10, 24), "U") | coded(
        date(2025, 11, 3), date(2025, 11, 7), "G"
    )
    found = rules.continuous_absence_runs(marks, CAL, date(2025, 11, 1), date(2025, 11, 30))
    assert [(r[0], r[-1], len(r)) for r in found] == [(date(2025, 10, 20), date(2025, 11, 7), 10)]
    assert rules.continuous_absence_runs(marks, CAL, date(2025, 11, 10), date(2025, 11, 30)) == []


# --- properties ------------------------------------------------------------------------------

DAYS = CAL.school_days(date(2025, 9, 1), date(2026, 2, 13))
CODES = st.sampled_from(["/", "O", "N", "G", "U", "I"])


@st.composite
def mark_sets(draw):
    start = draw(st.integers(0, len(DAYS) - 40))
    days = DAYS[start : start + draw(st.integers(1, 40))]
    return {(d, s): draw(CODES) for d in days for s in (AM, PM)}, days[-1]


@settings(max_examples=60, deadline=None)
@given(mark_sets())
def test_runs_count_only_school_days_and_are_consecutive(case):
    marks, today = case
    for countdown in (
        rules.ground_i_countdown(marks, CAL, today),
        rules.cme_check(marks, CAL, today),
    ):
        assert all(CAL.is_school_day(d) for d in countdown.days)
        if countdown.days:
            span = CAL.school_days(countdown.days[0], countdown.days[-1])
            assert list(countdown.days) == span
        if countdown.reached_on:
            assert countdown.reached_on == countdown.days[countdown.threshold - 1]
        elif countdown.projected_on:
            assert CAL.is_school_day(countdown.projected_on)


@settings(max_examples=60, deadline=None)
@given(mark_sets())
def test_another_absent_day_adds_exactly_one(case):
    """Monotonic: marking the next school day G/N/O adds one to the run; never two."""
    marks, today = case
    before = rules.ground_i_countdown(marks, CAL, today).count
    nxt = rules.nth_school_day_after(CAL, today, 1)
    more = marks | {(nxt, AM): "O", (nxt, PM): "N"}
    assert rules.ground_i_countdown(more, CAL, nxt).count == before + 1
    # ... and an attended day resets it to zero, whatever came before.
    back = more | {(nxt, AM): "/"}
    assert rules.ground_i_countdown(back, CAL, nxt).count == 0


@settings(max_examples=40, deadline=None)
@given(st.sampled_from(DAYS), st.integers(1, 25))
def test_nth_school_day_after_lands_on_a_school_day_n_days_on(start, n):
    due = rules.nth_school_day_after(CAL, start, n)
    assert CAL.is_school_day(due)
    assert rules.school_days_between(CAL, start + timedelta(days=1), due) == n


# --- S002-103: a place not taken up --------------------------------------------------------


def test_place_not_taken_up_after_the_grace_days_once_registers_show_no_attendance():
    admitted = date(2025, 10, 23)  # Thu; grace 2 school days: Fri 24 Oct, (half-term) Mon 3 Nov
    marks = coded(admitted, date(2025, 11, 3), "N")
    check = rules.place_not_taken_up
    assert check(marks, CAL, admitted_on=admitted, today=date(2025, 10, 31), grace_days=2) is None
    assert check(marks, CAL, admitted_on=admitted, today=date(2025, 11, 3), grace_days=2) == date(
        2025, 11, 3
    )
    assert check({}, CAL, admitted_on=admitted, today=date(2025, 11, 3), grace_days=2) is None
    came = marks | {(date(2025, 10, 24), AM): "/"}
    assert check(came, CAL, admitted_on=admitted, today=date(2025, 11, 3), grace_days=2) is None
    assert check(marks, CAL, admitted_on=admitted, today=admitted, grace_days=0) == admitted

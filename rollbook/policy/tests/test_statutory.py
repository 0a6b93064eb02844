"""Statutory triggers with hand-computed dates (domain reference, Example 4 and §7)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rollbook.core.calendar import SchoolCalendar, Session, TermDates
from rollbook.policy.statutory import (
    continuous_unauthorised_absence,
    current_run,
    deletion_ground_i_countdown,
    missing_education_concern,
    penalty_notice_threshold,
)

AM, PM = Session.AM, Session.PM
CALENDAR = SchoolCalendar(
    terms=(
        TermDates("Summer 2 2025", date(2025, 6, 2), date(2025, 7, 18)),
        TermDates("Autumn 1", date(2025, 9, 1), date(2025, 10, 24)),
        TermDates("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
        TermDates("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
    )
)
SESSIONS = CALENDAR.school_sessions()


def both(day: date, code: str) -> dict:
    return {(day, AM): code, (day, PM): code}


def case_a() -> dict:
    marks = {(date(2025, 10, 14), AM): "U", (date(2025, 10, 15), AM): "U"}
    marks |= both(date(2025, 10, 23), "G") | both(date(2025, 10, 24), "G")
    marks |= both(date(2025, 11, 3), "G") | both(date(2025, 11, 4), "G")
    return marks


def test_example_4a_threshold_is_met_across_half_term_on_tuesday_pm():
    alert = penalty_notice_threshold(case_a(), SESSIONS, date(2025, 11, 7))

    assert alert is not None
    assert alert.met_on == (date(2025, 11, 4), PM)
    assert len(alert.evidence) == 10
    assert "reached on Tue 4 Nov 2025 PM" in alert.explanation


def test_example_4a_not_yet_met_on_monday():
    assert penalty_notice_threshold(case_a(), SESSIONS, date(2025, 11, 3)) is None


def test_example_4b_the_christmas_weeks_are_skipped_and_mid_october_drops_out():
    marks = case_a()
    del marks[(date(2025, 11, 4), PM)]  # only 3 x G in w/c 3 Nov: 9 in all
    marks[(date(2026, 1, 12), AM)] = "U"

    assert penalty_notice_threshold(marks, SESSIONS, date(2025, 12, 19)) is None
    assert penalty_notice_threshold(marks, SESSIONS, date(2026, 1, 12)) is None  # 4 + 3 + 1 = 8


def test_the_window_reaches_back_over_the_summer_holiday():
    marks = {}
    for day in (date(2025, 7, 14), date(2025, 7, 15), date(2025, 7, 16)):
        marks |= both(day, "O")
    for day in (date(2025, 9, 1), date(2025, 9, 2)):
        marks |= both(day, "O")

    alert = penalty_notice_threshold(marks, SESSIONS, date(2025, 9, 5))

    assert alert is not None and alert.met_on == (date(2025, 9, 2), PM)


def test_n_and_authorised_codes_do_not_count_towards_a_penalty_notice_by_default():
    marks = {}
    for i in range(5):
        marks |= both(date(2025, 9, 8) + timedelta(days=i), "N" if i % 2 else "I")

    assert penalty_notice_threshold(marks, SESSIONS, date(2025, 9, 12)) is None
    assert (
        penalty_notice_threshold(marks, SESSIONS, date(2025, 9, 12), codes=frozenset("NGOU"))
        is None
    )  # 4 N
    marks |= (
        both(date(2025, 9, 15), "N") | both(date(2025, 9, 16), "N") | both(date(2025, 9, 17), "N")
    )
    assert (
        penalty_notice_threshold(marks, SESSIONS, date(2025, 9, 16), codes=frozenset("NGOU"))
        is None
    )  # 8
    assert (
        penalty_notice_threshold(marks, SESSIONS, date(2025, 9, 17), codes=frozenset("NGOU"))
        is not None
    )


def test_ten_continuous_days_of_unauthorised_absence_up_to_christmas():
    # 8 Dec - 19 Dec 2025: 10 school days mixing N, O and G.
    marks = {}
    day = date(2025, 12, 8)
    while day <= date(2025, 12, 19):
        if day.weekday() < 5:
            marks |= both(day, "GON"[day.day % 3])
        day += timedelta(days=1)

    assert continuous_unauthorised_absence(marks, SESSIONS, date(2025, 12, 18)) is None  # 9 days
    alert = continuous_unauthorised_absence(marks, SESSIONS, date(2025, 12, 19))
    assert alert is not None and "10 consecutive school days" in alert.explanation
    assert alert.evidence[0] == (date(2025, 12, 8), AM)


def test_one_present_session_breaks_a_continuous_run():
    marks = {}
    for i in range(12):
        day = date(2025, 9, 1) + timedelta(days=i)
        if day.weekday() < 5:
            marks |= both(day, "O")
    marks[(date(2025, 9, 8), PM)] = "L"

    assert continuous_unauthorised_absence(marks, SESSIONS, date(2025, 9, 12)) is None
    assert current_run(marks, SESSIONS, date(2025, 9, 12), frozenset("O")) == [
        date(2025, 9, 9) + timedelta(days=i) for i in range(4)
    ]


def test_five_days_of_unexplained_absence_raise_a_cme_concern_and_runs_span_half_term():
    marks = (
        both(date(2025, 10, 22), "N")
        | both(date(2025, 10, 23), "N")
        | both(date(2025, 10, 24), "N")
    )
    marks |= both(date(2025, 11, 3), "N")

    assert missing_education_concern(marks, SESSIONS, date(2025, 11, 3)) is None
    marks |= both(date(2025, 11, 4), "N")
    alert = missing_education_concern(marks, SESSIONS, date(2025, 11, 4))
    assert alert is not None and "5 consecutive school days" in alert.explanation


def test_a_cme_run_is_not_broken_when_the_office_turns_n_into_o():
    marks = both(date(2025, 10, 20), "O") | both(date(2025, 10, 21), "O")
    marks |= both(date(2025, 10, 22), "N") | both(date(2025, 10, 23), "N")
    assert missing_education_concern(marks, SESSIONS, date(2025, 10, 23)) is None
    marks |= both(date(2025, 10, 24), "N")
    assert missing_education_concern(marks, SESSIONS, date(2025, 10, 24)) is not None
    marks |= both(date(2025, 10, 20), "/")  # a day present breaks the run
    assert missing_education_concern(marks, SESSIONS, date(2025, 10, 24)) is None


def test_deletion_ground_i_counts_down_twenty_days_of_g_n_or_o_only():
    marks = {}
    days = [d for d, s in SESSIONS if s is AM and d >= date(2025, 11, 3)][:20]
    for i, day in enumerate(days):
        marks |= both(day, "GNO"[i % 3])

    midway = deletion_ground_i_countdown(marks, SESSIONS, days[9])
    assert (midway.days_so_far, midway.days_left, midway.reached) == (10, 10, False)
    assert deletion_ground_i_countdown(marks, SESSIONS, days[19]).reached
    marks |= both(days[5], "U")  # U is not a ground I code: the run restarts after it
    assert deletion_ground_i_countdown(marks, SESSIONS, days[19]).days_so_far == 14


def test_nothing_after_as_of_is_read():
    marks = case_a()

    assert penalty_notice_threshold(marks, SESSIONS, date(2025, 10, 1)) is None


@given(st.lists(st.sampled_from(["/", "O", "G", "U", "I", "N"]), min_size=1, max_size=80))
def test_the_threshold_alert_always_has_at_least_ten_qualifying_sessions(codes):
    keys = SESSIONS[: len(codes)]
    marks = dict(zip(keys, codes, strict=True))

    alert = penalty_notice_threshold(marks, SESSIONS, keys[-1][0])

    qualifying = sum(c in "GOU" for c in codes)
    if alert is not None:
        assert len(alert.evidence) >= 10 and all(marks[k] in "GOU" for k in alert.evidence)
    else:
        assert qualifying < 10 or len({k[0] - timedelta(days=k[0].weekday()) for k in keys}) > 10


def test_a_bank_holiday_does_not_break_or_lengthen_a_run_of_absence():
    calendar = SchoolCalendar(terms=(TermDates("Summer 1", date(2026, 4, 13), date(2026, 5, 22)),))
    sessions = calendar.school_sessions()
    # Mon 27 Apr to Mon 11 May 2026 is 10 school days: Mon 4 May is the Early May bank holiday.
    marks = {}
    for day, session in sessions:
        if date(2026, 4, 27) <= day <= date(2026, 5, 11):
            marks[(day, session)] = "O"

    alert = continuous_unauthorised_absence(marks, sessions, date(2026, 5, 11))

    assert alert is not None and alert.explanation.startswith("10 consecutive school days")
    assert (date(2026, 5, 4), AM) not in alert.evidence
    assert continuous_unauthorised_absence(marks, sessions, date(2026, 5, 8)) is None  # 9 days


def test_the_penalty_window_for_a_pupil_admitted_mid_year_counts_only_their_own_sessions():
    # Admitted Mon 3 Nov: no marks before then, so the window holds only what happened since.
    marks = (
        both(date(2025, 11, 3), "G") | both(date(2025, 11, 4), "G") | both(date(2025, 11, 5), "O")
    )
    marks |= both(date(2025, 11, 6), "U") | both(date(2025, 11, 7), "O")

    alert = penalty_notice_threshold(marks, SESSIONS, date(2025, 11, 7))

    assert alert is not None and alert.met_on == (date(2025, 11, 7), PM)


def test_the_latest_unauthorised_holiday_spell_runs_across_a_weekend():
    from rollbook.policy.statutory import unauthorised_holiday

    marks = both(date(2025, 9, 10), "G")  # an earlier one-day spell
    marks |= (
        both(date(2025, 10, 16), "G")
        | both(date(2025, 10, 17), "G")
        | both(date(2025, 10, 20), "G")
    )

    alert = unauthorised_holiday(marks, SESSIONS, date(2025, 10, 24))

    assert (
        alert is not None
        and alert.evidence[0] == (date(2025, 10, 16), AM)
        and len(alert.evidence) == 6
    )
    assert "6 sessions from Thu 16 Oct 2025" in alert.explanation
    assert unauthorised_holiday(both(date(2025, 9, 10), "O"), SESSIONS, date(2025, 10, 24)) is None

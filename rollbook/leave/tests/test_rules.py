"""Pure rules, with figures worked out by hand."""

from datetime import date

import pytest

from rollbook.core.calendar import SchoolCalendar, Session
from rollbook.core.tests.factories import AUTUMN_2025, SPRING_SUMMER_2026
from rollbook.leave import rules
from rollbook.registers.rules import Tally

CALENDAR = SchoolCalendar(terms=AUTUMN_2025 + SPRING_SUMMER_2026)
AM, PM = Session.AM, Session.PM


def test_figures_after_tips_a_pupil_into_persistent_absence():
    # 19 of 20 attended (95 %; 1 x 10 = 10 < 20: not PA). Six requested sessions authorised:
    # possible 26, absent 7; 7 x 10 = 70 >= 26, so PA; attendance 19/26 = 73.1 %.
    now = Tally(attended=19, unauthorised=1)
    after = rules.figures_after(now, 6)
    assert (after.attended, after.authorised, after.unauthorised, after.possible) == (19, 6, 1, 26)
    assert not now.persistent_absence and after.persistent_absence
    assert float(after.attendance_rate) == pytest.approx(100 * 19 / 26)


def test_figures_after_stays_below_persistent_absence():
    # 90 of 90; six sessions away: 6 x 10 = 60 < 96, not PA; 90/96 = 93.75 %.
    after = rules.figures_after(Tally(attended=90), 6)
    assert after.possible == 96 and not after.persistent_absence
    assert after.attendance_rate == 9375 / 100


def test_figures_after_replaces_marks_already_recorded():
    # A requested session already marked present moves from attended to authorised.
    after = rules.figures_after(Tally(attended=10), 1, [(date(2025, 11, 17), "/")])
    assert (after.attended, after.authorised, after.possible) == (9, 2, 11)


def test_retrospective_means_the_leave_began_before_the_request():
    assert rules.is_retrospective(date(2025, 11, 18), date(2025, 11, 17))
    assert not rules.is_retrospective(date(2025, 11, 17), date(2025, 11, 17))
    assert not rules.is_retrospective(date(2025, 11, 10), date(2025, 11, 17))


@pytest.mark.parametrize(
    "reason, code",
    [
        ("exceptional", "C"),
        ("performance", "C1"),
        ("interview", "J1"),
        ("study", "S"),
        ("medical", "M"),
    ],
)
def test_the_code_for_granted_leave_follows_the_reason(reason, code):
    assert rules.granted_code(reason) == code


def test_a_holiday_is_never_authorised_except_as_exceptional_circumstances():
    with pytest.raises(rules.LeaveRuleError):
        rules.granted_code("holiday")
    assert rules.granted_code("holiday", exceptional=True) == "C"


def test_refused_leave_taken_is_g_for_a_holiday_and_o_otherwise():
    assert rules.unauthorised_code("holiday") == "G"
    assert [rules.unauthorised_code(r) for r in ("exceptional", "medical")] == ["O", "O"]


def test_sessions_straddling_half_term_count_school_sessions_only():
    # Fri 24 Oct (afternoon) to Mon 3 Nov (morning): half-term week 27-31 Oct between.
    got = rules.sessions_between(CALENDAR, date(2025, 10, 24), "PM", date(2025, 11, 3), "AM")
    assert got == [(date(2025, 10, 24), PM), (date(2025, 11, 3), AM)]


def test_sessions_skip_a_bank_holiday():
    # Fri 1 May to Tue 5 May 2026: Monday 4 May is the early May bank holiday.
    got = rules.sessions_between(CALENDAR, date(2026, 5, 1), "AM", date(2026, 5, 5), "PM")
    assert got == [
        (date(2026, 5, 1), AM),
        (date(2026, 5, 1), PM),
        (date(2026, 5, 5), AM),
        (date(2026, 5, 5), PM),
    ]


def test_granted_in_part_must_lie_inside_the_request():
    requested = (date(2025, 11, 17), "AM", date(2025, 11, 19), "PM")
    assert (
        rules.check_granted_range(requested, (date(2025, 11, 17), "PM", date(2025, 11, 18), "PM"))
        is None
    )
    assert rules.check_granted_range(
        requested, (date(2025, 11, 14), "AM", date(2025, 11, 18), "PM")
    )
    assert rules.check_range(date(2025, 11, 17), "PM", date(2025, 11, 17), "AM")


def test_only_the_authorised_role_or_the_head_decides():
    assert rules.may_decide({"attendance_lead"}, "attendance_lead")
    assert rules.may_decide({"head"}, "attendance_lead")
    assert not rules.may_decide({"office", "attendance_lead"}, "head")


def test_part_time_sessions_and_their_code_by_age():
    # Monday and Wednesday afternoons, 10-21 Nov 2025: 4 sessions.
    got = rules.part_time_sessions(
        CALENDAR, date(2025, 11, 10), date(2025, 11, 21), ["Mon PM", "Wed PM"]
    )
    assert got == [(date(2025, 11, d), PM) for d in (10, 12, 17, 19)]
    assert rules.part_time_code(date(2018, 1, 15), date(2025, 11, 10)) == "C2"
    # Born June 2021: five in June 2026, so not of compulsory school age in November 2025.
    assert rules.part_time_code(date(2021, 6, 1), date(2025, 11, 10)) == "X"


def test_part_time_findings_overrun_and_unreviewed():
    kw = {
        "start": date(2025, 9, 1),
        "end": date(2025, 11, 28),
        "active": True,
        "last_reviewed_on": None,
    }
    assert rules.part_time_findings(**kw, as_of=date(2025, 10, 13)) == []  # exactly 6 weeks
    assert [f.kind for f in rules.part_time_findings(**kw, as_of=date(2025, 10, 14))] == [
        "part_time_unreviewed"
    ]
    reviewed = kw | {"last_reviewed_on": date(2025, 11, 1)}
    assert [f.kind for f in rules.part_time_findings(**reviewed, as_of=date(2025, 12, 1))] == [
        "part_time_overrun"
    ]
    assert rules.part_time_findings(**kw | {"active": False}, as_of=date(2026, 1, 5)) == []

"""Pure rules for meetings, plans, tasks, caseload caps and the weekly tracker (no database)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollbook.casework import rules
from rollbook.casework.rules import CaseError, TaskDue
from rollbook.core.calendar import TermDates
from rollbook.core.models import Role
from rollbook.policy.schema import load_preset
from rollbook.registers.rules import Tally

HALF_TERMS = (
    TermDates("Autumn 1", date(2025, 9, 1), date(2025, 10, 24)),
    TermDates("Autumn 2", date(2025, 11, 3), date(2025, 12, 19)),
    TermDates("Spring 1", date(2026, 1, 5), date(2026, 2, 13)),
)


def test_the_impact_chart_figures_match_seed_003():
    """S003-67: 90 % of a 190-day year is 19 days lost; 10 minutes late a day is about 32 hours."""
    assert rules.days_lost(Decimal(90)) == 19
    assert rules.days_lost(Decimal(100)) == 0
    assert round(rules.hours_lost_to_lateness(10)) == 32  # 1,900 minutes = 31.67 hours


def test_the_comparison_child_is_strictly_above_96_and_only_sums_leave():
    at_96 = Tally(attended=96, authorised=4)  # exactly 96 %: not "above 96 %"
    above = Tally(attended=97, authorised=3)
    also = Tally(attended=193, unauthorised=7)  # 96.5 %
    low = Tally(attended=80, unauthorised=20)

    pupil_b = rules.comparison([at_96, above, also, low])

    assert pupil_b == above + also
    assert not rules.above_line(0, 0, Decimal(96))


@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 20)), max_size=12))
def test_pupil_b_is_always_above_the_line_when_anyone_is(rows):
    tallies = [Tally(attended=a, unauthorised=u) for a, u in rows]

    pupil_b = rules.comparison(tallies)

    if pupil_b.possible:
        assert pupil_b.attended * 100 > 96 * pupil_b.possible


def test_the_review_falls_at_the_end_of_the_monitoring_period():
    assert rules.review_date(date(2026, 11, 23), 6) == date(2027, 1, 4)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"attendees": " "}, "who attended"),
        ({"barriers": ""}, "barriers"),
        ({"support": ["pony"]}, "Unknown support"),
        ({"held_on": date(2026, 11, 24)}, "before it is held"),
        ({"review_on": date(2026, 11, 23)}, "after the meeting"),
        ({"target_pct": Decimal(101)}, "percentage"),
    ],
)
def test_a_meeting_needs_the_forms_fields(change, message):
    fields = {
        "attendees": "Mum\nMrs Head",
        "barriers": "Morning routine",
        "support": ["morning_call", "walking_bus"],
        "held_on": date(2026, 11, 23),
        "review_on": date(2027, 1, 4),
        "target_pct": Decimal(96),
        "today": date(2026, 11, 23),
    }
    rules.check_meeting(**fields)  # as given, it is fine

    with pytest.raises(CaseError, match=message):
        rules.check_meeting(**(fields | change))


def test_a_task_appears_on_its_due_date_and_stays_until_done():
    monday, wednesday, friday = date(2026, 11, 23), date(2026, 11, 25), date(2026, 11, 27)
    tasks = [
        TaskDue(1, wednesday, False),
        TaskDue(2, date(2026, 11, 20), False),  # last Friday: overdue
        TaskDue(3, monday, True),  # done
        TaskDue(4, date(2026, 11, 30), False),  # next week
    ]

    on_monday = rules.due_now_and_this_week(tasks, monday)
    on_wednesday = rules.due_now_and_this_week(tasks, wednesday)
    on_friday = rules.due_now_and_this_week(tasks, friday)

    assert [[t.task_id for t in part] for part in on_monday] == [[2], [1]]
    assert [[t.task_id for t in part] for part in on_wednesday] == [[2, 1], []]
    assert [[t.task_id for t in part] for part in on_friday] == [[2, 1], []]
    assert rules.week_of(wednesday) == (monday, date(2026, 11, 29))


def test_caps_count_allocations_open_in_the_half_term():
    first, last = rules.cap_period("half_term", date(2025, 11, 10), HALF_TERMS)
    spells = [
        (date(2025, 9, 5), date(2025, 11, 4)),  # handed back in Autumn 2: still counts
        (date(2025, 9, 5), date(2025, 10, 20)),  # ended in Autumn 1
        (date(2025, 11, 3), None),
        (date(2025, 12, 1), None),  # later in the half term
        (date(2026, 1, 5), None),  # next half term
    ]

    assert (first, last) == (date(2025, 11, 3), date(2025, 12, 19))
    assert rules.families_held(spells, first, last) == 3


def test_cap_periods_for_holidays_terms_and_years():
    # In the October holiday, families are allocated for the half term ahead.
    assert rules.cap_period("half_term", date(2025, 10, 29), HALF_TERMS)[0] == date(2025, 11, 3)
    assert rules.cap_period("term", date(2025, 10, 1), HALF_TERMS) == (
        date(2025, 9, 1),
        date(2025, 12, 19),
    )
    assert rules.cap_period("year", date(2026, 3, 1), HALF_TERMS) == (
        date(2025, 8, 1),
        date(2026, 7, 31),
    )


def test_a_sixth_family_for_an_attendance_officer_warns():
    assert rules.cap_warning(held=4, cap=5, holder="ao", caseload="AO families") == ""
    warning = rules.cap_warning(held=5, cap=5, holder="ao", caseload="AO families")
    assert "cap is 5" in warning and "family 6" in warning
    assert rules.cap_warning(held=50, cap=None, holder="ao", caseload="") == ""


def test_preset_003_caps_map_onto_rollbook_roles():
    caseloads = load_preset("003_woodside").caseloads

    caps = {c.key: (c.role, c.max_families, c.per) for c in caseloads}

    assert caps == {
        "ao": (Role.OFFICE, 5, "half_term"),
        "headship": (Role.HEAD, 6, "half_term"),
        "aht": (Role.HEAD, 2, "half_term"),
        "ygl": (Role.TEACHER, 2, "half_term"),
    }
    assert [c.key for c in rules.caseloads_for(caseloads, {Role.HEAD})] == ["headship", "aht"]
    assert rules.caseloads_for(caseloads, {Role.DSL}) == []


def test_teachers_read_their_own_pupils_timelines_only_and_never_safeguarding():
    assert rules.may_read_timeline({Role.TEACHER}, teaches_pupil=True)
    assert not rules.may_read_timeline({Role.TEACHER}, teaches_pupil=False)
    assert not rules.may_read_timeline({Role.GOVERNOR}, teaches_pupil=True)
    assert rules.may_read_timeline({Role.SENCO}, teaches_pupil=False)
    assert not rules.may_read_safeguarding({Role.TEACHER}, superuser=False)
    assert rules.may_read_safeguarding({Role.DSL}, superuser=False)


def test_saving_the_tracker_adds_and_clears_only_the_differences():
    before = {(1, "letter"), (1, "call"), (2, "home_visit")}
    after = {(1, "letter"), (2, "home_visit"), (2, "meeting")}

    assert rules.tick_changes(before, after) == ({(2, "meeting")}, {(1, "call")})
    assert rules.tick_changes(after, after) == (set(), set())

"""Pure rules: ordering, filtering, visibility, who may read and write."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from rollbook.casework import rules
from rollbook.casework.rules import CaseError, TimelineEvent
from rollbook.core.models import Role


def ev(hour: int, kind: str = "case", title: str = "x", **kw) -> TimelineEvent:
    return TimelineEvent(at=datetime(2026, 11, 23, hour, tzinfo=UTC), kind=kind, title=title, **kw)


def test_events_are_ordered_newest_first_with_a_stable_tie_break():
    a, b, c, d = ev(9), ev(11), ev(10, "note", "b"), ev(10, "note", "a")

    assert rules.order_events([a, b, c, d]) == [b, c, d, a]
    assert rules.order_events([d, c, b, a]) == [b, c, d, a]


def test_filtering_by_kind_keeps_only_the_chosen_kinds_and_none_chosen_keeps_all():
    events = [ev(9, "alert"), ev(10, "note"), ev(11, "contact")]

    assert rules.filter_events(events, ["note", "contact"]) == events[1:]
    assert rules.filter_events(events, []) == events
    assert rules.filter_events(events, ["nonsense"]) == events


def test_safeguarding_events_are_dropped_unless_the_reader_may_see_them():
    events = [ev(9, "note", safeguarding=True), ev(10, "note")]

    assert rules.visible_events(events, safeguarding=False) == [events[1]]
    assert rules.visible_events(events, safeguarding=True) == events


@pytest.mark.parametrize(
    ("roles", "superuser", "allowed"),
    [
        ({Role.DSL}, False, True),
        ({Role.HEAD}, False, False),
        ({Role.OFFICE, Role.ATTENDANCE_LEAD}, False, False),
        ({Role.ADMIN}, False, False),
        ({Role.SENCO}, False, False),
        ({Role.ADMIN}, True, True),
    ],
)
def test_only_the_dsl_and_a_superuser_read_safeguarding_notes(roles, superuser, allowed):
    assert rules.may_read_safeguarding(roles, superuser=superuser) is allowed


def test_read_and_write_roles():
    assert rules.may_read({Role.SENCO}) and not rules.may_write({Role.SENCO})
    assert rules.may_write({Role.DSL}) and rules.may_write({Role.OFFICE})
    assert not rules.may_read({Role.TEACHER}) and not rules.may_read({Role.GOVERNOR})


def test_opening_and_closing_need_a_reason_and_the_right_state():
    with pytest.raises(CaseError, match="already has an open case"):
        rules.check_can_open(has_open_case=True, reason="x")
    with pytest.raises(CaseError, match="reason"):
        rules.check_can_open(has_open_case=False, reason="  ")
    with pytest.raises(CaseError, match="already closed"):
        rules.check_can_close(is_open=False, reason="x")
    rules.check_can_open(has_open_case=False, reason="x")
    rules.check_can_close(is_open=True, reason="x")


def test_audit_rows_shown_elsewhere_are_not_repeated_and_others_are_described():
    assert not rules.audit_is_shown("message.sent")
    assert not rules.audit_is_shown("safeguarding_note.read")
    assert not rules.audit_is_shown("case.note_added")
    assert rules.audit_is_shown("mark.changed")

    kind, title, detail = rules.describe_audit(
        "mark.changed", "Phoned in", {"date": "2026-11-20", "session": "AM", "old": "O", "new": "I"}
    )

    assert (kind, title, detail) == (
        "attendance",
        "Mark changed",
        "2026-11-20 AM: O to I; Phoned in",
    )

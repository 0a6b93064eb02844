"""Pure rules for parents' absence reports."""

from datetime import date, timedelta

import pytest

from rollbook.absences import rules

TODAY = date(2026, 11, 23)


def check(**kw):
    args = {
        "today": TODAY,
        "first": TODAY,
        "first_session": "AM",
        "last": TODAY,
        "last_session": "PM",
        "reason": "illness",
        "details": "",
    } | kw
    return rules.check_report(**args)


def test_today_and_future_days_are_accepted():
    assert check() is None
    assert check(first=TODAY + timedelta(days=3), last=TODAY + timedelta(days=4)) is None
    assert check(first_session="PM") is None  # from the afternoon today
    assert check(last_session="AM") is None  # the morning only


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"first": TODAY - timedelta(days=1)}, "first_date"),  # reports are not retrospective
        ({"last": TODAY - timedelta(days=1)}, "last_date"),
        ({"first_session": "PM", "last_session": "AM"}, "last_session"),
        ({"last": TODAY + timedelta(days=rules.MAX_DAYS_AHEAD + 1)}, "last_date"),
        ({"reason": "holiday"}, "reason"),  # a holiday is a leave request
        ({"reason": "other"}, "details"),  # "something else" needs words
        ({"details": "x" * (rules.MAX_DETAILS + 1)}, "details"),
    ],
)
def test_problems_name_the_field(kw, field):
    assert check(**kw)[0] == field


def test_the_default_code_follows_the_reason():
    assert rules.default_code("illness") == "I"
    assert rules.default_code("medical") == "M"
    assert rules.default_code("other") == ""  # the office chooses
    assert [c for c, _ in rules.ACCEPT_CODES] == ["I", "M", "C", "O"]


def test_a_report_covers_the_sessions_between_its_first_and_last_inclusive():
    from rollbook.absences.rules import covers

    mon, tue, wed = date(2026, 11, 23), date(2026, 11, 24), date(2026, 11, 25)
    span = {"first": mon, "first_session": "PM", "last": wed, "last_session": "AM"}
    assert not covers(**span, day=mon, session="AM")
    assert covers(**span, day=mon, session="PM")
    assert covers(**span, day=tue, session="AM") and covers(**span, day=tue, session="PM")
    assert covers(**span, day=wed, session="AM")
    assert not covers(**span, day=wed, session="PM")

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


# --- Recording a reason: never-acceptable reasons and evidence (S002-68/69/70) ---------------


def code_for(code="", reason_key="", evidence="", flagged=False):
    return rules.reason_code(
        code=code, reason_key=reason_key, evidence=evidence, evidence_required=flagged
    )


@pytest.mark.parametrize(
    ("key", "code"),
    [
        ("birthday", "O"),
        ("uniform", "O"),
        ("haircut", "O"),
        ("sibling_inset", "O"),
        ("overslept", "O"),
        ("well_enough", "O"),
        ("unauthorised_leave", "G"),  # DfE: holiday not granted is G
    ],
)
def test_each_never_acceptable_reason_sets_its_unauthorised_code_by_itself(key, code):
    assert code_for(reason_key=key) == (code, None)
    assert code_for(code=code, reason_key=key) == (code, None)


def test_every_never_acceptable_reason_maps_to_an_unauthorised_code():
    from rollbook.registers.codes import Stat, stat_of

    assert {stat_of(c, TODAY) for _, _, c in rules.NEVER_ACCEPTABLE} == {Stat.UNAUTHORISED}


def test_a_never_acceptable_reason_with_another_code_is_a_problem_on_the_code():
    _code, problem = code_for(code="I", reason_key="birthday")

    assert problem == ("code", "“Birthday” is never a reason to authorise: it is recorded as O")


def test_an_unknown_reason_key_or_no_code_is_a_problem():
    assert code_for(reason_key="party")[1] == ("reason_key", "Choose a reason from the list")
    assert code_for()[1] == ("code", "Choose a code")


def test_m_needs_evidence_and_i_needs_it_only_for_a_flagged_pupil():
    assert code_for(code="M")[1][0] == "evidence"
    assert code_for(code="M", evidence="appointment_card") == ("M", None)
    assert code_for(code="I") == ("I", None)
    assert code_for(code="I", flagged=True)[1][0] == "evidence"
    assert code_for(code="I", evidence="prescription", flagged=True) == ("I", None)
    assert code_for(code="O", flagged=True) == ("O", None)


def test_the_evidence_note_names_what_was_seen():
    assert rules.evidence_note("text_or_email") == (
        "evidence seen: text or email from the surgery, clinic or hospital"
    )
    assert rules.evidence_note("") == ""


def test_only_illness_reports_for_flagged_pupils_wait_for_a_decision():
    assert rules.needs_decision(reason="illness", evidence_required=True) is True
    assert rules.needs_decision(reason="illness", evidence_required=False) is False
    assert rules.needs_decision(reason="medical", evidence_required=True) is False


def test_a_whole_day_of_m_is_both_sessions_m():
    assert rules.whole_day_of_m({"AM": "M", "PM": "M"}) is True
    assert rules.whole_day_of_m({"AM": "M", "PM": "/"}) is False
    assert rules.whole_day_of_m({"AM": "M"}) is False  # afternoon not yet marked
    assert rules.whole_day_of_m({"AM": "M"}, school_sessions=1) is True  # PM closed

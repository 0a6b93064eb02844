"""Referral rules: kinds by reader, what a record and a closing need."""

from __future__ import annotations

from datetime import date

import pytest

from rollbook.core.models import Role
from rollbook.referrals import rules
from rollbook.referrals.rules import ReferralError

TODAY = date(2025, 11, 21)


def test_social_care_is_offered_to_the_dsl_only():
    assert "social_care" in rules.kinds_for(safeguarding=True)
    assert rules.kinds_for(safeguarding=False) == [
        "ewo",
        "la_attendance",
        "early_help",
        "school_nurse",
        "other",
    ]


def test_office_and_dsl_write_senco_reads_teachers_neither():
    assert rules.may_write({Role.OFFICE}) and rules.may_write({Role.DSL})
    assert rules.may_read({Role.SENCO}) and not rules.may_write({Role.SENCO})
    assert not rules.may_read({Role.TEACHER}) and not rules.may_read({Role.GOVERNOR})


def test_a_record_needs_a_kind_the_user_may_make_a_reason_and_no_future_date():
    ok = {"kind": "ewo", "reason": "10 days", "made_on": TODAY, "today": TODAY}
    rules.check_record(**ok, safeguarding=False)
    with pytest.raises(ReferralError, match="kind"):
        rules.check_record(**(ok | {"kind": "social_care"}), safeguarding=False)
    with pytest.raises(ReferralError, match="reason"):
        rules.check_record(**(ok | {"reason": " "}), safeguarding=False)
    with pytest.raises(ReferralError, match="future"):
        rules.check_record(**(ok | {"made_on": date(2025, 11, 22)}), safeguarding=False)


def test_closing_needs_an_open_referral_and_an_outcome_after_it_was_made():
    ok = {"status": "open", "outcome": "Seen", "outcome_on": TODAY, "made_on": TODAY}
    rules.check_close(**ok, today=TODAY)
    with pytest.raises(ReferralError, match="already closed"):
        rules.check_close(**(ok | {"status": "closed"}), today=TODAY)
    with pytest.raises(ReferralError, match="outcome"):
        rules.check_close(**(ok | {"outcome": ""}), today=TODAY)
    with pytest.raises(ReferralError, match="before"):
        rules.check_close(**(ok | {"outcome_on": date(2025, 11, 20)}), today=TODAY)


def test_gated_referrals_wait_for_the_sign_off_role_or_the_head():
    lead = "attendance_lead"
    assert rules.first_status("ewo", {Role.OFFICE}, lead) == "awaiting"
    assert rules.first_status("la_attendance", {Role.DSL}, lead) == "awaiting"
    assert rules.first_status("ewo", {Role.ATTENDANCE_LEAD}, lead) == "open"
    assert rules.first_status("ewo", {Role.HEAD}, lead) == "open"
    assert rules.first_status("early_help", {Role.OFFICE}, lead) == "open"  # not gated
    assert rules.first_status("ewo", {Role.OFFICE}, None) == "open"  # no sign-off in the policy
    rules.check_sign_off(status="awaiting", roles={Role.ATTENDANCE_LEAD}, signoff_role=lead)
    with pytest.raises(ReferralError, match="policy names"):
        rules.check_sign_off(status="awaiting", roles={Role.OFFICE}, signoff_role=lead)
    with pytest.raises(ReferralError, match="not waiting"):
        rules.check_sign_off(status="open", roles={Role.HEAD}, signoff_role=lead)

"""The pure rules of staff sign-in, with hand-worked cases."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollbook.accounts import rules
from rollbook.accounts.rules import Gate

DEFAULT = ["head", "dsl", "attendance_lead", "office", "admin", "senco"]


def test_the_roles_with_special_category_data_must_use_two_factor():
    assert rules.must_use_two_factor(["teacher", "dsl"], DEFAULT)
    assert rules.must_use_two_factor(["admin"], DEFAULT)
    assert not rules.must_use_two_factor(["teacher", "governor", "trust_analyst"], DEFAULT)
    assert not rules.must_use_two_factor(["head"], [])  # enforcement switched off


@pytest.mark.parametrize(
    ("required", "has_device", "verified", "expected"),
    [
        (True, False, False, Gate.ENROL),
        (True, True, False, Gate.VERIFY),
        (True, True, True, Gate.PASS),
        (False, True, False, Gate.VERIFY),  # chose two-factor: asked for a code too
        (False, False, False, Gate.PASS),
    ],
)
def test_the_gate(required, has_device, verified, expected):
    assert rules.gate(required=required, has_device=has_device, verified=verified) is expected


def test_an_unverified_session_opens_only_the_sign_in_pages():
    assert rules.may_open(Gate.VERIFY, "accounts:verify")
    assert rules.may_open(Gate.VERIFY, "logout")
    # Not the enrolment pages: a stolen password must not be able to add a second app.
    assert not rules.may_open(Gate.VERIFY, "accounts:two_factor")
    assert not rules.may_open(Gate.VERIFY, "home")
    assert rules.may_open(Gate.ENROL, "accounts:two_factor")
    assert rules.may_open(Gate.ENROL, "accounts:recovery_codes")
    assert not rules.may_open(Gate.ENROL, "pupils:list")
    assert not rules.may_open(Gate.ENROL, None)  # an unnamed URL is not open
    assert rules.may_open(Gate.PASS, "pupils:list")


def test_codes_are_read_as_an_app_code_or_a_recovery_code():
    assert rules.normalise_code(" 123 456 ") == ("totp", "123456")
    assert rules.normalise_code("ABCD-EFGH") == ("recovery", "abcdefgh")
    assert rules.normalise_code("12345") == ("recovery", "12345")  # not six digits
    assert rules.normalise_code("1234567") == ("recovery", "1234567")


def test_the_secret_is_shown_in_base32_groups_of_four():
    # 0x00 * 10 is "AAAAAAAAAAAAAAAA" in base32 (16 characters).
    assert rules.secret_for_display("00" * 10) == "AAAA AAAA AAAA AAAA"
    assert rules.secret_for_display("48656c6c6f") == "JBSW Y3DP"  # "Hello"


def test_csv_cells_never_start_a_formula():
    assert rules.csv_safe("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert rules.csv_safe("-1") == "'-1"
    assert rules.csv_safe("@sum") == "'@sum"
    assert rules.csv_safe("register.submitted") == "register.submitted"
    assert rules.csv_safe(None) == ""
    assert rules.csv_safe(12) == "12"


@given(st.text())
def test_no_csv_cell_starts_with_a_formula_character(text):
    assert not rules.csv_safe(text).startswith(rules.CSV_FORMULA_START)


def test_audit_data_is_described_in_one_short_line():
    assert rules.describe({"note_ids": [3, 4], "rows": 12}) == "note ids: 3, 4; rows: 12"
    assert rules.describe({"filters": {"kind": "x", "actor": ""}}) == "filters: kind x"
    long = rules.describe({"text": "a" * 500}, limit=20)
    assert len(long) == 20 and long.endswith("\N{HORIZONTAL ELLIPSIS}")

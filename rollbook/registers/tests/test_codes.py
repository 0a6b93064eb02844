from datetime import date
from pathlib import Path

from rollbook.registers import codes

DOCS = Path(__file__).resolve().parents[3] / "docs" / "attendance-codes.md"
AFTER = date(2025, 1, 6)
BEFORE = date(2024, 6, 3)


def test_the_2024_code_set_is_complete():
    expected = [
        "/",
        "\\",
        "L",
        "K",
        "V",
        "P",
        "W",
        "B",
        "D",
        "C1",
        "M",
        "J1",
        "S",
        "X",
        "C2",
        "C",
        "T",
        "R",
        "I",
        "E",
        "Q",
        "Y1",
        "Y2",
        "Y3",
        "Y4",
        "Y5",
        "Y6",
        "Y7",
        "G",
        "N",
        "O",
        "U",
        "Z",
        "#",
    ]

    assert sorted(codes.CURRENT_CODES) == sorted(expected)


def test_every_code_version_is_documented_for_users():
    text = DOCS.read_text()

    for c in codes.CODES:
        assert f"| `{c.code}` | {c.meaning} |" in text, c.code


def test_codes_added_in_2024_cannot_be_recorded_before_the_reform():
    assert codes.check_code("J1", BEFORE) is codes.CodeProblem.NOT_YET_VALID
    assert codes.check_code("J1", AFTER) is None


def test_withdrawn_codes_are_readable_in_history_but_not_enterable_after_withdrawal():
    assert codes.check_code("H", BEFORE) is None
    assert codes.check_code("H", AFTER) is codes.CodeProblem.WITHDRAWN
    assert codes.check_code("F", date(2013, 9, 2)) is codes.CodeProblem.WITHDRAWN
    assert codes.check_code("Y", AFTER) is codes.CodeProblem.WITHDRAWN


def test_unknown_and_lower_case_codes_are_rejected():
    assert codes.check_code("H1", AFTER) is codes.CodeProblem.UNKNOWN
    assert codes.check_code("i", AFTER) is codes.CodeProblem.UNKNOWN


def test_a_code_with_two_meanings_is_read_by_date():
    assert codes.definition("C", BEFORE).category is codes.Category.AUTHORISED_OTHER
    assert codes.definition("C", AFTER).category is codes.Category.AUTHORISED_LEAVE
    assert codes.current("B").meaning.startswith("Attending any other approved")


def test_teachers_may_only_enter_present_late_and_unexplained():
    assert {"/", "\\", "L", "N"} == codes.TEACHER_CODES


def test_age_rules_are_attached_to_x_and_c2():
    assert codes.current("X").age_rule is codes.AgeRule.NON_COMPULSORY_ONLY
    assert codes.current("C2").age_rule is codes.AgeRule.COMPULSORY_ONLY


def test_stat_of_an_invalid_code_raises():
    try:
        codes.stat_of("H", AFTER)
    except ValueError as e:
        assert "H" in str(e)
    else:
        raise AssertionError("expected ValueError")

"""Column mapping for CSV imports: suggestions (synonyms, duplicates), problems, applying."""

from datetime import date

import pytest

from rollbook.core.calendar import SchoolCalendar, TermDates
from rollbook.core.csvio import LineError
from rollbook.pupils import mapping as m
from rollbook.pupils.rules import make_upn
from rollbook.registers.importing import PupilFacts

ARBOR = ["UPN", "Legal Surname", "Legal Forename", "Date of Birth", "Year", "Reg Group",
         "Admission Date", "Gender", "FSM Eligible"]  # fmt: skip
SIMS = ["Surname", "Forename", "DOB", "NC Year", "Reg", "Adno", "UPN", "Date of Admission"]
BROMCOM = ["Unique Pupil Number", "Last Name", "First Name", "Birth Date", "Year Group",
           "Form", "Start Date", "Sex", "Pupil Premium Indicator"]  # fmt: skip


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("Legal Surname", "legal surname"), ("legal_surname", "legal surname"),
     (" LEGAL-SURNAME ", "legal surname"), ("D.O.B.", "d o b"), ("AM/PM", "am pm")],
)  # fmt: skip
def test_normalise(raw, expected):
    assert m.normalise(raw) == expected


def test_suggest_arbor_style():
    got = m.suggest_mapping(ARBOR, m.PUPILS)
    assert {k: v for k, v in got.items() if v} == {
        "upn": "UPN",
        "legal_surname": "Legal Surname",
        "legal_forename": "Legal Forename",
        "date_of_birth": "Date of Birth",
        "year_group": "Year",
        "class_name": "Reg Group",
        "admission_date": "Admission Date",
        "gender": "Gender",
        "fsm": "FSM Eligible",
    }


def test_suggest_sims_and_bromcom_synonyms():
    sims = m.suggest_mapping(SIMS, m.PUPILS)
    assert (sims["legal_surname"], sims["legal_forename"], sims["date_of_birth"]) == (
        "Surname",
        "Forename",
        "DOB",
    )
    assert (sims["year_group"], sims["class_name"], sims["admission_date"]) == (
        "NC Year",
        "Reg",
        "Date of Admission",
    )
    bromcom = m.suggest_mapping(BROMCOM, m.PUPILS)
    assert bromcom["upn"] == "Unique Pupil Number"
    assert bromcom["legal_surname"] == "Last Name"
    assert bromcom["class_name"] == "Form"
    assert bromcom["gender"] == "Sex"
    assert bromcom["pupil_premium"] == "Pupil Premium Indicator"
    assert not m.mapping_problems(bromcom, BROMCOM, m.PUPILS)


def test_exact_name_beats_synonym_and_each_header_used_once():
    got = m.suggest_mapping(["Surname", "Legal Surname", "Preferred Surname"], m.PUPILS)
    assert got["legal_surname"] == "Legal Surname"
    assert got["preferred_surname"] == "Preferred Surname"
    # "Surname" is left over but not used twice: no other column takes it as a synonym.
    assert list(got.values()).count("Surname") == 0
    # A synonym that two columns could claim goes to the first column in the table.
    got = m.suggest_mapping(["Year", "Year Group"], m.PUPILS)
    assert got["year_group"] == "Year Group"


def test_duplicate_headers_are_never_suggested():
    got = m.suggest_mapping(["UPN", "Surname", "surname", "Code"], m.MARKS)
    assert got["upn"] == "UPN" and got["code"] == "Code"
    got = m.suggest_mapping(["Surname", "SURNAME"], m.PUPILS)
    assert got["legal_surname"] == ""


def test_marks_synonyms():
    headers = ["Pupil UPN", "Attendance Date", "AM/PM", "Mark", "Mins Late"]
    assert m.suggest_mapping(headers, m.MARKS) == {
        "upn": "Pupil UPN",
        "date": "Attendance Date",
        "session": "AM/PM",
        "code": "Mark",
        "minutes_late": "Mins Late",
    }


def test_prefill_prefers_the_saved_mapping_where_the_file_still_has_it():
    headers = ["Pupil", "Day", "Half", "Mark", "Surname"]
    saved = {"upn": "Pupil", "date": "Day", "session": "Half", "code": "Gone"}
    got = m.prefill(saved, headers, m.MARKS)
    # "Gone" is not in the file, and `code` was saved, so it is not guessed again.
    assert got == {"upn": "Pupil", "date": "Day", "session": "Half", "code": "", "minutes_late": ""}
    assert m.prefill(None, headers, m.MARKS)["code"] == "Mark"
    # A column the saved mapping never mentioned is still guessed.
    assert m.prefill({"upn": "Pupil"}, headers, m.MARKS)["code"] == "Mark"


def test_mapping_problems():
    headers = ["A", "B", "B", "C"]
    problems = m.mapping_problems(
        {"upn": "A", "date": "B", "session": "A", "code": "Z", "minutes_late": ""},
        headers,
        m.MARKS,
    )
    assert problems == {
        "date": "'B' appears more than once in the file's first line",
        "session": "'A' is already chosen for upn",
        "code": "'Z' is not a column of the file",
    }
    missing = m.mapping_problems({"upn": "A"}, headers, m.MARKS)
    assert set(missing) == {"date", "session", "code"}
    assert missing["code"] == "Choose the column of the file that holds code"


def test_read_table_keeps_headers_and_line_numbers():
    text = '\ufeffUPN ,Mark\nA1,/\n\nA2\n"A3","multi\nline"\nA4,N\n'
    table = m.read_table(text)
    assert table.headers == ["UPN", "Mark"]
    assert table.rows == [(2, ["A1", "/"]), (6, ["A3", "multi\nline"]), (7, ["A4", "N"])]
    assert table.errors == [LineError(4, "expected 2 values, found 1")]
    assert m.read_table("").errors == [LineError(0, "the file is empty")]


def test_apply_mapping_renames_and_leaves_out_unmapped():
    table = m.read_table("Pupil,Extra,Mark\nA1,x,/\n")
    rows = m.apply_mapping(table, {"upn": "Pupil", "code": "Mark", "minutes_late": ""})
    assert rows == [(2, {"upn": "A1", "code": "/"})]


def test_check_pupils_uses_the_engine():
    good = {"upn": make_upn("873", "2001", 25, 1), "legal_surname": "Able", "legal_forename": "Amy",
            "date_of_birth": "2018-03-01", "year_group": "3", "class_name": "3A",
            "admission_date": "2022-09-05"}  # fmt: skip
    rows, errors = m.check_pupils([(2, good), (3, good | {"year_group": "9"}), (4, good)])
    assert [r.line for r in rows] == [2, 4]
    assert [e.line for e in errors] == [3, 4]
    assert "also appears on line 2" in errors[1].message


def test_check_marks_uses_the_engine():
    calendar = SchoolCalendar(terms=(TermDates("Autumn", date(2026, 9, 1), date(2026, 12, 18)),))
    pupils = {"A1": PupilFacts(7, date(2026, 9, 1), None, date(2018, 1, 1))}
    rows, errors = m.check_marks(
        [(2, {"upn": "A1", "date": "2026-11-23", "session": "am", "code": "/"}),
         (3, {"upn": "B2", "date": "2026-11-23", "session": "AM", "code": "/"}),
         (4, {"upn": "A1", "date": "2026-11-23", "session": "AM", "code": "N"})],
        pupils, calendar,
    )  # fmt: skip
    assert [(r.line, r.pupil_id, r.session) for r in rows] == [(2, 7, "AM"), (4, 7, "AM")]
    assert [e.line for e in m.sorted_errors(errors)] == [3, 4]

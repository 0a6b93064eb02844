from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rollbook.pupils.rules import (
    compulsory_school_age_from,
    is_compulsory_school_age,
    make_upn,
    normalise_year_group,
    upn_problem,
)


def test_a_well_formed_upn_passes_and_a_wrong_check_letter_fails():
    upn = make_upn("873", "2001", 25, 1)

    assert upn_problem(upn) is None
    other = "B" if upn[0] != "B" else "C"
    assert "check letter" in upn_problem(other + upn[1:])


def test_upn_shape_problems_are_named():
    assert "13 characters" in upn_problem("A12345")
    assert upn_problem("") is not None
    assert upn_problem(make_upn("873", "2001", 25, 1).lower()) is not None


@given(st.integers(0, 999), st.integers(0, 99))
def test_every_generated_upn_is_valid(serial, year):
    assert upn_problem(make_upn("873", "2001", year, serial)) is None


def test_year_groups_are_normalised():
    assert normalise_year_group("Reception") == "R"
    assert normalise_year_group("Y3") == "3"
    assert normalise_year_group("03") == "3"
    assert normalise_year_group("7") is None


def test_compulsory_school_age_starts_on_the_next_prescribed_day():
    assert compulsory_school_age_from(date(2020, 10, 5)) == date(2025, 12, 31)
    assert compulsory_school_age_from(date(2021, 1, 10)) == date(2026, 3, 31)
    assert compulsory_school_age_from(date(2021, 3, 31)) == date(2026, 3, 31)
    assert compulsory_school_age_from(date(2021, 5, 2)) == date(2026, 8, 31)
    assert compulsory_school_age_from(date(2020, 2, 29)) == date(2025, 3, 31)


def test_a_reception_child_becomes_compulsory_age_during_the_year():
    dob = date(2020, 10, 5)

    assert not is_compulsory_school_age(dob, date(2025, 12, 30))
    assert is_compulsory_school_age(dob, date(2025, 12, 31))

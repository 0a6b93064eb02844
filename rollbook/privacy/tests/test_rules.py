"""Pure privacy rules: retention dates, anonymised values, who may do what."""

from __future__ import annotations

from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from rollbook.core.models import Role
from rollbook.privacy import rules
from rollbook.pupils.rules import compulsory_school_age_from, upn_problem


def test_registers_are_kept_six_years_from_the_date_made():
    assert rules.register_entry_kept_until(date(2020, 3, 2)) == date(2026, 3, 2)
    assert not rules.past(date(2026, 3, 2), date(2026, 3, 2))  # the last day it is kept
    assert rules.past(date(2026, 3, 2), date(2026, 3, 3))
    assert rules.add_years(date(2024, 2, 29), 6) == date(2030, 2, 28)


def test_a_leaver_is_due_six_years_after_the_leaving_date_and_only_once():
    left = date(2019, 7, 19)
    assert rules.pupil_kept_until(left) == date(2025, 7, 19)
    assert not rules.pupil_due(left, date(2025, 7, 19), anonymised=False)
    assert rules.pupil_due(left, date(2025, 7, 20), anonymised=False)
    assert not rules.pupil_due(left, date(2025, 7, 20), anonymised=True)
    assert not rules.pupil_due(None, date(2040, 1, 1), anonymised=False)  # still on roll
    # The database filter agrees: left before the cut-off date.
    assert rules.pupil_cutoff(date(2025, 7, 20)) == date(2019, 7, 20)


def test_messages_are_kept_to_the_end_of_their_school_year_plus_two_years():
    # Made in 2022/23 (year ends 31 Aug 2023): kept until 31 Aug 2025.
    assert rules.message_kept_until(date(2022, 10, 3)) == date(2025, 8, 31)
    assert rules.message_kept_until(date(2023, 8, 31)) == date(2025, 8, 31)
    assert rules.message_kept_until(date(2023, 9, 1)) == date(2026, 8, 31)
    assert rules.message_cutoff(date(2025, 8, 31)) == date(2022, 9, 1)
    assert rules.message_cutoff(date(2025, 9, 1)) == date(2023, 9, 1)


@given(
    st.dates(date(2015, 1, 1), date(2030, 12, 31)),
    st.dates(date(2015, 1, 1), date(2040, 12, 31)),
)
def test_the_message_cutoff_agrees_with_the_rule_for_every_day(made_on, today):
    assert (made_on < rules.message_cutoff(today)) == rules.past(
        rules.message_kept_until(made_on), today
    )


@given(st.dates(date(2010, 1, 1), date(2024, 12, 31)), st.integers(2014, 2035))
def test_the_generalised_date_of_birth_keeps_age_on_31_august_and_compulsory_school_age(dob, year):
    general = rules.generalised_date_of_birth(dob)

    def age_on_31_august(born: date) -> int:
        day = date(year, 8, 31)
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    assert general.year == dob.year and general.day == 1 and general <= dob
    assert age_on_31_august(general) == age_on_31_august(dob)  # the DfE statistics cohort
    assert compulsory_school_age_from(general) == compulsory_school_age_from(dob)


def test_the_generalised_date_of_birth_by_hand():
    assert rules.generalised_date_of_birth(date(2016, 10, 5)) == date(2016, 9, 1)
    assert rules.generalised_date_of_birth(date(2016, 2, 29)) == date(2016, 1, 1)
    assert rules.generalised_date_of_birth(date(2016, 8, 31)) == date(2016, 4, 1)


def test_anonymised_values():
    assert rules.anonymous_names(42) == ("Former pupil", "42")
    upn = rules.anonymous_upn(42)
    assert upn == "ANON000000042" and len(upn) == 13
    assert rules.is_anonymised(upn)
    assert upn_problem(upn) is not None  # never mistaken for a real UPN


def test_a_contact_is_wiped_only_when_every_linked_pupil_is_anonymised():
    assert rules.contact_may_be_wiped([True, True])
    assert not rules.contact_may_be_wiped([True, False])  # a sibling still kept
    assert not rules.contact_may_be_wiped([])


def test_who_may_export_include_safeguarding_and_see_retention():
    assert rules.may_export({Role.HEAD}) and rules.may_export({Role.DSL})
    assert not rules.may_export({Role.OFFICE, Role.ATTENDANCE_LEAD, Role.SENCO})
    assert rules.may_include_safeguarding({Role.DSL}, superuser=False)
    assert not rules.may_include_safeguarding({Role.HEAD}, superuser=False)
    assert rules.may_see_retention({Role.ADMIN}) and not rules.may_see_retention({Role.DSL})


def test_the_report_cites_each_rule_and_says_whether_it_was_applied():
    report = rules.RetentionReport(
        today=date(2026, 11, 23),
        categories=(rules.CategoryCount(rules.RULES["pupils"], 10, 3, 2),),
        pupil_ids=(1, 2),
    )
    text = "\n".join(report.lines())
    assert "dry run" in text and "would change 2" in text and "IRMS" in text
    assert report.counts() == {"pupils": {"held": 10, "past_retention": 3, "to_change": 2}}
    assert report.changes == 2
    assert all(r.citation and r.period for r in rules.RULES.values())
    assert rules.RULES["registers"].confirmed  # the one period the domain reference states

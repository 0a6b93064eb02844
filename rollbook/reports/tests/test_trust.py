"""The trust / LA dashboard: hand-computed figures for two small schools, access and queries.

Ash (5 pupils, 4 sessions each, Mon 6 and Tue 7 Oct 2025):
  3 pupils all present; one I I / / (2 authorised: 50 %, PA and SA); one O / / / (25 %, PA).
  20 possible, 3 absent = 15.0 %; authorised 10.0 %; unauthorised 5.0 %; PA 2/5 = 40.0 %;
  SA 1/5 = 20.0 %.
Birch (6 pupils): 5 all present; one O O O O (100 %, PA and SA).
  24 possible, 4 absent = 16.7 %; authorised 0.0 %; unauthorised 16.7 %; PA = SA = 1/6 = 16.7 %.
Both: 11 pupils, 44 possible, 7 absent = 15.9 % (the mean of 15.0 and 16.7 would be 15.8);
  authorised 2/44 = 4.5 %; unauthorised 5/44 = 11.4 %; PA 3/11 = 27.3 %; SA 2/11 = 18.2 %.
Against national (5.53 %): Ash +9.5, Birch +11.1, both +10.4 points.
"""

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.urls import reverse

from rollbook.core.calendar import TermDates
from rollbook.core.models import Role, StaffRole
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.registers.rules import Summary, Tally, summarise
from rollbook.reports import queries, trust, trust_queries
from rollbook.reports.national import NationalFigures, latest_full_year

WEDNESDAY = "2025-10-08 10:00:00+01:00"
TODAY = date(2025, 10, 8)
WEEK = [(d, s) for d in (date(2025, 10, 6), date(2025, 10, 7)) for s in ("AM", "PM")]
NATIONAL = NationalFigures(
    "State-funded primary", "test", Decimal("5.53"), None, None, None, None, "t"
)


def user(name, *grants):
    u = get_user_model().objects.create_user(name, password="x")
    for school, role in grants:
        StaffRole.objects.create(user=u, school=school, role=role)
    return u


def pupil_with(school, codes, **kw):
    marks = [(d, s, code) for (d, s), code in zip(WEEK, codes, strict=True)]
    add_marks(make_pupil(school, legal_forename="Secretname", **kw), marks)


# -- pure builder -----------------------------------------------------------------------------

ASH = Summary(5, Tally(attended=17, authorised=2, unauthorised=1), 2, 1)
BIRCH = Summary(6, Tally(attended=20, unauthorised=4), 1, 1)
TINY = Summary(3, Tally(attended=0, unauthorised=12), 3, 3)


def school(name, summary, suppress=True):
    return trust.SchoolInput(urn=name.lower(), name=name, summary=summary, suppress=suppress)


def test_totals_are_sums_over_enrolments_and_rows_run_worst_first():
    board = trust.build([school("Ash", ASH), school("Birch", BIRCH)], NATIONAL)

    assert [r.name for r in board.rows] == ["Birch", "Ash"]
    assert board.total == Summary(11, Tally(37, 2, 5, 0), 3, 2)
    assert board.total.tally.overall_absence_rate == Fraction(700, 44)  # not (15 + 16.7) / 2
    assert board.total.persistent_absence_rate == Fraction(300, 11)
    assert board.rows[1].vs_national == 15 - Fraction("5.53")
    assert board.total_vs_national == Fraction(700, 44) - Fraction("5.53")
    assert not board.total_suppressed and board.suppressed_below is None


def test_small_schools_are_suppressed_for_aggregate_readers_listed_last_and_guard_the_total():
    board = trust.build([school("Ash", ASH), school("Tiny", TINY)], NATIONAL)

    tiny = board.rows[-1]
    assert tiny.name == "Tiny" and tiny.suppressed and tiny.vs_national is None
    # Ash's row plus the total would give Tiny's figures away: the total is withheld.
    assert board.total_suppressed and board.total_vs_national is None
    assert board.suppressed_below == 5

    # Two small schools together make 6 pupils: the total no longer reveals a small group.
    two = trust.build([school("Ash", ASH), school("Tiny", TINY), school("Wee", TINY)], NATIONAL)
    assert not two.total_suppressed and two.total.enrolments == 11

    # A head of Tiny may read its pupils: nothing is hidden, and it ranks by its figures.
    head = trust.build([school("Ash", ASH), school("Tiny", TINY, suppress=False)], NATIONAL)
    assert [r.name for r in head.rows] == ["Tiny", "Ash"] and not head.total_suppressed


def test_schools_without_figures_rank_after_those_with_them():
    board = trust.build([school("Ash", None), school("Birch", BIRCH)], NATIONAL)
    assert [r.name for r in board.rows] == ["Birch", "Ash"]
    assert board.total == BIRCH


def test_periods_cover_the_group_reports_dates():
    term = TermDates("Autumn 1", date(2025, 9, 1), date(2025, 10, 24))
    assert trust.window("year", TODAY, term) == (date(2025, 8, 1), TODAY)
    assert trust.window("last_year", TODAY, term) == (date(2024, 8, 1), date(2025, 7, 31))
    assert trust.window("term", TODAY, term) == (date(2025, 9, 1), TODAY)
    assert trust.window("term", TODAY, None) is None
    with pytest.raises(ValueError):
        trust.window("decade", TODAY, term)


# -- database and page ------------------------------------------------------------------------


@pytest.fixture
def schools(db):
    ash, birch = make_school(name="Ash Primary"), make_school(name="Birch Primary")
    for _ in range(3):
        pupil_with(ash, "////")
    pupil_with(ash, "II//")
    pupil_with(ash, "O///")
    for _ in range(5):
        pupil_with(birch, "////")
    pupil_with(birch, "OOOO")
    return ash, birch


def page(client, who, **params):
    client.force_login(who)
    with time_machine.travel(WEDNESDAY, tick=False):
        return client.get(reverse("trust_dashboard"), params)


def table(response) -> str:
    """The dashboard's table (the page header names the user's first school)."""
    assert response.status_code == 200
    return response.text.split('<table class="govuk-table">')[1].split("</table>")[0]


def test_an_analyst_at_both_schools_sees_both_worst_first_with_the_total(client, schools):
    ash, birch = schools
    analyst = user("analyst", (ash, Role.TRUST_ANALYST), (birch, Role.TRUST_ANALYST))

    text = table(page(client, analyst, period="year"))

    assert text.index("Birch Primary") < text.index("Ash Primary")
    ash_row = text[text.index("Ash Primary") :].split("</tr>")[0]
    assert all(f in ash_row for f in ("15.0%", "+9.5 points", "10.0%", "5.0%", "40.0%", "20.0%"))
    birch_row = text[text.index("Birch Primary") :].split("</tr>")[0]
    assert all(f in birch_row for f in ("16.7%", "+11.1 points", "0.0%"))
    total = text[text.index("All these schools") :].split("</tr>")[0]
    for figure in ("11", "15.9%", "+10.4 points", "4.5%", "11.4%", "27.3%", "18.2%"):
        assert figure in total
    assert "Fewer than" not in text
    assert "Secretname" not in page(client, analyst).text


@pytest.mark.parametrize("key", ["year", "term", "last_year"])
def test_each_school_equals_its_group_report(schools, key):
    ash, birch = schools
    # A leaver: only Monday counts (leaving date inclusive), as in the group report.
    pupil_with(birch, "OO//", leaving_date=date(2025, 10, 6))
    analyst = user("analyst", (ash, Role.TRUST_ANALYST), (birch, Role.TRUST_ANALYST))

    board = trust_queries.dashboard(analyst, key, TODAY)

    by_urn = {r.urn: r.summary for r in board.rows}
    for s in (ash, birch):
        period = next(p for p in queries.periods(s, TODAY) if p.key == key)
        expected = summarise(f.tally for f in queries.pupil_figures(s, period.first, period.last))
        assert by_urn[s.urn] == expected
    if key != "last_year":
        assert by_urn[birch.urn].tally == Tally(attended=20, unauthorised=6)


def test_query_count_is_fixed_whatever_the_number_of_schools(schools, django_assert_num_queries):
    ash, birch = schools
    analyst = user("analyst", (ash, Role.TRUST_ANALYST), (birch, Role.TRUST_ANALYST))
    # grants, current terms, marks: one each for every school at once.
    with django_assert_num_queries(3):
        assert trust_queries.dashboard(analyst, "term", TODAY).schools == 2
    for _ in range(2):
        third = make_school(name="Cedar Primary")
        pupil_with(third, "////")
        StaffRole.objects.create(user=analyst, school=third, role=Role.TRUST_ANALYST)
    with django_assert_num_queries(3):
        assert trust_queries.dashboard(analyst, "term", TODAY).schools == 4
    with django_assert_num_queries(2):  # no terms needed for a whole year
        trust_queries.dashboard(analyst, "year", TODAY)


def test_users_see_only_the_schools_where_they_hold_a_reporting_role(client, schools):
    ash, birch = schools
    just_ash = table(page(client, user("analyst", (ash, Role.TRUST_ANALYST))))
    assert "Ash Primary" in just_ash and "Birch Primary" not in just_ash
    assert "1 school," in just_ash

    head = table(page(client, user("head", (ash, Role.HEAD), (birch, Role.TEACHER))))
    assert "Ash Primary" in head and "Birch Primary" not in head

    governor = table(page(client, user("governor", (birch, Role.GOVERNOR))))
    assert "Birch Primary" in governor and "Ash Primary" not in governor

    assert page(client, user("teacher", (ash, Role.TEACHER))).status_code == 403


def test_a_small_school_is_suppressed_for_the_analyst_but_not_for_its_head(client, schools):
    ash, _ = schools
    tiny = make_school(name="Tiny Primary")
    pupil_with(tiny, "OOOO")
    analyst = user("analyst", (ash, Role.TRUST_ANALYST), (tiny, Role.TRUST_ANALYST))

    text = page(client, analyst).text
    assert "Fewer than 5 pupils" in text and "100.0%" not in text
    assert "Not shown: it would reveal" in text

    head = page(client, user("head", (tiny, Role.HEAD))).text
    assert "100.0%" in head and "Fewer than" not in head


def test_the_page_refuses_other_methods_and_anonymous_users(client, schools):
    ash, _ = schools
    assert client.get(reverse("trust_dashboard")).status_code == 302
    client.force_login(user("head", (ash, Role.HEAD)))
    assert client.post(reverse("trust_dashboard")).status_code == 405


def test_the_national_figures_are_the_latest_full_year(client, schools):
    ash, _ = schools
    text = page(client, user("head", (ash, Role.HEAD))).text
    assert latest_full_year().period in text and "This term so far" in text

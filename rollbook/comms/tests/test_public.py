"""Texts for the public (seeds 002, 004): the newsletter snippet and draft posts.

Pure rules with hand-computed figures, then the page on a small school: class 3A has five
pupils (published), class 4B two (left out); Monday 24 Nov 2025 in Autumn 2.
"""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollbook.comms import public
from rollbook.comms.public import AwardCount, Figure, GroupFigure
from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.policy.actions import adopt_policy
from rollbook.policy.schema import Reward
from rollbook.rewards import rules as reward_rules
from rollbook.rewards.actions import record_awards

URL = "/outbox/public/"


# --- pure rules -------------------------------------------------------------------------------


def test_pct_rounds_half_up_for_reading_only():
    assert public.pct(Figure(193, 200)) == "96.5%"
    assert public.pct(Figure(1, 3)) == "33.3%"
    assert public.pct(Figure(0, 0)) is None


def test_against_target_compares_exact_integers():
    # 959/1000 = 95.9 % is below 96 even though it would round to 96 %.
    assert public.against_target(Figure(959, 1000), Decimal(96)) == "below our target of 96%"
    assert public.against_target(Figure(96, 100), Decimal(96)) == "exactly on our target of 96%"
    assert public.against_target(Figure(97, 100), Decimal("96.5")) == ("above our target of 96.5%")
    assert public.against_target(Figure(97, 100), None) == ""


def test_the_newsletter_snippet_has_the_week_the_term_and_the_target():
    text = public.newsletter_snippet(
        school="Meadow Primary",
        week_label="for the week beginning 24 November 2025",
        week=Figure(190, 200),
        term_label="Autumn 2",
        term=Figure(970, 1000),
        target=Decimal(96),
    )
    assert "Attendance at Meadow Primary" in text
    assert (
        "Whole-school attendance for the week beginning 24 November 2025: 95.0%, "
        "below our target of 96%." in text
    )
    assert "Whole-school attendance for Autumn 2 so far: 97.0%, above our target of 96%." in text


def test_the_newsletter_snippet_without_a_target_or_figures():
    text = public.newsletter_snippet(
        school="M",
        week_label="this week",
        week=Figure(0, 0),
        term_label="Autumn 1",
        term=Figure(9, 10),
        target=None,
    )
    assert "Whole-school attendance this week: no attendance recorded yet." in text
    assert "Autumn 1 so far: 90.0%." in text
    assert "target" not in text


def test_small_counts_are_suppressed():
    assert [public.count_text(n) for n in (0, 1, 4, 5, 23)] == [
        "0",
        "fewer than 5",
        "fewer than 5",
        "5",
        "23",
    ]
    with pytest.raises(ValueError):
        public.count_text(-1)


@given(st.integers(min_value=0, max_value=10_000))
def test_no_published_count_is_between_one_and_four(n):
    shown = public.count_text(n)
    assert shown == "fewer than 5" or int(shown) == 0 or int(shown) >= 5


def test_the_weekly_post_has_school_and_large_classes_only():
    text = public.weekly_post(
        school="Meadow Primary",
        week_label="for the week beginning 24 November 2025",
        whole=Figure(190, 200),
        groups=[
            GroupFigure("4B", 2, Figure(20, 20)),  # too small: left out
            GroupFigure("3A", 5, Figure(45, 50)),
            GroupFigure("5C", 7, Figure(0, 0)),  # no sessions: left out
        ],
    )
    assert text.splitlines() == [
        "Attendance at Meadow Primary for the week beginning 24 November 2025",
        "Whole school: 95.0%",
        "3A: 90.0%",
        "Every day counts. Thank you, families!",
    ]


def test_the_award_post_has_the_count_and_suppresses_small_ones():
    big = public.award_post(school="Meadow", award=AwardCount("100% attendance", "Autumn 1", 12))
    small = public.award_post(school="Meadow", award=AwardCount("100% attendance", "Autumn 1", 3))
    assert big.startswith("12 children at Meadow earned the 100% attendance award for Autumn 1.")
    assert small.startswith("Fewer than 5 children at Meadow earned")
    assert "3" not in small


def test_names_in_finds_whole_names_only():
    text = "Well done Amy Pond and class 3A"
    assert public.names_in(text, ["Amy Pond", "Rory Williams", "Pond"]) == ["Amy Pond", "Pond"]
    assert public.names_in("Amyas Ponder", ["Amy Pond"]) == []


def test_reporting_spans_end_on_the_last_school_day_before_today():
    days = [date(2025, 11, 3), date(2025, 11, 4), date(2025, 11, 24), date(2025, 11, 25)]
    terms = [("Autumn 2", date(2025, 11, 3), date(2025, 12, 19))]
    week, term = public.reporting_spans(date(2025, 11, 25), days, terms)
    assert (week.first, week.last) == (date(2025, 11, 24), date(2025, 11, 24))
    assert week.label == "for the week beginning 24 November 2025"
    assert (term.label, term.first, term.last) == (
        "Autumn 2",
        date(2025, 11, 3),
        date(2025, 11, 24),
    )
    assert public.reporting_spans(date(2025, 11, 3), days, terms) is None


# --- the page ---------------------------------------------------------------------------------

DAY = date(2025, 11, 24)  # Monday, Autumn 2
TODAY = date(2025, 11, 25)


@pytest.fixture
def school(db):
    school = make_school(name="Meadow Primary")
    adopt_policy(
        actor_label="test",
        school=school,
        text='name = "t"\nversion = 1\nschool_target_pct = 96\n',
        source="test",
    )
    big = [
        make_pupil(school, legal_forename=f"Big{i}", legal_surname="Smith", class_name="3A")
        for i in range(5)
    ]
    small = [
        make_pupil(school, legal_forename=f"Tiny{i}", legal_surname="Jones", class_name="4B")
        for i in range(2)
    ]
    # 3A: 9 of 10 sessions attended (90.0 %); 4B: 4 of 4. Whole school 13/14 = 92.9 %.
    for i, pupil in enumerate(big):
        add_marks(pupil, [(DAY, "AM", "/"), (DAY, "PM", "O" if i == 0 else "/")])
    for pupil in small:
        add_marks(pupil, [(DAY, "AM", "/"), (DAY, "PM", "/")])
    reward = Reward(key="full", name="100% attendance", period="half_term", measure="pupil_pct")
    period = reward_rules.Period("half_term", "Autumn 1", date(2025, 9, 1), date(2025, 10, 24))
    record_awards(
        actor_label="test",
        school=school,
        reward=reward,
        period=period,
        pupil_ids=[p.pk for p in big[:3]],
        awarded_on=date(2025, 10, 24),
    )
    return school


def _user(school, role, name):
    return create_staff_user(
        actor_label="test", school=school, username=name, password="x" * 12, roles=[role]
    )


@pytest.fixture
def today(monkeypatch):
    from rollbook.comms import views
    from rollbook.core.tests.factories import aware

    monkeypatch.setattr(views, "_now", lambda: aware(2025, 11, 25, 10, 0))


def test_the_office_copies_the_newsletter_snippet_and_draft_posts(
    client, school, today, django_assert_max_num_queries
):
    client.force_login(_user(school, Role.OFFICE, "office"))

    with django_assert_max_num_queries(16):
        response = client.get(URL)

    assert response.status_code == 200
    body = response.content.decode()
    assert (
        "Whole-school attendance for the week beginning 24 November 2025: 92.9%, below our target of 96%."
        in body
    )
    assert "Whole-school attendance for Autumn 2 so far: 92.9%" in body
    assert "3A: 90.0%" in body
    assert "4B:" not in body and "1 class left out" in body
    assert (
        "Fewer than 5 children at Meadow Primary earned the 100% attendance award for Autumn 1."
        in body
    )
    for name in ("Big0", "Tiny0", "Smith", "Jones"):
        assert name not in body


def test_a_teacher_may_not_see_the_public_texts(client, school):
    client.force_login(_user(school, Role.TEACHER, "teacher"))

    assert client.get(URL).status_code == 403


def test_the_public_texts_refuse_a_post(client, school):
    client.force_login(_user(school, Role.OFFICE, "office"))

    assert client.post(URL).status_code == 405


def test_another_schools_office_sees_only_its_own_figures(client, school, today):
    other = make_school(name="Hill Primary")
    client.force_login(_user(other, Role.OFFICE, "hill"))

    body = client.get(URL).content.decode()

    assert "Meadow" not in body and "100% attendance" not in body
    assert "Whole-school attendance for the week beginning 24 November 2025: no attendance" in body


def test_a_class_named_like_a_pupil_withholds_the_post(client, school, today):
    for forename in ("Oak", "Ash", "Elm", "Yew", "Fir"):
        pupil = make_pupil(
            school, legal_forename=forename, legal_surname="Tree", class_name="Oak Tree"
        )
        add_marks(pupil, [(DAY, "AM", "/")])
    client.force_login(_user(school, Role.OFFICE, "office"))

    body = client.get(URL).content.decode()

    assert "This text is withheld: it contains a pupil" in body
    assert "Oak Tree:" not in body

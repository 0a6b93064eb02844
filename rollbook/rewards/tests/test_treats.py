"""Treats for 100 % and sustained improvement (S004-30): the rule by hand, the lists, the
audited offers and the page."""

from __future__ import annotations

from datetime import date, timedelta
from fractions import Fraction

import pytest
import time_machine
from django.urls import reverse

from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import aware
from rollbook.rewards import qualifying, sheets
from rollbook.rewards.actions import RewardError, offer_treats
from rollbook.rewards.models import Treat
from rollbook.rewards.tests.builders import FRIDAY, attend, school_with_classes, staff

NOW = aware(2026, 5, 14, 16, 0)
F = Fraction


def test_sustained_improvement_is_a_strict_rise_at_each_of_the_last_steps():
    rates = {
        1: [F(80), F(85), F(90)],  # rose twice: yes
        2: [F(80), F(90), F(90)],  # level at the end: no
        3: [None, F(85), F(90)],  # no figure for the first half-term: no
        4: [F(95), F(80), F(85), F(90)],  # only the last two steps count: yes
        5: [F(85), F(90)],  # too few half-terms: no
        6: [F(90), F(80), F(85)],  # fell, then rose: no
    }

    assert qualifying.sustained_improvers(rates, 2) == [1, 4]
    assert qualifying.sustained_improvers(rates, 1) == [1, 3, 4, 5, 6]
    assert qualifying.sustained_improvers(rates, 3) == []  # 4 fell from 95 to 80 first


def _days(first: date, n: int) -> list[date]:
    """The first n weekdays from `first` (the test half-terms have no bank holidays)."""
    found, day = [], first
    while len(found) < n:
        if day.weekday() < 5:
            found.append(day)
        day += timedelta(days=1)
    return found


@pytest.fixture
def world():
    """Spring 1 (5 Jan-13 Feb: 60 sessions), Spring 2 (23 Feb-27 Mar: 50), Summer 1 so far.
    Amy: 48 of 60 (80 %), 45 of 50 (90 %), 26 of 26 (100 %): rising twice.
    Ben: 48 of 60, 50 of 50, then 23 of 26 (88.46 %): fell. Cat: 100 % throughout: level.
    Dan: no marks before Summer 1."""
    w = school_with_classes("004_strategy_2024_25")
    spring_1 = {(d, "AM"): "I" for d in _days(date(2026, 1, 5), 12)}
    spring_2 = {(d, "AM"): "I" for d in _days(date(2026, 2, 23), 5)}
    attend(w.a1, date(2026, 1, 5), date(2026, 2, 13), spring_1)
    attend(w.a1, date(2026, 2, 23), date(2026, 3, 27), spring_2)
    attend(w.a2, date(2026, 1, 5), date(2026, 2, 13), spring_1)
    attend(w.a2, date(2026, 2, 23), date(2026, 3, 27))
    attend(w.b1, date(2026, 1, 5), date(2026, 3, 27))
    return w


@pytest.mark.django_db
def test_two_half_terms_rising_in_a_row_lists_exactly_those_pupils(world):
    found = sheets.treat_lists(world.school, world.school.calendar(), as_of=FRIDAY, rises=2)

    assert [p.label for p in found.periods] == ["Spring 1", "Spring 2", "Summer 1"]
    assert [(p.name, p.rates) for p in found.sustained] == [("Amy Able", [F(80), F(90), F(100)])]
    assert [p.name for p in found.full] == ["Amy Able", "Cat Cole", "Dan Dale"]


@pytest.mark.django_db
def test_offering_a_treat_is_audited_and_recorded_once(world):
    office = staff(world.school, Role.OFFICE, "office")
    period = sheets.treat_lists(world.school, world.school.calendar(), as_of=FRIDAY, rises=2)

    first = offer_treats(
        actor=office,
        school=world.school,
        reason="sustained_improvement",
        treat="Holiday-club place",
        period=period.period,
        pupil_ids=[world.a1.pk],
        offered_on=FRIDAY,
    )
    again = offer_treats(
        actor=office,
        school=world.school,
        reason="sustained_improvement",
        treat="Holiday-club place",
        period=period.period,
        pupil_ids=[world.a1.pk],
        offered_on=FRIDAY,
    )

    assert len(first) == 1 and again == []
    event = AuditEvent.objects.get(kind="reward.treat_offered")
    assert event.actor == office and event.pupil_id == world.a1.pk
    assert event.data["treat"] == "Holiday-club place" and event.data["period"] == "Summer 1"
    with pytest.raises(RewardError, match="say what the treat is"):
        offer_treats(
            actor=office,
            school=world.school,
            reason="full_attendance",
            treat="  ",
            period=period.period,
            pupil_ids=[world.b1.pk],
            offered_on=FRIDAY,
        )


# --- the page ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_office_sees_both_lists_and_records_an_offer(
    client, world, django_assert_max_num_queries
):
    head = staff(world.school, Role.HEAD, "head")
    client.force_login(head)

    with time_machine.travel(NOW, tick=False):
        with django_assert_max_num_queries(11):
            page = client.get(reverse("rewards:treats"))
        posted = client.post(
            reverse("rewards:offer_treat"),
            {
                "reason": "full_attendance",
                "treat": "Holiday-club place",
                "pupils": [world.b1.pk, world.c1.pk],
                "rises": "2",
            },
        )
        after = client.get(posted["Location"])

    assert page.status_code == 200
    assert "Sustained improvement (2 half-terms rising in a row): 1 pupil" in page.text
    assert "80.00% → 90.00% → 100.00%" in page.text
    assert posted.status_code == 302
    assert sorted(t.pupil.legal_forename for t in Treat.objects.all()) == ["Cat", "Dan"]
    assert {t.offered_by for t in Treat.objects.all()} == {head}
    assert "Treats offered for Summer 1" in after.text and "Dan Dale" in after.text


@pytest.mark.django_db
def test_a_pupil_not_on_the_list_is_refused_with_a_clear_error(client, world):
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    with time_machine.travel(NOW, tick=False):
        response = client.post(
            reverse("rewards:offer_treat"),
            {"reason": "sustained_improvement", "treat": "Club", "pupils": [world.b1.pk]},
        )
        empty = client.post(reverse("rewards:offer_treat"), {})

    assert response.status_code == 200 and "A pupil chosen is not on this list" in response.text
    assert empty.status_code == 200 and "There is a problem" in empty.text
    assert not Treat.objects.exists()


@pytest.mark.django_db
def test_treats_are_for_the_office_and_the_methods_are_checked(client, world):
    client.force_login(staff(world.school, Role.TEACHER, "teacher"))
    refused = (
        client.get(reverse("rewards:treats")).status_code,
        client.post(reverse("rewards:offer_treat"), {"reason": "full_attendance"}).status_code,
    )
    client.force_login(staff(world.school, Role.OFFICE, "office"))

    assert refused == (403, 403)
    assert client.get(reverse("rewards:offer_treat")).status_code == 405
    assert client.post(reverse("rewards:treats")).status_code == 405

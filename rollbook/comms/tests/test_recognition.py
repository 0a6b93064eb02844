"""Recognising improvement (seeds 003-14, 004-32), on the campaigns' school: Autumn 1 is
1-12 Sep 2025, Autumn 2 15-26 Sep. Cal: 16/20 = 80.0 % then 19/20 = 95.0 % (absent 15 Sep
AM). Amy: 20/20 then 18/20 (absent all of 15 Sep), so by weeks she goes 8/10 = 80 % in the
week of 15 Sep to 10/10 in the week of 22 Sep (+20 points), Cal 9/10 to 10/10 (+10)."""

from datetime import date
from decimal import Decimal

import pytest

from rollbook.comms import actions, recognition, rules
from rollbook.comms.models import Message, Status
from rollbook.comms.tests.test_campaigns import AFTER, NOW
from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import aware, make_school

URL = "/outbox/recognition/"
TERMS = [
    rules.Term("Autumn 1", date(2025, 9, 1), date(2025, 9, 12)),
    rules.Term("Autumn 2", date(2025, 9, 15), date(2025, 9, 26)),
]
DAYS = [
    date(2025, 9, d)
    for d in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 15, 16, 17, 18, 19, 22, 23, 24, 25, 26)
]


def test_half_term_windows_compare_this_half_term_so_far_with_the_last():
    w = rules.improvement_windows(date(2025, 9, 18), TERMS, DAYS)
    assert (w.before_first, w.before_last, w.now_first, w.now_last) == (
        date(2025, 9, 1),
        date(2025, 9, 12),
        date(2025, 9, 15),
        date(2025, 9, 17),
    )
    assert w.key == "ht:2025-09-15" and w.label == "Autumn 2 so far against Autumn 1"
    assert rules.improvement_windows(date(2025, 9, 10), TERMS, DAYS) is None  # nothing before
    assert rules.improvement_windows(date(2025, 9, 1), TERMS, DAYS) is None


def test_week_windows_compare_the_last_weeks_with_the_weeks_before():
    w = rules.improvement_windows(date(2025, 9, 24), TERMS, DAYS, weeks=2)
    # Past days end Tue 23 Sep: weeks of 22 and 15 Sep against those of 8 and 1 Sep.
    assert (w.before_first, w.before_last, w.now_first, w.now_last) == (
        date(2025, 9, 1),
        date(2025, 9, 12),
        date(2025, 9, 15),
        date(2025, 9, 23),
    )
    assert w.label == "the last 2 school weeks against the 2 before"
    assert rules.improvement_windows(date(2025, 9, 9), TERMS, DAYS, weeks=2) is None
    with pytest.raises(ValueError):
        rules.improvement_windows(date(2025, 9, 9), TERMS, DAYS, weeks=0)


def test_improvers_need_the_points_exactly_and_enough_sessions():
    up_2 = rules.Standing(1, 92, 100, 90, 100)  # exactly +2
    up_1_9 = rules.Standing(2, 919, 1000, 90, 100)  # +1.9
    short = rules.Standing(3, 5, 5, 2, 4)  # +60 on four sessions before
    chosen = rules.improvers([up_2, up_1_9, short], Decimal(2), min_possible=6)
    assert [s.pupil_id for s in chosen] == [1]


def test_the_read_side_finds_improvers_by_half_term_and_by_weeks(school):
    by_term = recognition.improvers(school, AFTER, points=Decimal(5))
    by_weeks = recognition.improvers(school, AFTER, points=Decimal(10), weeks=1)

    assert [(i.pupil.legal_forename, i.before, i.now) for i in by_term.pupils] == [
        ("Cal", "80.0%", "95.0%")
    ]
    assert sorted((i.pupil.legal_forename, i.before, i.now) for i in by_weeks.pupils) == [
        ("Amy", "80.0%", "100.0%"),
        ("Cal", "90.0%", "100.0%"),
    ]


def test_recognition_is_queued_once_per_family_per_comparison(school):
    found = recognition.improvers(school, AFTER, points=Decimal(10), weeks=1)
    pupils = [i.pupil for i in found.pupils]

    first = actions.queue_recognition(
        school=school, pupils=pupils, windows=found.windows, channel="sms", now=NOW
    )
    again = actions.queue_recognition(
        school=school, pupils=pupils, windows=found.windows, channel="sms", now=NOW
    )

    assert (len(first.queued), again.already_queued) == (2, 2)
    amy = Message.objects.get(recipient="07700900001")
    assert amy.kind == "recognition" and amy.status == Status.QUEUED
    assert amy.body.startswith("Meadow Primary: well done! Amy's attendance has really improved")
    assert [p.legal_forename for p in amy.pupils.all()] == ["Amy"]  # not Ben
    assert AuditEvent.objects.filter(kind="recognition.queued").count() == 2
    assert recognition.improvers(school, AFTER, points=Decimal(10), weeks=1).pupils[0].recognised


def test_email_recognition_needs_an_address(school):
    found = recognition.improvers(school, AFTER, points=Decimal(5))

    result = actions.queue_recognition(
        school=school,
        pupils=[i.pupil for i in found.pupils],
        windows=found.windows,
        channel="email",
        now=NOW,
    )

    assert result.queued == [] and [p.legal_forename for p in result.no_contact] == ["Cal"]
    with pytest.raises(actions.CommsError, match="text message or email"):
        actions.queue_recognition(
            school=school, pupils=[], windows=found.windows, channel="letter", now=NOW
        )


@pytest.fixture
def office(school):
    return create_staff_user(
        actor_label="test",
        school=school,
        username="office",
        password="x" * 12,
        roles=[Role.OFFICE],
    )


@pytest.fixture
def clock(monkeypatch):
    from rollbook.comms import views

    monkeypatch.setattr(views, "_now", lambda: aware(2025, 9, 29, 10, 0))


def test_the_office_lists_improvers_and_queues_recognition(
    client, office, clock, django_assert_max_num_queries
):
    client.force_login(office)

    with django_assert_max_num_queries(14):
        page = client.get(URL, {"points": "10", "weeks": "1"})
    body = page.content.decode()
    assert page.status_code == 200 and "Amy" in body and "Cal" in body and "Ben" not in body
    chosen = page.context["found"].pupils[0].pupil
    response = client.post(
        URL, {"points": "10", "weeks": "1", "channel": "sms", "pupils": [chosen.pk]}
    )

    assert response.status_code == 302
    message = Message.objects.get(kind="recognition")
    assert list(message.pupils.all()) == [chosen]


def test_bad_input_shows_clear_errors(client, office, clock):
    client.force_login(office)

    bad_points = client.get(URL, {"points": "lots"})
    no_pupils = client.post(URL, {"points": "5", "channel": "sms"})

    assert "Enter the points as a number, like 5" in bad_points.content.decode()
    assert no_pupils.status_code == 200
    assert "Choose at least one pupil" in no_pupils.content.decode()
    assert not Message.objects.exists()


def test_a_pupil_who_did_not_improve_cannot_be_recognised(client, office, clock, school):
    client.force_login(office)
    ben = school.pupils.get(legal_forename="Ben")

    response = client.post(URL, {"points": "5", "channel": "sms", "pupils": [ben.pk]})

    assert response.status_code == 200 and not Message.objects.exists()


def test_a_teacher_may_not_recognise(client, school):
    teacher = create_staff_user(
        actor_label="test", school=school, username="t", password="x" * 12, roles=[Role.TEACHER]
    )
    client.force_login(teacher)

    assert client.get(URL).status_code == 403
    assert client.post(URL, {"points": "5"}).status_code == 403


def test_another_schools_pupils_are_neither_listed_nor_recognised(client, school, clock):
    other = make_school(terms=())
    head = create_staff_user(
        actor_label="test", school=other, username="hill", password="x" * 12, roles=[Role.OFFICE]
    )
    cal = school.pupils.get(legal_forename="Cal")
    client.force_login(head)

    page = client.get(URL, {"points": "5"})
    post = client.post(URL, {"points": "5", "channel": "sms", "pupils": [cal.pk]})

    assert "Cal" not in page.content.decode()
    assert post.status_code == 200 and not Message.objects.exists()


def test_recognition_refuses_other_methods(client, office):
    client.force_login(office)

    assert client.put(URL).status_code == 405


def test_the_office_prints_certificates_and_they_are_noted(client, office, clock, school):
    client.force_login(office)
    cal = school.pupils.get(legal_forename="Cal")

    response = client.post(URL, {"points": "5", "channel": "certificate", "pupils": [cal.pk]})

    body = response.content.decode()
    assert response.status_code == 200 and "Well done, Cal!" in body and "80.0% to 95.0%" in body
    assert not Message.objects.exists()
    assert AuditEvent.objects.filter(kind="recognition.certificate", pupil_id=cal.pk).count() == 1

"""The office's Outbox page."""

import pytest
from pytest_django.asserts import assertTemplateUsed

from rollbook.comms import actions
from rollbook.comms.tests.world import DAY, NOW
from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role
from rollbook.core.tests.factories import make_school

URL = "/outbox/"


@pytest.fixture
def office(world):
    return create_staff_user(
        actor_label="test",
        school=world.school,
        username="office",
        password="x" * 12,
        roles=[Role.OFFICE],
    )


@pytest.fixture
def queued(world):
    actions.queue_first_day_messages(school=world.school, day=DAY, session="AM", now=NOW)
    actions.send_due_messages(now=NOW)


def test_office_sees_every_message_with_its_status(
    client, office, queued, django_assert_max_num_queries
):
    client.force_login(office)

    with django_assert_max_num_queries(12):
        response = client.get(URL)

    assert response.status_code == 200
    assertTemplateUsed(response, "comms/outbox.html")
    body = response.content.decode()
    assert "Amy" in body and "Ben" in body and "Cal" in body
    assert body.count('<strong class="govuk-tag">Sent</strong>') == 2


def test_the_outbox_filters_by_status(client, office, queued):
    client.force_login(office)

    response = client.get(URL, {"status": "queued"})

    assert response.status_code == 200
    assert "No messages match these filters." in response.content.decode()


def test_an_htmx_request_gets_the_same_page(client, office, queued):
    client.force_login(office)

    response = client.get(URL, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "Outbox" in response.content.decode()


def test_the_outbox_refuses_a_post(client, office):
    client.force_login(office)

    assert client.post(URL).status_code == 405


def test_a_teacher_cannot_see_the_outbox(client, world):
    teacher = create_staff_user(
        actor_label="test",
        school=world.school,
        username="teacher",
        password="x" * 12,
        roles=[Role.TEACHER],
    )
    client.force_login(teacher)

    assert client.get(URL).status_code == 403


def test_another_schools_office_sees_none_of_these_messages(client, queued):
    hill = make_school(name="Hill Primary")
    head = create_staff_user(
        actor_label="test", school=hill, username="hillhead", password="x" * 12, roles=[Role.HEAD]
    )
    client.force_login(head)

    response = client.get(URL)

    assert response.status_code == 200
    assert "Amy" not in response.content.decode()

"""The office's Outbox page."""

import json

import pytest
from django.test import override_settings
from pytest_django.asserts import assertTemplateUsed

from rollbook.comms import actions, rules
from rollbook.comms.models import Message, Status
from rollbook.comms.tests.world import DAY, NOW
from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, Role
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


# --- cancelling, receipts ---------------------------------------------------------------------


@pytest.fixture
def waiting(world):
    actions.queue_first_day_messages(school=world.school, day=DAY, session="AM", now=NOW)


def test_the_office_cancels_a_queued_message_with_a_reason_and_it_is_audited(
    client, office, world, waiting
):
    client.force_login(office)
    mum = Message.objects.get(contact=world.mum)
    page = client.get(URL).content.decode()
    assert f'id="cancel-{mum.pk}"' in page

    no_reason = client.post("/outbox/cancel/", {"message": mum.pk, "reason": ""})
    done = client.post("/outbox/cancel/", {"message": mum.pk, "reason": "Mum rang in"})

    assert no_reason.status_code == 200
    assert "Say why the message is cancelled" in no_reason.content.decode()
    assert done.status_code == 302
    mum.refresh_from_db()
    assert mum.status == Status.CANCELLED
    event = AuditEvent.objects.filter(kind="message.cancelled", object_id=str(mum.pk)).first()
    assert (event.actor, event.reason) == (office, "Mum rang in")


def test_cancelling_needs_a_message_of_this_school(client, office, world, waiting):
    hill = make_school(name="Hill Primary")
    head = create_staff_user(
        actor_label="test", school=hill, username="hillhead", password="x" * 12, roles=[Role.HEAD]
    )
    mum = Message.objects.get(contact=world.mum)
    client.force_login(head)

    assert client.post("/outbox/cancel/", {"message": mum.pk, "reason": "x"}).status_code == 404
    assert client.post("/outbox/cancel/", {"reason": "x"}).status_code == 400
    assert Message.objects.get(pk=mum.pk).status == Status.QUEUED


RECEIPTS = "/outbox/receipts/notify/"


@override_settings(NOTIFY_CALLBACK_TOKEN="s3cret")
def test_notify_receipts_need_the_bearer_token_and_mark_delivery(client, world, fake_channel):
    actions.queue_first_day_messages(school=world.school, day=DAY, session="AM", now=NOW)
    actions.send_due_messages(now=NOW)
    mum = Message.objects.get(contact=world.mum)
    body = json.dumps(fake_channel.receipt(str(mum.pk), "delivered"))

    anonymous = client.post(RECEIPTS, body, content_type="application/json")
    wrong = client.post(
        RECEIPTS, body, content_type="application/json", headers={"Authorization": "Bearer x"}
    )
    ok = client.post(
        RECEIPTS, body, content_type="application/json", headers={"Authorization": "Bearer s3cret"}
    )
    junk = client.post(
        RECEIPTS, "{", content_type="application/json", headers={"Authorization": "Bearer s3cret"}
    )

    assert [r.status_code for r in (anonymous, wrong, ok, junk)] == [401, 401, 200, 400]
    assert ok.json() == {"outcome": "delivered"}
    assert Message.objects.get(pk=mum.pk).status == Status.DELIVERED


def test_without_a_configured_token_every_receipt_is_refused(client):
    assert client.post(RECEIPTS, "{}", content_type="application/json").status_code == 401


# --- campaigns and templates ------------------------------------------------------------------


@pytest.fixture
def campaign(world):
    period = rules.Period("2025-W48", "w/c 24 November", DAY, DAY)
    campaign, _ = actions.prepare_campaign(
        school=world.school, kind="weekly_update", period=period, now=NOW
    )
    return campaign


def test_the_office_previews_approves_and_watches_a_campaign(
    client, office, world, campaign, django_assert_max_num_queries
):
    client.force_login(office)
    page = f"/outbox/campaigns/?campaign={campaign.pk}"

    listing = client.get("/outbox/campaigns/").content.decode()
    with django_assert_max_num_queries(20):
        preview = client.get(page).content.decode()
    bad = client.post("/outbox/campaigns/decide/", {"campaign": campaign.pk})
    approve = client.post(
        "/outbox/campaigns/decide/", {"campaign": campaign.pk, "decision": "approve"}
    )
    after = client.get(page).content.decode()
    progress = client.get(page, headers={"HX-Request": "true"}).content.decode()

    assert "Weekly attendance update" in listing
    assert "Amy 0.0% and Ben 0.0%" in preview and "Approve and queue 3 texts" in preview
    assert bad.status_code == 200  # no decision chosen: the page again, with the error
    assert approve.status_code == 302
    assert Message.objects.filter(campaign=campaign).count() == 3
    assert "3 messages, 3 still to send" in after
    assert progress.strip().startswith('<div id="progress" hx-get=') and "<html" not in progress
    assert 'hx-trigger="every 5s"' in progress


def test_cancelling_a_campaign_needs_a_reason(client, office, campaign):
    client.force_login(office)

    response = client.post(
        "/outbox/campaigns/decide/", {"campaign": campaign.pk, "decision": "cancel"}
    )

    assert "Say why the campaign is cancelled" in response.content.decode()
    campaign.refresh_from_db()
    assert campaign.status == "awaiting_approval"


def test_another_schools_campaign_is_not_found(client, campaign):
    hill = make_school(name="Hill Primary")
    head = create_staff_user(
        actor_label="test", school=hill, username="hillhead", password="x" * 12, roles=[Role.HEAD]
    )
    client.force_login(head)

    assert client.get(f"/outbox/campaigns/?campaign={campaign.pk}").status_code == 404
    decide = {"campaign": campaign.pk, "decision": "approve"}
    assert client.post("/outbox/campaigns/decide/", decide).status_code == 404
    assert not Message.objects.exists()


def test_the_office_saves_a_template_and_bad_placeholders_are_refused(client, office):
    client.force_login(office)
    form = {"kind": "weekly_update", "language": "pl"}

    bad = client.post("/outbox/templates/", form | {"body": "{school} {child}"})
    good = client.post("/outbox/templates/", form | {"body": "{school}: {children}!"})
    page = client.get("/outbox/templates/").content.decode()

    assert bad.status_code == 200
    assert "{child} is not a placeholder" in bad.content.decode()
    assert good.status_code == 302
    assert "{school}: {children}!" in page and "The school's version 1" in page

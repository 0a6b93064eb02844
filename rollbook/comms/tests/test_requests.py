"""Parents' requests for help and concerns (seeds 002-126, 000-6): logged, waiting in the
inbox until replied, and both on the pupil's timeline."""

import pytest

from rollbook.casework import queries as casework_queries
from rollbook.comms import actions
from rollbook.comms.models import ParentRequest
from rollbook.comms.tests.world import NOW
from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import make_pupil, make_school

INBOX, NEW, REPLY = "/outbox/requests/", "/outbox/requests/new/", "/outbox/requests/reply/"


def _user(school, role=Role.ATTENDANCE_LEAD, name="lead"):
    return create_staff_user(
        actor_label="test", school=school, username=name, password="x" * 12, roles=[role]
    )


@pytest.fixture
def logged(world):
    return actions.log_request(
        school=world.school,
        pupil=world.amy,
        kind="concern",
        channel="phone",
        text="Amy is anxious about the new class.",
        received_at=NOW,
    )


def test_a_request_is_logged_replied_once_and_audited(world, logged):
    actions.reply_to_request(request=logged, reply="Meeting with the SENCO on Friday.", now=NOW)

    with pytest.raises(actions.CommsError, match="already been replied"):
        actions.reply_to_request(request=logged, reply="Again", now=NOW)
    logged.refresh_from_db()
    assert (logged.reply, logged.is_open) == ("Meeting with the SENCO on Friday.", False)
    kinds = set(AuditEvent.objects.filter(pupil_id=world.amy.pk).values_list("kind", flat=True))
    assert {"parent_request.logged", "parent_request.replied"} <= kinds


def test_bad_requests_are_refused(world):
    other = make_pupil(make_school())
    with pytest.raises(actions.CommsError, match="not at this school"):
        actions.log_request(
            school=world.school,
            pupil=other,
            kind="help",
            channel="phone",
            text="x",
            received_at=NOW,
        )
    with pytest.raises(actions.CommsError, match="say what"):
        actions.log_request(
            school=world.school,
            pupil=world.amy,
            kind="help",
            channel="phone",
            text=" ",
            received_at=NOW,
        )


def test_the_request_and_the_reply_show_on_the_timeline(world, logged):
    actions.reply_to_request(request=logged, reply="We will call you today.", now=NOW)

    built = casework_queries.timeline(world.school, [world.amy], safeguarding=False)

    titles = [(e.title, e.detail) for e in built.events if e.kind == "message"]
    assert ("Parent raised a concern (phone)", "Amy is anxious about the new class.") in titles
    assert (
        "School replied: told us of a concern affecting attendance",
        "We will call you today.",
    ) in titles


def test_the_timeline_page_shows_the_concern(client, world, logged):
    client.force_login(_user(world.school))

    body = client.get(f"/cases/pupils/{world.amy.pk}/").content.decode()

    assert "Amy is anxious about the new class." in body


def test_the_team_logs_a_request_and_replies_from_the_inbox(
    client, world, django_assert_max_num_queries
):
    client.force_login(_user(world.school))

    form = client.get(NEW, {"pupil": world.ben.pk})
    logged = client.post(
        NEW,
        {"pupil": world.ben.pk, "kind": "help", "channel": "email", "text": "Mornings are hard."},
    )
    with django_assert_max_num_queries(12):
        inbox = client.get(INBOX)
    request = ParentRequest.objects.get()
    replied = client.post(REPLY, {"request": request.pk, "reply": "Breakfast club place offered."})

    assert form.status_code == 200 and logged.status_code == 302 and replied.status_code == 302
    assert "Mornings are hard." in inbox.content.decode()
    assert "Waiting for a reply (1)" in inbox.content.decode()
    request.refresh_from_db()
    assert request.logged_by.username == "lead" and request.replied_by.username == "lead"
    assert "Waiting for a reply (0)" in client.get(INBOX).content.decode()


def test_bad_input_gets_clear_errors(client, world, logged):
    client.force_login(_user(world.school))

    empty = client.post(NEW, {"pupil": world.amy.pk})
    no_reply = client.post(REPLY, {"request": logged.pk, "reply": ""})
    no_request = client.post(REPLY, {"reply": "x"})

    assert "Say what the parent asked or told us" in empty.content.decode()
    assert "Say how the school replied" in no_reply.content.decode()
    assert no_request.status_code == 400
    assert ParentRequest.objects.count() == 1 and logged.is_open


def test_a_teacher_may_not_see_or_log_requests(client, world, logged):
    client.force_login(_user(world.school, Role.TEACHER, "teacher"))

    assert client.get(INBOX).status_code == 403
    assert client.get(NEW, {"pupil": world.amy.pk}).status_code == 403
    assert client.post(REPLY, {"request": logged.pk, "reply": "x"}).status_code == 403


def test_another_schools_pupils_and_requests_are_not_found(client, world, logged):
    other = make_school()
    client.force_login(_user(other, Role.OFFICE, "hill"))

    assert client.get(NEW, {"pupil": world.amy.pk}).status_code == 404
    assert client.post(NEW, {"pupil": world.amy.pk, "kind": "help"}).status_code == 404
    assert client.post(REPLY, {"request": logged.pk, "reply": "x"}).status_code == 404
    assert "anxious" not in client.get(INBOX).content.decode()


def test_the_pages_refuse_the_wrong_method(client, world):
    client.force_login(_user(world.school))

    assert client.post(INBOX).status_code == 405
    assert client.get(REPLY).status_code == 405

"""The outbox against the database: first-day queueing, claiming, re-checks, retries.

Time is passed in (NOW); the sender uses the fake channel (settings COMMS_CHANNEL = "fake").
"""

from datetime import timedelta

import pytest

from rollbook.comms import actions
from rollbook.comms.models import Message, MessageEvent, Status
from rollbook.comms.tests.world import DAY, NOW
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware
from rollbook.pupils.actions import add_contact
from rollbook.registers.actions import change_mark
from rollbook.registers.models import Mark

pytestmark = pytest.mark.django_db


def queue(w, now=NOW):
    return actions.queue_first_day_messages(school=w.school, day=DAY, session="AM", now=now)


def mark_of(pupil):
    return Mark.objects.get(pupil=pupil, date=DAY, session="AM")


def message_for(contact):
    return Message.objects.get(contact=contact)


def test_siblings_get_one_message_naming_both_and_present_pupils_none(world):
    result = queue(world)

    assert len(result.queued) == 2
    mum = message_for(world.mum)
    assert mum.body == (
        "Meadow Primary: Amy and Ben are not in school this morning and we have not heard why. "
        "Please call the school office today. If you have already told us, thank you: "
        "please ignore this message."
    )
    assert (mum.recipient, mum.channel, mum.status, mum.language) == (
        "07700900001",
        "sms",
        Status.QUEUED,
        "en",
    )
    assert set(mum.pupils.all()) == {world.amy, world.ben}
    assert mum.dedupe_key == f"first_day:2025-11-24:AM:family:{world.amy.family_id}"
    assert mum.reason_key == f"mark:{mark_of(world.amy).pk}+{mark_of(world.ben).pk}:N"
    assert not Message.objects.filter(pupils=world.dot).exists()
    assert MessageEvent.objects.filter(message=mum, new_status=Status.QUEUED).count() == 1
    assert AuditEvent.objects.filter(kind="first_day.queued", school=world.school).count() == 1


def test_the_message_is_in_the_contacts_language_when_a_template_exists(world):
    queue(world)

    dad = message_for(world.dad)
    assert (dad.language, dad.template_key, dad.template_version) == (
        "pl",
        "first_day_absence/pl/sms",
        1,
    )
    assert dad.body.startswith("Meadow Primary: Cal jest dziś nieobecne/a w szkole (rano)")


def test_a_language_without_a_template_falls_back_to_english(world):
    world.dad.preferred_language = "Romanian"
    world.dad.save(update_fields=["preferred_language"])

    queue(world)

    assert message_for(world.dad).language == "en"


def test_a_second_run_queues_nothing_new(world):
    queue(world)

    result = queue(world, now=NOW + timedelta(minutes=5))

    assert result.queued == []
    assert result.already_queued == 2
    assert Message.objects.count() == 2


def test_a_contact_without_responsibility_or_mobile_is_passed_over(world):
    nan = add_contact(
        actor_label="test",
        school=world.school,
        pupils=[world.cal],
        forename="Nan",
        surname="Gran",
        relationship="Grandmother",
        mobile_phone="07700900009",
    )
    world.dad.mobile_phone = ""
    world.dad.save(update_fields=["mobile_phone"])

    queue(world)

    assert Message.objects.get(pupils=world.cal).contact == nan


def test_a_pupil_with_no_usable_contact_gets_nothing_queued_and_is_reported_once(world):
    world.dad.mobile_phone = ""
    world.dad.save(update_fields=["mobile_phone"])

    result = queue(world)
    again = queue(world, now=NOW + timedelta(minutes=5))

    assert result.no_contact == [world.cal] and again.no_contact == [world.cal]
    assert not Message.objects.filter(pupils=world.cal).exists()
    reports = AuditEvent.objects.filter(kind="first_day.no_contact")
    assert [(r.pupil_id, r.object_id) for r in reports] == [
        (world.cal.pk, str(mark_of(world.cal).pk))
    ]


def test_a_pupil_not_marked_n_is_not_texted(world):
    change_mark(actor=None, actor_label="office", mark=mark_of(world.cal), code="V", reason="trip")

    queue(world)

    assert not Message.objects.filter(contact=world.dad).exists()


def test_two_claims_on_one_message_only_one_wins(world):
    queue(world)
    message = message_for(world.mum)

    first = actions.claim_message(message.pk, now=NOW)
    second = actions.claim_message(message.pk, now=NOW)

    assert (first, second) == (True, False)
    message.refresh_from_db()
    assert (message.status, message.attempts, message.sending_since) == (Status.SENDING, 1, NOW)


def test_a_message_is_sent_once_and_recorded(world, fake_channel):
    queue(world)

    counts = actions.send_due_messages(now=NOW)
    again = actions.send_due_messages(now=NOW + timedelta(minutes=1))

    assert counts == {"sent": 2}
    assert again == {}
    assert sorted(o.recipient for o in fake_channel.sent) == ["07700900001", "07700900002"]
    mum = message_for(world.mum)
    assert (mum.status, mum.attempts, mum.sent_at) == (Status.SENT, 1, NOW)
    assert mum.provider_id.startswith("fake-")
    assert list(mum.events.values_list("old_status", "new_status")) == [
        ("", "queued"),
        ("queued", "sending"),
        ("sending", "sent"),
    ]
    # On each named child's timeline.
    assert sorted(
        AuditEvent.objects.filter(kind="message.sent", object_id=str(mum.pk)).values_list(
            "pupil_id", flat=True
        )
    ) == sorted([world.amy.pk, world.ben.pk])


def test_a_message_is_cancelled_when_the_mark_is_coded_before_sending(world, fake_channel):
    queue(world)
    change_mark(
        actor=None, actor_label="office", mark=mark_of(world.cal), code="V", reason="school trip"
    )

    outcome = actions.send_message(message_id=message_for(world.dad).pk, now=NOW)

    assert outcome == "cancelled"
    assert fake_channel.calls == 0
    dad = message_for(world.dad)
    assert dad.status == Status.CANCELLED
    cancelled = AuditEvent.objects.get(kind="message.cancelled")
    assert (cancelled.pupil_id, cancelled.reason) == (world.cal.pk, "Cal is now coded V")


def test_a_sibling_message_is_narrowed_to_the_children_still_unexplained(world, fake_channel):
    queue(world)
    change_mark(
        actor=None, actor_label="office", mark=mark_of(world.amy), code="M", reason="dentist"
    )

    actions.send_message(message_id=message_for(world.mum).pk, now=NOW)

    assert [o.body.split(" are ")[0].split(" is ")[0] for o in fake_channel.sent] == [
        "Meadow Primary: Ben"
    ]
    mum = message_for(world.mum)
    assert list(mum.pupils.all()) == [world.ben]
    assert mum.reason_key == f"mark:{mark_of(world.ben).pk}:N"
    assert mum.events.filter(detail="narrowed: Amy is now coded M").exists()


def test_nothing_is_sent_in_quiet_hours_and_it_goes_at_eight(world, fake_channel):
    queue(world)
    evening = aware(2025, 11, 24, 20, 30)

    counts = actions.send_due_messages(now=evening)
    at_seven = actions.send_due_messages(now=aware(2025, 11, 25, 7, 59))
    at_eight = actions.send_due_messages(now=aware(2025, 11, 25, 8, 0))

    assert counts == {"deferred": 2}
    assert at_seven == {}
    assert at_eight == {"sent": 2}
    assert message_for(world.mum).attempts == 1


def test_transient_failures_retry_after_one_five_and_twenty_five_minutes(world, fake_channel):
    queue(world)
    mum = message_for(world.mum)
    fake_channel.fail_next(permanent=False, times=3)

    outcomes = [
        actions.send_message(message_id=mum.pk, now=NOW + timedelta(minutes=m))
        for m in (0, 0.5, 1, 5, 6, 30, 31)
    ]

    assert outcomes == ["retry", "not_due", "retry", "not_due", "retry", "not_due", "sent"]
    mum.refresh_from_db()
    assert (mum.status, mum.attempts, mum.sent_at) == (Status.SENT, 4, NOW + timedelta(minutes=31))
    assert len(fake_channel.sent) == 1


def test_a_fourth_transient_failure_is_final(world, fake_channel):
    queue(world)
    mum = message_for(world.mum)
    fake_channel.fail_next(permanent=False, times=4, message="Notify 503: down")

    for minutes in (0, 1, 6, 31):
        actions.send_message(message_id=mum.pk, now=NOW + timedelta(minutes=minutes))

    mum.refresh_from_db()
    assert (mum.status, mum.attempts) == (Status.FAILED_PERMANENT, 4)
    assert mum.last_error == "gave up after 4 tries: Notify 503: down"
    assert AuditEvent.objects.filter(kind="message.failed", object_id=str(mum.pk)).count() == 2


def test_a_permanent_failure_is_not_retried(world, fake_channel):
    queue(world)
    mum = message_for(world.mum)
    fake_channel.fail_next(permanent=True, message="Notify 400: not a UK mobile")

    first = actions.send_message(message_id=mum.pk, now=NOW)
    later = actions.send_due_messages(now=NOW + timedelta(hours=1))

    assert first == "failed"
    assert later == {"sent": 1}  # Dad's message only
    mum.refresh_from_db()
    assert (mum.status, mum.attempts, mum.last_error) == (
        Status.FAILED_PERMANENT,
        1,
        "Notify 400: not a UK mobile",
    )
    assert fake_channel.calls == 2


def test_a_crash_between_claim_and_send_is_never_resent_but_handed_to_a_person(world, fake_channel):
    queue(world)
    mum = message_for(world.mum)
    actions.claim_message(mum.pk, now=NOW)  # ... and the worker dies here

    soon = actions.send_due_messages(now=NOW + timedelta(minutes=5))
    later = actions.send_due_messages(now=NOW + timedelta(minutes=16))

    assert soon == {"sent": 1} and later == {"needs_check": 1}  # Dad's went at +5
    assert [o.recipient for o in fake_channel.sent] == ["07700900002"]
    mum.refresh_from_db()
    assert mum.status == Status.NEEDS_CHECK
    assert AuditEvent.objects.filter(kind="message.needs_check", object_id=str(mum.pk)).count() == 2


def test_the_office_cancels_a_queued_message_with_a_reason(world):
    queue(world)
    mum = message_for(world.mum)

    with pytest.raises(actions.CommsError, match="say why"):
        actions.cancel_message(actor=None, actor_label="office", message=mum, reason=" ", now=NOW)
    actions.cancel_message(
        actor=None, actor_label="office", message=mum, reason="Mum rang in", now=NOW
    )

    mum.refresh_from_db()
    assert mum.status == Status.CANCELLED
    assert mum.events.last().detail == "Mum rang in"
    assert AuditEvent.objects.filter(kind="message.cancelled", reason="Mum rang in").count() == 2


def test_a_message_being_sent_cannot_be_cancelled(world):
    queue(world)
    mum = message_for(world.mum)
    actions.claim_message(mum.pk, now=NOW)

    with pytest.raises(actions.CommsError, match="too late"):
        actions.cancel_message(actor=None, actor_label="office", message=mum, reason="x", now=NOW)

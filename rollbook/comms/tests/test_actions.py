"""The outbox against the database: first-day queueing, claiming, re-checks, retries.

Time is passed in (NOW); the sender uses the fake channel (settings COMMS_CHANNEL = "fake").
"""

from datetime import timedelta
from itertools import pairwise

import pytest

from rollbook.comms import actions
from rollbook.comms.channels import SimulatedCrash
from rollbook.comms.models import Message, MessageEvent, Status
from rollbook.comms.tests.world import DAY, NOW
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware
from rollbook.policy.actions import adopt_policy
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


def test_a_crash_before_the_provider_got_it_is_sent_again_exactly_once(world, fake_channel):
    queue(world)
    mum = message_for(world.mum)
    actions.claim_message(mum.pk, now=NOW)  # ... and the worker dies here

    soon = actions.send_due_messages(now=NOW + timedelta(minutes=5))
    later = actions.send_due_messages(now=NOW + timedelta(minutes=16))
    after = actions.send_due_messages(now=NOW + timedelta(minutes=17))

    assert soon == {"sent": 1}  # Dad's; Mum's is not touched while the claim is fresh
    assert later == {"recovered_queued": 1, "sent": 1}  # the provider has no message 'mum.pk'
    assert after == {}
    assert sorted(o.recipient for o in fake_channel.sent) == ["07700900001", "07700900002"]
    mum.refresh_from_db()
    assert (mum.status, mum.attempts) == (Status.SENT, 2)
    assert (
        "recovered: the provider has no message"
        in mum.events.get(new_status="queued", old_status="sending").detail
    )


def test_a_crash_after_the_provider_accepted_it_is_recorded_as_sent_not_resent(world, fake_channel):
    queue(world)
    mum = message_for(world.mum)
    fake_channel.crash_next()
    with pytest.raises(SimulatedCrash):
        actions.send_message(message_id=mum.pk, now=NOW)

    later = actions.send_due_messages(now=NOW + timedelta(minutes=16))

    assert later == {"recovered_sent": 1, "sent": 1}  # Mum's recovered, Dad's sent
    assert [o.recipient for o in fake_channel.sent].count("07700900001") == 1
    mum.refresh_from_db()
    assert (mum.status, mum.provider_id, mum.attempts) == (Status.SENT, "fake-1", 1)
    sent = AuditEvent.objects.filter(kind="message.sent", object_id=str(mum.pk))
    assert {e.data["recovered"] for e in sent} == {True}


def test_a_crash_the_provider_cannot_answer_for_is_handed_to_a_person(world, fake_channel):
    queue(world)
    mum = message_for(world.mum)
    actions.claim_message(mum.pk, now=NOW)
    fake_channel.can_look_up = False  # e.g. SMTP, or Notify unreachable

    later = actions.send_due_messages(now=NOW + timedelta(minutes=16))
    again = actions.send_due_messages(now=NOW + timedelta(minutes=30))

    assert later == {"needs_check": 1, "sent": 1} and again == {}
    assert [o.recipient for o in fake_channel.sent] == ["07700900002"]
    mum.refresh_from_db()
    assert mum.status == Status.NEEDS_CHECK
    assert AuditEvent.objects.filter(kind="message.needs_check", object_id=str(mum.pk)).count() == 2


def test_two_senders_at_once_send_each_message_once(world, fake_channel):
    """Two workers read the same due list, then interleave: the conditional claim lets one
    of them through per message; the other is told it lost."""
    queue(world)
    due = list(Message.objects.order_by("pk").values_list("pk", flat=True))

    outcomes = []
    for message_id in due:
        outcomes.append(actions.send_message(message_id=message_id, now=NOW))  # worker A
        outcomes.append(actions.send_message(message_id=message_id, now=NOW))  # worker B

    assert outcomes == ["sent", "not_due", "sent", "not_due"]
    assert len(fake_channel.sent) == 2


def test_a_second_sender_during_the_provider_call_finds_nothing_to_send(world, fake_channel):
    """Worker B starts while worker A is inside the provider call for the same message."""
    queue(world)
    mum = message_for(world.mum)
    seen = []
    fake_channel.on_send = lambda: seen.append(
        (
            actions.claim_message(mum.pk, now=NOW),
            actions.send_message(message_id=mum.pk, now=NOW),
            actions.send_due_messages(now=NOW, limit=0),
        )
    )

    assert actions.send_message(message_id=mum.pk, now=NOW) == "sent"
    assert seen == [(False, "not_due", {})]
    assert [o.recipient for o in fake_channel.sent] == ["07700900001"]


def test_quiet_hours_come_from_the_policy(world, fake_channel):
    adopt_policy(
        actor_label="test",
        school=world.school,
        text='name="p"\nversion=1\n[comms]\nquiet_starts=09:00:00\nquiet_ends=07:30:00\n',
        source="test",
    )
    queue(world)

    at_930 = actions.send_due_messages(now=NOW)
    at_730 = actions.send_due_messages(now=aware(2025, 11, 25, 7, 30))

    assert at_930 == {"deferred": 2} and at_730 == {"sent": 2}
    assert message_for(world.mum).next_attempt_at == aware(2025, 11, 25, 7, 30)


def test_every_status_change_leaves_an_event_in_order(world, fake_channel):
    queue(world)
    mum = message_for(world.mum)
    fake_channel.fail_next(permanent=False)
    actions.send_message(message_id=mum.pk, now=NOW)
    actions.send_message(message_id=mum.pk, now=NOW + timedelta(minutes=1))
    actions.record_receipt(
        provider_id=message_for(world.mum).provider_id,
        provider_status="delivered",
        now=NOW + timedelta(minutes=2),
    )

    steps = list(mum.events.values_list("old_status", "new_status", "attempt"))
    assert steps == [
        ("", "queued", 0),
        ("queued", "sending", 1),
        ("sending", "failed_transient", 1),
        ("failed_transient", "sending", 2),
        ("sending", "sent", 2),
        ("sent/needs_check", "delivered", 2),
    ]
    chained = [(a[1], b[0].split("/")) for a, b in pairwise(steps)]
    assert all(new in olds for new, olds in chained)
    assert list(
        AuditEvent.objects.filter(object_id=str(mum.pk), pupil_id=world.amy.pk)
        .order_by("pk")
        .values_list("kind", flat=True)
    ) == ["message.sent", "message.delivered"]


def test_a_receipt_marks_delivered_or_failed_and_is_idempotent(world, fake_channel):
    queue(world)
    actions.send_due_messages(now=NOW)
    mum, dad = message_for(world.mum), message_for(world.dad)
    later = NOW + timedelta(minutes=3)

    ok = fake_channel.receipt(str(mum.pk), "delivered")
    bad = fake_channel.receipt(str(dad.pk), "permanent-failure")
    outcomes = [
        actions.record_receipt(provider_id=ok["id"], provider_status=ok["status"], now=later),
        actions.record_receipt(provider_id=ok["id"], provider_status=ok["status"], now=later),
        actions.record_receipt(
            reference=bad["reference"], provider_status=bad["status"], now=later
        ),
        actions.record_receipt(provider_id=ok["id"], provider_status="sending", now=later),
        actions.record_receipt(provider_id="nope", provider_status="delivered", now=later),
    ]

    assert outcomes == ["delivered", "ignored", "failed", "ignored", "unknown"]
    mum.refresh_from_db()
    dad.refresh_from_db()
    assert (mum.status, dad.status) == (Status.DELIVERED, Status.FAILED_PERMANENT)
    assert "not in use" in dad.last_error
    assert fake_channel.calls == 2  # a failed delivery is never resent


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

"""Positive texts home for awards (issue 10, scope 4; S004-20), when the reward says so."""

from __future__ import annotations

from dataclasses import replace

import pytest
import time_machine

from rollbook.comms.models import Kind, Message, Status
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.actions import add_contact
from rollbook.rewards import queries
from rollbook.rewards.actions import record_awards
from rollbook.rewards.tests.builders import FRIDAY, school_with_classes

pytestmark = pytest.mark.django_db
NOW = aware(2026, 5, 14, 16, 0)


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world():
    w = school_with_classes("004_strategy_2024_25")
    # Amy's first-priority contact is her mother; her father is second.
    for forename, phone in (("Mia", "07700900001"), ("Mo", "07700900002")):
        add_contact(
            actor_label="test",
            school=w.school,
            pupils=[w.a1],
            forename=forename,
            surname="Able",
            relationship="Parent",
            mobile_phone=phone,
        )
    return w


def termly_100(school):
    policy, _ = active_policy(school)
    return next(r for r in policy.rewards if r.key == "termly_100")


def record(world, reward, ids):
    found = queries.award_list(world.school, reward, world.school.calendar(), as_of=FRIDAY)
    return record_awards(
        actor_label="test",
        school=world.school,
        reward=reward,
        period=found.period,
        pupil_ids=ids,
        awarded_on=FRIDAY,
    )


def test_004_termly_100_says_message_parents():
    reward = termly_100(school_with_classes("004_strategy_2024_25").school)
    assert reward.message_parents is True


def test_an_award_under_a_messaging_reward_queues_one_text_to_the_first_contact(world):
    reward = termly_100(world.school)

    new = record(world, reward, [world.a1.pk])

    message = Message.objects.get()
    assert message.kind == Kind.AWARD and message.status == Status.QUEUED
    assert message.recipient == "07700900001" and message.contact.forename == "Mia"
    assert list(message.pupils.all()) == [world.a1]
    assert "Amy" in message.body and "100% attendance this term" in message.body
    assert message.dedupe_key == f"award:{new[0].pk}"
    assert message.template_key == "award/en/sms"
    assert AuditEvent.objects.filter(kind="award_message.queued").count() == 1


def test_without_the_flag_nothing_is_queued(world):
    reward = replace(termly_100(world.school), message_parents=False)

    record(world, reward, [world.a1.pk])

    assert not Message.objects.exists()


def test_recording_twice_still_queues_one_text(world):
    reward = termly_100(world.school)

    record(world, reward, [world.a1.pk])
    again = record(world, reward, [world.a1.pk])

    assert again == [] and Message.objects.count() == 1

"""First-day contact on the office's Today page: who was texted, who has been reached, who
to phone or visit next (rollbook/registers/office.py reads; comms.rules.follow_up_step)."""

from datetime import date, timedelta

import pytest
import time_machine

from rollbook.absences.actions import log_contact_attempt
from rollbook.comms import actions
from rollbook.comms.tests.world import DAY, NOW
from rollbook.core.actions import create_staff_user
from rollbook.core.models import Role
from rollbook.core.tests.factories import add_marks
from rollbook.policy.actions import adopt_policy
from rollbook.registers import office

pytestmark = pytest.mark.django_db
FRIDAY = date(2025, 11, 21)


def steps(today):
    return {p.name.split()[0]: (p.step.key, p.step.text) for p in today.absent}


def test_the_follow_up_list_says_who_was_texted_reached_and_what_comes_next(world):
    add_marks(world.ben, [(FRIDAY, "AM", "N"), (FRIDAY, "PM", "N")])  # day 2 for Ben
    before = office.office_today(world.school, NOW)
    actions.queue_first_day_messages(school=world.school, day=DAY, session="AM", now=NOW)
    queued = office.office_today(world.school, NOW)
    actions.send_due_messages(now=NOW)
    log_contact_attempt(
        actor=None,
        pupil=world.cal,
        contact=world.dad,
        method="call",
        outcome="spoke_reason",
        at=NOW + timedelta(minutes=20),
    )

    later = office.office_today(world.school, NOW + timedelta(minutes=75))

    assert steps(before)["Amy"] == ("call", "Phone now: no text could be sent")
    assert steps(queued)["Amy"] == ("wait", "Text waiting to go")
    assert steps(later) == {
        "Amy": ("call", "Phone now: no reply 75 minutes after the text"),
        "Ben": ("visit", "Day 2 of unexplained absence: home visit due"),
        "Cal": ("done", "Spoken to or seen: record the reason"),
    }
    assert [p.name.split()[0] for p in later.follow_ups] == ["Ben", "Amy"]
    amy = later.absent_pupil(world.amy.pk)
    assert (amy.text.status, amy.text.to, amy.text.at) == ("sent", "Mia Mum", NOW)


def test_the_wait_before_phoning_comes_from_the_policy(world):
    adopt_policy(
        actor_label="test",
        school=world.school,
        text='name="p"\nversion=1\n[comms]\ncall_after_minutes=30\n',
        source="test",
    )
    actions.queue_first_day_messages(school=world.school, day=DAY, session="AM", now=NOW)
    actions.send_due_messages(now=NOW)

    today = office.office_today(world.school, NOW + timedelta(minutes=30))

    assert steps(today)["Amy"] == ("call", "Phone now: no reply 30 minutes after the text")
    assert today.call_after_minutes == 30


def test_the_today_page_shows_the_first_day_contact_table(client, world):
    user = create_staff_user(
        actor_label="test",
        school=world.school,
        username="o",
        password="x" * 12,
        roles=[Role.OFFICE],
    )
    actions.queue_first_day_messages(school=world.school, day=DAY, session="AM", now=NOW)
    actions.send_due_messages(now=NOW)
    client.force_login(user)

    with time_machine.travel(NOW + timedelta(minutes=61), tick=False):
        html = client.get("/office/today/").content.decode()

    assert "First-day contact" in html
    assert "Sent 09:30 to Mia Mum" in html
    assert "Phone now: no reply 61 minutes after the text" in html
    assert f'href="#attempt-{world.amy.pk}">Log the call' in html

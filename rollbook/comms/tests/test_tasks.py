"""The outbox jobs: thin wrappers, run with the immediate task backend and a pinned clock."""

import time_machine

from rollbook.comms import tasks
from rollbook.comms.models import Message, Status
from rollbook.core.tests.factories import aware

# Monday 24 November 2025; the AM register (08:45 + 30 minutes) closes at 09:15.
BEFORE_DUE = aware(2025, 11, 24, 9, 20)
DUE = aware(2025, 11, 24, 9, 30)
SATURDAY = aware(2025, 11, 29, 9, 30)


def test_first_day_contact_waits_ten_minutes_after_the_register_closes(world):
    with time_machine.travel(BEFORE_DUE, tick=False):
        assert tasks.first_day_contact.call() == 0
    assert not Message.objects.exists()

    with time_machine.travel(DUE, tick=False):
        assert tasks.first_day_contact.call() == 1
        assert tasks.first_day_contact.call() == 1  # the next run repeats harmlessly

    assert Message.objects.filter(status=Status.QUEUED).count() == 2


def test_first_day_contact_does_nothing_when_school_is_closed(world):
    with time_machine.travel(SATURDAY, tick=False):
        assert tasks.first_day_contact.call() == 0


def test_the_minute_job_sends_what_is_due(world, fake_channel):
    with time_machine.travel(DUE, tick=False):
        tasks.first_day_contact.call()
        counts = tasks.send_due_messages.call()

    assert counts == {"sent": 2}
    assert len(fake_channel.sent) == 2

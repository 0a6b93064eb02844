"""Expectations when a pupil is admitted (seed 001-8): the scheduler finds newly admitted
pupils and queues one message per family; the outbox is the state, so re-runs add nothing."""

from datetime import date

import pytest
import time_machine

from rollbook.comms import actions, rules, tasks
from rollbook.comms.models import Message, Status
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware, make_pupil, make_school
from rollbook.pupils.actions import add_contact

pytestmark = pytest.mark.django_db
TODAY = date(2025, 11, 24)
NOW = aware(2025, 11, 24, 10, 0)


def test_expectations_are_due_for_recent_admissions_added_recently():
    assert rules.expectations_due(date(2025, 11, 24), date(2025, 11, 20), TODAY)
    assert rules.expectations_due(date(2025, 10, 27), date(2025, 10, 27), TODAY)  # 28 days
    assert not rules.expectations_due(date(2025, 10, 26), date(2025, 11, 20), TODAY)
    assert not rules.expectations_due(date(2025, 11, 24), date(2025, 10, 26), TODAY)  # old import
    assert rules.expectations_dedupe_key([12, 3]) == "expectations:3+12"


@pytest.fixture
def admitted():
    with time_machine.travel(NOW, tick=False):
        school = make_school(name="Meadow Primary")
        old = make_pupil(school, legal_forename="Old", family_id="F0")  # admitted in 2022
        eve = make_pupil(
            school,
            legal_forename="Eve",
            family_id="F9",
            admission_date=TODAY,
            date_of_birth=date(2018, 1, 1),
        )
        fay = make_pupil(
            school,
            legal_forename="Fay",
            family_id="F9",
            admission_date=TODAY,
            date_of_birth=date(2020, 1, 1),
        )
        gus = make_pupil(school, legal_forename="Gus", family_id="F8", admission_date=TODAY)
        add_contact(
            actor_label="test",
            school=school,
            pupils=[old, eve, fay],
            forename="Pat",
            surname="Parent",
            relationship="Mother",
            mobile_phone="07700900009",
        )
    return school, gus


def test_one_message_per_newly_admitted_family_and_none_twice(admitted):
    school, _gus = admitted

    first = actions.queue_expectations(school=school, today=TODAY, now=NOW)
    again = actions.queue_expectations(school=school, today=TODAY, now=NOW)

    assert len(first.queued) == 1 and again.queued == []
    message = first.queued[0]
    assert sorted(p.legal_forename for p in message.pupils.all()) == ["Eve", "Fay"]
    assert message.body.startswith("Meadow Primary: welcome! We expect Eve and Fay to be in school")
    assert (message.kind, message.status, message.channel) == ("expectations", Status.QUEUED, "sms")
    assert [p.legal_forename for p in first.no_contact] == ["Gus"]
    assert AuditEvent.objects.filter(kind="expectations.queued").count() == 2  # one per child


def test_a_family_whose_contact_arrives_later_is_told_on_a_later_run(admitted):
    school, gus = admitted
    actions.queue_expectations(school=school, today=TODAY, now=NOW)
    add_contact(
        actor_label="test",
        school=school,
        pupils=[gus],
        forename="Gil",
        surname="G",
        relationship="Father",
        email="gil@example.org",
    )

    later = actions.queue_expectations(school=school, today=date(2025, 11, 25), now=NOW)

    assert [(m.channel, m.recipient) for m in later.queued] == [("email", "gil@example.org")]
    assert later.queued[0].subject == "Meadow Primary: attendance expectations"
    assert Message.objects.filter(kind="expectations").count() == 2


def test_the_scheduled_job_queues_expectations(admitted):
    with time_machine.travel(NOW, tick=False):
        assert tasks.admission_expectations.call() == 1
        assert tasks.admission_expectations.call() == 0

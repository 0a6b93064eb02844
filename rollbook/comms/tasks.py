"""Outbox jobs: thin tasks that load by id and call one action (house style 3.6, 3.9 item 4)."""

from datetime import date

from crontask import cron
from django.tasks import task
from django.utils import timezone

from rollbook.comms import actions, rules
from rollbook.core.calendar import Session
from rollbook.core.models import School
from rollbook.registers.taking import times_for


@cron("* * * * *")
@task
def send_due_messages() -> dict[str, int]:
    """Every minute: the outbox rows are the to-do list; a missed minute is caught next time."""
    return actions.send_due_messages(now=timezone.now())


@task
def queue_first_day(school_id: int, day: str, session: str) -> int:
    school = School.objects.get(pk=school_id)
    result = actions.queue_first_day_messages(
        school=school, day=date.fromisoformat(day), session=session, now=timezone.now()
    )
    return len(result.queued)


# Every five minutes through the morning; each school is picked up from its policy's
# `comms.first_day_delay_minutes` after its morning register closes (dedupe keys make the
# repeats harmless).
@cron("*/5 8-11 * * Mon-Fri")
@task
def first_day_contact() -> int:
    now = timezone.now()
    today = timezone.localdate(now)
    enqueued = 0
    for school in School.objects.all():
        if not school.calendar().is_school_session(today, Session.AM):
            continue
        closes = times_for(school).closes(today, Session.AM)
        delay = actions.comms_policy(school).first_day_delay_minutes
        if not rules.first_day_due(now, closes, delay):
            continue
        queue_first_day.enqueue(school.pk, today.isoformat(), Session.AM.value)
        enqueued += 1
    return enqueued


@cron("0 7 * * Mon-Fri")
@task
def schedule_campaigns() -> int:
    """Each morning: prepare the policy's campaigns that are due (once per period); they wait
    on /outbox/campaigns/ for approval unless the policy auto-approves them."""
    now = timezone.now()
    today = timezone.localdate(now)
    made = 0
    for school in School.objects.all():
        made += len(actions.schedule_campaigns(school=school, today=today, now=now))
    return made


# Through the school day: newly admitted pupils' families get the attendance expectations
# (the outbox is the state: a pupil already named in one is skipped).
@cron("*/15 7-18 * * *")
@task
def admission_expectations() -> int:
    now = timezone.now()
    today = timezone.localdate(now)
    queued = 0
    for school in School.objects.all():
        queued += len(actions.queue_expectations(school=school, today=today, now=now).queued)
    return queued

"""Immediate DSL tasks (S002-31, S003-8) and leaving school without permission (S002-118)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse

from rollbook.casework import actions, caseloads, concern_actions, queries, rules
from rollbook.casework import meeting_actions as ma
from rollbook.casework.models import CaseTask, Concern
from rollbook.casework.rules import CaseError
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import aware

AFTERNOON = aware(2026, 11, 23, 14, 0)
TODAY = date(2026, 11, 23)
SECRET = "Bruise on her arm, says dad did it"
HTMX = {"HX-Request": "true"}


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def _due(cw, user):
    return [t.title for t in caseloads.my_caseload(cw.school, cw.users[user], TODAY).due_now]


def test_a_safeguarding_concern_is_an_immediate_task_for_the_dsl_only(cw):
    raised = concern_actions.raise_concern(
        actor=cw.users["teacher"], pupil=cw.amy, text=SECRET, safeguarding=True, now=AFTERNOON
    )

    task = raised.task
    assert (task.assigned_role, task.assigned_to, task.due_on) == (Role.DSL, None, TODAY)
    assert task.safeguarding and raised.concern.safeguarding
    assert _due(cw, "dsl") == [task.title] and _due(cw, "lead") == []
    event = AuditEvent.objects.get(kind="concern.safeguarding")
    assert event.data["safeguarding"] is True and "Bruise" not in str(event.data)


@pytest.mark.parametrize("user", ["office", "lead", "head", "senco", "teacher"])
def test_safeguarding_concerns_and_tasks_stay_off_other_timelines(client, cw, user):
    concern_actions.raise_concern(
        actor=cw.users["dsl"], pupil=cw.amy, text=SECRET, safeguarding=True
    )
    client.force_login(cw.users[user])

    text = client.get(url("pupil", cw.amy.pk)).content.decode()

    assert "Bruise" not in text and "Safeguarding concern" not in text
    if user != "teacher":
        meetings = client.get(url("meetings", cw.amy.pk)).content.decode()
        assert "Safeguarding concern" not in meetings


def test_the_dsl_sees_the_concern_on_the_timeline_and_the_raiser_sees_its_status(client, cw):
    concern_actions.raise_concern(
        actor=cw.users["teacher"], pupil=cw.amy, text=SECRET, safeguarding=True
    )
    client.force_login(cw.users["dsl"])
    events = client.get(url("pupil", cw.amy.pk)).context["events"]
    client.force_login(cw.users["teacher"])
    mine = client.get(url("pupil", cw.amy.pk)).context["concerns"]

    assert any(e.title == "Safeguarding concern" and e.detail == SECRET for e in events)
    assert [(c.text, c.assigned_to, c.done) for c in mine] == [
        (SECRET, "Designated safeguarding lead", False)
    ]


def test_raising_a_safeguarding_concern_on_the_page_tells_the_user(client, cw):
    client.force_login(cw.users["teacher"])

    response = client.post(url("concern", cw.amy.pk), {"text": SECRET, "safeguarding": "on"})

    assert response.status_code == 302
    assert "the DSL has a task" in client.get(response["Location"]).content.decode()
    assert CaseTask.objects.get().assigned_role == Role.DSL


def test_a_task_outcome_marked_safeguarding_goes_to_the_dsl_and_its_text_with_it(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    call = ma.add_task(
        actor=cw.users["lead"], pupil=cw.amy, kind="call", title="Ring mum", due_on=TODAY
    )

    with pytest.raises(CaseError, match="safeguarding concern is"):
        ma.complete_task(actor=cw.users["office"], task=call, safeguarding_concern=True)
    ma.complete_task(actor=cw.users["office"], task=call, note=SECRET, safeguarding_concern=True)

    call.refresh_from_db()
    dsl_task = CaseTask.objects.get(safeguarding=True)
    assert call.done_note == "Safeguarding concern passed to the DSL." and call.done_at
    assert (dsl_task.assigned_role, dsl_task.due_on, dsl_task.case) == (
        Role.DSL,
        call.done_at.date(),
        call.case,
    )
    assert SECRET in Concern.objects.get().text
    office = queries.timeline(cw.school, [cw.amy], safeguarding=False).events
    assert not any(SECRET in e.detail for e in office)


def test_marking_a_call_outcome_as_safeguarding_on_the_page(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    call = ma.add_task(
        actor=cw.users["lead"], pupil=cw.amy, kind="call", title="Ring mum", due_on=TODAY
    )
    client.force_login(cw.users["office"])

    response = client.post(
        url("task_done", cw.amy.pk),
        {"task": call.pk, "note": SECRET, "safeguarding_concern": "on"},
    )

    assert response.status_code == 302
    dsl_task = CaseTask.objects.get(safeguarding=True)
    assert dsl_task.assigned_role == Role.DSL
    # The office cannot see, nor complete, the DSL's task.
    page = client.get(url("meetings", cw.amy.pk)).content.decode()
    assert "Bruise" not in page and dsl_task.title not in page
    refused = client.post(url("task_done", cw.amy.pk), {"task": dsl_task.pk})
    assert refused.status_code == 200 and "govuk-error-summary" in refused.content.decode()
    dsl_task.refresh_from_db()
    assert dsl_task.done_at is None


# --- Leaving school without permission --------------------------------------------------------


def test_check_left_site():
    with pytest.raises(CaseError, match="future"):
        rules.check_left_site(left_at=AFTERNOON, now=AFTERNOON - timedelta(minutes=1), text="")
    with pytest.raises(CaseError, match="on the day"):
        rules.check_left_site(left_at=AFTERNOON - timedelta(days=2), now=AFTERNOON, text="")
    rules.check_left_site(left_at=AFTERNOON - timedelta(minutes=20), now=AFTERNOON, text="")


def test_leaving_at_1340_alerts_the_dsl_at_once_and_notes_the_time(cw):
    left = aware(2026, 11, 23, 13, 40)

    raised = concern_actions.record_left_site(
        actor=cw.users["teacher"], pupil=cw.amy, left_at=left, now=AFTERNOON
    )

    assert raised.concern.occurred_at == left and raised.task.assigned_role == Role.DSL
    assert "13:40" in raised.task.title and raised.task.due_on == TODAY
    assert _due(cw, "dsl") == [raised.task.title]
    events = queries.timeline(cw.school, [cw.amy], safeguarding=False, kinds=["concern"]).events
    assert [(e.title, e.at) for e in events] == [("Left school without permission", left)]
    assert AuditEvent.objects.get(kind="concern.left_site").pupil_id == cw.amy.pk


@time_machine.travel(AFTERNOON, tick=False)
def test_the_teacher_records_a_pupil_leaving_the_site(client, cw):
    client.force_login(cw.users["teacher"])

    response = client.post(url("left_site", cw.amy.pk), {"left_at": "13:40", "text": "Ran off"})
    page = client.get(url("pupil", cw.amy.pk)).content.decode()
    future = client.post(url("left_site", cw.amy.pk), {"left_at": "15:00"}, headers=HTMX)
    empty = client.post(url("left_site", cw.amy.pk), {"left_at": ""})

    assert response.status_code == 302
    assert "left at 13:40. The DSL has a task now." in page
    assert future.status_code == 200 and "cannot be in the future" in future.content.decode()
    assert "<html" not in future.content.decode()
    assert empty.status_code == 200 and "govuk-error-summary" in empty.content.decode()
    assert Concern.objects.get().text == "Ran off"


def test_the_left_site_form_refuses_wrong_method_users_and_schools(client, cw):
    client.force_login(cw.users["teacher"])
    assert client.get(url("left_site", cw.amy.pk)).status_code == 405
    assert client.post(url("left_site", cw.ben.pk), {"left_at": "09:00"}).status_code == 403
    client.force_login(cw.users["governor"])
    assert client.post(url("left_site", cw.amy.pk), {"left_at": "09:00"}).status_code == 403
    client.force_login(cw.users["other_head"])
    assert client.post(url("left_site", cw.amy.pk), {"left_at": "09:00"}).status_code == 404
    assert not Concern.objects.exists()

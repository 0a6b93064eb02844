"""Raising a concern (S000-51, S002-120): a teacher's concern about their own pupil becomes a
task for the attendance lead (or the case owner), on the timeline, with its status shown."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rollbook.casework import actions, caseloads, concern_actions, meeting_actions, rules
from rollbook.casework.models import CaseTask, Concern
from rollbook.casework.rules import CaseError
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import aware

HTMX = {"HX-Request": "true"}
NOTICED = "Amy says she has to get her brothers ready in the morning"


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def test_check_concern_needs_what_was_noticed():
    with pytest.raises(CaseError, match="noticed"):
        rules.check_concern(text="  ")
    with pytest.raises(CaseError, match="short"):
        rules.check_concern(text="x" * 2001)
    rules.check_concern(text="Tired every morning")


def test_who_may_raise_a_concern():
    assert rules.may_raise_concern({Role.TEACHER}, teaches_pupil=True)
    assert not rules.may_raise_concern({Role.TEACHER}, teaches_pupil=False)
    assert rules.may_raise_concern({Role.SENCO}, teaches_pupil=False)
    assert not rules.may_raise_concern({Role.GOVERNOR}, teaches_pupil=False)


def test_a_concern_without_a_case_is_a_task_for_the_attendance_lead(cw):
    now = aware(2026, 11, 23, 10, 15)

    raised = concern_actions.raise_concern(
        actor=cw.users["teacher"], pupil=cw.amy, text=NOTICED, now=now
    )

    task = raised.task
    assert (task.case, task.assigned_to, task.assigned_role) == (None, None, Role.ATTENDANCE_LEAD)
    assert task.kind == "concern" and task.due_on.isoformat() == "2026-11-23"
    lead = caseloads.my_caseload(cw.school, cw.users["lead"], task.due_on)
    assert [t.task_id for t in lead.due_now] == [task.pk]
    event = AuditEvent.objects.get(kind="concern.raised")
    assert event.actor == cw.users["teacher"] and "brothers" not in str(event.data)


def test_a_concern_with_an_owned_case_goes_to_the_owner(cw):
    case = actions.open_case(
        actor=cw.users["lead"], pupil=cw.amy, reason="PA", owner=cw.users["office"]
    )

    raised = concern_actions.raise_concern(actor=cw.users["teacher"], pupil=cw.amy, text=NOTICED)

    assert (raised.task.case, raised.task.assigned_to) == (case, cw.users["office"])
    assert raised.concern.case == case


def test_the_teacher_raises_a_concern_and_sees_its_status(client, cw):
    client.force_login(cw.users["teacher"])

    response = client.post(url("concern", cw.amy.pk), {"text": NOTICED})

    assert response.status_code == 302 and response["Location"] == url("pupil", cw.amy.pk)
    page = client.get(response["Location"])
    text = page.content.decode()
    assert "the attendance lead has a task to follow it up" in text
    assert NOTICED in text and "To do" in text
    assert any(e.title == "Concern raised" for e in page.context["events"])
    task = CaseTask.objects.get()
    meeting_actions.complete_task(actor=cw.users["lead"], task=task, note="Rang mum")
    text = client.get(url("pupil", cw.amy.pk)).content.decode()
    assert "Followed up" in text and "Rang mum" in text


def test_a_teacher_sees_only_their_own_concerns(client, cw):
    concern_actions.raise_concern(actor=cw.users["office"], pupil=cw.amy, text="Office worry")
    concern_actions.raise_concern(actor=cw.users["teacher"], pupil=cw.amy, text=NOTICED)

    client.force_login(cw.users["teacher"])
    mine = client.get(url("pupil", cw.amy.pk)).context["concerns"]
    client.force_login(cw.users["lead"])
    every = client.get(url("pupil", cw.amy.pk)).context["concerns"]

    assert [c.text for c in mine] == [NOTICED]
    assert {c.text for c in every} == {NOTICED, "Office worry"}


def test_a_teacher_cannot_raise_a_concern_about_another_class(client, cw):
    client.force_login(cw.users["teacher"])  # teaches Amy's class, not Ben's

    assert client.post(url("concern", cw.ben.pk), {"text": NOTICED}).status_code == 403
    for user in ("governor",):
        client.force_login(cw.users[user])
        assert client.post(url("concern", cw.amy.pk), {"text": NOTICED}).status_code == 403
    client.force_login(cw.users["other_head"])
    assert client.post(url("concern", cw.amy.pk), {"text": NOTICED}).status_code == 404
    client.force_login(cw.users["teacher"])
    assert client.get(url("concern", cw.amy.pk)).status_code == 405
    assert not Concern.objects.exists() and not CaseTask.objects.exists()


def test_an_empty_concern_re_renders_its_form_with_and_without_htmx(client, cw):
    client.force_login(cw.users["teacher"])

    page = client.post(url("concern", cw.amy.pk), {"text": ""})
    partial = client.post(url("concern", cw.amy.pk), {"text": ""}, headers=HTMX)
    done = client.post(url("concern", cw.amy.pk), {"text": NOTICED}, headers=HTMX)

    assert page.status_code == 200 and "govuk-error-summary" in page.content.decode()
    body = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in body and 'id="concern-form"' in body
    assert "govuk-error-summary" in body and 'id="case-forms"' not in body
    assert done["HX-Redirect"] == url("pupil", cw.amy.pk)
    assert Concern.objects.count() == 1


def test_the_pupil_page_queries_do_not_grow_with_concerns(
    client, cw, django_assert_max_num_queries
):
    client.force_login(cw.users["teacher"])
    with django_assert_max_num_queries(45) as few:
        client.get(url("pupil", cw.amy.pk))
    for i in range(5):
        concern_actions.raise_concern(actor=cw.users["teacher"], pupil=cw.amy, text=f"c{i}")

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("pupil", cw.amy.pk))

"""Pages for meetings, plans, tasks, caseloads and the tracker; teacher access to timelines."""

from __future__ import annotations

from datetime import date

import time_machine
from django.urls import reverse

from rollbook.casework import actions
from rollbook.casework.models import FamilyAssignment, Meeting, ProcedureTick, SupportPlan
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware, make_pupil
from rollbook.policy.actions import adopt_preset
from rollbook.pupils.models import Family

MONDAY = aware(2026, 11, 23, 15, 0)
HTMX = {"HX-Request": "true"}


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


MEETING = {
    "held_on": "2026-11-23",
    "parent_attendance": "attended",
    "attendees": "Mum\nMrs Lead",
    "barriers": "Mornings",
    "support": ["morning_call", "walking_bus"],
    "support_detail": "Walking bus with Mrs Brown",
    "monitoring_weeks": "6",
    "target_pct": "95",
    "plan_kind": "support_plan",
    "commitments": "School rings at 8; Mum brings Amy by 8:45",
}


@time_machine.travel(MONDAY, tick=False)
def test_recording_a_meeting_with_a_plan_shows_the_pack_and_the_printable_plan(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["lead"])

    response = client.post(url("meeting_new", cw.amy.pk), MEETING)

    meeting = Meeting.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{url('meetings', cw.amy.pk)}?meeting={meeting.pk}"
    page = client.get(response["Location"]).content.decode()
    assert "Meeting on 23 November 2026" in page and "Walking bus with Mrs Brown" in page
    assert "Pupil B (same year group, above 96%)" in page
    assert 'src="data:image/svg+xml;base64,' in page  # the impact chart
    assert "Review task due 4 January 2027" in page
    printed = client.get(url("plan_print", cw.amy.pk)).content.decode()
    assert "Attendance support plan: Amy Able" in printed and "Mrs Lead" in printed
    assert "casework-print.css" in printed
    assert SupportPlan.objects.get().signatories == "Mum\nMrs Lead"  # blank: those who attended


def test_the_meeting_form_re_renders_its_errors_for_htmx_and_without(client, cw):
    client.force_login(cw.users["lead"])

    plain = client.post(url("meeting_new", cw.amy.pk), MEETING | {"barriers": ""})
    partial = client.post(url("meeting_new", cw.amy.pk), MEETING, headers=HTMX)

    assert plain.status_code == 200 and "There is a problem" in plain.content.decode()
    text = partial.content.decode()
    assert partial.status_code == 200 and "<html" not in text and "Open a case" in text
    assert not Meeting.objects.exists()


def test_meeting_pages_refuse_the_wrong_method_and_users(client, cw):
    client.force_login(cw.users["lead"])
    assert client.post(url("meetings", cw.amy.pk)).status_code == 405
    assert client.get(url("plan_outcome", cw.amy.pk)).status_code == 405
    assert client.get(url("task_done", cw.amy.pk)).status_code == 405
    for user, status in (("senco", 403), ("teacher", 403), ("governor", 403), ("other_head", 404)):
        client.force_login(cw.users[user])
        assert client.post(url("meeting_new", cw.amy.pk), MEETING).status_code == status
    client.force_login(cw.users["senco"])
    assert client.get(url("meetings", cw.amy.pk)).status_code == 200
    assert client.get(url("plan_print", cw.amy.pk), {"plan": "999"}).status_code == 404


def test_a_class_teacher_reads_their_own_pupils_timeline_without_safeguarding(client, cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    actions.add_note(
        actor=cw.users["dsl"], case=case, text="Seen by social care", safeguarding=True
    )
    actions.add_note(actor=cw.users["office"], case=case, text="Called mum")

    client.force_login(cw.users["teacher"])
    own = client.get(url("pupil", cw.amy.pk)).content.decode()
    other = client.get(url("pupil", cw.ben.pk))
    client.force_login(cw.users["dsl"])
    dsl = client.get(url("pupil", cw.amy.pk)).content.decode()
    client.force_login(cw.users["governor"])
    governor = client.get(url("pupil", cw.amy.pk))

    assert "Called mum" in own and "Seen by social care" not in own
    assert "Add a note" not in own and "All cases" not in own  # read-only
    assert other.status_code == 403 and governor.status_code == 403
    assert "Seen by social care" in dsl
    assert not AuditEvent.objects.filter(kind="safeguarding_note.read", actor=cw.users["teacher"])


def _six_families(cw):
    adopt_preset(actor_label="test", school=cw.school, preset="003_woodside")
    for i in range(6):
        make_pupil(cw.school, legal_surname=f"Fam{i}", family_id=f"FAM{i}")
    return list(Family.objects.filter(reference__startswith="FAM").order_by("id"))


@time_machine.travel(MONDAY, tick=False)
def test_allocating_past_the_cap_warns_then_confirming_goes_ahead(client, cw):
    families = _six_families(cw)
    client.force_login(cw.users["lead"])
    choice = {"holder": cw.users["office"].pk, "caseload": "ao"}
    for fam in families[:5]:
        assert client.post(url("allocate", fam.pk), choice).status_code == 302

    warned = client.post(url("allocate", families[5].pk), choice)
    confirmed = client.post(url("allocate", families[5].pk), choice | {"confirm": "on"})

    text = warned.content.decode()
    assert warned.status_code == 200 and 'id="cap-warning"' in text and "cap is 5" in text
    assert confirmed.status_code == 302
    assert FamilyAssignment.objects.filter(over_cap=True).count() == 1
    overview = client.get(url("allocations")).content.decode()
    assert "Attendance officer focus families" in overview and "Over" in overview
    client.force_login(cw.users["teacher"])
    assert client.post(url("allocate", families[0].pk), choice).status_code == 403


def test_my_caseload_shows_tasks_on_their_due_date_and_a_chosen_date(client, cw):
    from rollbook.casework import meeting_actions

    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA", owner=cw.users["lead"])
    meeting_actions.add_task(
        actor=None, pupil=cw.amy, kind="review", title="Review Amy", due_on=date(2026, 11, 25)
    )

    with time_machine.travel(aware(2026, 11, 24, 9), tick=False):
        client.force_login(cw.users["lead"])  # the session's expiry follows the clock
        tuesday = client.get(url("mine")).content.decode()
    with time_machine.travel(aware(2026, 11, 25, 9), tick=False):
        client.force_login(cw.users["lead"])
        wednesday = client.get(url("mine")).content.decode()
        partial = client.get(url("mine"), {"on": "2026-11-24"}, headers=HTMX).content.decode()

    assert "Review Amy" in tuesday.split("Later this week")[1]  # not due yet
    assert "Review Amy" in wednesday.split("Later this week")[0]  # due today
    assert "<html" not in partial and "Due by Tuesday 24 November 2026" in partial
    client.force_login(cw.users["governor"])
    assert client.get(url("mine")).status_code == 403


@time_machine.travel(aware(2026, 11, 20, 15), tick=False)
def test_the_tracker_saves_ticks_for_writers_only(client, cw):
    client.force_login(cw.users["office"])
    tick = {"week": "2026-11-16", "tick": [f"{cw.amy.pk}:letter", f"{cw.amy.pk}:call"]}

    page = client.get(url("tracker")).content.decode()
    saved = client.post(url("tracker"), tick)
    client.post(url("tracker"), tick)  # the same grid again: nothing changes

    assert "Amy Able" in page and "Ben Able" not in page
    assert saved.status_code == 302 and ProcedureTick.objects.count() == 2
    assert AuditEvent.objects.filter(kind="procedure.tracker_saved").count() == 1
    client.force_login(cw.users["senco"])
    assert client.get(url("tracker")).status_code == 200
    assert client.post(url("tracker"), tick).status_code == 403

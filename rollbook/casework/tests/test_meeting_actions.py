"""Meetings, plans and tasks (actions, audit rows, the timeline) and caseloads with caps."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from rollbook.casework import actions, caseloads, queries
from rollbook.casework import caseload_actions as cl
from rollbook.casework import meeting_actions as ma
from rollbook.casework.models import CaseTask, FamilyAssignment, ProcedureTick
from rollbook.casework.rules import CaseError
from rollbook.casework.tests.conftest import FRIDAY, THURSDAY, _user
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import add_marks, aware, make_pupil
from rollbook.policy.actions import adopt_preset
from rollbook.pupils.models import Family

MEETING_DAY = date(2026, 11, 23)
NOW = aware(2026, 11, 23, 15, 0)


def _meeting(cw, **kw):
    fields = {
        "actor": cw.users["lead"],
        "pupil": cw.amy,
        "held_on": MEETING_DAY,
        "attendees": "Mum\nMrs Lead",
        "barriers": "Mornings are hard",
        "support": ["morning_call", "breakfast_club"],
        "monitoring_weeks": 6,
        "target_pct": Decimal(95),
        "now": NOW,
    }
    return ma.record_meeting(**(fields | kw))


def test_a_meeting_freezes_the_figures_and_pupil_b_and_sets_a_review_task(cw):
    peer = make_pupil(cw.school, legal_forename="Cal", legal_surname="Peer")  # Year 3, 3A
    add_marks(peer, [(d, s, "/") for d in (THURSDAY, FRIDAY) for s in ("AM", "PM")])
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA", owner=cw.users["office"])
    plan = ma.PlanTerms(kind="support_plan", commitments="Up at 7", signatories="Mum\nMrs Lead")

    done = _meeting(cw, plan=plan)

    m = done.meeting
    # Amy: 4 sessions possible (Thu, Fri), all O: 0 %, 4 unauthorised. Pupil B: Cal, 4 of 4.
    assert (m.possible, m.attended, m.authorised, m.unauthorised) == (4, 0, 0, 4)
    assert (m.peer_pupils, m.peer_possible, m.peer_attended) == (1, 4, 4)
    assert m.figures_from == date(2026, 8, 1) and m.review_on == date(2027, 1, 4)
    assert done.plan.signatories == "Mum\nMrs Lead" and done.plan.review_on == m.review_on
    task = done.task
    assert (task.kind, task.due_on, task.assigned_to, task.plan, task.meeting) == (
        "review",
        date(2027, 1, 4),
        cw.users["office"],
        done.plan,
        m,
    )
    assert m.case.next_review_on is None or m.case.next_review_on <= date(2027, 1, 4)
    event = AuditEvent.objects.get(kind="meeting.recorded")
    assert event.pupil_id == cw.amy.pk and event.data["task_id"] == task.pk
    assert event.data["plan_kind"] == "support_plan" and event.data["absent"] == 4


def test_a_meeting_needs_an_open_case_and_its_fields(cw):
    with pytest.raises(CaseError, match="Open a case"):
        _meeting(cw)
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    with pytest.raises(CaseError, match="barriers"):
        _meeting(cw, barriers=" ")
    assert not AuditEvent.objects.filter(kind="meeting.recorded").exists()


def test_meetings_plans_and_tasks_reach_the_timeline_as_meetings(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    done = _meeting(cw, plan=ma.PlanTerms("contract", "Both sides", "Mum"))
    ma.record_plan_outcome(
        actor=cw.users["lead"], plan=done.plan, outcome="met", on=date(2027, 1, 4), now=NOW
    )

    events = queries.timeline(cw.school, [cw.amy], safeguarding=False, kinds=["meeting"]).events

    titles = {e.title for e in events}
    assert {"Meeting with parents", "Attendance contract agreed"} <= titles
    assert "Attendance contract reviewed: met" in titles
    assert any(t.startswith("Done: Review the attendance contract") for t in titles)
    assert not any(e.title.startswith("Meeting: recorded") for e in events)  # no audit echo


def test_an_outcome_closes_the_review_task_and_a_withdrawal_needs_a_reason(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    plan = ma.start_plan(
        actor=cw.users["lead"],
        pupil=cw.amy,
        terms=ma.PlanTerms("support_plan", "Walking bus with Mrs B", "Mum", ("walking_bus",)),
        starts_on=MEETING_DAY,
        review_on=date(2026, 12, 14),
        target_pct=Decimal(96),
        now=NOW,
    )
    with pytest.raises(CaseError, match="reason"):
        ma.record_plan_outcome(actor=None, plan=plan, outcome="withdrawn", on=MEETING_DAY)

    ma.record_plan_outcome(
        actor=cw.users["lead"], plan=plan, outcome="not_met", note="Still late", on=MEETING_DAY
    )

    task = CaseTask.objects.get(plan=plan)
    assert task.done_at is not None and task.done_by == cw.users["lead"]
    event = AuditEvent.objects.get(kind="support_plan.reviewed")
    assert (event.data["old"], event.data["new"], event.data["tasks_done"]) == (
        "pending",
        "not_met",
        [task.pk],
    )


def test_a_task_is_done_once_and_audited(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    task = ma.add_task(
        actor=cw.users["lead"], pupil=cw.amy, kind="call", title="Ring mum", due_on=MEETING_DAY
    )

    ma.complete_task(actor=cw.users["office"], task=task, note="Spoke to mum")

    with pytest.raises(CaseError, match="already done"):
        ma.complete_task(actor=cw.users["office"], task=task)
    assert AuditEvent.objects.filter(kind__startswith="case_task.").count() == 2


# --- Caseloads ----------------------------------------------------------------------------------


def _families(cw, n):
    for i in range(n):
        make_pupil(cw.school, legal_surname=f"Fam{i}", family_id=f"FAM{i}")
    return list(Family.objects.filter(school=cw.school, reference__startswith="FAM").order_by("id"))


def test_a_sixth_family_for_an_attendance_officer_warns_and_confirming_is_audited(cw):
    adopt_preset(actor_label="test", school=cw.school, preset="003_woodside")
    families = _families(cw, 6)
    for fam in families[:5]:
        cl.assign_family(
            actor=cw.users["lead"], family=fam, holder=cw.users["office"], caseload="ao", on=FRIDAY
        )

    with pytest.raises(cl.OverCap, match="cap is 5"):
        cl.assign_family(
            actor=cw.users["lead"],
            family=families[5],
            holder=cw.users["office"],
            caseload="ao",
            on=FRIDAY,
        )
    assert FamilyAssignment.objects.count() == 5
    sixth = cl.assign_family(
        actor=cw.users["lead"],
        family=families[5],
        holder=cw.users["office"],
        caseload="ao",
        on=FRIDAY,
        confirm=True,
    )

    assert sixth.over_cap
    event = AuditEvent.objects.filter(kind="family.assigned").latest("id")
    assert event.data["override"] and event.data["held_before"] == 5 and event.data["cap"] == 5
    assert "cap is 5" in event.reason
    row = next(r for r in caseloads.allocations(cw.school, FRIDAY) if r.username == "office")
    assert (row.held, row.cap, row.over) == (6, 5, True)


def test_an_aht_family_counts_against_the_aht_cap_and_roles_must_match(cw):
    adopt_preset(actor_label="test", school=cw.school, preset="003_woodside")
    families = _families(cw, 3)
    head = cw.users["head"]
    for fam in families[:2]:
        cl.assign_family(actor=None, family=fam, holder=head, caseload="aht", on=FRIDAY)

    with pytest.raises(cl.OverCap, match="cap is 2"):
        cl.assign_family(actor=None, family=families[2], holder=head, caseload="aht", on=FRIDAY)
    cl.assign_family(actor=None, family=families[2], holder=head, caseload="headship", on=FRIDAY)
    with pytest.raises(CaseError, match="cannot hold"):
        cl.assign_family(
            actor=None, family=families[0], holder=cw.users["teacher"], caseload="ao", on=FRIDAY
        )


def test_handing_a_family_over_ends_the_old_allocation(cw):
    fam = _families(cw, 1)[0]
    first = cl.assign_family(actor=None, family=fam, holder=cw.users["office"], on=THURSDAY)

    cl.assign_family(actor=None, family=fam, holder=cw.users["lead"], on=FRIDAY)

    first.refresh_from_db()
    assert first.ended_on == FRIDAY and first.ended_reason == "Handed to lead"
    assert FamilyAssignment.objects.filter(ended_on__isnull=True).get().holder == cw.users["lead"]


def test_my_caseload_lists_my_families_and_what_is_due_this_week(cw):
    fam = Family.objects.get(school=cw.school, reference="F1")
    cl.assign_family(actor=None, family=fam, holder=cw.users["office"], on=THURSDAY)
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA", owner=cw.users["office"])
    for due in (date(2026, 11, 20), date(2026, 11, 25), date(2026, 12, 2)):
        ma.add_task(actor=None, pupil=cw.amy, kind="call", title=f"Call {due}", due_on=due)

    mine = caseloads.my_caseload(cw.school, cw.users["office"], date(2026, 11, 23))

    assert [f.reference for f in mine.families] == ["F1"]
    assert [c.pupil_id for c in mine.cases] == [cw.amy.pk]
    assert [t.title for t in mine.due_now] == ["Call 2026-11-20"]
    assert [t.title for t in mine.due_later] == ["Call 2026-11-25"]
    other = caseloads.my_caseload(cw.school, cw.users["dsl"], date(2026, 11, 23))
    assert not other.families and not other.due_now


def test_the_tracker_is_idempotent_and_procedures_done_reads_it(cw):
    monday = date(2026, 11, 16)
    rows = caseloads.tracker(cw.school, monday, FRIDAY)
    assert [r.name for r in rows] == ["Amy Able"]  # 0 % this year: PA; Ben is at 100 %
    ids = {cw.amy.pk}

    assert cl.save_tracker_week(
        actor=None,
        school=cw.school,
        week_start=FRIDAY,
        pupil_ids=ids,
        ticks={(cw.amy.pk, "letter"), (cw.amy.pk, "call"), (cw.ben.pk, "call")},
    ) == (2, 0)
    assert cl.save_tracker_week(
        actor=None,
        school=cw.school,
        week_start=monday,
        pupil_ids=ids,
        ticks={(cw.amy.pk, "letter"), (cw.amy.pk, "call")},
    ) == (0, 0)
    cl.save_tracker_week(
        actor=None,
        school=cw.school,
        week_start=monday,
        pupil_ids=ids,
        ticks={(cw.amy.pk, "letter")},
    )

    assert caseloads.procedures_done(cw.school, monday) == {cw.amy.pk: {"letter"}}
    assert ProcedureTick.objects.count() == 2  # the call is cleared, not deleted
    assert AuditEvent.objects.filter(kind="procedure.tracker_saved").count() == 2
    assert caseloads.procedures_done(cw.school, date(2026, 11, 23)) == {}


def test_a_teacher_may_hold_families_only_where_the_policy_says(cw):
    fam = _families(cw, 1)[0]
    with pytest.raises(CaseError, match="office or senior"):
        cl.assign_family(actor=None, family=fam, holder=cw.users["teacher"], on=FRIDAY)
    adopt_preset(actor_label="test", school=cw.school, preset="003_woodside")
    ygl = _user(cw.school, "ygl", Role.TEACHER)

    cl.assign_family(actor=None, family=fam, holder=ygl, caseload="ygl", on=FRIDAY)

    assert FamilyAssignment.objects.get().caseload == "ygl"

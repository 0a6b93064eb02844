"""Case actions: audit rows, one open case per pupil, auto-opening, safeguarding notes."""

from __future__ import annotations

from datetime import date

import pytest

from rollbook.absences.actions import log_contact_attempt
from rollbook.casework import actions, queries
from rollbook.casework.models import Case, CaseNote, CaseStatus
from rollbook.casework.rules import CaseError
from rollbook.casework.tests.conftest import FRIDAY
from rollbook.core.models import AuditEvent


def test_opening_a_case_by_hand_takes_the_family_and_the_latest_stage_and_is_audited(cw):
    case = actions.open_case(
        actor=cw.users["lead"], pupil=cw.amy, reason="Worrying pattern", owner=cw.users["office"]
    )

    assert case.status == CaseStatus.OPEN
    assert case.family_id == cw.amy.family_id is not None
    assert case.stage == "Stage 1"
    assert case.owner == cw.users["office"]
    event = AuditEvent.objects.get(kind="case.opened")
    assert (event.pupil_id, event.actor, event.reason) == (
        cw.amy.pk,
        cw.users["lead"],
        "Worrying pattern",
    )


def test_a_pupil_has_one_open_case_at_a_time(cw):
    first = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="One")

    with pytest.raises(CaseError, match="already has an open case"):
        actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="Two")

    actions.close_case(actor=cw.users["lead"], case=first, reason="Improved")
    second = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="Again")
    assert second.pk != first.pk
    assert Case.objects.filter(pupil=cw.amy, status=CaseStatus.OPEN).count() == 1


def test_opening_needs_a_reason_and_an_owner_with_a_staff_role_here(cw):
    with pytest.raises(CaseError, match="reason"):
        actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason=" ")
    with pytest.raises(CaseError, match="owned by"):
        actions.open_case(
            actor=cw.users["lead"], pupil=cw.amy, reason="x", owner=cw.users["teacher"]
        )
    with pytest.raises(CaseError, match="owned by"):
        actions.open_case(
            actor=cw.users["lead"], pupil=cw.amy, reason="x", owner=cw.users["other_head"]
        )
    assert not Case.objects.exists()


def test_cases_open_automatically_for_open_stage_alerts_once(cw):
    opened = actions.open_cases_for_alerts(school=cw.school, as_of=FRIDAY)

    assert [c.pupil for c in opened] == [cw.amy]  # Ben attended: no alert
    assert opened[0].stage == "Stage 1"
    assert "Opened automatically" in opened[0].opened_reason
    assert actions.open_cases_for_alerts(school=cw.school, as_of=FRIDAY) == []
    assert Case.objects.count() == 1
    assert AuditEvent.objects.filter(kind="case.opened").count() == 1


def test_auto_opening_skips_pupils_with_a_case_and_alerts_raised_later(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="By hand")

    assert actions.open_cases_for_alerts(school=cw.school, as_of=FRIDAY) == []
    assert actions.open_cases_for_alerts(school=cw.school, as_of=date(2026, 11, 1)) == []


def test_assigning_and_closing_are_audited_with_old_and_new_values(cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="x")

    actions.assign_case(
        actor=cw.users["lead"], case=case, owner=cw.users["dsl"], next_review_on=date(2026, 12, 7)
    )
    actions.close_case(actor=cw.users["head"], case=case, reason="Back to 96%")

    case.refresh_from_db()
    assert (case.owner, case.next_review_on) == (cw.users["dsl"], date(2026, 12, 7))
    assert (case.status, case.closed_by, case.closed_reason) == (
        "closed",
        cw.users["head"],
        "Back to 96%",
    )
    assigned = AuditEvent.objects.get(kind="case.assigned")
    assert assigned.data["owner"] == "dsl" and assigned.data["next_review_on"] == "2026-12-07"
    assert AuditEvent.objects.get(kind="case.closed").reason == "Back to 96%"
    with pytest.raises(CaseError, match="closed"):
        actions.close_case(actor=cw.users["head"], case=case, reason="again")
    with pytest.raises(CaseError, match="closed"):
        actions.assign_case(actor=cw.users["head"], case=case, owner=cw.users["office"])


def test_a_note_is_audited_without_its_text(cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="x")

    note = actions.add_note(actor=cw.users["dsl"], case=case, text="Disclosure", safeguarding=True)

    assert CaseNote.objects.get().safeguarding
    event = AuditEvent.objects.get(kind="case.note_added")
    assert event.data == {"case_id": case.pk, "safeguarding": True}
    assert "Disclosure" not in str(event.data) + event.reason
    assert note.pupil_id == cw.amy.pk
    with pytest.raises(CaseError):
        actions.add_note(actor=cw.users["dsl"], case=case, text="  ")


def _with_notes(cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="x")
    actions.add_note(actor=cw.users["office"], case=case, text="Called mum", safeguarding=False)
    actions.add_note(actor=cw.users["dsl"], case=case, text="Secret matter", safeguarding=True)
    return case


def test_the_timeline_holds_safeguarding_notes_only_for_a_reader_allowed_them(cw):
    _with_notes(cw)

    hidden = queries.timeline(cw.school, [cw.amy], safeguarding=False)
    shown = queries.timeline(cw.school, [cw.amy], safeguarding=True)

    assert [e.detail for e in hidden.events if e.kind == "note"] == ["Called mum"]
    assert not hidden.safeguarding_note_ids
    assert [e.title for e in shown.events if e.kind == "note"] == ["Safeguarding note", "Note"]
    assert list(shown.safeguarding_note_ids) == [cw.amy.pk]


def test_the_timeline_interleaves_sources_newest_first_and_filters_by_kind(cw):
    _with_notes(cw)
    log_contact_attempt(actor=cw.users["office"], pupil=cw.amy, method="call", outcome="no_answer")

    events = queries.timeline(cw.school, [cw.amy], safeguarding=False).events
    kinds = {e.kind for e in events}

    assert {"alert", "action", "case", "note", "contact"} <= kinds
    assert [e.at for e in events] == sorted((e.at for e in events), reverse=True)
    only = queries.timeline(cw.school, [cw.amy], safeguarding=False, kinds=["contact"]).events
    assert [e.title for e in only] == ["Phone call: No answer"]


def test_the_family_timeline_interleaves_siblings(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.ben, reason="Sibling concern")
    _with_notes(cw)

    events = queries.timeline(cw.school, [cw.amy, cw.ben], safeguarding=False).events

    assert {e.pupil_name for e in events} == {"Amy Able", "Ben Able"}


def test_recording_a_safeguarding_read_writes_one_audit_row_per_pupil(cw):
    _with_notes(cw)
    shown = queries.timeline(cw.school, [cw.amy], safeguarding=True)

    actions.record_safeguarding_reads(
        actor=cw.users["dsl"], school=cw.school, note_ids_by_pupil=shown.safeguarding_note_ids
    )

    read = AuditEvent.objects.get(kind="safeguarding_note.read")
    assert (read.actor, read.pupil_id) == (cw.users["dsl"], cw.amy.pk)
    assert len(read.data["note_ids"]) == 1


def test_the_timeline_takes_one_query_per_source_whatever_the_number_of_events(
    cw, django_assert_num_queries, django_assert_max_num_queries
):
    case = _with_notes(cw)

    # 9 of this module's own, plus a fixed number per TIMELINE_SOURCES entry (3 for meetings,
    # plans and tasks): the count must not grow with the events.
    with django_assert_max_num_queries(9 + 3 * len(queries.TIMELINE_SOURCES)) as counted:
        few = queries.timeline(cw.school, [cw.amy, cw.ben], safeguarding=True)

    for i in range(10):
        actions.add_note(actor=cw.users["dsl"], case=case, text=f"n{i}", safeguarding=i % 2 == 0)
        log_contact_attempt(
            actor=cw.users["office"], pupil=cw.ben, method="call", outcome="no_answer"
        )
    with django_assert_num_queries(len(counted.captured_queries)):
        many = queries.timeline(cw.school, [cw.amy, cw.ben], safeguarding=True)
    assert len(many.events) >= len(few.events) + 20


def test_family_figures_show_each_childs_year_so_far(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="x")

    rows = queries.family_figures(cw.school, [cw.amy, cw.ben], date(2026, 11, 23))

    by_name = {r.name: r for r in rows}
    assert by_name["Amy Able"].tally.unauthorised == 4 and by_name["Amy Able"].has_open_case
    assert by_name["Ben Able"].tally.attended == 4 and not by_name["Ben Able"].has_open_case
    assert str(by_name["Ben Able"].attendance_rate) == "100.0%"


def test_messages_sent_and_cancelled_reach_each_named_childs_timeline(db):
    from rollbook.comms import actions as comms
    from rollbook.comms.channels import FAKE
    from rollbook.comms.tests.world import DAY, NOW, build_world
    from rollbook.registers.actions import change_mark
    from rollbook.registers.models import Mark

    FAKE.reset()
    w = build_world()
    comms.queue_first_day_messages(school=w.school, day=DAY, session="AM", now=NOW)
    cal_mark = Mark.objects.get(pupil=w.cal, date=DAY, session="AM")
    change_mark(actor=None, actor_label="office", mark=cal_mark, code="V", reason="trip")
    comms.send_due_messages(now=NOW)
    FAKE.reset()

    events = queries.timeline(w.school, [w.amy, w.ben, w.cal], safeguarding=False).events
    messages = sorted((e.pupil_name, e.title) for e in events if e.kind == "message")

    assert [t for _, t in messages].count("Text message sent") == 2
    assert any(t == "Text message cancelled" for _, t in messages)
    assert not any(e.title.startswith("Message") for e in events)  # audit rows not repeated


def test_leave_and_part_time_timetables_are_on_the_timeline(cw):
    from rollbook.leave.tests.samples import add_leave_samples

    add_leave_samples(cw.amy)

    titles = [
        e.title
        for e in queries.timeline(cw.school, [cw.amy], safeguarding=False).events
        if e.kind in ("leave", "part_time")
    ]

    assert sorted(titles) == ["Leave requested", "Part-time timetable agreed"]

"""Actions against the database: codes written, locks, tasks, idempotence."""

from datetime import date

import pytest

from rollbook.core.actions import create_staff_user
from rollbook.core.calendar import Session
from rollbook.core.models import AuditEvent, Role
from rollbook.core.tests.factories import add_marks, aware, make_pupil, make_school
from rollbook.leave.actions import (
    PENALTY_TASK,
    LeaveError,
    agree_part_time_timetable,
    check_part_time_timetables,
    code_part_time_sessions,
    create_leave_request,
    decide_leave_request,
    record_leave_taken,
)
from rollbook.leave.models import Decision
from rollbook.policy.models import Alert, PolicyAction
from rollbook.pupils.actions import add_class_teacher, add_contact
from rollbook.registers.actions import MarkError
from rollbook.registers.models import Mark
from rollbook.registers.register_actions import Entry, take_register

pytestmark = pytest.mark.django_db
MON, WED = date(2025, 11, 17), date(2025, 11, 19)


@pytest.fixture
def world():
    school = make_school()
    amy = make_pupil(school, legal_forename="Amy", admission_date=date(2025, 9, 1))
    ben = make_pupil(school, legal_forename="Ben", admission_date=date(2025, 9, 1), class_name="5A")
    mum = add_contact(
        actor_label="test",
        school=school,
        pupils=[amy, ben],
        forename="Mary",
        surname="Mum",
        relationship="Mother",
    )
    head = create_staff_user(
        actor_label="t", school=school, username="head", password="x" * 12, roles=[Role.HEAD]
    )
    office = create_staff_user(
        actor_label="t", school=school, username="office", password="x" * 12, roles=[Role.OFFICE]
    )
    return school, amy, ben, mum, head, office


def _request(world, reason="exceptional", requested_on=date(2025, 11, 3), **kw):
    school, amy, ben, mum, *_ = world
    return create_leave_request(
        actor=None,
        school=school,
        pupils=kw.pop("pupils", [amy, ben]),
        requested_by=mum,
        requested_on=requested_on,
        first_date=kw.pop("first", MON),
        last_date=kw.pop("last", WED),
        reason=reason,
        reason_text="Grandmother's funeral",
        **kw,
    )


def _codes(pupil):
    return list(
        Mark.objects.filter(pupil=pupil).order_by("date", "session").values_list("code", "source")
    )


def test_granting_codes_every_session_for_both_siblings_and_locks_them_for_teachers(world):
    school, amy, ben, _, head, _ = world
    leave = _request(world)

    decide_leave_request(
        actor=head,
        leave=leave,
        decision=Decision.GRANTED,
        reason="Bereavement",
        on=date(2025, 11, 4),
    )

    assert _codes(amy) == _codes(ben) == [("C", "leave_request")] * 6
    leave.refresh_from_db()
    assert (leave.decision, leave.granted_sessions, leave.decided_by) == ("granted", 6, head)
    assert AuditEvent.objects.filter(kind="leave.granted", object_id=str(leave.pk)).exists()
    teacher = create_staff_user(
        actor_label="t", school=school, username="t", password="x" * 12, roles=[Role.TEACHER]
    )
    add_class_teacher(actor_label="t", group=amy.registration_group, user=teacher)
    mark = Mark.objects.get(pupil=amy, date=MON, session="AM")
    with pytest.raises(MarkError, match="office has already recorded"):
        take_register(
            actor=teacher,
            group=amy.registration_group,
            day=MON,
            session=Session.AM,
            entries=[Entry(amy.pk, "/", seen_version=mark.version)],
            office=False,
            now=aware(2025, 11, 17, 8, 50),
        )


def test_only_the_decision_role_may_decide(world):
    *_, office = world
    leave = _request(world)
    with pytest.raises(LeaveError, match="head"):
        decide_leave_request(
            actor=office, leave=leave, decision="granted", reason="ok", on=date(2025, 11, 4)
        )


def test_a_holiday_cannot_be_authorised_unless_judged_exceptional(world):
    _, amy, _, _, head, _ = world
    leave = _request(world, reason="holiday", pupils=[amy])
    with pytest.raises(LeaveError, match="holiday cannot be authorised"):
        decide_leave_request(
            actor=head, leave=leave, decision="granted", reason="ok", on=date(2025, 11, 4)
        )
    assert not Mark.objects.exists()
    decide_leave_request(
        actor=head,
        leave=leave,
        decision="granted",
        reason="Once in a lifetime",
        exceptional=True,
        on=date(2025, 11, 4),
    )
    assert {c for c, _ in _codes(amy)} == {"C"}


def test_refused_holiday_taken_is_coded_g_with_one_penalty_task_per_pupil_even_if_run_twice(world):
    _, amy, ben, _, head, office = world
    leave = _request(world, reason="holiday")
    decide_leave_request(
        actor=head, leave=leave, decision="refused", reason="Not exceptional", on=date(2025, 11, 4)
    )
    assert not Mark.objects.exists()

    written = record_leave_taken(
        actor=office, leave=leave, first_date=MON, last_date=WED, on=date(2025, 11, 20)
    )
    again = record_leave_taken(
        actor=office, leave=leave, first_date=MON, last_date=WED, on=date(2025, 11, 20)
    )

    assert (written, again) == (12, 0)
    assert _codes(amy) == _codes(ben) == [("G", "leave_request")] * 6
    tasks = PolicyAction.objects.filter(text=PENALTY_TASK)
    assert sorted(t.pupil_id for t in tasks) == sorted([amy.pk, ben.pk])
    assert {t.role for t in tasks} == {"head"}
    assert set(Alert.objects.values_list("kind", flat=True)) == {"unauthorised_holiday"}
    assert Alert.objects.get(pupil=amy).dedupe_key == f"{amy.pk}:unauthorised_holiday:2025-11-17"


def test_extra_days_beyond_leave_granted_in_part_are_coded_o(world):
    _, amy, _, _, head, office = world
    leave = _request(world, pupils=[amy])
    decide_leave_request(
        actor=head,
        leave=leave,
        decision="granted_in_part",
        reason="Two days",
        on=date(2025, 11, 4),
        granted=(MON, "AM", date(2025, 11, 18), "PM"),
    )
    # Away Monday to Thursday: Monday and Tuesday were granted; Wednesday and Thursday were not.
    record_leave_taken(
        actor=office,
        leave=leave,
        first_date=MON,
        last_date=date(2025, 11, 20),
        on=date(2025, 11, 21),
    )

    assert [c for c, _ in _codes(amy)] == ["C"] * 4 + ["O"] * 4
    assert not PolicyAction.objects.exists()  # O: not a holiday, no penalty-notice task


def test_a_retrospective_request_is_refused_by_default(world):
    leave = _request(world, requested_on=date(2025, 11, 18))
    assert (leave.retrospective, leave.decision, leave.decided_by_label) == (
        True,
        "refused",
        "school policy",
    )


def test_the_requester_must_live_with_the_pupil_and_hold_responsibility(world):
    school, amy, *_ = world
    dad = add_contact(
        actor_label="t",
        school=school,
        pupils=[amy],
        forename="Dan",
        surname="Dad",
        relationship="Father",
        lives_with_pupil=False,
    )
    with pytest.raises(LeaveError, match="lives with"):
        create_leave_request(
            actor=None,
            school=school,
            pupils=[amy],
            requested_by=dad,
            requested_on=date(2025, 11, 3),
            first_date=MON,
            last_date=WED,
            reason="exceptional",
            reason_text="x",
        )


def test_part_time_timetable_codes_c2_or_x_by_age_adds_a_review_task_and_is_idempotent(world):
    school, amy, _, mum, _, office = world
    young = make_pupil(
        school,
        legal_forename="Yan",
        date_of_birth=date(2021, 6, 1),
        year_group="R",
        class_name="R",
        admission_date=date(2025, 9, 1),
    )
    add_contact(
        actor_label="t",
        school=school,
        pupils=[young],
        forename="Mary",
        surname="Mum2",
        relationship="Mother",
    )
    young_mum = young.contacts.get()
    kw = {
        "start_date": date(2025, 11, 10),
        "end_date": date(2025, 11, 21),
        "sessions": ["Mon PM", "Wed PM"],
        "reason": "Phased return",
        "review_date": date(2025, 11, 17),
        "on": date(2025, 11, 7),
    }

    older = agree_part_time_timetable(actor=office, school=school, pupil=amy, agreed_with=mum, **kw)
    agree_part_time_timetable(actor=office, school=school, pupil=young, agreed_with=young_mum, **kw)

    assert [c for c, _ in _codes(amy)] == ["C2"] * 4
    assert [c for c, _ in _codes(young)] == ["X"] * 4
    assert code_part_time_sessions(actor=office, timetable=older) == 0
    task = PolicyAction.objects.get(pupil=amy)
    assert (task.due_on, task.alert.kind) == (date(2025, 11, 17), "part_time_timetable")


def test_a_timetable_past_its_end_date_raises_one_alert(world):
    school, amy, _, mum, _, office = world
    agree_part_time_timetable(
        actor=office,
        school=school,
        pupil=amy,
        agreed_with=mum,
        start_date=date(2025, 11, 10),
        end_date=date(2025, 11, 21),
        sessions=["Fri PM"],
        reason="Phased return",
        review_date=date(2025, 11, 14),
        on=date(2025, 11, 7),
    )
    assert check_part_time_timetables(school=school, as_of=date(2025, 11, 21)) == []
    first = check_part_time_timetables(school=school, as_of=date(2025, 11, 24))
    again = check_part_time_timetables(school=school, as_of=date(2025, 11, 25))
    assert [a.kind for a in first] == ["part_time_overrun"] and again == []


def test_a_pupil_present_on_a_granted_session_keeps_the_present_mark(world):
    _, amy, _, _, head, _ = world
    add_marks(amy, [(MON, "AM", "/")])
    leave = _request(world, pupils=[amy])
    decide_leave_request(
        actor=head, leave=leave, decision="granted", reason="ok", on=date(2025, 11, 4)
    )
    assert [c for c, _ in _codes(amy)] == ["/"] + ["C"] * 5


def test_leave_straddling_half_term_and_refused_leave_over_a_bank_holiday_code_school_days_only(
    world,
):
    _, amy, ben, _, head, office = world
    # Granted: Thursday 23 Oct to Tuesday 4 Nov 2025; half-term is 27-31 Oct.
    granted = _request(
        world, first=date(2025, 10, 23), last=date(2025, 11, 4), requested_on=date(2025, 10, 1)
    )
    decide_leave_request(
        actor=head,
        leave=granted,
        decision=Decision.GRANTED,
        reason="Bereavement",
        on=date(2025, 10, 2),
    )
    days = sorted({d for d, _s in Mark.objects.filter(pupil=amy).values_list("date", "session")})
    assert days == [date(2025, 10, 23), date(2025, 10, 24), date(2025, 11, 3), date(2025, 11, 4)]
    assert _codes(amy) == [("C", "leave_request")] * 8  # 4 school days, none in half-term

    # Refused holiday, taken anyway: Friday 1 to Tuesday 5 May 2026. The weekend and Monday
    # 4 May (a bank holiday) are not school days: 2 days = 4 sessions coded G for each child.
    refused = _request(
        world,
        reason="holiday",
        first=date(2026, 5, 1),
        last=date(2026, 5, 5),
        requested_on=date(2026, 4, 13),
    )
    decide_leave_request(
        actor=head,
        leave=refused,
        decision=Decision.REFUSED,
        reason="Not exceptional",
        on=date(2026, 4, 14),
    )
    written = record_leave_taken(
        actor=office,
        leave=refused,
        first_date=date(2026, 5, 1),
        last_date=date(2026, 5, 5),
        on=date(2026, 5, 6),
    )
    assert written == 8
    may = Mark.objects.filter(pupil=ben, date__gte=date(2026, 5, 1)).order_by("date", "session")
    assert [(m.date.day, m.session, m.code) for m in may] == [
        (1, "AM", "G"),
        (1, "PM", "G"),
        (5, "AM", "G"),
        (5, "PM", "G"),
    ]

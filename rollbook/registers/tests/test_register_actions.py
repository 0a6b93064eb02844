from datetime import date, datetime, time

import pytest
from django.contrib.auth import get_user_model

from rollbook.core.calendar import Session
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.registers.actions import MarkError
from rollbook.registers.models import Mark, Register
from rollbook.registers.register_actions import (
    Entry,
    RegisterConflict,
    bulk_code,
    open_register,
    record_late_arrival,
    take_register,
)
from rollbook.registers.taking import LONDON

pytestmark = pytest.mark.django_db
MON = date(2025, 10, 6)


@pytest.fixture
def klass():
    school = make_school()
    pupils = [make_pupil(school, class_name="3A", legal_surname=f"P{i}") for i in range(3)]
    return pupils[0].registration_group, pupils


@pytest.fixture
def teacher():
    return get_user_model().objects.create_user("teacher", password="x")


def all_present(pupils, **kw):
    return [Entry(p.pk, "/", **kw) for p in pupils]


def test_a_teacher_takes_a_complete_register(klass, teacher):
    group, pupils = klass
    entries = [Entry(pupils[0].pk, "/"), Entry(pupils[1].pk, "N"), Entry(pupils[2].pk, "L", 7)]

    register = take_register(
        actor=teacher, group=group, day=MON, session=Session.AM, entries=entries, office=False
    )

    assert register.submitted_by == teacher
    assert dict(Mark.objects.values_list("pupil_id", "code")) == {
        pupils[0].pk: "/",
        pupils[1].pk: "N",
        pupils[2].pk: "L",
    }
    assert Mark.objects.get(pupil=pupils[2]).minutes_late == 7
    assert AuditEvent.objects.filter(kind="register.submitted", actor=teacher).count() == 1


def test_a_register_with_a_pupil_left_unmarked_is_refused(klass, teacher):
    group, pupils = klass

    with pytest.raises(MarkError, match="no mark for"):
        take_register(
            actor=teacher,
            group=group,
            day=MON,
            session=Session.AM,
            entries=all_present(pupils[:2]),
            office=False,
        )

    assert not Mark.objects.exists() and not Register.objects.exists()


def test_a_teacher_cannot_enter_office_only_codes(klass, teacher):
    group, pupils = klass
    entries = [*all_present(pupils[:2]), Entry(pupils[2].pk, "I")]

    with pytest.raises(MarkError, match="only the office can enter 'I'"):
        take_register(
            actor=teacher, group=group, day=MON, session=Session.AM, entries=entries, office=False
        )

    assert not Mark.objects.exists()


def test_office_marks_are_prefilled_and_locked_for_the_teacher(klass, teacher):
    group, pupils = klass
    add_marks(pupils[0], [(MON, "AM", "M")])  # the office recorded a medical appointment
    mark = Mark.objects.get()
    mark.source = "office"
    mark.save()

    with pytest.raises(MarkError, match="already recorded 'M'"):
        take_register(
            actor=teacher,
            group=group,
            day=MON,
            session=Session.AM,
            entries=[
                *all_present(pupils, seen_version=0)[1:],
                Entry(pupils[0].pk, "/", seen_version=1),
            ],
            office=False,
            reason="typo",
        )
    register = take_register(
        actor=teacher,
        group=group,
        day=MON,
        session=Session.AM,
        entries=all_present(pupils[1:]),
        office=False,
    )

    assert register and Mark.objects.get(pupil=pupils[0]).code == "M"


def test_changing_a_submitted_mark_needs_a_reason(klass, teacher):
    group, pupils = klass
    take_register(
        actor=teacher,
        group=group,
        day=MON,
        session=Session.AM,
        entries=all_present(pupils),
        office=False,
    )
    fix = [Entry(pupils[0].pk, "N", seen_version=1)]

    with pytest.raises(MarkError, match="needs a reason"):
        take_register(
            actor=teacher, group=group, day=MON, session=Session.AM, entries=fix, office=False
        )
    take_register(
        actor=teacher,
        group=group,
        day=MON,
        session=Session.AM,
        entries=fix,
        office=False,
        reason="misread",
    )

    mark = Mark.objects.get(pupil=pupils[0])
    assert (mark.code, mark.version) == ("N", 2)
    assert mark.revisions.get().reason == "misread"
    assert AuditEvent.objects.filter(kind="register.amended").count() == 1


def test_a_concurrent_edit_is_reported_not_silently_overwritten(klass, teacher):
    group, pupils = klass
    office = get_user_model().objects.create_user("office", password="x")
    take_register(
        actor=teacher,
        group=group,
        day=MON,
        session=Session.AM,
        entries=all_present(pupils),
        office=False,
    )
    # Both open the register at version 1; the office saves first.
    take_register(
        actor=office,
        group=group,
        day=MON,
        session=Session.AM,
        entries=[Entry(pupils[1].pk, "I", seen_version=1)],
        office=True,
        reason="parent rang",
    )

    with pytest.raises(RegisterConflict) as e:
        take_register(
            actor=teacher,
            group=group,
            day=MON,
            session=Session.AM,
            entries=[
                Entry(pupils[1].pk, "N", seen_version=1),
                Entry(pupils[2].pk, "N", seen_version=1),
            ],
            office=False,
            reason="absent after all",
        )

    assert [(c.pupil_id, c.current_code, c.your_code) for c in e.value.conflicts] == [
        (pupils[1].pk, "I", "N")
    ]
    assert dict(Mark.objects.values_list("pupil_id", "code"))[pupils[2].pk] == "/"  # nothing saved


def late(hh, mm, day=MON):
    return datetime.combine(day, time(hh, mm), tzinfo=LONDON)


def test_late_sign_in_writes_l_before_close_and_u_after(klass, teacher):
    _, pupils = klass
    add_marks(pupils[0], [(MON, "AM", "N")])

    before = record_late_arrival(
        actor=teacher, pupil=pupils[0], arrived=late(9, 10), session=Session.AM, reason="bus"
    )
    after = record_late_arrival(
        actor=teacher, pupil=pupils[1], arrived=late(9, 20), session=Session.AM, reason="slept"
    )

    assert (before.code, before.minutes_late) == ("L", 25)
    assert before.revisions.get().old_code == "N"
    assert (after.code, after.minutes_late, after.source) == ("U", 35, "office")


def test_late_sign_in_needs_a_reason(klass, teacher):
    with pytest.raises(MarkError, match="why"):
        record_late_arrival(
            actor=teacher, pupil=klass[1][0], arrived=late(9, 10), session=Session.AM, reason=""
        )


def test_bulk_coding_a_trip_marks_every_school_session_in_range(klass, teacher):
    _, pupils = klass

    result = bulk_code(
        actor=teacher,
        pupils=pupils,
        first=MON,
        last=date(2025, 10, 7),
        sessions=(Session.AM, Session.PM),
        code="V",
        reason="Science museum",
    )

    assert result.created == 12
    assert set(Mark.objects.values_list("code", "source")) == {("V", "bulk")}
    assert AuditEvent.objects.get(kind="marks.saved").reason == "Science museum"


def test_bulk_coding_refuses_codes_that_break_age_rules(klass, teacher):
    with pytest.raises(MarkError, match="X is only for pupils below compulsory school age"):
        bulk_code(
            actor=teacher,
            pupils=klass[1],
            first=MON,
            last=MON,
            sessions=(Session.AM,),
            code="X",
            reason="r",
        )

    assert not Mark.objects.exists()


def test_saving_an_unchanged_register_again_records_nothing(klass, teacher):
    group, pupils = klass
    take_register(
        actor=teacher,
        group=group,
        day=MON,
        session=Session.AM,
        entries=all_present(pupils),
        office=False,
    )

    again = take_register(
        actor=teacher,
        group=group,
        day=MON,
        session=Session.AM,
        entries=all_present(pupils, seen_version=1),
        office=False,
    )

    assert again == Register.objects.get()
    assert AuditEvent.objects.filter(kind__startswith="register.").count() == 1


def test_saving_against_a_register_read_without_locks_is_refused(klass, teacher):
    """The page's save passes the reading it checked its form against; it must be the locked
    one, or a mark saved in between could be overwritten without a conflict."""
    group, pupils = klass

    with pytest.raises(ValueError, match="lock=True"):
        take_register(
            actor=teacher,
            group=group,
            day=MON,
            session=Session.AM,
            entries=all_present(pupils),
            office=False,
            opened=open_register(group, MON, Session.AM),
        )

    assert not Mark.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_locked_reading_needs_a_transaction(klass):
    group, _ = klass

    with pytest.raises(RuntimeError, match=r"inside transaction\.atomic"):
        open_register(group, MON, Session.AM, lock=True)


def test_a_register_read_and_saved_in_one_transaction_reports_an_earlier_save(klass, teacher):
    """Two saves of the same first register: the second one's reading (no marks, no register)
    is out of date by the time it inserts, and it is told, with nothing saved twice."""
    group, pupils = klass
    from django.db import transaction

    with transaction.atomic():
        stale = open_register(group, MON, Session.AM, lock=True)
    take_register(
        actor=teacher,
        group=group,
        day=MON,
        session=Session.AM,
        entries=all_present(pupils),
        office=False,
    )

    with pytest.raises(RegisterConflict), transaction.atomic():
        take_register(
            actor=teacher,
            group=group,
            day=MON,
            session=Session.AM,
            entries=[Entry(p.pk, "N") for p in pupils],
            office=False,
            opened=stale,
        )

    assert Mark.objects.count() == 3 and set(Mark.objects.values_list("code", flat=True)) == {"/"}
    assert Register.objects.count() == 1

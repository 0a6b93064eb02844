"""Long absences (S000-59, S002-76, S002-77) and the return plan's key adult (S002-78)."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from rollbook.casework import actions, rules
from rollbook.casework import meeting_actions as ma
from rollbook.casework.long_absences import make_long_absence_tasks
from rollbook.casework.models import CaseTask, SupportPlan, TaskKind
from rollbook.casework.rules import CaseError, LongAbsence
from rollbook.core.models import Role
from rollbook.core.tests.factories import add_marks, aware, make_pupil

MON = date(2026, 11, 2)


def _days(pattern: str, start: date = MON) -> list[tuple[date, bool]]:
    """'A' absent, 'P' present, one per school day (weekdays from `start`)."""
    out, day = [], start
    for ch in pattern:
        while day.weekday() >= 5:
            day += timedelta(days=1)
        out.append((day, ch == "A"))
        day += timedelta(days=1)
    return out


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        ("", None),
        ("P" + "A" * 9, None),  # 9 days: not long
        ("P" + "A" * 10, LongAbsence(False, date(2026, 11, 3), 10, 0)),
        ("A" * 14, LongAbsence(False, MON, 14, 0)),
        ("A" * 15, LongAbsence(False, MON, 15, 1)),  # a week past the threshold: round 2
        ("A" * 11 + "P", LongAbsence(True, MON, 11)),  # back after 11 days
        ("A" * 11 + "P" * 5, LongAbsence(True, MON, 11)),
        ("A" * 11 + "P" * 6, None),  # back long enough ago
        ("A" * 5 + "P" + "A" * 5, None),  # two short runs are not one long one
    ],
)
def test_long_absence(pattern, expected):
    assert rules.long_absence(_days(pattern)) == expected


def _away(pupil, first: date, last: date, code: str = "I"):
    day, marks = first, []
    while day <= last:
        if day.weekday() < 5:
            marks += [(day, "AM", code), (day, "PM", code)]
        day += timedelta(days=1)
    add_marks(pupil, marks)


def _tasks(pupil):
    return {
        (t.kind, t.assigned_role, t.done_at is not None)
        for t in CaseTask.objects.filter(pupil=pupil)
    }


def test_a_long_absence_gets_a_return_plan_task_and_a_weekly_keep_in_touch_task(cw):
    cara = make_pupil(cw.school, legal_forename="Cara", legal_surname="Long")
    _away(cara, date(2026, 11, 2), date(2026, 11, 13))  # 10 school days

    first = make_long_absence_tasks(school=cw.school, as_of=date(2026, 11, 13))
    again = make_long_absence_tasks(school=cw.school, as_of=date(2026, 11, 13))

    assert {(t.kind, t.assigned_role) for t in first} == {
        (TaskKind.RETURN_PLAN, Role.ATTENDANCE_LEAD),
        (TaskKind.KEEP_IN_TOUCH, Role.OFFICE),
    }
    assert again == []
    assert all(t.pupil == cara and t.due_on == date(2026, 11, 13) for t in first)
    _away(cara, date(2026, 11, 16), date(2026, 11, 20))  # 15 days: a week on
    week_two = make_long_absence_tasks(school=cw.school, as_of=date(2026, 11, 20))
    assert [(t.kind, t.title) for t in week_two] == [
        (TaskKind.KEEP_IN_TOUCH, "Keep in touch (week 2 of a long absence)")
    ]


def test_a_pupil_back_after_11_days_gets_a_reintegration_task_for_the_senco(cw):
    cara = make_pupil(cw.school, legal_forename="Cara", legal_surname="Long")
    _away(cara, date(2026, 11, 2), date(2026, 11, 16))  # 11 school days
    add_marks(cara, [(date(2026, 11, 17), "AM", "/"), (date(2026, 11, 17), "PM", "/")])

    made = make_long_absence_tasks(school=cw.school, as_of=date(2026, 11, 17))

    assert [(t.kind, t.assigned_role) for t in made] == [(TaskKind.REINTEGRATION, Role.SENCO)]
    assert "11 school days" in made[0].title


def test_the_return_plan_task_goes_to_the_case_owner_when_there_is_one(cw):
    cara = make_pupil(cw.school, legal_forename="Cara", legal_surname="Long")
    case = actions.open_case(
        actor=cw.users["lead"], pupil=cara, reason="Away", owner=cw.users["office"]
    )
    _away(cara, date(2026, 11, 2), date(2026, 11, 13))

    made = make_long_absence_tasks(school=cw.school, as_of=date(2026, 11, 13))

    plan_task = next(t for t in made if t.kind == TaskKind.RETURN_PLAN)
    assert (plan_task.case, plan_task.assigned_to) == (case, cw.users["office"])


def test_the_command_makes_the_tasks(cw):
    cara = make_pupil(cw.school, legal_forename="Cara", legal_surname="Long")
    _away(cara, date(2026, 11, 2), date(2026, 11, 13))
    out = StringIO()

    call_command("long_absences", "--as-of", "2026-11-13", "--school", cw.school.urn, stdout=out)

    assert "2 task(s) made." in out.getvalue()


def test_a_return_plan_cannot_be_made_without_a_named_key_adult(cw):
    with pytest.raises(CaseError, match="key adult"):
        rules.check_return_plan(kind="return_plan", key_adult=None)
    rules.check_return_plan(kind="support_plan", key_adult=None)
    cara = make_pupil(cw.school, legal_forename="Cara", legal_surname="Long")
    actions.open_case(actor=cw.users["lead"], pupil=cara, reason="Away")
    _away(cara, date(2026, 11, 2), date(2026, 11, 13))
    make_long_absence_tasks(school=cw.school, as_of=date(2026, 11, 13))

    def start(key_adult):
        return ma.start_plan(
            actor=cw.users["lead"],
            pupil=cara,
            terms=ma.PlanTerms(
                "return_plan", "Mornings in the nurture room", "Mum", key_adult=key_adult
            ),
            starts_on=date(2026, 11, 16),
            review_on=date(2026, 11, 30),
            target_pct=Decimal(90),
        )

    with pytest.raises(CaseError, match="key adult"):
        start(None)
    with pytest.raises(CaseError, match="staff at this school"):
        start(cw.users["other_head"])
    plan = start(cw.users["teacher"])

    assert SupportPlan.objects.get().key_adult == cw.users["teacher"] == plan.key_adult
    assert (TaskKind.RETURN_PLAN, Role.ATTENDANCE_LEAD, True) in _tasks(cara)


def test_the_meeting_form_makes_a_return_plan_with_its_key_adult(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="Away")
    client.force_login(cw.users["lead"])
    form = {
        "held_on": "2026-11-23",
        "parent_attendance": "attended",
        "attendees": "Mum\nMrs Lead",
        "barriers": "Anxiety after illness",
        "monitoring_weeks": "4",
        "target_pct": "90",
        "plan_kind": "return_plan",
        "commitments": "Starts with mornings; meets Mr Teacher at the gate",
    }
    new = reverse("casework:meeting_new", args=[cw.amy.pk])
    with time_machine.travel(aware(2026, 11, 23, 15, 0), tick=False):
        missing = client.post(new, form)
        made = client.post(new, form | {"key_adult": cw.users["teacher"].pk})

    assert missing.status_code == 200
    assert "Name the key adult the child can go to" in missing.content.decode()
    assert made.status_code == 302
    printed = client.get(reverse("casework:plan_print", args=[cw.amy.pk])).content.decode()
    assert "Return plan after a long absence: Amy Able" in printed
    assert "Key adult" in printed and "teacher" in printed

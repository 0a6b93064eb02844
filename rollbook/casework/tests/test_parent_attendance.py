"""Whether the parents came to each meeting (S000-7, S002-117): recorded, on the timeline and
counted in the case summary."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from rollbook.casework import actions, queries, rules
from rollbook.casework import meeting_actions as ma
from rollbook.casework.models import Meeting
from rollbook.casework.rules import CaseError
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware

NOW = aware(2026, 11, 23, 15, 0)
DAY = date(2026, 11, 23)


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def _meeting(cw, parent_attendance, barriers=""):
    return ma.record_meeting(
        actor=cw.users["lead"],
        pupil=cw.amy,
        held_on=DAY,
        attendees="Mrs Lead",
        barriers=barriers,
        support=[],
        monitoring_weeks=2,
        target_pct=Decimal(95),
        parent_attendance=parent_attendance,
        now=NOW,
    )


def test_the_rule_needs_a_known_answer_and_barriers_only_when_they_came():
    args = {
        "attendees": "Mrs Lead",
        "barriers": "",
        "support": [],
        "held_on": DAY,
        "review_on": date(2026, 12, 7),
        "target_pct": Decimal(95),
        "today": DAY,
    }
    with pytest.raises(CaseError, match="parents attended"):
        rules.check_meeting(**args, parent_attendance="maybe")
    with pytest.raises(CaseError, match="barriers"):
        rules.check_meeting(**args, parent_attendance="attended")
    rules.check_meeting(**args, parent_attendance="did_not_attend")
    rules.check_meeting(**args, parent_attendance="rearranged")


def test_counts_and_titles():
    assert rules.parent_attendance_counts(["attended", "did_not_attend", "did_not_attend", ""]) == {
        "attended": 1,
        "did_not_attend": 2,
        "rearranged": 0,
    }
    assert rules.meeting_title("did_not_attend") == "Meeting with parents: they did not attend"
    assert rules.meeting_title("") == "Meeting with parents"


def test_did_not_attend_is_recorded_audited_on_the_timeline_and_counted(cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")

    _meeting(cw, "did_not_attend")
    _meeting(cw, "attended", barriers="Mornings")

    assert sorted(Meeting.objects.values_list("parent_attendance", flat=True)) == [
        "attended",
        "did_not_attend",
    ]
    events = AuditEvent.objects.filter(kind="meeting.recorded")
    assert {e.data["parent_attendance"] for e in events} == {"attended", "did_not_attend"}
    titles = {
        e.title
        for e in queries.timeline(cw.school, [cw.amy], safeguarding=False, kinds=["meeting"]).events
    }
    assert "Meeting with parents: they did not attend" in titles
    assert queries.meeting_attendance(case) == {
        "attended": 1,
        "did_not_attend": 1,
        "rearranged": 0,
    }


@time_machine.travel(NOW, tick=False)
def test_the_meeting_form_records_did_not_attend_and_the_case_page_counts_it(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["lead"])
    form = {
        "held_on": "2026-11-23",
        "parent_attendance": "did_not_attend",
        "attendees": "Mrs Lead",
        "monitoring_weeks": "2",
        "target_pct": "95",
    }

    missing = client.post(url("meeting_new", cw.amy.pk), form | {"parent_attendance": ""})
    response = client.post(url("meeting_new", cw.amy.pk), form)

    assert missing.status_code == 200 and "govuk-error-summary" in missing.content.decode()
    assert response.status_code == 302
    page = client.get(url("pupil", cw.amy.pk)).content.decode()
    assert 'id="meeting-attendance"' in page and "did not attend: 1" in page
    assert "Meeting with parents: they did not attend" in page
    pack = client.get(response["Location"]).content.decode()
    assert "Parents did not attend" in pack

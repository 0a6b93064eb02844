"""Support options on a plan (S003-71): walking bus with the helper's name, school nurse with
the referral date, breakfast club; as ticked options plus free text."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from rollbook.casework import actions, queries, rules
from rollbook.casework import meeting_actions as ma
from rollbook.casework.models import SupportPlan
from rollbook.casework.rules import CaseError
from rollbook.core.tests.factories import aware

MONDAY = aware(2026, 11, 23, 15, 0)
START = date(2026, 11, 23)


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def test_a_nurse_referral_date_needs_the_school_nurse_ticked():
    with pytest.raises(CaseError, match="school nurse"):
        rules.check_plan(
            signatories="Mum",
            commitments="x",
            starts_on=START,
            review_on=date(2027, 1, 4),
            support=["walking_bus"],
            nurse_referral_on=START,
        )
    rules.check_plan(
        signatories="Mum",
        commitments="x",
        starts_on=START,
        review_on=date(2027, 1, 4),
        support=["school_nurse"],
        nurse_referral_on=START,
    )


def test_the_support_options_include_walking_bus_nurse_and_breakfast_club():
    assert {"walking_bus", "school_nurse", "breakfast_club"} <= rules.SUPPORT.keys()


def test_a_plan_records_the_walking_bus_helper_and_the_nurse_referral_date(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")

    plan = ma.start_plan(
        actor=cw.users["lead"],
        pupil=cw.amy,
        terms=ma.PlanTerms(
            "support_plan",
            "School: walking bus; family: Amy ready by 8:15",
            "Mum",
            ("walking_bus", "school_nurse", "breakfast_club"),
            support_detail="Walking bus with Mrs Brown (no. 12)",
            nurse_referral_on=date(2026, 11, 30),
        ),
        starts_on=START,
        review_on=date(2026, 12, 14),
        target_pct=Decimal(96),
        now=MONDAY,
    )

    plan.refresh_from_db()
    assert plan.support == ["walking_bus", "school_nurse", "breakfast_club"]
    assert plan.support_detail == "Walking bus with Mrs Brown (no. 12)"
    assert plan.nurse_referral_on == date(2026, 11, 30)
    events = queries.timeline(cw.school, [cw.amy], safeguarding=False, kinds=["meeting"]).events
    agreed = next(e for e in events if e.title == "Attendance support plan agreed")
    assert "Walking bus, School nurse, Breakfast club (Walking bus with Mrs Brown" in agreed.detail
    assert "school nurse referral 30 Nov 2026" in agreed.detail


def test_start_plan_refuses_a_referral_date_without_the_nurse(cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    with pytest.raises(CaseError, match="school nurse"):
        ma.start_plan(
            actor=cw.users["lead"],
            pupil=cw.amy,
            terms=ma.PlanTerms("support_plan", "x", "Mum", ("walking_bus",), "", START),
            starts_on=START,
            review_on=date(2026, 12, 14),
            target_pct=Decimal(96),
        )
    assert not SupportPlan.objects.exists()


FORM = {
    "held_on": "2026-11-23",
    "parent_attendance": "attended",
    "attendees": "Mum\nMrs Lead",
    "barriers": "Mornings",
    "support": ["walking_bus", "school_nurse"],
    "support_detail": "Walking bus with Mrs Brown",
    "nurse_referral_on": "2026-11-30",
    "monitoring_weeks": "6",
    "target_pct": "95",
    "plan_kind": "support_plan",
    "commitments": "School rings at 8; Mum brings Amy by 8:45",
}


@time_machine.travel(MONDAY, tick=False)
def test_the_meeting_form_puts_the_support_on_the_printed_plan(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["lead"])

    response = client.post(url("meeting_new", cw.amy.pk), FORM)

    assert response.status_code == 302
    plan = SupportPlan.objects.get()
    assert plan.support_detail == "Walking bus with Mrs Brown"
    assert plan.nurse_referral_on == date(2026, 11, 30)
    printed = client.get(url("plan_print", cw.amy.pk)).content.decode()
    assert "Walking bus with Mrs Brown" in printed and "30 November 2026" in printed


@time_machine.travel(MONDAY, tick=False)
def test_a_referral_date_without_a_plan_is_a_clear_error(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["lead"])

    response = client.post(url("meeting_new", cw.amy.pk), FORM | {"plan_kind": ""})

    assert response.status_code == 200
    assert "The referral date goes on a plan" in response.content.decode()
    assert not SupportPlan.objects.exists()

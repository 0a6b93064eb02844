"""Agencies involved in a case (S000-29, S002-18, S002-26): rules, action, pages, safeguarding."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from rollbook.casework import actions, queries, rules
from rollbook.casework.models import CaseAgency
from rollbook.casework.rules import CaseError
from rollbook.core.models import AuditEvent

HTMX = {"HX-Request": "true"}
TODAY = date(2026, 11, 23)
NURSE = {
    "agency": "school_nurse",
    "contact_name": "Nina Nurse",
    "contact_role": "School nurse",
    "phone": "01234 567890",
    "email": "nina@nhs.example",
    "since": "2026-10-01",
}


def url(name, *args):
    return reverse(f"casework:{name}", args=args)


def _check(**kw):
    args = {
        "is_open": True,
        "agency": "early_help",
        "safeguarding": False,
        "contact_name": "Ed",
        "other_name": "",
        "since": date(2026, 11, 1),
        "today": TODAY,
    } | kw
    rules.check_agency(**args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"is_open": False}, "open case"),
        ({"agency": "fire_brigade"}, "Choose an agency"),
        ({"agency": "social_care"}, "Choose an agency"),  # not the DSL
        ({"agency": "other"}, "Name the other agency"),
        ({"contact_name": " "}, "contact's name"),
        ({"since": date(2026, 11, 24)}, "future"),
    ],
)
def test_check_agency_refuses(kwargs, message):
    with pytest.raises(CaseError, match=message):
        _check(**kwargs)


def test_check_agency_lets_the_dsl_record_social_care_and_accepts_the_la_team():
    _check(agency="social_care", safeguarding=True)
    _check(agency="la_sast", since=None)
    _check(agency="other", other_name="Young carers' project", since=TODAY)


def test_agency_counts_hide_social_care_from_all_but_the_dsl():
    rows = ["school_nurse", "early_help", "school_nurse", "social_care"]

    others = {k: n for k, _, n in rules.agency_counts(rows, safeguarding=False)}
    dsl = {k: n for k, _, n in rules.agency_counts(rows, safeguarding=True)}

    assert others["school_nurse"] == 2 and others["early_help"] == 1 and others["camhs"] == 0
    assert "social_care" not in others and dsl["social_care"] == 1


def test_adding_an_agency_is_audited_and_social_care_is_marked_safeguarding(cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")

    actions.add_agency(
        actor=cw.users["lead"],
        case=case,
        contact=actions.AgencyContact(agency="la_sast", contact_name="Sam Team"),
    )
    actions.add_agency(
        actor=cw.users["dsl"],
        case=case,
        contact=actions.AgencyContact(agency="social_care", contact_name="Sue Worker"),
        safeguarding=True,
    )

    events = list(AuditEvent.objects.filter(kind="case.agency_added").order_by("id"))
    assert [e.data["agency"] for e in events] == ["la_sast", "social_care"]
    assert [e.data["safeguarding"] for e in events] == [False, True]
    with pytest.raises(CaseError, match="Choose an agency"):
        actions.add_agency(
            actor=cw.users["lead"],
            case=case,
            contact=actions.AgencyContact(agency="social_care", contact_name="X"),
        )
    assert CaseAgency.objects.count() == 2


def test_counts_by_agency_count_open_cases_once_per_agency(cw):
    amy = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    ben = actions.open_case(actor=cw.users["lead"], pupil=cw.ben, reason="PA")
    for case, agency in ((amy, "school_nurse"), (amy, "school_nurse"), (ben, "early_help")):
        actions.add_agency(
            actor=cw.users["lead"],
            case=case,
            contact=actions.AgencyContact(agency=agency, contact_name="A"),
        )
    actions.close_case(actor=cw.users["lead"], case=ben, reason="Done")

    counts = {k: n for k, _, n in queries.agency_counts(cw.school, safeguarding=False)}

    assert counts["school_nurse"] == 1 and counts["early_help"] == 0


def test_adding_nurse_and_early_help_shows_them_in_the_summary_timeline_and_counts(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["lead"])

    first = client.post(url("agency", cw.amy.pk), NURSE)
    client.post(url("agency", cw.amy.pk), {"agency": "early_help", "contact_name": "Ellie"})

    assert first.status_code == 302 and first["Location"] == url("pupil", cw.amy.pk)
    page = client.get(url("pupil", cw.amy.pk))
    text = page.content.decode()
    assert 'id="agencies"' in text and "Nina Nurse" in text and "since 1 Oct 2026" in text
    titles = {e.title for e in page.context["events"]}
    assert {"Agency involved: School nurse", "Agency involved: Early help"} <= titles
    counts = client.get(url("caseload")).context["agency_counts"]
    assert ("school_nurse", "School nurse", 1) in counts
    assert ("early_help", "Early help", 1) in counts


def test_social_care_is_shown_to_the_dsl_only(client, cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    actions.add_agency(
        actor=cw.users["dsl"],
        case=case,
        contact=actions.AgencyContact(agency="social_care", contact_name="Sue Worker"),
        safeguarding=True,
    )
    for user in ("office", "head", "senco", "teacher"):
        client.force_login(cw.users[user])
        text = client.get(url("pupil", cw.amy.pk)).content.decode()
        assert "Sue Worker" not in text and "social care" not in text.lower(), user
    client.force_login(cw.users["office"])
    assert (
        client.post(
            url("agency", cw.amy.pk), {"agency": "social_care", "contact_name": "X"}
        ).status_code
        == 200
    )  # re-rendered: not a choice for the office
    assert CaseAgency.objects.count() == 1
    client.force_login(cw.users["dsl"])
    text = client.get(url("pupil", cw.amy.pk)).content.decode()
    assert "Sue Worker" in text and "Agency involved: Children&#x27;s social care" in text


def test_a_bad_agency_re_renders_with_errors_with_and_without_htmx(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["lead"])

    page = client.post(url("agency", cw.amy.pk), {"agency": "other", "contact_name": "Olly"})
    partial = client.post(url("agency", cw.amy.pk), NURSE | {"email": "not-an-email"}, headers=HTMX)

    assert page.status_code == 200 and "Name the other agency." in page.content.decode()
    assert partial.status_code == 200 and "<html" not in partial.content.decode()
    assert "govuk-error-summary" in partial.content.decode()
    assert not CaseAgency.objects.exists()


def test_the_agency_form_refuses_wrong_method_users_and_schools(client, cw):
    actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["lead"])
    assert client.get(url("agency", cw.amy.pk)).status_code == 405
    for user in ("senco", "teacher", "governor"):
        client.force_login(cw.users[user])
        assert client.post(url("agency", cw.amy.pk), NURSE).status_code == 403
    client.force_login(cw.users["other_head"])
    assert client.post(url("agency", cw.amy.pk), NURSE).status_code == 404
    assert not CaseAgency.objects.exists()


def test_the_pupil_page_queries_do_not_grow_with_agencies(
    client, cw, django_assert_max_num_queries
):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    client.force_login(cw.users["dsl"])
    with django_assert_max_num_queries(45) as few:
        client.get(url("pupil", cw.amy.pk))
    for agency, barrier in (("school_nurse", "send"), ("camhs", "emotional"), ("ewo", "health")):
        actions.add_agency(
            actor=cw.users["lead"],
            case=case,
            contact=actions.AgencyContact(agency=agency, contact_name="A"),
        )
        actions.add_barrier(actor=cw.users["lead"], case=case, category=barrier)

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url("pupil", cw.amy.pk))


def test_the_la_attendance_team_and_a_meeting_with_them_show_in_the_case_history(client, cw):
    case = actions.open_case(actor=cw.users["lead"], pupil=cw.amy, reason="PA")
    actions.add_agency(
        actor=cw.users["office"],
        case=case,
        contact=actions.AgencyContact(
            agency="la_sast", contact_name="Sam Team", contact_role="Attendance adviser"
        ),
    )
    actions.add_note(actor=cw.users["office"], case=case, text="Met Sam (LA team) about Amy")
    client.force_login(cw.users["office"])

    events = client.get(url("pupil", cw.amy.pk), {"kind": "barrier"}).context["events"]
    notes = client.get(url("pupil", cw.amy.pk), {"kind": "note"}).context["events"]

    assert [e.title for e in events] == ["Agency involved: LA School Attendance Support Team"]
    assert "Sam Team, Attendance adviser" in events[0].detail
    assert [e.detail for e in notes] == ["Met Sam (LA team) about Amy"]

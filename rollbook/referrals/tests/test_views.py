"""Referral pages, actions and timeline: social care stays with the DSL."""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollbook.casework.queries import timeline
from rollbook.core.models import AuditEvent
from rollbook.policy.actions import adopt_policy
from rollbook.referrals import timeline as referral_timeline
from rollbook.referrals.actions import close_referral, record_referral
from rollbook.referrals.models import Referral


def _referral(rf, kind="ewo", reason="Ten days unauthorised", **kw):
    return record_referral(
        actor=rf.users["dsl" if kind == "social_care" else "office"],
        pupil=rf.rex,
        kind=kind,
        made_on=date(2025, 11, 11),
        reason=reason,
        safeguarding=kind == "social_care",
        **kw,
    )


def test_the_office_records_an_ewo_referral_with_its_reference(client, rf):
    client.force_login(rf.users["office"])

    response = client.post(
        reverse("referrals:record", args=[rf.rex.pk]),
        {
            "kind": "ewo",
            "made_on": "2025-11-11",
            "reason": "Ten days unauthorised",
            "agency_reference": "BCC-42",
        },
    )

    assert response.status_code == 302
    referral = Referral.objects.get()
    assert (referral.kind, referral.agency_reference, referral.status) == ("ewo", "BCC-42", "open")
    audit = AuditEvent.objects.get(kind="referral.made")
    assert audit.pupil_id == rf.rex.pk and audit.reason == "Ten days unauthorised"
    page = client.get(reverse("referrals:pupil", args=[rf.rex.pk])).content.decode()
    assert "BCC-42" in page and "Education welfare officer" in page


def test_the_office_cannot_record_social_care_and_errors_come_back_as_a_partial(client, rf):
    client.force_login(rf.users["office"])

    response = client.post(
        reverse("referrals:record", args=[rf.rex.pk]),
        {"kind": "social_care", "made_on": "2025-11-11", "reason": "Concern"},
        headers={"HX-Request": "true"},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and 'id="referrals"' in text and "There is a problem" in text
    assert not Referral.objects.exists()


def test_social_care_referrals_are_for_the_dsl_only(client, rf):
    secret = _referral(rf, kind="social_care", reason="Bruising seen on arrival")
    _referral(rf, kind="early_help", reason="Family struggling with mornings")

    for name in ("office", "senco"):
        client.force_login(rf.users[name])
        text = client.get(reverse("referrals:pupil", args=[rf.rex.pk])).content.decode()
        assert "Bruising" not in text and "social care</" not in text.lower()
        assert "Family struggling" in text
    # Closing it by id: not found for the office.
    client.force_login(rf.users["office"])
    response = client.post(
        reverse("referrals:close", args=[rf.rex.pk]),
        {"referral": secret.pk, "outcome": "x", "outcome_on": "2025-11-12"},
    )
    assert response.status_code == 404
    # The audit row does not carry the pupil or the text to the casework timeline.
    audit = AuditEvent.objects.get(kind="referral.made", object_id=str(secret.pk))
    assert audit.pupil_id is None and audit.reason == ""

    client.force_login(rf.users["dsl"])
    text = client.get(reverse("referrals:pupil", args=[rf.rex.pk])).content.decode()
    assert "Bruising seen on arrival" in text


def test_closing_a_referral_records_its_outcome(client, rf):
    referral = _referral(rf)
    client.force_login(rf.users["dsl"])

    response = client.post(
        reverse("referrals:close", args=[rf.rex.pk]),
        {"referral": referral.pk, "outcome": "EWO home visit arranged", "outcome_on": "2025-11-14"},
    )

    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.outcome_on) == ("closed", date(2025, 11, 14))
    assert AuditEvent.objects.filter(kind="referral.closed").count() == 1


def test_the_wrong_method_and_people_are_refused(client, rf):
    client.force_login(rf.users["office"])
    assert client.get(reverse("referrals:record", args=[rf.rex.pk])).status_code == 405
    client.force_login(rf.users["teacher"])
    assert client.get(reverse("referrals:pupil", args=[rf.rex.pk])).status_code == 403
    client.force_login(rf.users["senco"])
    assert client.post(reverse("referrals:record", args=[rf.rex.pk])).status_code == 403
    client.force_login(rf.users["office"])
    assert client.get(reverse("referrals:pupil", args=[rf.other_pupil.pk])).status_code == 404


def test_the_timeline_shows_referrals_and_hides_social_care_from_all_but_the_dsl(rf):
    closed = _referral(rf)
    close_referral(
        actor_label="office", referral=closed, outcome="Seen", outcome_on=date(2025, 11, 14)
    )
    _referral(rf, kind="social_care", reason="Bruising seen on arrival")

    with CaptureQueriesContext(connection) as queries:
        events = list(referral_timeline.events(rf.school, [rf.rex.pk], safeguarding=True))
    assert len(queries) == 1
    assert sorted(e["safeguarding_note"] for e in events) == [False, False, True]
    assert len(list(referral_timeline.events(rf.school, [rf.rex.pk]))) == 2  # never fetched

    office = timeline(rf.school, [rf.rex], safeguarding=False, kinds=["referral"]).events
    dsl = timeline(rf.school, [rf.rex], safeguarding=True, kinds=["referral"]).events
    assert [e.title for e in office] == [
        "Referral closed: Education welfare officer (EWO)",
        "Referral made: Education welfare officer (EWO)",
    ]
    assert "Referral made: Children's social care" in [e.title for e in dsl]
    everything = timeline(rf.school, [rf.rex], safeguarding=False).events
    assert not any("Bruising" in e.detail for e in everything)


def test_with_a_sign_off_role_an_ewo_referral_waits_for_the_lead(client, rf):
    """S000-28 (preset 000): the Attendance Lead gives final sign-off to EWO referrals."""
    adopt_policy(
        actor_label="test",
        school=rf.school,
        text='name="000"\nversion=1\n[statutory]\nreferral_signoff_role="attendance_lead"\n',
        source="test",
    )
    drafted = _referral(rf)  # by the office
    assert drafted.status == "awaiting"
    titles = [e.title for e in timeline(rf.school, [rf.rex], safeguarding=False).events]
    assert "Referral drafted, awaiting sign-off: Education welfare officer (EWO)" in titles
    url = reverse("referrals:sign_off", args=[rf.rex.pk])

    client.force_login(rf.users["office"])
    refused = client.post(url, {"referral": drafted.pk}, headers={"HX-Request": "true"})
    assert refused.status_code == 200 and "policy names" in refused.content.decode()
    assert (
        "Sign off and send"
        not in client.get(reverse("referrals:pupil", args=[rf.rex.pk])).content.decode()
    )

    client.force_login(rf.users["lead"])
    assert (
        "Sign off and send"
        in client.get(reverse("referrals:pupil", args=[rf.rex.pk])).content.decode()
    )
    response = client.post(url, {"referral": drafted.pk})

    assert response.status_code == 302
    drafted.refresh_from_db()
    assert (drafted.status, drafted.signed_off_by) == ("open", rf.users["lead"])
    audit = AuditEvent.objects.get(kind="referral.signed_off")
    assert audit.actor == rf.users["lead"] and audit.data["signoff_role"] == "attendance_lead"

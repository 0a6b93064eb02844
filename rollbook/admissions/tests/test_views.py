"""Registration-duty pages: happy paths, refusals with reasons, htmx partials, wrong method,
wrong user, the audited CSV export and pinned query counts."""

from __future__ import annotations

import csv
import io
from datetime import date

import time_machine
from django.urls import reverse

from rollbook.admissions import actions
from rollbook.admissions.models import CmeConcern, Deletion, Enquiry
from rollbook.admissions.tests.conftest import code_days
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import aware, make_pupil

NOW = aware(2025, 11, 14, 16, 0)  # Fri 14 Nov 2025, after the afternoon register


def _admit(rw, day=date(2025, 11, 3)):
    new = make_pupil(rw.school, admission_date=day, legal_forename="Nia", legal_surname="New")
    actions.check_registration_duties(school=rw.school, as_of=day)
    return new


@time_machine.travel(NOW, tick=False)
def test_register_shows_the_la_notice_due_and_overdue(client, rw, django_assert_max_num_queries):
    _admit(rw)  # due Mon 10 Nov, not sent by Fri 14 Nov
    client.force_login(rw.users["office"])
    with django_assert_max_num_queries(12):
        response = client.get(reverse("admissions:register"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Nia New" in text and "10 Nov 2025" in text
    assert "Overdue" in text and "1 new pupil notice to the LA is overdue" in text


@time_machine.travel(NOW, tick=False)
def test_pupil_page_shows_the_countdowns(client, rw, django_assert_max_num_queries):
    code_days(rw.rex, date(2025, 10, 13), date(2025, 11, 14), "O")
    client.force_login(rw.users["office"])
    with django_assert_max_num_queries(20):
        response = client.get(reverse("admissions:pupil", args=[rw.rex.pk]))
    text = response.content.decode()
    assert "20 school days since 13 Oct 2025" in text
    assert "reached 14 Nov 2025" in text
    assert "Only the head teacher deletes" in text  # the office cannot delete


@time_machine.travel(NOW, tick=False)
def test_record_la_notified_redirects_and_htmx_errors_render_the_partial(client, rw):
    new = _admit(rw)
    client.force_login(rw.users["office"])
    url = reverse("admissions:la_notified", args=[new.pk])
    bad = client.post(url, {"notified_on": "2025-11-20"}, headers={"HX-Request": "true"})
    assert bad.status_code == 200
    assert 'id="registration"' in bad.content.decode()
    assert "<html" not in bad.content.decode()
    assert "cannot be in the future" in bad.content.decode()
    ok = client.post(url, {"notified_on": "2025-11-12", "reference": "LA-1"})
    assert ok.status_code == 302
    assert new.admission_entries.get().la_notified_on == date(2025, 11, 12)


@time_machine.travel(NOW, tick=False)
def test_deletion_refused_with_the_reason_when_the_ground_is_not_met(client, rw):
    client.force_login(rw.users["head"])
    response = client.post(
        reverse("admissions:deletion", args=[rw.rex.pk]),
        {
            "ground": "ground_i",
            "ground_met_on": "2025-11-14",
            "removed_on": "2025-11-14",
            "la_notified_on": "2025-11-14",
            "no_sickness_or_unavoidable_cause": "on",
        },
    )
    assert response.status_code == 200
    assert "Ground I is not met: 0 consecutive school days" in response.content.decode()
    assert not Deletion.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_the_office_may_not_delete_and_pages_refuse_teachers(client, rw):
    client.force_login(rw.users["office"])
    assert client.post(reverse("admissions:deletion", args=[rw.rex.pk])).status_code == 403
    assert client.get(reverse("admissions:deletion", args=[rw.rex.pk])).status_code == 405
    client.force_login(rw.users["teacher"])
    assert client.get(reverse("admissions:pupil", args=[rw.rex.pk])).status_code == 403
    assert client.get(reverse("admissions:register")).status_code == 403


@time_machine.travel(NOW, tick=False)
def test_cme_concern_enquiries_and_the_list(client, rw):
    code_days(rw.rex, date(2025, 11, 10), date(2025, 11, 14), "N")
    client.force_login(rw.users["office"])
    url = lambda name: reverse(f"admissions:{name}", args=[rw.rex.pk])  # noqa: E731
    # The list offers pupils the policy's CME check has reached; the national policy has none.
    assert "sets no CME check" in client.get(reverse("admissions:cme_list")).content.decode()
    assert (
        client.post(
            url("cme_enquiry"), {"made_on": "2025-11-14", "kind": "call", "details": "x"}
        ).status_code
        == 200
    )  # none open
    client.post(url("cme_open"), {"opened_on": "2025-11-14", "reason": "unexplained_absence"})
    response = client.post(
        url("cme_enquiry"),
        {
            "made_on": "2025-11-14",
            "kind": "la_cme_officer",
            "details": "Referred",
            "la_reference": "CME-9",
        },
    )
    assert response.status_code == 302
    assert Enquiry.objects.get().concern.la_reference == "CME-9"
    text = client.get(reverse("admissions:cme_list")).content.decode()
    assert "Rex Reed" in text and "ref. CME-9" in text
    # S002-106: the referral, with its reference, is in the list of LA notices.
    returns = client.get(reverse("admissions:la_returns")).content.decode()
    assert "Child missing education referred to the LA (1)" in returns
    assert "LA reference CME-9" in returns
    client.post(url("cme_close"), {"closed_on": "2025-11-14", "outcome": "Back at school"})
    assert not CmeConcern.objects.get().is_open


@time_machine.travel(NOW, tick=False)
def test_la_returns_page_and_audited_csv(client, rw, django_assert_max_num_queries):
    _admit(rw)
    code_days(rw.rex, date(2025, 10, 20), date(2025, 11, 14), "G")  # Rex is compulsory age
    client.force_login(rw.users["office"])
    period = {"first": "2025-11-01", "last": "2025-11-30"}
    with django_assert_max_num_queries(15):
        page = client.get(reverse("admissions:la_returns"), period)
    text = page.content.decode()
    assert "Nia New" in text and "LA not yet told (due 10 Nov 2025)" in text
    assert "15 consecutive school days of unauthorised absence (G)" in text
    assert "Irregular attendance (1)" in text
    before = AuditEvent.objects.filter(kind="export.downloaded").count()
    response = client.get(reverse("admissions:la_returns_csv"), period)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "section"
    assert {r[0] for r in rows[1:]} == {
        "New admission",
        "Continuous unauthorised absence",
        "Irregular attendance",
    }
    assert AuditEvent.objects.filter(kind="export.downloaded").count() == before + 1
    bad = client.get(
        reverse("admissions:la_returns"), {"first": "2025-11-30", "last": "2025-11-01"}
    )
    assert "on or after its start" in bad.content.decode()

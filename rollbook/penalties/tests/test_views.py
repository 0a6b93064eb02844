"""Penalty-notice pages: the decision list, a pupil's notices, the evidence pack."""

from __future__ import annotations

import csv
import io
from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rollbook.core.tests.factories import add_marks, make_pupil
from rollbook.penalties import actions
from rollbook.penalties.models import PenaltyNotice
from rollbook.penalties.tests.conftest import WEEK
from rollbook.policy.monitoring import run_monitoring
from rollbook.pupils.actions import add_contact

DECIDED = date(2025, 11, 10)


def _decide_data(pn, **over) -> dict:
    prefix = f"a{pn.alert.pk}-"
    data = {"choice": "request", "parents": [pn.mum.pk], "on": "2025-11-10", "reason": ""}
    data.update(over)
    return {prefix + k: v for k, v in data.items()}


def test_the_decision_page_lists_the_threshold_alert_with_each_parents_cap(
    client, pn, django_assert_max_num_queries
):
    client.force_login(pn.users["lead"])

    with django_assert_max_num_queries(14):
        response = client.get(reverse("penalties:decisions"))

    text = response.content.decode()
    assert response.status_code == 200
    assert "Pia Penn" in text and "Penalty-notice threshold" in text
    assert "Mary Penn" in text and "First notice: £80" in text
    assert "Gran" not in text  # no parental responsibility: not offered


def test_deciding_records_the_notice_and_goes_to_the_pupils_notices(client, pn):
    client.force_login(pn.users["lead"])

    response = client.post(reverse("penalties:decide", args=[pn.alert.pk]), _decide_data(pn))

    assert response.status_code == 302
    assert response["Location"] == reverse("penalties:pupil", args=[pn.pia.pk])
    assert PenaltyNotice.objects.get().status == "requested"
    page = client.get(response["Location"]).content.decode()
    assert "Requested from the LA" in page and "Decision recorded" in page
    # The alert is decided: it leaves the list; the notice is in progress.
    listing = client.get(reverse("penalties:decisions")).content.decode()
    assert "Waiting for a decision (0)" in listing and "Pia Penn" in listing


def test_a_decision_with_errors_re_renders_the_card_for_htmx(client, pn):
    client.force_login(pn.users["lead"])

    response = client.post(
        reverse("penalties:decide", args=[pn.alert.pk]),
        _decide_data(pn, choice="not_pursued"),
        headers={"HX-Request": "true"},
    )

    text = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in text and f'id="alert-{pn.alert.pk}"' in text
    assert "Give the reason" in text
    assert not PenaltyNotice.objects.exists()


def test_the_wrong_method_and_the_wrong_people_are_refused(client, pn):
    client.force_login(pn.users["lead"])
    assert client.get(reverse("penalties:decide", args=[pn.alert.pk])).status_code == 405

    client.force_login(pn.users["dsl"])  # reads a pupil's notices, decides nothing
    assert client.get(reverse("penalties:decisions")).status_code == 403
    assert client.get(reverse("penalties:pupil", args=[pn.pia.pk])).status_code == 200
    assert client.post(reverse("penalties:decide", args=[pn.alert.pk])).status_code == 403

    client.force_login(pn.users["other_head"])
    assert client.post(reverse("penalties:decide", args=[pn.alert.pk])).status_code == 404
    assert client.get(reverse("penalties:pupil", args=[pn.pia.pk])).status_code == 404


def test_the_next_step_is_recorded_from_the_pupils_page(client, pn):
    (notice,) = actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)
    client.force_login(pn.users["office"])
    url = reverse("penalties:step", args=[pn.pia.pk])

    bad = client.post(
        url,
        {"notice": notice.pk, "to": "paid", "on": "2025-12-01"},
        headers={"HX-Request": "true"},
    )
    assert bad.status_code == 200 and "cannot become" in bad.content.decode()
    assert "<html" not in bad.content.decode()

    response = client.post(
        url,
        {
            "notice": notice.pk,
            "to": "issued",
            "on": "2025-12-01",
            "received_on": "2025-12-03",
            "la_reference": "FPN/77",
        },
    )

    assert response.status_code == 302
    page = client.get(reverse("penalties:pupil", args=[pn.pia.pk])).content.decode()
    assert "FPN/77" in page and "£80 by 24 Dec 2025" in page and "£160 by 31 Dec 2025" in page


def test_another_pupils_notice_is_not_found(client, pn):
    (notice,) = actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)
    client.force_login(pn.users["lead"])
    other = pn.school.pupils.exclude(pk=pn.pia.pk).first() or pn.pia
    if other == pn.pia:
        from rollbook.core.tests.factories import make_pupil

        other = make_pupil(pn.school, legal_forename="Bo")

    response = client.post(
        reverse("penalties:step", args=[other.pk]),
        {"notice": notice.pk, "to": "issued", "on": "2025-12-01"},
    )
    assert response.status_code == 404
    response = client.get(reverse("penalties:pack_csv", args=[other.pk]), {"notice": notice.pk})
    assert response.status_code == 404


def test_the_evidence_pack_csv_lists_the_sessions_counted(client, pn):
    (notice,) = actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)
    client.force_login(pn.users["lead"])

    response = client.get(reverse("penalties:pack_csv", args=[pn.pia.pk]), {"notice": notice.pk})

    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    sessions = [r for r in rows if r[0] == "session"]
    assert len(sessions) == 10
    assert sessions[0][1:4] == ["2025-11-03", "AM", "O"]
    assert ["parent", "", "", "", "Mary Penn", "", ""] in rows
    steps = [r[4] for r in rows if r[0] == "Penalty-notice steps"]
    assert steps == ["Penalty notice: considered", "Penalty notice: requested from the LA"]


def test_the_evidence_pack_pdf_renders(client, pn):
    (notice,) = actions.decide(alert=pn.alert, parents=[pn.mum], choice="request", on=DECIDED)
    client.force_login(pn.users["lead"])

    response = client.get(reverse("penalties:pack_pdf", args=[pn.pia.pk]), {"notice": notice.pk})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    # Without a notice or a scope: back to the pupil's page, nothing rendered.
    bare = client.get(reverse("penalties:pack_pdf", args=[pn.pia.pk]))
    assert bare.status_code == 302


def test_the_pages_cost_the_same_queries_whatever_the_number_of_pupils_and_notices(client, pn):
    client.force_login(pn.users["lead"])

    def count(url) -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def notice_by_hand(parent):
        actions.consider(
            pupil=pn.pia,
            parent=parent,
            first_date=WEEK[0],
            last_date=WEEK[-1],
            sessions=["2025-11-03 AM"],
            on=DECIDED,
        )

    decisions = reverse("penalties:decisions")
    pupil_page = reverse("penalties:pupil", args=[pn.pia.pk])
    notice_by_hand(pn.dad)
    before = (count(decisions), count(pupil_page))  # one alert waiting, one notice

    for name in ("Quinn", "Rosa"):  # two more pupils, each with their alerts and a parent
        child = make_pupil(pn.school, legal_forename=name)
        add_contact(
            actor_label="test",
            school=pn.school,
            pupils=[child],
            forename="Pat",
            surname=name,
            relationship="Mother",
        )
        add_marks(child, [(d, s, "G") for d in WEEK for s in ("AM", "PM")])
    run_monitoring(school=pn.school, as_of=WEEK[-1])
    notice_by_hand(pn.mum)

    assert "Rosa" in client.get(decisions).content.decode()
    assert (count(decisions), count(pupil_page)) == before

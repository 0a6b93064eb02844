"""The REST API: token auth, role scoping, marks upsert with the import's checks, paging,
statistics equal to `rollbook stats`, the OpenAPI document and the api_token command."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command

from rollbook.api.actions import create_api_token, revoke_api_token
from rollbook.api.models import ApiToken, hash_token
from rollbook.core.models import AuditEvent
from rollbook.core.tests.factories import add_marks, make_pupil, make_school
from rollbook.registers.models import Mark, MarkRevision

pytestmark = pytest.mark.django_db
MON, TUE, SAT = date(2025, 10, 6), date(2025, 10, 7), date(2025, 10, 11)


@pytest.fixture
def school():
    return make_school(name="Meadow Primary")


@pytest.fixture
def pupil(school):
    return make_pupil(school, legal_forename="Amaryllis", legal_surname="Sampleton")


def token_for(school, role="office", name="MIS sync") -> str:
    return create_api_token(actor_label="test", school=school, role=role, name=name)[1]


def call(client, method, path, token=None, body=None, **query):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    url = f"/api/v1/{path}"
    if method == "get":
        return client.get(url, query, headers=headers)
    return client.generic(
        method.upper(), url, json.dumps(body), content_type="application/json", headers=headers
    )


def assert_error(response, status, code):
    assert response.status_code == status, response.content
    error = response.json()["error"]
    assert error["code"] == code and error["message"] and isinstance(error["fields"], list)
    return error


# --- auth ---------------------------------------------------------------------------------


def test_a_token_reads_its_school_and_is_stamped_as_used(client, school):
    token = token_for(school)

    response = call(client, "get", "school", token)

    assert response.status_code == 200
    assert response.json()["urn"] == school.urn
    assert ApiToken.objects.get().last_used_at is not None


@pytest.mark.parametrize("header", [None, "Bearer nonsense", "Basic abc", "Bearer "])
def test_missing_or_invalid_tokens_are_401_in_the_error_shape(client, school, header):
    headers = {"Authorization": header} if header else {}
    assert_error(client.get("/api/v1/school", headers=headers), 401, "unauthorized")


def test_a_revoked_token_is_401(client, school):
    token = token_for(school)
    revoke_api_token(actor_label="test", token=ApiToken.objects.get())

    assert_error(call(client, "get", "school", token), 401, "unauthorized")
    assert AuditEvent.objects.filter(kind="api_token.revoked").count() == 1


def test_a_signed_in_session_is_not_accepted(client, school, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    assert_error(client.get("/api/v1/pupils"), 401, "unauthorized")


def test_another_schools_pupils_and_marks_are_not_found(client, school, pupil):
    hill = make_school(name="Hill Primary")
    other = make_pupil(hill, legal_forename="Zebedee")
    add_marks(other, [(MON, "AM", "/")])
    token = token_for(school)

    assert_error(call(client, "get", f"pupils/{other.upn}", token), 404, "not_found")
    assert_error(
        call(client, "get", "marks", token, **{"from": MON, "to": MON, "upn": other.upn}),
        404,
        "not_found",
    )
    listed = call(client, "get", "marks", token, **{"from": MON, "to": MON}).json()
    assert listed["count"] == 0
    assert "Zebedee" not in call(client, "get", "pupils", token).content.decode()


# --- roles --------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["governor", "trust_analyst"])
def test_aggregate_roles_get_statistics_but_no_pupil_level_data(client, school, pupil, role):
    token = token_for(school, role=role)

    assert call(client, "get", "statistics", token, **{"from": MON, "to": TUE}).status_code == 200
    assert call(client, "get", "classes", token).status_code == 200
    for path, query in (
        ("pupils", {}),
        (f"pupils/{pupil.upn}", {}),
        ("marks", {"from": MON, "to": TUE}),
        ("alerts", {"status": "open"}),
    ):
        assert_error(call(client, "get", path, token, **query), 403, "forbidden")
    body = [{"upn": pupil.upn, "date": "2025-10-06", "session": "AM", "code": "/"}]
    assert_error(call(client, "put", "marks", token, body), 403, "forbidden")
    assert not Mark.objects.exists()


def test_dsl_reads_pupils_but_may_not_write_marks(client, school, pupil):
    token = token_for(school, role="dsl")

    assert call(client, "get", "pupils", token).status_code == 200
    body = [{"upn": pupil.upn, "date": "2025-10-06", "session": "AM", "code": "/"}]
    assert_error(call(client, "put", "marks", token, body), 403, "forbidden")


# --- marks --------------------------------------------------------------------------------


def test_put_creates_then_the_same_batch_changes_nothing_then_a_change_is_a_revision(
    client, school, pupil
):
    token = token_for(school, name="MIS sync")
    batch = [
        {"upn": pupil.upn, "date": "2025-10-06", "session": "AM", "code": "/"},
        {"upn": pupil.upn, "date": "2025-10-06", "session": "PM", "code": "\\"},
        {"upn": pupil.upn, "date": "2025-10-07", "session": "AM", "code": "L", "minutes_late": 7},
    ]

    first = call(client, "put", "marks", token, batch)
    again = call(client, "put", "marks", token, batch)
    batch[0]["code"] = "I"
    changed = call(client, "put", "marks", token, batch)

    assert first.json() == {"created": 3, "changed": 0, "unchanged": 0}
    assert again.json() == {"created": 0, "changed": 0, "unchanged": 3}
    assert changed.json() == {"created": 0, "changed": 1, "unchanged": 2}
    revision = MarkRevision.objects.get()
    assert (revision.old_code, revision.new_code, revision.reason) == ("/", "I", "API: MIS sync")
    assert revision.changed_by_label.startswith("API token MIS sync")
    events = AuditEvent.objects.filter(kind="marks.saved", reason="API: MIS sync")
    assert events.count() == 3 and events.first().data["changed"] == 1
    assert Mark.objects.get(date=MON, session="PM").code == "\\"


def test_the_backslash_code_round_trips_through_json(client, school, pupil):
    token = token_for(school)
    body = [{"upn": pupil.upn, "date": "2025-10-06", "session": "PM", "code": "\\"}]
    assert call(client, "put", "marks", token, body).status_code == 200

    response = call(client, "get", "marks", token, **{"from": MON, "to": MON})

    assert '"code": "\\\\"' in response.content.decode()
    assert response.json()["items"][0]["code"] == "\\"


def test_an_invalid_item_rejects_the_whole_batch_with_per_item_errors(client, school, pupil):
    token = token_for(school)
    good = {"upn": pupil.upn, "date": "2025-10-06", "session": "AM", "code": "/"}
    batch = [
        good,
        {**good, "session": "PM", "code": "K9"},
        {**good, "date": SAT.isoformat()},
        {**good, "date": "2025-10-07", "session": "EV"},
        {**good, "upn": "A999999999999"},
        {**good, "date": "not-a-date"},
        good,
    ]

    response = call(client, "put", "marks", token, batch)

    error = assert_error(response, 422, "invalid")
    fields = {(f["field"]) for f in error["fields"]}
    assert {"1.code", "2.date", "3.session", "4.upn", "5.date", "6.session"} <= fields
    assert "not a DfE attendance code" in json.dumps(error)
    assert "first at index 0" in json.dumps(error)
    assert not Mark.objects.exists()
    assert not AuditEvent.objects.filter(kind="marks.saved").exists()


def test_a_malformed_item_is_422_naming_the_index_and_field(client, school, pupil):
    token = token_for(school)
    body = [{"upn": pupil.upn, "date": "2025-10-06", "session": "AM"}]

    error = assert_error(call(client, "put", "marks", token, body), 422, "invalid")

    assert error["fields"][0]["field"] == "0.code"


def test_marks_are_paginated(client, school):
    pupils = [make_pupil(school) for _ in range(3)]
    for p in pupils:
        add_marks(p, [(MON, "AM", "/"), (MON, "PM", "/")])
    token = token_for(school)

    pages = [
        call(client, "get", "marks", token, **{"from": MON, "to": MON, "page": n, "page_size": 4})
        for n in (1, 2, 3)
    ]

    bodies = [p.json() for p in pages]
    assert [len(b["items"]) for b in bodies] == [4, 2, 0]
    assert {(b["count"], b["pages"]) for b in bodies} == {(6, 2)}
    too_big = call(client, "get", "marks", token, **{"from": MON, "to": MON, "page_size": 501})
    assert assert_error(too_big, 422, "invalid")["fields"][0]["field"] == "page_size"


def test_pupils_are_paginated_and_filtered_by_class_and_year(client, school):
    make_pupil(school, class_name="3A", year_group="3")
    make_pupil(school, class_name="5A", year_group="5")
    make_pupil(school, class_name="5A", year_group="5")
    token = token_for(school)

    assert call(client, "get", "pupils", token, **{"class": "5A"}).json()["count"] == 2
    assert call(client, "get", "pupils", token, year="3").json()["count"] == 1
    first = call(client, "get", "pupils", token, page_size=2).json()
    assert (first["count"], first["pages"], len(first["items"])) == (3, 2, 2)


def test_alerts_need_a_pupil_level_role_and_filter_by_status(client, school):
    token = token_for(school, role="attendance_lead")

    response = call(client, "get", "alerts", token, status="open")

    assert response.json() == {"items": [], "count": 0, "page": 1, "pages": 1}
    assert_error(call(client, "get", "alerts", token, status="nope"), 422, "invalid")


# --- statistics ---------------------------------------------------------------------------


def test_statistics_match_the_stats_command(client, school):
    for n, year in enumerate(("3", "3", "5")):
        p = make_pupil(school, year_group=year, class_name=f"{year}A")
        add_marks(p, [(MON, "AM", "/"), (MON, "PM", "O" if n else "/"), (TUE, "AM", "I")])
    out = StringIO()
    call_command(
        "stats", "--from", "2025-10-06", "--to", "2025-10-10", "--format", "json",
        "--school", school.urn, "--group", "year", stdout=out,
    )  # fmt: skip
    expected = json.loads(out.getvalue())

    got = call(
        client, "get", "statistics", token_for(school),
        **{"from": "2025-10-06", "to": "2025-10-10", "group": "year"},
    ).json()  # fmt: skip

    assert got["totals"] == expected["totals"]
    assert (got["from"], got["to"]) == (expected["from"], expected["to"])
    assert [(g["group"], g["figures"]) for g in got["groups"]] == [
        (g.pop("group"), g) for g in expected["groups"]
    ]


def test_governors_get_small_groups_withheld(client, school):
    add_marks(make_pupil(school, year_group="3", class_name="3A"), [(MON, "AM", "/")])

    got = call(
        client, "get", "statistics", token_for(school, role="governor"),
        **{"from": "2025-10-06", "to": "2025-10-10", "group": "class"},
    ).json()  # fmt: skip

    assert got["groups"] == [{"group": "3A", "suppressed": True, "figures": None}]


# --- the document and the command ---------------------------------------------------------


def test_the_openapi_document_is_json_with_every_path(client):
    response = client.get("/api/v1/openapi.json")

    doc = json.loads(response.content)
    assert doc["info"] == {**doc["info"], "title": "Rollbook API", "version": "1"}
    assert set(doc["paths"]) == {
        "/api/v1/school",
        "/api/v1/classes",
        "/api/v1/pupils",
        "/api/v1/pupils/{upn}",
        "/api/v1/pupils/{upn}/contacts",
        "/api/v1/pupils/{upn}/ctf",
        "/api/v1/marks",
        "/api/v1/statistics",
        "/api/v1/alerts",
        "/api/v1/absence-reports",
    }
    assert set(doc["paths"]["/api/v1/marks"]) == {"get", "put"}
    assert client.post("/api/v1/openapi.json").status_code == 405
    assert client.get("/api/v1/docs").status_code == 404


def test_the_command_creates_a_token_shown_once_and_stores_only_its_hash(client, school):
    out, err = StringIO(), StringIO()

    call_command(
        "api_token", "create", "--school", school.urn, "--role", "office", "--name", "MIS sync",
        stdout=out, stderr=err,
    )  # fmt: skip

    token = out.getvalue().strip()
    row = ApiToken.objects.get()
    assert row.token_hash == hash_token(token) and token not in row.token_hash
    assert (row.role, row.name, row.school) == ("office", "MIS sync", school)
    assert call(client, "get", "school", token).status_code == 200
    listed = StringIO()
    call_command("api_token", "list", "--school", school.urn, stdout=listed)
    assert token not in listed.getvalue() and "MIS sync" in listed.getvalue()

    call_command("api_token", "revoke", str(row.pk), stdout=StringIO())

    assert_error(call(client, "get", "school", token), 401, "unauthorized")


# --- contacts and Common Transfer Files -----------------------------------------------------


def test_contacts_come_in_calling_order_for_pupil_level_tokens_only(client, school, pupil):
    from rollbook.pupils.models import Contact, PupilContact

    for priority, name in ((2, "Second"), (1, "First")):
        contact = Contact.objects.create(
            school=school, forename=name, surname="Parent", mobile_phone=f"0770090000{priority}"
        )
        PupilContact.objects.create(
            pupil=pupil, contact=contact, relationship="Parent", priority=priority
        )

    response = call(client, "get", f"pupils/{pupil.upn}/contacts", token_for(school))

    assert response.status_code == 200
    assert [(c["priority"], c["forename"]) for c in response.json()] == [
        (1, "First"),
        (2, "Second"),
    ]
    governor = token_for(school, role="governor", name="Governors")
    assert_error(call(client, "get", f"pupils/{pupil.upn}/contacts", governor), 403, "forbidden")
    other = make_school(name="Hill Primary")
    assert_error(
        call(client, "get", f"pupils/{pupil.upn}/contacts", token_for(other)), 404, "not_found"
    )


def test_a_ctf_download_is_the_pupils_file_and_is_audited(client, school, pupil):
    from rollbook.pupils import ctf

    add_marks(pupil, [(MON, "AM", "/"), (MON, "PM", "N")])

    response = call(client, "get", f"pupils/{pupil.upn}/ctf", token_for(school))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml"
    transfer = ctf.parse(response.content)
    assert [p.upn for p in transfer.pupils] == [pupil.upn]
    assert AuditEvent.objects.filter(kind="pupil.ctf_exported", pupil_id=pupil.pk).count() == 1
    dsl = token_for(school, role="dsl", name="DSL")
    assert_error(call(client, "get", f"pupils/{pupil.upn}/ctf", dsl), 403, "forbidden")


def test_absence_reports_from_parents_are_listed_for_pupil_level_tokens(client, school, pupil):
    from django.utils import timezone

    from rollbook.absences.models import AbsenceReport
    from rollbook.pupils.models import Contact

    mum = Contact.objects.create(school=school, forename="Mum", surname="Sampleton")
    for first, status in ((MON, "accepted"), (TUE, "pending")):
        AbsenceReport.objects.create(
            school=school,
            pupil=pupil,
            reported_by=mum,
            submitted_at=timezone.now(),
            first_date=first,
            last_date=first,
            reason="illness",
            status=status,
            code="I" if status == "accepted" else "",
        )
    token = token_for(school)

    everything = call(client, "get", "absence-reports", token).json()
    waiting = call(client, "get", "absence-reports", token, status="pending").json()
    later = call(client, "get", "absence-reports", token, **{"from": TUE}).json()

    assert everything["count"] == 2 and {r["upn"] for r in everything["items"]} == {pupil.upn}
    assert [(r["first_date"], r["code"]) for r in waiting["items"]] == [(TUE.isoformat(), "")]
    assert [r["first_date"] for r in later["items"]] == [TUE.isoformat()]
    assert_error(
        call(client, "get", "absence-reports", token, **{"from": "2025-02-30"}), 422, "invalid"
    )
    assert_error(call(client, "get", "absence-reports", token, **{"from": "0"}), 422, "invalid")
    governor = token_for(school, role="governor", name="Governors")
    assert_error(call(client, "get", "absence-reports", governor), 403, "forbidden")
    other = make_school(name="Hill Primary")
    assert call(client, "get", "absence-reports", token_for(other)).json()["count"] == 0

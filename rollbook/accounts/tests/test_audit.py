"""The audit log: append-only rows, the viewer (head and admin only, one school), its filters,
pages and CSV export (itself audited), and safeguarding-note reads shown in it."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from rollbook.accounts.views.audit import PER_PAGE
from rollbook.casework.actions import record_safeguarding_reads
from rollbook.core import audit
from rollbook.core.actions import create_staff_user
from rollbook.core.models import AuditEvent, AuditEventIsAppendOnly, Role
from rollbook.core.tests.factories import aware, make_pupil, make_school

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
URL = reverse("accounts:audit")
EXPORT = reverse("accounts:audit_export")


# --- Append-only ----------------------------------------------------------------------------


def test_audit_rows_cannot_be_changed_or_deleted_through_the_orm():
    event = audit.record("test.happened", actor_label="test", reason="because")
    rows = AuditEvent.objects.filter(pk=event.pk)

    event.reason = "rewritten"
    with pytest.raises(AuditEventIsAppendOnly):
        event.save()
    with pytest.raises(AuditEventIsAppendOnly):
        event.save(update_fields=["reason"])
    with pytest.raises(AuditEventIsAppendOnly):
        event.delete()
    with pytest.raises(AuditEventIsAppendOnly):
        rows.update(reason="rewritten")
    with pytest.raises(AuditEventIsAppendOnly):
        rows.delete()
    # Their own atomic blocks roll back with the error (bulk_update's has no savepoint).
    with pytest.raises(AuditEventIsAppendOnly), transaction.atomic():
        AuditEvent.objects.bulk_update([event], ["reason"])
    with pytest.raises(AuditEventIsAppendOnly), transaction.atomic():
        AuditEvent.objects.update_or_create(pk=event.pk, defaults={"reason": "rewritten"})
    assert AuditEvent.objects.get(pk=event.pk).reason == "because"


def test_a_new_row_with_an_old_rows_id_is_refused_not_written_over_it():
    event = audit.record("test.happened", actor_label="test", reason="because")

    with pytest.raises(IntegrityError), transaction.atomic():
        AuditEvent(pk=event.pk, kind="forged", reason="rewritten").save()

    assert AuditEvent.objects.get(pk=event.pk).kind == "test.happened"
    assert AuditEvent.objects.filter(kind="forged").count() == 0


# --- The viewer -----------------------------------------------------------------------------


@pytest.fixture
def world():
    with time_machine.travel(aware(2026, 11, 2, 9, 0), tick=False) as clock:
        school, other = make_school(name="Meadow"), make_school(name="Hill")
        users = {
            name: create_staff_user(
                actor_label="test", school=school, username=name, password=PASSWORD, roles=[role]
            )
            for name, role in (
                ("head", Role.HEAD),
                ("admin", Role.ADMIN),
                ("office", Role.OFFICE),
                ("dsl", Role.DSL),
                ("governor", Role.GOVERNOR),
            )
        }
        users["hill_head"] = create_staff_user(
            actor_label="test", school=other, username="hill_head", password=PASSWORD,
            roles=[Role.HEAD],
        )  # fmt: skip
        amy = make_pupil(school, legal_forename="Amy", legal_surname="Adams")
        zed = make_pupil(other, legal_forename="Zed", legal_surname="Zimmer")
        clock.move_to(aware(2026, 11, 10, 10, 0))
        record_safeguarding_reads(
            actor=users["dsl"], school=school, note_ids_by_pupil={amy.pk: [7, 8]}
        )
        audit.record("mark.changed", actor=users["office"], school=school, pupil_id=amy.pk)
        audit.record("mark.changed", actor=users["hill_head"], school=other, pupil_id=zed.pk)
        clock.move_to(aware(2026, 11, 20, 10, 0))
        yield {"school": school, "other": other, "users": users, "amy": amy, "zed": zed}


def test_only_the_head_and_the_administrator_read_the_log(client, world):
    for name, status in (("head", 200), ("admin", 200), ("office", 403), ("dsl", 403)):
        client.force_login(world["users"][name])
        assert client.get(URL).status_code == status, name
        assert client.get(EXPORT).status_code == status, name
    client.force_login(world["users"]["governor"])
    assert client.get(URL).status_code == 403
    assert client.post(URL).status_code == 405


def test_the_log_shows_the_schools_rows_newest_first_with_safeguarding_reads(client, world):
    client.force_login(world["users"]["head"])

    response = client.get(URL)
    text = response.content.decode()
    kinds = [row["event"].kind for row in response.context["events"]]

    assert kinds[:2] == ["mark.changed", "safeguarding_note.read"]  # newest first
    assert "staff_user.created" in kinds  # older rows follow
    assert all(row["event"].school_id == world["school"].pk for row in response.context["events"])
    assert "Zed" not in text and "hill_head" not in text  # another school: never shown
    read = next(
        r for r in response.context["events"] if r["event"].kind == "safeguarding_note.read"
    )
    assert (read["who"], read["pupil_name"], read["details"]) == (
        "dsl",
        "Amy Adams",
        "note ids: 7, 8",
    )
    assert f'href="{reverse("pupils:detail", args=[world["amy"].pk])}"' in text


def test_the_filters(client, world):
    client.force_login(world["users"]["admin"])
    users, amy = world["users"], world["amy"]

    def kinds(**query) -> list[str]:
        response = client.get(URL, query)
        assert response.status_code == 200
        return [row["event"].kind for row in response.context["events"]]

    assert kinds(kind="safeguarding_note.read") == ["safeguarding_note.read"]
    assert kinds(actor=users["office"].pk) == ["mark.changed"]
    assert kinds(pupil="adams") == ["mark.changed", "safeguarding_note.read"]
    assert kinds(pupil="Amy Adams") == ["mark.changed", "safeguarding_note.read"]
    assert kinds(pupil=amy.upn) == ["mark.changed", "safeguarding_note.read"]
    assert kinds(pupil="Zimmer") == []  # another school's pupil matches nothing
    assert kinds(date_from="2026-11-10", date_to="2026-11-10") == [
        "mark.changed",
        "safeguarding_note.read",
    ]
    assert "mark.changed" not in kinds(date_to="2026-11-09")
    # Filters that make no sense show the error, not every row.
    response = client.get(URL, {"date_from": "2026-11-10", "date_to": "2026-11-01"})
    assert response.context["events"] == [] and "There is a problem" in response.content.decode()
    assert client.get(URL, {"actor": users["hill_head"].pk}).context["events"] == []


def test_the_log_is_paged_and_filters_as_an_htmx_partial(client, world):
    for n in range(PER_PAGE + 5):
        audit.record("test.bulk", actor_label="test", school=world["school"], n=n)
    client.force_login(world["users"]["head"])

    first = client.get(URL, {"kind": "test.bulk"})
    second = client.get(URL, {"kind": "test.bulk", "page": 2})
    partial = client.get(URL, {"kind": "test.bulk"}, headers={"HX-Request": "true"})

    assert [r["event"].data["n"] for r in first.context["events"]][:2] == [54, 53]
    assert len(second.context["events"]) == 5
    assert "?kind=test.bulk&amp;page=2" in first.content.decode()
    assert 'id="events"' in partial.content.decode() and "<html" not in partial.content.decode()


def test_the_log_page_has_a_fixed_number_of_queries(client, world, django_assert_num_queries):
    client.force_login(world["users"]["head"])
    client.get(URL)
    # session, user, the user's roles with their schools (once: access and navigation), kinds,
    # actors, count, rows, pupil names
    with django_assert_num_queries(8):
        client.get(URL)


def test_the_csv_export_has_the_filtered_rows_and_is_itself_audited(client, world):
    client.force_login(world["users"]["head"])
    audit.record(
        "test.formula", actor_label="=cmd|' /C calc'!A0", school=world["school"], pupil_id=None
    )

    response = client.get(EXPORT, {"pupil": "Adams", "date_from": "2026-11-01"})

    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [(r["event"], r["who"], r["pupil"]) for r in rows] == [
        ("mark.changed", "office", "Amy Adams"),
        ("safeguarding_note.read", "dsl", "Amy Adams"),
    ]
    assert rows[1]["data"] == '{"note_ids": [7, 8]}'
    export = AuditEvent.objects.get(kind="audit.exported")
    assert (export.actor, export.school, export.data["rows"]) == (
        world["users"]["head"],
        world["school"],
        2,
    )
    assert export.data["filters"]["pupil"] == "Adams"
    assert export.data["filters"]["date_from"] == date(2026, 11, 1).isoformat()
    # The export shows in the log; a cell that would run as a formula is defused.
    assert client.get(URL).context["events"][0]["event"].kind == "audit.exported"
    everything = client.get(EXPORT, {"kind": "test.formula"}).content.decode()
    assert "'=cmd" in everything

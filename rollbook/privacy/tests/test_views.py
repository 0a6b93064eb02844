"""The privacy pages: export (GET form, POST zip), retention report, public notice, uploads."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from rollbook.core.actions import create_staff_user
from rollbook.core.csvio import read_csv
from rollbook.core.models import AuditEvent, Role
from rollbook.privacy import export
from rollbook.privacy.uploads import CsvFileField, TomlFileField, csv_problems, toml_problems


def _login(client, world, role):
    user = create_staff_user(
        actor_label="test", school=world.school, username=role, password="x" * 16, roles=[role]
    )
    client.force_login(user)
    return user


@pytest.fixture
def no_pdf(monkeypatch):
    """PDF rendering is slow: test_collect renders one; the views check the rest."""
    monkeypatch.setattr(export, "summary_pdf", lambda html: b"%PDF-stub")


def test_the_head_exports_without_safeguarding_and_the_choice_is_not_offered(client, world, no_pdf):
    _login(client, world, Role.HEAD)
    url = reverse("privacy:export", args=[world.leaver.pk])

    page = client.get(url).content.decode()
    assert "include_safeguarding" not in page and "serious harm" in page

    response = client.post(url, {"request_reference": "SAR-7", "identity_checked": "on"})
    assert response["Content-Type"] == "application/zip"
    doc = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("pupil.json"))
    assert doc["safeguarding"] == {"included": False, "counts": {}, "records": {}, "audit": []}
    assert AuditEvent.objects.filter(kind="privacy.subject_access_export").count() == 1


def test_the_dsl_may_include_safeguarding_records(client, world, no_pdf):
    _login(client, world, Role.DSL)
    url = reverse("privacy:export", args=[world.leaver.pk])
    assert "include_safeguarding" in client.get(url).content.decode()

    response = client.post(
        url,
        {"request_reference": "SAR-8", "identity_checked": "on", "include_safeguarding": "on"},
    )
    doc = json.loads(zipfile.ZipFile(io.BytesIO(response.content)).read("pupil.json"))
    assert doc["safeguarding"]["records"]["casework.CaseNote"][0]["text"].startswith("Disclosure")


def test_an_incomplete_export_form_comes_back_with_errors_and_writes_nothing(client, world):
    _login(client, world, Role.HEAD)
    response = client.post(reverse("privacy:export", args=[world.leaver.pk]), {})
    assert response.status_code == 200
    assert b"govuk-error-summary" in response.content
    assert not AuditEvent.objects.filter(kind="privacy.subject_access_export").exists()


def test_the_retention_page_shows_the_dry_run(client, world):
    _login(client, world, Role.HEAD)
    page = client.get(reverse("privacy:retention")).content.decode()
    assert "Lo Leaver" in page and "Lonnie Gone" in page and "Sid Leaver" not in page
    assert "rollbook retention --apply" in page


def test_the_index_finds_leavers(client, world):
    _login(client, world, Role.DSL)
    page = client.get(reverse("privacy:index"), {"q": "leaver"}).content.decode()
    assert reverse("privacy:export", args=[world.leaver.pk]) in page


def test_the_notice_is_public_and_names_the_school(client, world):
    page = client.get(reverse("privacy:notice")).content.decode()
    assert "Privacy Primary" in page and "6(1)(e)" in page and "Article 9" in page
    assert "6 years from the date each entry was made" in page
    login = client.get(reverse("login")).content.decode()
    assert reverse("privacy:notice") in login


# --- uploads ------------------------------------------------------------------------------------


def test_csv_and_toml_content_checks():
    assert csv_problems(b"upn,date\r\nA1,2026-01-01\r\n") == []
    assert (
        "NUL" in csv_problems(b"upn\n\x00\x01")[0] and csv_problems(b"a\nb\x00")[0][:6] == "line 2"
    )
    assert "not UTF-8" in csv_problems("upn\nJos\u00e9".encode("latin-1"))[0]
    assert csv_problems(b"  ") == ["the file is empty"]
    assert toml_problems(b'name = "x"\n') == []
    assert "not valid TOML" in toml_problems(b"name = \n")[0]


@pytest.mark.parametrize(
    ("field", "name", "content", "problem"),
    [
        (CsvFileField(), "pupils.xlsx", b"PK\x03\x04", "must be a CSV"),
        (CsvFileField(), "pupils.csv", b"PK\x03\x04\x00\x00", "NUL byte"),
        (CsvFileField(), "pupils.csv", b"x" * 2048, "smaller than"),
        (TomlFileField(), "policy.toml", b"[[stages]\n", "valid TOML"),
        (TomlFileField(), "policy.csv", b'name = "x"', "must be a TOML"),
    ],
)
def test_upload_fields_refuse_bad_files_with_a_clear_message(
    settings, field, name, content, problem
):
    settings.ROLLBOOK_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(Exception) as e:
        field.clean(SimpleUploadedFile(name, content))
    assert problem in str(e.value)


def test_upload_fields_accept_good_files(settings):
    upload = SimpleUploadedFile("marks.CSV", "upn,date\nA\u00e9,1\n".encode())
    assert CsvFileField().clean(upload) is upload
    assert TomlFileField().clean(SimpleUploadedFile("p.toml", b'name = "x"\n'))


def test_imports_refuse_nul_bytes_and_the_policy_command_refuses_non_utf8(tmp_path):
    csv_path = tmp_path / "pupils.csv"
    csv_path.write_bytes(b"upn,legal_surname\nA,B\x00\n")
    assert "NUL byte" in str(read_csv(csv_path, ("upn",)).errors[0])

    toml_path = tmp_path / "policy.toml"
    toml_path.write_bytes('name = "Jos\u00e9"'.encode("latin-1"))
    with pytest.raises(CommandError, match="not UTF-8"):
        call_command("policy", "check", str(toml_path))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("policy", "check", str(tmp_path / "missing.toml"))

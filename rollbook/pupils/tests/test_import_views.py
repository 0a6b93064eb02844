"""CSV import with column mapping in the browser: upload, map, preview, import (all or nothing)."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from rollbook.core.models import AuditEvent, Role, StaffRole
from rollbook.core.tests.factories import make_pupil, make_school
from rollbook.pupils import import_runs
from rollbook.pupils.import_views import SESSION_KEY
from rollbook.pupils.models import ImportMapping, ImportRun, Pupil
from rollbook.pupils.rules import make_upn
from rollbook.registers.models import Mark

pytestmark = pytest.mark.django_db

UPLOAD, COLUMNS = reverse("pupils:csv_import"), reverse("pupils:csv_import_map")
UPN1, UPN2 = make_upn("873", "2001", 25, 901), make_upn("873", "2001", 25, 902)
ARBOR_HEADER = "UPN,Legal Surname,Legal Forename,DOB,Year,Reg Group,Admission Date,Notes\n"
ARBOR_MAPPING = {
    "upn": "UPN",
    "legal_surname": "Legal Surname",
    "legal_forename": "Legal Forename",
    "date_of_birth": "DOB",
    "year_group": "Year",
    "class_name": "Reg Group",
    "admission_date": "Admission Date",
}


def office_client(client, school, role=Role.OFFICE, username="office"):
    user = get_user_model().objects.create_user(username, password="x")
    StaffRole.objects.create(user=user, school=school, role=role)
    client.force_login(user)
    return user


def upload(client, kind, text, source="Arbor", name="export.csv"):
    file = SimpleUploadedFile(name, text.encode(), content_type="text/csv")
    return client.post(UPLOAD, {"kind": kind, "source": source, "file": file})


@pytest.fixture
def school():
    return make_school(name="Oakfield Primary")


def test_pupils_flow_errors_import_nothing_then_success_saves_the_mapping(client, school):
    user = office_client(client, school)
    assert client.get(UPLOAD).status_code == 200
    bad = (
        ARBOR_HEADER
        + f"{UPN1},Able,Amy,2018-03-01,3,3A,2022-09-05,x\n"
        + f"{UPN2},Bell,Ben,2018-04-01,9,3A,2022-09-05,x\n"
        + f"{UPN1},Able,Amy,2018-03-01,3,3A,2022-09-05,x\n"
    )
    response = upload(client, "pupils", bad)
    assert response.status_code == 302 and response.url == COLUMNS
    page = client.get(COLUMNS).content.decode()
    # Prefilled from the suggestion (Arbor-style names), the unused column left alone.
    assert '<option value="Legal Surname" selected>' in page
    assert '<option value="Reg Group" selected>' in page
    assert '<option value="Notes" selected>' not in page
    # A required column left out is refused before any preview.
    page = client.post(COLUMNS, ARBOR_MAPPING | {"upn": ""}).content.decode()
    assert "Choose the column of the file that holds upn" in page
    # The preview shows the rows and every problem in the file, with its line number.
    page = client.post(COLUMNS, ARBOR_MAPPING | {"action": "preview"}).content.decode()
    assert "The file has 2 problems" in page
    assert "line 3: year_group &#x27;9&#x27; is not one of" in page
    assert f"line 4: UPN {UPN1} also appears on line 2" in page
    assert "Bell" in page and 'value="import"' not in page
    # Importing anyway (a crafted request) stores nothing and saves no mapping.
    client.post(COLUMNS, ARBOR_MAPPING | {"action": "import"})
    assert not Pupil.objects.exists() and not ImportMapping.objects.exists()

    good = ARBOR_HEADER + f"{UPN1},Able,Amy,2018-03-01,3,3A,2022-09-05,x\n"
    upload(client, "pupils", good, source="arbor")
    page = client.post(COLUMNS, ARBOR_MAPPING | {"action": "preview"}).content.decode()
    assert 'value="import"' in page and "govuk-error-summary" not in page
    response = client.post(COLUMNS, ARBOR_MAPPING | {"action": "import"})
    run = ImportRun.objects.get()
    assert response.url == reverse("pupils:csv_import_run", args=[run.pk])
    page = client.get(response.url).content.decode()  # the worker (immediate in tests) is done
    assert (
        "File imported" in page and '<dd class="govuk-summary-list__value" id="created">1<' in page
    )
    assert run.status == "done" and run.text == ""  # the file's personal data is not kept
    assert Pupil.objects.get().legal_surname == "Able"
    saved = ImportMapping.objects.get()
    assert (saved.school, saved.kind, saved.source, saved.saved_by) == (
        school,
        "pupils",
        "arbor",
        user,
    )
    assert saved.mapping == ARBOR_MAPPING | {c: "" for c in saved.mapping if c not in ARBOR_MAPPING}
    kinds = set(AuditEvent.objects.values_list("kind", flat=True))
    assert {"import.queued", "pupils.imported", "import_mapping.saved"} <= kinds
    assert SESSION_KEY not in client.session
    assert client.get(COLUMNS).url == UPLOAD  # the upload is gone once imported


def test_the_next_upload_from_the_source_is_prefilled(client, school):
    office_client(client, school)
    ImportMapping.objects.create(
        school=school,
        kind="pupils",
        source="SIMS",
        mapping=ARBOR_MAPPING | {"class_name": "Notes"},
        saved_at="2026-01-05T09:00Z",
    )
    upload(client, "pupils", ARBOR_HEADER + f"{UPN1},Able,Amy,2018-03-01,3,3A,2022-09-05,x\n",
           source="sims")  # fmt: skip
    page = client.get(COLUMNS).content.decode()
    assert "The choices saved for SIMS on 5 January 2026" in page
    # The saved choice wins over the guess ("Reg Group").
    assert '<option value="Notes" selected>' in page
    assert '<option value="Reg Group" selected>' not in page


def test_marks_flow(client, school):
    office_client(client, school)
    amy = make_pupil(school, admission_date=date(2025, 9, 1))
    header = "Pupil UPN,Attendance Date,AM/PM,Mark\n"
    bad = header + f"{amy.upn},2025-11-03,AM,/\n{amy.upn},2025-11-01,AM,/\nX1,2025-11-03,PM,Q\n"
    upload(client, "marks", bad, source="Bromcom")
    page = client.get(COLUMNS).content.decode()
    assert '<option value="AM/PM" selected>' in page and '<option value="Mark" selected>' in page
    mapping = {"upn": "Pupil UPN", "date": "Attendance Date", "session": "AM/PM", "code": "Mark"}
    page = client.post(COLUMNS, mapping | {"action": "import"}).content.decode()
    assert "line 3: Saturday 2025-11-01 is not a school day" in page
    assert "line 4: no pupil with UPN" in page
    assert not Mark.objects.exists()

    upload(client, "marks", header + f"{amy.upn},2025-11-03,AM,/\n{amy.upn},2025-11-03,PM,N\n",
           source="Bromcom")  # fmt: skip
    page = client.post(COLUMNS, mapping | {"action": "import"}, follow=True).content.decode()
    assert '<dd class="govuk-summary-list__value" id="created">2<' in page
    assert sorted(Mark.objects.values_list("session", "code")) == [("AM", "/"), ("PM", "N")]
    assert ImportMapping.objects.get(kind="marks").mapping["session"] == "AM/PM"
    assert AuditEvent.objects.filter(kind="marks.saved").exists()


def test_upload_refuses_bad_files(client, school):
    office_client(client, school)
    page = upload(client, "pupils", "just,headers\n").content.decode()
    assert "The file has column names but no rows" in page
    page = upload(client, "pupils", "a,b\n1,2\n", name="export.xlsx").content.decode()
    assert "must be a CSV" in page
    assert SESSION_KEY not in client.session


def test_a_teacher_is_refused(client, school):
    office_client(client, school, role=Role.TEACHER, username="teacher")
    assert client.get(UPLOAD).status_code == 403
    assert client.get(COLUMNS).status_code == 403


def test_an_upload_is_not_used_at_another_school(client, school):
    office_client(client, school)
    upload(client, "pupils", ARBOR_HEADER + f"{UPN1},Able,Amy,2018-03-01,3,3A,2022-09-05,x\n")
    session = client.session
    session[SESSION_KEY] = session[SESSION_KEY] | {"school": school.pk + 1000}
    session.save()
    assert client.get(COLUMNS).url == UPLOAD


# --- the run in the background ---------------------------------------------------------------


def queued_run(school, text, mapping, kind="marks", **kw) -> ImportRun:
    return ImportRun.objects.create(
        school=school,
        kind=kind,
        source="Bromcom",
        file_name="marks.csv",
        mapping=mapping,
        text=text,
        rows_total=text.count("\n") - 1,
        requested_at="2026-11-23T09:00Z",
        **kw,
    )


MARK_MAPPING = {"upn": "UPN", "date": "Date", "session": "Session", "code": "Mark"}


def test_a_run_is_imported_once_however_often_the_task_arrives(school):
    amy = make_pupil(school, admission_date=date(2025, 9, 1))
    run = queued_run(school, f"UPN,Date,Session,Mark\n{amy.upn},2025-11-03,AM,/\n", MARK_MAPPING)

    assert import_runs.run_import(run.pk) is True
    assert import_runs.run_import(run.pk) is False  # delivered again: nothing to do

    run.refresh_from_db()
    assert (run.status, run.created, run.rows_checked, run.text) == ("done", 1, 1, "")
    assert Mark.objects.count() == 1 and run.finished_at is not None


def test_rows_that_went_wrong_after_the_preview_import_nothing_and_say_why(client, school):
    office_client(client, school)
    amy = make_pupil(school, admission_date=date(2025, 9, 1))
    text = f"UPN,Date,Session,Mark\n{amy.upn},2025-11-03,AM,/\n{amy.upn},2025-11-03,PM,ZZ\n"
    run = queued_run(school, text, MARK_MAPPING)

    import_runs.run_import(run.pk)

    run.refresh_from_db()
    assert run.status == "failed" and run.text == "" and not Mark.objects.exists()
    assert not ImportMapping.objects.exists()
    page = client.get(reverse("pupils:csv_import_run", args=[run.pk])).content.decode()
    assert "File not imported" in page and "Line 3:" in page and "hx-trigger" not in page


def test_checking_reports_its_progress_as_it_goes(school, monkeypatch):
    from rollbook.pupils import mapping

    monkeypatch.setattr(mapping, "PROGRESS_EVERY", 2)
    amy = make_pupil(school, admission_date=date(2025, 9, 1))
    days = ["2025-11-03", "2025-11-04", "2025-11-05"]
    text = "UPN,Date,Session,Mark\n" + "".join(
        f"{amy.upn},{d},{s},/\n" for d in days for s in ("AM", "PM")
    )
    run = queued_run(school, text, MARK_MAPPING)
    seen = []
    real = import_runs._progress

    def spy(r):
        report = real(r)
        return lambda n: (seen.append(n), report(n))

    monkeypatch.setattr(import_runs, "_progress", spy)

    import_runs.run_import(run.pk)

    assert seen == [2, 4, 6]
    run.refresh_from_db()
    assert run.rows_checked == 6 and run.created == 6


def test_while_it_runs_the_page_polls_and_says_how_far_it_has_got(client, school):
    office_client(client, school)
    run = queued_run(
        school, "UPN,Date,Session,Mark\n", MARK_MAPPING, status="checking", rows_checked=500
    )
    run.rows_total = 2000
    run.save()
    url = reverse("pupils:csv_import_run", args=[run.pk])

    page = client.get(url).content.decode()
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()

    assert "500 of 2000 rows (25%)" in page and 'hx-trigger="every 1s"' in page
    assert "Refresh to see progress" in page  # without JavaScript
    assert partial.strip().startswith('<div id="import-status"') and "<html" not in partial


def test_a_run_is_seen_only_by_the_office_of_its_school(client, school):
    run = queued_run(school, "UPN,Date,Session,Mark\n", MARK_MAPPING)
    url = reverse("pupils:csv_import_run", args=[run.pk])
    office_client(client, school, role=Role.TEACHER, username="teacher")
    assert client.get(url).status_code == 403
    office_client(client, make_school(name="Hill"), username="other")
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 405

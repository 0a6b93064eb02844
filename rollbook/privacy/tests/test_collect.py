"""The subject access collection: every model about a pupil, safeguarding kept apart."""

from __future__ import annotations

import io
import json
import zipfile

from django.apps import apps
from django.utils import timezone

from rollbook.core.models import AuditEvent
from rollbook.privacy import export
from rollbook.privacy.actions import export_subject_access
from rollbook.privacy.collect import collect, pupil_models
from rollbook.privacy.retention import TREATMENT
from rollbook.pupils.models import Pupil


def _models_naming_a_pupil() -> set[str]:
    """An independent scan: every FK, one-to-one or M2M (direct or through) to Pupil."""
    found = set()
    for model in apps.get_models():
        for f in model._meta.get_fields(include_hidden=True):
            if f.auto_created or not f.is_relation or f.related_model is not Pupil:
                continue
            if f.many_to_many:
                through = f.remote_field.through
                found.add(model._meta.label if through._meta.auto_created else through._meta.label)
            else:
                found.add(model._meta.label)
    return found


def test_every_model_that_names_a_pupil_is_collected():
    collected = {m._meta.label for m in pupil_models()}

    assert _models_naming_a_pupil() - collected == set()
    assert {"registers.Mark", "casework.CaseNote", "comms.Message"} <= collected


def test_every_model_about_a_pupil_has_a_retention_treatment():
    """A new model holding pupil data must say what happens to it when the pupil is
    anonymised: KEEP, or the free-text fields to redact (rollbook/privacy/retention.py)."""
    missing = sorted(m._meta.label for m in pupil_models() if m._meta.label not in TREATMENT)

    assert not missing, f"add these to privacy.retention.TREATMENT: {missing}"
    for label, fields in TREATMENT.items():
        try:
            model = apps.get_model(label)
        except LookupError:
            continue  # declared ahead of an app that is not installed
        for name in fields:
            model._meta.get_field(name)  # raises for a misspelt field


def test_collect_splits_safeguarding_from_everything_else(world):
    got = collect(world.leaver)

    notes = {n["id"] for n in got.records["casework.CaseNote"]}
    assert notes == {world.case_note_id}
    assert {n["id"] for n in got.safeguarding["casework.CaseNote"]} == {world.safeguarding_note_id}
    assert len(got.records["registers.Mark"]) == 4
    assert got.records["absences.ContactAttempt"][0]["note"].startswith("Left a message")
    # Contacts through PupilContact, with the link's details.
    assert [(c["forename"], c["relationship"]) for c in got.contacts] == [("Mara", "Mother")]
    # The audit row of the safeguarding note is safeguarding material too.
    # (Compared with the object's type: another model's row may share the note's id.)
    note = ("CaseNote", str(world.safeguarding_note_id))
    assert any((a["object_type"], a["object_id"]) == note for a in got.safeguarding_audit)
    assert all((a["object_type"], a["object_id"]) != note for a in got.audit)
    # Nothing about the sibling's marks.
    assert {m["pupil_id"] for m in got.records["registers.Mark"]} == {world.leaver.pk}


def test_the_export_document_withholds_safeguarding_unless_included(world):
    got = collect(world.leaver)
    now = timezone.now()

    withheld = export.document(got, include_safeguarding=False, generated_at=now, by="head")
    included = export.document(got, include_safeguarding=True, generated_at=now, by="dsl")

    text = json.dumps(withheld, default=str)
    assert "Disclosure recorded" not in text and withheld["safeguarding"]["records"] == {}
    assert "Disclosure recorded" in json.dumps(included, default=str)
    assert withheld["pupil"]["legal_forename"] == "Lorna"
    assert withheld["format"] == export.FORMAT


def test_marks_csv_keeps_codes_as_they_are(world):
    csv_text = export.marks_csv(collect(world.leaver))

    lines = csv_text.splitlines()
    assert lines[0] == ",".join(export.MARK_COLUMNS)
    assert lines[1].startswith("2019-07-15,AM,/,")
    assert len(lines) == 5


def test_exporting_is_audited_and_zips_json_csv_and_pdf(world):
    name, data = export_subject_access(
        actor_label="test",
        pupil=world.leaver,
        include_safeguarding=False,
        may_include_safeguarding=False,
        request_reference="SAR-1",
    )

    files = zipfile.ZipFile(io.BytesIO(data))
    assert sorted(files.namelist()) == ["README.txt", "marks.csv", "pupil.json", "summary.pdf"]
    assert files.read("summary.pdf").startswith(b"%PDF")
    doc = json.loads(files.read("pupil.json"))
    assert doc["records"]["registers.Mark"][0]["code"] == "/"
    # The requester is not told whether safeguarding records exist.
    assert "may be withheld" in files.read("README.txt").decode()
    event = AuditEvent.objects.get(kind="privacy.subject_access_export")
    assert (event.pupil_id, event.reason) == (world.leaver.pk, "SAR-1")
    assert event.data["safeguarding_withheld"] == 2  # the note and its audit row
    assert name.startswith(f"subject-access-{world.leaver.pk}-")

"""Running a browser CSV import in the background, with its progress in the database.

`start_import` records the run (the file, the chosen columns) and queues it; the worker's
`run_import` checks the rows again, counting as it goes, then saves everything in one
transaction through the CLI's own actions (`save_pupils`, `save_marks`, which write the
audit events) together with the column mapping. A run claims itself (queued -> checking) in
one UPDATE, so a task delivered twice imports once. The file's text is cleared when the run
ends, whether it was imported or not.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.csvio import MAX_ERRORS_SHOWN
from rollbook.core.models import School
from rollbook.pupils import mapping as m
from rollbook.pupils.actions import save_pupils
from rollbook.pupils.models import ImportMapping, ImportRun
from rollbook.registers.actions import save_marks
from rollbook.registers.queries import pupil_facts

Status = ImportRun.Status


def saved_mapping(school: School, kind: str, source: str) -> ImportMapping | None:
    """The columns chosen last time for this source (its name matched ignoring case)."""
    return ImportMapping.objects.filter(school=school, kind=kind, source__iexact=source).first()


def check(school: School, kind: str, table: m.Table, mapping: dict[str, str], progress=None):
    """(mapped rows, parsed rows, every problem in line order) for a file and its mapping."""
    raw = m.apply_mapping(table, mapping)
    if kind == m.PUPILS:
        rows, errors = m.check_pupils(raw, progress)
    else:
        rows, errors = m.check_marks(
            raw, pupil_facts(school.pupils.all()), school.calendar(), progress
        )
    return raw, rows, m.sorted_errors(table.errors, errors)


def start_import(
    *, actor, school: School, kind: str, source: str, file_name: str, text: str, mapping, rows: int
) -> ImportRun:
    run = ImportRun.objects.create(
        school=school,
        kind=kind,
        source=source,
        file_name=file_name,
        mapping=dict(mapping),
        text=text,
        rows_total=rows,
        requested_by=actor,
        requested_at=timezone.now(),
    )
    audit.record(
        "import.queued",
        actor=actor,
        school=school,
        obj=run,
        import_kind=kind,
        source=source,
        file_name=file_name,
        rows=rows,
    )
    from rollbook.pupils.tasks import run_import_task  # the task module imports this one

    run_import_task.enqueue(run.pk)
    return run


def _progress(run: ImportRun):
    def report(done: int) -> None:
        ImportRun.objects.filter(pk=run.pk).update(rows_checked=done)

    return report


def _finish(run: ImportRun, status: str, **fields) -> None:
    fields |= {"status": status, "text": "", "finished_at": timezone.now()}
    ImportRun.objects.filter(pk=run.pk).update(**fields)


def run_import(run_id: int) -> bool:
    """Check and save one queued run; False if it was not queued (already taken or done)."""
    if not ImportRun.objects.filter(pk=run_id, status=Status.QUEUED).update(status=Status.CHECKING):
        return False
    run = ImportRun.objects.select_related("school", "requested_by").get(pk=run_id)
    try:
        _, rows, errors = check(
            run.school, run.kind, m.read_table(run.text), run.mapping, _progress(run)
        )
        if errors or not rows:
            problems = [[e.line, e.message] for e in errors[:MAX_ERRORS_SHOWN]]
            _finish(run, Status.FAILED, problems=problems or [[0, "The file has no rows"]])
            return True
        ImportRun.objects.filter(pk=run.pk).update(status=Status.SAVING)
        result = _save(run, rows)
    except Exception:
        _finish(
            run,
            Status.FAILED,
            problems=[
                [0, "The import stopped with an error: nothing was saved. Tell your administrator."]
            ],
        )
        raise
    changed = result.updated if run.kind == m.PUPILS else result.changed
    _finish(run, Status.DONE, created=result.created, changed=changed, unchanged=result.unchanged)
    return True


@transaction.atomic
def _save(run: ImportRun, rows):
    """Store the rows and the mapping together: a failure stores neither."""
    actor, school = run.requested_by, run.school
    label = f"{run.source} ({run.file_name})"
    if run.kind == m.PUPILS:
        result = save_pupils(actor=actor, school=school, rows=rows, source=label)
    else:
        result = save_marks(actor=actor, school=school, rows=rows, reason=f"imported from {label}")
    saved = saved_mapping(school, run.kind, run.source) or ImportMapping(
        school=school, kind=run.kind, source=run.source
    )
    saved.mapping, saved.saved_at, saved.saved_by = run.mapping, timezone.now(), actor
    saved.save()
    audit.record(
        "import_mapping.saved",
        actor=actor,
        school=school,
        obj=saved,
        source=saved.source,
        import_kind=saved.kind,
        mapping=run.mapping,
    )
    return result

"""CSV import from an MIS export, with column mapping (office roles; works without JavaScript).

1. Upload a pupils or marks CSV and name its source ("Arbor").
2. Map each Rollbook column to one of the file's headers (prefilled from the mapping saved
   for that source, else guessed from the header names).
3. Preview the first rows as they will be imported, with every problem in the whole file.
4. Import all or nothing through the CLI's own actions (`save_pupils`, `save_marks`), which
   write the audit events, and save the mapping for the source.

Between steps the file's text is kept in the user's session (server-side, so never on disk
under a guessable name, and gone when they sign out); `CsvFileField` limits its size.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from rollbook.core import access, audit
from rollbook.core.csvio import MAX_ERRORS_SHOWN
from rollbook.core.models import School
from rollbook.privacy.uploads import CsvFileField
from rollbook.pupils import mapping as m
from rollbook.pupils.actions import save_pupils
from rollbook.pupils.models import ImportMapping
from rollbook.registers.actions import save_marks
from rollbook.registers.importing import PupilFacts

SESSION_KEY = "rollbook_csv_import"


class UploadForm(forms.Form):
    kind = forms.ChoiceField(
        label="What does the file hold?",
        choices=[(m.PUPILS, "Pupils"), (m.MARKS, "Attendance marks")],
        widget=forms.RadioSelect,
    )
    source = forms.CharField(
        label="Where is the file from?",
        help_text="For example, Arbor, SIMS, Bromcom or ScholarPack. The column choices are "
        "saved under this name for the next file.",
        max_length=60,
    )
    file = CsvFileField(label="CSV file")

    def clean_source(self):
        return " ".join(self.cleaned_data["source"].split())

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            upload.seek(0)
            # CsvFileField has checked the size and that the bytes are UTF-8 without NUL.
            text = upload.read().decode("utf-8-sig")
            table = m.read_table(text)
            if not table.headers:
                self.add_error("file", "The file has no column names on its first line")
            elif not table.rows and not table.errors:
                self.add_error("file", "The file has column names but no rows")
            cleaned["text"] = text
        return cleaned


def _pending(request: HttpRequest, school: School) -> dict | None:
    pending = request.session.get(SESSION_KEY)
    if not isinstance(pending, dict) or pending.get("school") != school.pk:
        return None
    return pending


def _saved(school: School, kind: str, source: str) -> ImportMapping | None:
    return ImportMapping.objects.filter(school=school, kind=kind, source__iexact=source).first()


@require_http_methods(["GET", "POST"])
def csv_import(request: HttpRequest) -> HttpResponse:
    """Step 1: the upload."""
    school = access.require_office(request.user)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        request.session[SESSION_KEY] = {
            "school": school.pk,
            "kind": form.cleaned_data["kind"],
            "source": form.cleaned_data["source"],
            "name": form.cleaned_data["file"].name[:200],
            "text": form.cleaned_data["text"],
        }
        return redirect("pupils:csv_import_map")
    return render(request, "pupils/import_upload.html", {"form": form})


def _facts(school: School) -> dict[str, PupilFacts]:
    return {
        upn: PupilFacts(pk, admitted, left, dob)
        for upn, pk, admitted, left, dob in school.pupils.values_list(
            "upn", "pk", "admission_date", "leaving_date", "date_of_birth"
        )
    }


def _check(school: School, kind: str, table: m.Table, mapping: dict[str, str]):
    raw = m.apply_mapping(table, mapping)
    if kind == m.PUPILS:
        rows, errors = m.check_pupils(raw)
    else:
        rows, errors = m.check_marks(raw, _facts(school), school.calendar())
    return raw, rows, m.sorted_errors(table.errors, errors)


@transaction.atomic
def _import(request, school: School, pending: dict, mapping: dict[str, str], rows):
    """Store the rows and the mapping together: a failure stores neither."""
    label = f"{pending['source']} ({pending['name']})"
    if pending["kind"] == m.PUPILS:
        result = save_pupils(actor=request.user, school=school, rows=rows, source=label)
    else:
        result = save_marks(
            actor=request.user, school=school, rows=rows, reason=f"imported from {label}"
        )
    saved = _saved(school, pending["kind"], pending["source"]) or ImportMapping(
        school=school, kind=pending["kind"], source=pending["source"]
    )
    saved.mapping, saved.saved_at, saved.saved_by = mapping, timezone.now(), request.user
    saved.save()
    audit.record(
        "import_mapping.saved",
        actor=request.user,
        school=school,
        obj=saved,
        source=saved.source,
        import_kind=saved.kind,
        mapping=mapping,
    )
    return result


@require_http_methods(["GET", "POST"])
def csv_import_map(request: HttpRequest) -> HttpResponse:
    """Steps 2-4: choose the columns, preview with every problem, then import."""
    school = access.require_office(request.user)
    pending = _pending(request, school)
    if pending is None:
        return redirect("pupils:csv_import")  # nothing uploaded (or the session has ended)
    kind = pending["kind"]
    table = m.read_table(pending["text"])
    saved = _saved(school, kind, pending["source"])
    context = {
        "pending": pending,
        "headers": table.headers,
        "required": m.REQUIRED[kind],
        "saved": saved,
        "problems": {},
        "preview": None,
    }
    if request.method == "GET":
        mapping = m.prefill(saved.mapping if saved else None, table.headers, kind)
    else:
        mapping = {col: request.POST.get(col, "") for col in m.columns(kind)}
        problems = m.mapping_problems(mapping, table.headers, kind)
        context["problems"] = problems
        if not problems:
            raw, rows, errors = _check(school, kind, table, mapping)
            if request.POST.get("action") == "import" and not errors and rows:
                result = _import(request, school, pending, mapping, rows)
                request.session.pop(SESSION_KEY, None)
                return render(
                    request,
                    "pupils/import_done.html",
                    {"pending": pending, "result": result, "rows": len(rows)},
                )
            mapped = [c for c in m.columns(kind) if mapping[c]]
            context["preview"] = {
                "columns": mapped,
                "rows": [
                    (line, [values.get(c, "") for c in mapped])
                    for line, values in raw[: m.PREVIEW_ROWS]
                ],
                "total": len(raw),
                "errors": errors[:MAX_ERRORS_SHOWN],
                "error_count": len(errors),
            }
    context["fields"] = [
        {"name": col, "chosen": mapping.get(col, ""), "problem": context["problems"].get(col)}
        for col in m.columns(kind)
    ]
    return render(request, "pupils/import_map.html", context)

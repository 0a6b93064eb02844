"""CSV import from an MIS export, with column mapping (office roles; works without JavaScript).

1. Upload a pupils or marks CSV and name its source ("Arbor").
2. Map each Rollbook column to one of the file's headers (prefilled from the mapping saved
   for that source, else guessed from the header names).
3. Preview the first rows as they will be imported, with every problem in the whole file.
4. Import all or nothing through the CLI's own actions (`save_pupils`, `save_marks`), which
   write the audit events, and save the mapping for the source. The worker does this
   (`import_runs.run_import`), so a year of marks does not hold the page.
5. Watch the import's progress, then see what it did.

Between steps the file's text is kept in the user's session (server-side, so never on disk
under a guessable name, and gone when they sign out); `CsvFileField` limits its size.
"""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from rollbook.core import access
from rollbook.core.csvio import MAX_ERRORS_SHOWN
from rollbook.core.models import School
from rollbook.privacy.uploads import CsvFileField
from rollbook.pupils import import_runs
from rollbook.pupils import mapping as m

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


@require_http_methods(["GET", "POST"])
def csv_import_map(request: HttpRequest) -> HttpResponse:
    """Steps 2-4: choose the columns, preview with every problem, then import."""
    school = access.require_office(request.user)
    pending = _pending(request, school)
    if pending is None:
        return redirect("pupils:csv_import")  # nothing uploaded (or the session has ended)
    kind = pending["kind"]
    table = m.read_table(pending["text"])
    saved = import_runs.saved_mapping(school, kind, pending["source"])
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
            raw, rows, errors = import_runs.check(school, kind, table, mapping)
            if request.POST.get("action") == "import" and not errors and rows:
                run = import_runs.start_import(
                    actor=request.user,
                    school=school,
                    kind=kind,
                    source=pending["source"],
                    file_name=pending["name"],
                    text=pending["text"],
                    mapping=mapping,
                    rows=len(raw),
                )
                request.session.pop(SESSION_KEY, None)
                return redirect("pupils:csv_import_run", run_id=run.pk)
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


@require_GET
def csv_import_run(request: HttpRequest, run_id: int) -> HttpResponse:
    """Step 5: the import's progress while the worker runs it, then what it did.

    htmx polls the status partial while the run is going; without JavaScript the page has a
    refresh link.
    """
    school = access.require_office(request.user)
    run = school.import_runs.filter(pk=run_id).first()
    if run is None:
        raise Http404("No such import.")
    template = "pupils/import_run.html"
    htmx = getattr(request, "htmx", False)
    return render(request, f"{template}#status" if htmx else template, {"run": run})

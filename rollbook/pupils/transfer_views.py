"""Common Transfer Files from the browser: download one for a leaver, import one (office only)."""

from __future__ import annotations

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from rollbook.core import access
from rollbook.pupils import ctf, transfer


@require_GET
def ctf_export(request: HttpRequest, pupil_id: int) -> HttpResponse:
    school = access.require_office(request.user)
    pupil = school.pupils.filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such pupil.")
    name, data = transfer.export_pupils(
        actor=request.user, school=school, pupils=[pupil], now=timezone.now()
    )
    response = HttpResponse(data, content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


class ImportForm(forms.Form):
    file = forms.FileField(label="Common Transfer File (XML)")
    admission = forms.DateField(
        label="Admission date for new pupils",
        help_text="For example, 8 9 2025. Pupils already on roll keep theirs.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ctf.MAX_BYTES:
            raise forms.ValidationError(
                f"The file is larger than {ctf.MAX_BYTES // (1024 * 1024)} MB."
            )
        return upload


@require_http_methods(["GET", "POST"])
def ctf_import(request: HttpRequest) -> HttpResponse:
    school = access.require_office(request.user)
    form = ImportForm(request.POST or None, request.FILES or None)
    result = problems = None
    if request.method == "POST" and form.is_valid():
        try:
            result = transfer.import_file(
                actor=request.user,
                school=school,
                data=form.cleaned_data["file"].read(),
                admission=form.cleaned_data["admission"],
            )
        except ctf.CtfError as error:
            problems = error.problems[:50]
    context = {"form": form, "result": result, "problems": problems}
    return render(request, "pupils/ctf_import.html", context)

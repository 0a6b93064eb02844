"""Serving files that came from outside (parents' uploads) back to staff."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import HttpResponse

# Never rendered in the page's origin: a sandbox with nothing allowed, whatever the file holds.
UPLOAD_CSP = "sandbox; default-src 'none'"


def upload_download(file: FieldFile, content_type: str, stem: str) -> HttpResponse:
    """The stored file as an attachment named `stem` + its stored extension, with the type
    sniffed at upload (never the one the browser declared)."""
    extension = file.name.rsplit(".", 1)[-1]
    with file.open("rb") as handle:
        response = HttpResponse(
            handle.read(), content_type=content_type or "application/octet-stream"
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{extension}"'
    response["Content-Security-Policy"] = UPLOAD_CSP
    return response

"""Checks for uploaded files: size, extension and content, before any import reads them.

Every upload form uses one of these fields (`CsvFileField`, `TomlFileField`) so that a file
is refused with a clear message, never with a 500, before anything is parsed or stored:
  * size: at most settings.ROLLBOOK_UPLOAD_MAX_BYTES (Django does not limit file parts of a
    request: DATA_UPLOAD_MAX_MEMORY_SIZE counts the other fields only);
  * extension: .csv or .toml;
  * content: UTF-8 text with no NUL bytes (PostgreSQL cannot store NUL in text, and a NUL
    means a spreadsheet or binary file was chosen by mistake); TOML must parse.
The pure `csv_problems` / `toml_problems` take bytes, so commands can use them as well.
"""

from __future__ import annotations

import tomllib
from pathlib import PurePath

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

DEFAULT_MAX_BYTES = 10 * 1024 * 1024


def max_bytes() -> int:
    return getattr(settings, "ROLLBOOK_UPLOAD_MAX_BYTES", DEFAULT_MAX_BYTES)


def _line_of(raw: bytes, offset: int) -> int:
    return raw[:offset].count(b"\n") + 1


def text_problems(raw: bytes) -> list[str]:
    """UTF-8 text (a byte-order mark is allowed) with no NUL bytes; [] when it is."""
    nul = raw.find(b"\x00")
    if nul >= 0:
        return [
            f"line {_line_of(raw, nul)}: the file contains a NUL byte: it is not a text file "
            "(save it as 'CSV UTF-8' and try again)"
        ]
    try:
        raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        return [
            f"line {_line_of(raw, e.start)}: the file is not UTF-8 text "
            "(save it as 'CSV UTF-8' and try again)"
        ]
    return []


def csv_problems(raw: bytes) -> list[str]:
    if not raw.strip():
        return ["the file is empty"]
    return text_problems(raw)


def toml_problems(raw: bytes) -> list[str]:
    problems = text_problems(raw)
    if problems:
        return problems
    try:
        tomllib.loads(raw.decode("utf-8-sig"))
    except tomllib.TOMLDecodeError as e:
        return [f"not valid TOML: {e}"]
    return []


def check_upload(upload, *, extensions: tuple[str, ...], content_check) -> bytes:
    """The file's bytes, or ValidationError with every problem; reads at most the limit."""
    limit = max_bytes()
    name = getattr(upload, "name", "") or ""
    suffix = PurePath(name).suffix.lower()
    if suffix not in extensions:
        raise ValidationError(
            f"The file must be a {' or '.join(e.lstrip('.').upper() for e in extensions)} "
            f"file (its name ends {suffix or 'with no extension'})",
            code="extension",
        )
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise ValidationError(
            f"The file must be smaller than {filesizeformat(limit)} (it is {filesizeformat(size)})",
            code="size",
        )
    upload.seek(0)
    raw = upload.read(limit + 1)
    upload.seek(0)
    if len(raw) > limit:
        raise ValidationError(f"The file must be smaller than {filesizeformat(limit)}", code="size")
    problems = content_check(raw)
    if problems:
        raise ValidationError([p[0].upper() + p[1:] for p in problems], code="content")
    return raw


class CsvFileField(forms.FileField):
    """A CSV upload: .csv, within the size limit, UTF-8 text without NUL bytes."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload, extensions=(".csv",), content_check=csv_problems)
        return upload


class TomlFileField(forms.FileField):
    """A policy file upload: .toml, within the size limit, UTF-8 and valid TOML."""

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            check_upload(upload, extensions=(".toml",), content_check=toml_problems)
        return upload

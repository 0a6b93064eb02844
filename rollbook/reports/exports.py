"""CSV and XLSX downloads of report tables: the same rows, two formats.

openpyxl is imported only when an XLSX is asked for. Cells that a spreadsheet would run as a
formula (starting with = + - @) are prefixed with an apostrophe in CSV and stored as text in
XLSX, so a pupil's name can never become a formula (CSV injection).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass

from django.http import HttpResponse

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Table:
    title: str  # the XLSX sheet's name (31 characters at most)
    header: Sequence[str]
    rows: Sequence[Sequence]


def _safe(value):
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _attachment(response: HttpResponse, filename: str) -> HttpResponse:
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_response(filename: str, table: Table) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    writer = csv.writer(response)
    writer.writerow(table.header)
    for row in table.rows:
        writer.writerow([_safe(v) for v in row])
    return _attachment(response, f"{filename}.csv")


def xlsx_bytes(tables: Sequence[Table]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    book.remove(book.active)
    for table in tables:
        sheet = book.create_sheet(table.title[:31])
        sheet.append(list(table.header))
        for cell in sheet[1]:
            cell.font = Font(bold=True)
        for row in table.rows:
            sheet.append([_cell(v) for v in row])
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    if value is None:
        return None
    if isinstance(value, (int, float, bool)):
        return value
    if hasattr(value, "is_finite"):  # Decimal: a number in the spreadsheet
        return float(value)
    return _safe(str(value))


def xlsx_response(filename: str, tables: Sequence[Table]) -> HttpResponse:
    return _attachment(HttpResponse(xlsx_bytes(tables), content_type=XLSX), f"{filename}.xlsx")


def download(fmt: str, filename: str, tables: Sequence[Table]) -> HttpResponse:
    """One CSV (the first table) or one XLSX workbook (a sheet per table)."""
    if fmt == "xlsx":
        return xlsx_response(filename, tables)
    return csv_response(filename, tables[0])

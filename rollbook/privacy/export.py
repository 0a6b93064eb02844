"""A subject access export as files: JSON of everything, CSV of the marks, a PDF summary, zipped."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import date, datetime

from django.core.serializers.json import DjangoJSONEncoder
from django.template.loader import render_to_string

from rollbook.privacy.collect import Collected, row
from rollbook.registers import codes

FORMAT = "rollbook-subject-access/1"
MARK_COLUMNS = ("date", "session", "code", "meaning", "minutes_late", "source", "entered_at")
README = """\
Subject access export from Rollbook
===================================

pupil.json   everything Rollbook holds about the pupil, machine-readable (UTF-8 JSON):
             the pupil's record, parents' and carers' contact details, every row of every
             kind that names the pupil ("records", keyed by the kind of record), and the
             audit log of what was done with the record.
marks.csv    the attendance marks, one row per session (UTF-8 CSV).
summary.pdf  a readable summary of the above.

{withheld}
"""


WITHHELD_NOTE = (
    "Information may be withheld where disclosing it would be likely to cause serious harm "
    "to the physical or mental health of the child or another person (UK GDPR and the Data "
    "Protection Act 2018, Schedule 3)."
)


@dataclass(frozen=True)
class ExportFiles:
    filename: str  # of the zip
    json_text: str
    marks_csv: str
    summary_html: str


def document(
    collected: Collected, *, include_safeguarding: bool, generated_at: datetime, by: str
) -> dict:
    pupil = collected.pupil
    return {
        "format": FORMAT,
        "generated_at": generated_at.isoformat(),
        "generated_by": by,
        "school": {"name": pupil.school.name, "urn": pupil.school.urn},
        "pupil": row(collected.pupil),
        "contacts": collected.contacts,
        "records": {k: v for k, v in sorted(collected.records.items()) if v},
        "audit": collected.audit,
        "safeguarding": {
            "included": include_safeguarding,
            "counts": collected.safeguarding_counts() if include_safeguarding else {},
            "records": (
                {k: v for k, v in sorted(collected.safeguarding.items()) if v}
                if include_safeguarding
                else {}
            ),
            "audit": collected.safeguarding_audit if include_safeguarding else [],
        },
    }


def marks_csv(collected: Collected) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(MARK_COLUMNS)
    marks = sorted(
        collected.records.get("registers.Mark", []), key=lambda m: (m["date"], m["session"])
    )
    for m in marks:
        definition = codes.definition(m["code"], date.fromisoformat(m["date"]))
        writer.writerow(
            [
                m["date"],
                m["session"],
                m["code"],  # written as is: "\" and "#" are codes, never escaped away
                definition.meaning if definition else "",
                "" if m.get("minutes_late") is None else m["minutes_late"],
                m.get("source", ""),
                m.get("entered_at", ""),
            ]
        )
    return buffer.getvalue()


def summary_context(collected: Collected, doc: dict) -> dict:
    code_counts: dict[str, int] = {}
    for m in collected.records.get("registers.Mark", []):
        code_counts[m["code"]] = code_counts.get(m["code"], 0) + 1
    return {
        "pupil": collected.pupil,
        "doc": doc,
        "counts": collected.counts(),
        "contacts": collected.contacts,
        "code_counts": sorted(code_counts.items()),
        "audit_count": len(collected.audit),
        "safeguarding_count": collected.safeguarding_count,
        "withheld_note": WITHHELD_NOTE,
    }


def build(
    collected: Collected, *, include_safeguarding: bool, generated_at: datetime, by: str
) -> ExportFiles:
    doc = document(
        collected, include_safeguarding=include_safeguarding, generated_at=generated_at, by=by
    )
    html = render_to_string("privacy/summary_pdf.html", summary_context(collected, doc))
    return ExportFiles(
        filename=f"subject-access-{collected.pupil.pk}-{generated_at:%Y%m%d}.zip",
        json_text=json.dumps(doc, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False),
        marks_csv=marks_csv(collected),
        summary_html=html,
    )


def summary_pdf(html: str) -> bytes:
    import weasyprint  # imported here: it is slow to import and only this step needs it

    return weasyprint.HTML(string=html).write_pdf()


def zip_bytes(files: ExportFiles, *, pdf: bytes, safeguarding_included: bool) -> bytes:
    # When safeguarding records are left out the export neither confirms nor denies that any
    # exist: saying "n records withheld" could itself cause the harm withholding prevents.
    note = (
        'Safeguarding records are included in pupil.json under "safeguarding".'
        if safeguarding_included
        else WITHHELD_NOTE
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("pupil.json", files.json_text)
        z.writestr("marks.csv", files.marks_csv)
        z.writestr("summary.pdf", pdf)
        z.writestr("README.txt", README.format(withheld=note))
    return buffer.getvalue()

"""Certificate PDFs: a dataclass per certificate, a template, WeasyPrint for the bytes.

The view renders a batch in the request; a whole-school batch (hundreds of pages) should move
to a task that stores the file, as letters will (house style 3.6).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string


@dataclass(frozen=True)
class Certificate:
    school_name: str
    pupil_name: str
    award: str
    period: str
    awarded_on: date


def certificates_pdf(certificates: list[Certificate]) -> bytes:
    import weasyprint  # imported here: it is slow to import and only this step needs it

    html = render_to_string("rewards/certificates.html", {"certificates": certificates})
    return weasyprint.HTML(string=html).write_pdf()

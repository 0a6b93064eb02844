"""Letter PDFs: the frozen HTML in a page template, a small matplotlib chart, WeasyPrint for the bytes.

WeasyPrint and matplotlib are imported inside the functions: together they take seconds to
import, and only the background tasks need them.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from rollbook.letters.models import Letter


def chart_svg(chart: dict) -> SafeString:
    """Attendance % per half-term as bars, with the persistent-absence line and the school
    target when the policy sets one. Empty when there is nothing to draw."""
    if not chart.get("values"):
        return mark_safe("")
    import matplotlib

    matplotlib.use("Agg")  # no display: draw to a file
    from matplotlib.figure import Figure

    figure = Figure(figsize=(5.6, 2.2))
    axes = figure.subplots()
    labels, values = chart["labels"], chart["values"]
    axes.bar(labels, values, color="#1d70b8", width=0.6)
    for x, value in enumerate(values):
        axes.annotate(f"{value:.1f}%", (x, value), ha="center", va="bottom", fontsize=7)
    # Labels sit in axes coordinates across, data coordinates up, so they are never clipped.
    across = axes.get_yaxis_transform()
    axes.axhline(chart["pa_line"], color="#d4351c", linestyle="--", linewidth=1)
    axes.text(
        0.99,
        chart["pa_line"],
        f"Persistent absence below {chart['pa_line']}%",
        transform=across,
        ha="right",
        va="bottom",
        fontsize=6,
        color="#d4351c",
    )
    if chart.get("target") is not None:
        axes.axhline(chart["target"], color="#00703c", linewidth=1)
        axes.text(
            0.01,
            chart["target"],
            f"School target {chart['target']:g}%",
            transform=across,
            ha="left",
            va="bottom",
            fontsize=6,
            color="#00703c",
        )
    axes.set_xlim(-0.6, max(len(values), 6) - 0.4)  # room for a year's six half-terms
    axes.set_ylim(max(0, min([*values, chart["pa_line"]]) - 10), 102)
    axes.set_ylabel("Attendance %", fontsize=7)
    axes.tick_params(labelsize=7)
    axes.spines[["top", "right"]].set_visible(False)
    figure.tight_layout()
    out = io.StringIO()
    figure.savefig(out, format="svg")
    svg = out.getvalue()
    return mark_safe(svg[svg.index("<svg") :])  # drop the XML prologue and doctype


@dataclass(frozen=True)
class PrintedLetter:
    school_name: str
    letter_date: str
    addressed_to: str
    subject: str
    html: SafeString
    chart: SafeString
    pupil_name: str


def printed(letter: Letter) -> PrintedLetter:
    return PrintedLetter(
        school_name=letter.school.name,
        letter_date=f"{letter.letter_date.day} {letter.letter_date:%B %Y}",
        addressed_to=letter.addressed_to,
        subject=letter.subject,
        html=mark_safe(letter.html),  # merged by rules.merge_html, which escapes every value
        chart=chart_svg(letter.chart),
        pupil_name=letter.pupil.display_name,
    )


def letters_html(letters: list[PrintedLetter]) -> str:
    return render_to_string("letters/letter_pdf.html", {"letters": letters})


def html_to_pdf(html: str) -> bytes:
    import weasyprint  # imported here: it is slow to import and only this step needs it

    return weasyprint.HTML(string=html).write_pdf()


def letter_pdf(letter: Letter) -> bytes:
    return html_to_pdf(letters_html([printed(letter)]))


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower() or "family"


def batch_files(groups: list[tuple[str, list[Letter]]]) -> tuple[bytes, bytes]:
    """(one PDF with every letter, a zip with one PDF per family). Each family's letters are
    laid out once; the combined PDF reuses those pages."""
    import weasyprint

    documents = []
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zipped:
        for number, (name, letters) in enumerate(groups, 1):
            document = weasyprint.HTML(
                string=letters_html([printed(letter) for letter in letters])
            ).render()
            documents.append(document)
            zipped.writestr(f"{number:03d}-{_slug(name)}.pdf", document.write_pdf())
    combined = documents[0].copy([page for d in documents for page in d.pages]).write_pdf()
    return combined, archive.getvalue()

"""The governors' report as a PDF (WeasyPrint), with its charts drawn by matplotlib."""

from __future__ import annotations

from django.template.loader import render_to_string

from rollbook.core.models import School
from rollbook.reports.charts import Chart
from rollbook.reports.governors import GovernorsReport


def governors_html(report: GovernorsReport, charts: tuple[Chart, ...]) -> str:
    return render_to_string(
        "reports/governors_report_pdf.html", {"report": report, "charts": charts}
    )


def governors_pdf(report: GovernorsReport, charts: tuple[Chart, ...]) -> bytes:
    import weasyprint  # imported here: it is slow to import and only this step needs it

    return weasyprint.HTML(string=governors_html(report, charts)).write_pdf()


def pdf_filename(school: School, period_key: str) -> str:
    return f"governors-attendance-{school.urn}-{period_key}.pdf"

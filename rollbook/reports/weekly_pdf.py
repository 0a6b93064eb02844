"""The weekly report as a PDF: used by the page's download and by the scheduled email."""

from __future__ import annotations

from django.template.loader import render_to_string

from rollbook.core.models import School
from rollbook.reports.weekly import WeeklyReport


def weekly_pdf(report: WeeklyReport) -> bytes:
    import weasyprint  # imported here: it is slow to import and only this step needs it

    html = render_to_string("reports/weekly_report_pdf.html", {"report": report})
    return weasyprint.HTML(string=html).write_pdf()


def pdf_filename(school: School, report: WeeklyReport) -> str:
    return f"weekly-attendance-{school.urn}-{report.week.monday.isoformat()}.pdf"

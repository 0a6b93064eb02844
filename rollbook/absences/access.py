"""Who may see parents' absence reports: office roles at the report's school (404 elsewhere)."""

from __future__ import annotations

from django.http import Http404

from rollbook.absences.models import AbsenceReport
from rollbook.core.access import require_office


def get_report_for_office(user, report_id: int) -> AbsenceReport:
    school = require_office(user)
    report = (
        AbsenceReport.objects.filter(pk=report_id, school=school)
        .select_related("pupil__registration_group", "reported_by", "school", "decided_by")
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    return report

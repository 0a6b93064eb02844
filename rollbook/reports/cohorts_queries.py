"""Load the cohort views' pupils and counts: a fixed number of queries whatever the roll."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Q

from rollbook.core.calendar import academic_year_of, school_weeks
from rollbook.core.models import School
from rollbook.pupils.models import Pupil, SenStatus
from rollbook.registers.queries import marks_on_roll, tallies_by
from rollbook.registers.rules import Tally
from rollbook.reports import cohorts, pa_risk

RECENT_DAYS = 28  # "the last four weeks": the 28 days ending today
WATCHED = (
    Q(cla=True)
    | Q(cin=True)
    | Q(cp_plan=True)
    | Q(medical_plan=True)
    | Q(sen_status=SenStatus.EHCP)
)


def pupil_lines(
    school: School,
    first: date,
    last: date,
    *,
    recent_from: date | None = None,
    watched_only=False,
    on_roll_on: date | None = None,
) -> list[cohorts.PupilLine]:
    """Pupils on roll in [first, last] (or, with `on_roll_on`, on roll that day) with their
    counts over [first, last] (2 queries, 3 with `recent_from`)."""
    pupils = school.pupils.on_roll(on_roll_on or first, on_roll_on or last)
    pupils = pupils.select_related("registration_group")
    marks = marks_on_roll(school, first, last)
    if watched_only:
        pupils = pupils.filter(WATCHED)
        marks = marks.filter(pupil__in=Pupil.objects.filter(WATCHED, school=school).values("pk"))
    period = tallies_by(marks, "pupil_id")
    recent = tallies_by(marks.filter(date__gte=recent_from), "pupil_id") if recent_from else {}
    return [
        cohorts.PupilLine(
            pupil_id=p.pk,
            name=p.display_name,
            year_group=p.year_group,
            class_name=p.registration_group.name if p.registration_group else "",
            tally=period.get(p.pk, Tally()),
            recent=recent.get(p.pk, Tally()),
            sen_status=p.sen_status,
            cla=p.cla,
            cin=p.cin,
            cp_plan=p.cp_plan,
            medical_plan=p.medical_plan,
        )
        for p in pupils.order_by("legal_surname", "legal_forename", "pk")
    ]


def watch_list(school: School, today: date) -> list[cohorts.WatchRow]:
    """The watch list: this academic year to today, and the 28 days ending today (3 queries)."""
    first = date(academic_year_of(today), 8, 1)
    recent_from = max(first, today - timedelta(days=RECENT_DAYS - 1))
    lines = pupil_lines(school, first, today, recent_from=recent_from, watched_only=True)
    return cohorts.watch_list(lines)


def pa_risk_report(school: School, today: date, below_pct: Decimal) -> pa_risk.RiskReport:
    """Pupils on roll today at risk of PA (terms, closures and 3 counting queries)."""
    school_calendar = school.calendar()
    first = date(academic_year_of(today), 8, 1)
    mondays = school_weeks(school_calendar.school_days(first, today))
    recent_from = pa_risk.recent_window_start(mondays, first)
    year_end = date(first.year + 1, 7, 31)
    remaining = len(school_calendar.school_sessions(today + timedelta(days=1), year_end))
    lines = pupil_lines(school, first, today, recent_from=recent_from, on_roll_on=today)
    found = pa_risk.at_risk(lines, remaining, below_pct)
    return pa_risk.RiskReport(today, below_pct, recent_from, remaining, tuple(found))

"""Load the weekly report's inputs for one school and hand them to the pure builder.

A fixed number of queries whatever the number of pupils: three GROUP BY tallies (the year
before the week, the week, the same week last year), the pupils, the stage and pattern alerts,
the policy actions done and the contact attempts logged in the week.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from rollbook.absences.models import ContactAttempt
from rollbook.casework.caseloads import procedures_done
from rollbook.casework.rules import PROCEDURES
from rollbook.core.calendar import academic_year_of
from rollbook.core.models import School
from rollbook.policy.models import KIND_LABELS, ActionStatus, Alert, PolicyAction
from rollbook.policy.monitoring import active_policy
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Tally
from rollbook.reports import weekly
from rollbook.reports.queries import LAST_YEAR


def weekly_report(
    school: School, today: date, *, pupil_level: bool, monday: date | None = None
) -> weekly.WeeklyReport:
    """The report for the week before `today` (or the week starting `monday`)."""
    days = school.calendar().school_days()
    if monday is None:
        week, fallback = weekly.report_week(days, today)
    else:
        week, fallback = weekly.week_of(days, monday), False
    policy, _ = active_policy(school)
    first, friday = date(academic_year_of(week.monday), 8, 1), week.friday
    before = pupil_tallies(school, first, week.monday - timedelta(days=1))
    during = pupil_tallies(school, week.monday, friday)
    last_year = pupil_tallies(school, week.monday - LAST_YEAR, friday - LAST_YEAR)
    pupils = school.pupils.on_roll(first, friday).select_related("registration_group")
    inputs = [
        weekly.PupilWeek(
            pupil_id=p.pk,
            name=p.display_name,
            year_group=p.year_group,
            class_name=p.registration_group.name if p.registration_group else "",
            before=before.get(p.pk, Tally()),
            week=during.get(p.pk, Tally()),
        )
        for p in pupils
    ]
    stage_alerts = Alert.objects.filter(
        school=school,
        kind="stage",
        academic_year=academic_year_of(week.monday),
        raised_on__lte=friday,
    ).values_list("pupil_id", "stage_key")
    patterns = Alert.objects.filter(school=school, raised_on__range=(week.monday, friday)).exclude(
        kind="stage"
    )
    return weekly.build_weekly_report(
        school_name=school.name,
        today=today,
        week=week,
        is_fallback=fallback,
        pupils=inputs,
        target_pct=policy.school_target_pct,
        last_year_week=last_year.values(),
        stage_alerts=list(stage_alerts),
        stage_labels={s.key: s.name for s in policy.stages},
        pattern_alerts=[
            (k, KIND_LABELS.get(k, k)) for k in patterns.values_list("kind", flat=True)
        ],
        procedures=_procedures(school, week) if pupil_level else {},
        pupil_level=pupil_level,
    )


def _procedures(school: School, week: weekly.Week) -> dict[int, weekly.Procedures]:
    """Policy actions done and contact attempts logged in the week, per pupil and kind, and
    the procedures ticked on the casework tracker for the week."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(week.monday, time.min, tzinfo=zone)
    end = datetime.combine(week.monday + timedelta(days=5), time.min, tzinfo=zone)
    actions: dict[int, Counter] = defaultdict(Counter)
    done = PolicyAction.objects.filter(
        school=school, status=ActionStatus.DONE, done_at__gte=start, done_at__lt=end
    )
    for pupil_id, kind in done.values_list("pupil_id", "kind"):
        actions[pupil_id][kind] += 1
    contacts: dict[int, Counter] = defaultdict(Counter)
    logged = ContactAttempt.objects.filter(pupil__school=school, at__gte=start, at__lt=end)
    for pupil_id, method in logged.values_list("pupil_id", "method"):
        contacts[pupil_id][method] += 1
    ticks = procedures_done(school, week.monday)
    return {
        pupil_id: weekly.Procedures(
            dict(actions[pupil_id]),
            dict(contacts[pupil_id]),
            tuple(label for key, label in PROCEDURES.items() if key in ticks.get(pupil_id, ())),
        )
        for pupil_id in actions.keys() | contacts.keys() | ticks.keys()
    }

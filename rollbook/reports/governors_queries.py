"""Load the governors' report's inputs for one school and period and hand them to the pure builder.

A fixed number of queries whatever the number of pupils: the pupils and their counts for the
period, last year's counts, the half-terms' counts (one GROUP BY with the half-term as a
column), the casework done in the period (policy actions, contacts, audit events), the counts
of the pupils who had casework in the period before, and the active policy.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.db.models import Case, Count, IntegerField, Max, Min, Q, Value, When
from django.utils import timezone

from rollbook.absences.models import ContactAttempt
from rollbook.core.models import AuditEvent, School
from rollbook.policy.models import ActionStatus, PolicyAction
from rollbook.policy.monitoring import active_policy
from rollbook.registers.codes import REFORM_2024
from rollbook.registers.models import Mark, MarkRevision
from rollbook.registers.queries import marks_on_roll, pupil_tallies
from rollbook.registers.rules import Tally, tally_counts
from rollbook.reports import governors, national
from rollbook.reports.periods import ReportPeriod
from rollbook.reports.queries import pupil_figures_with_ids


def _instants(first: date, last: date) -> tuple[datetime, datetime]:
    zone = timezone.get_current_timezone()
    return (
        datetime.combine(first, time.min, tzinfo=zone),
        datetime.combine(last + timedelta(days=1), time.min, tzinfo=zone),
    )


def half_term_tallies(school: School, spans: list[tuple[date, date]]) -> list[dict[int, Tally]]:
    """Per pupil counts within each (first, last) span, in one query (spans must not overlap)."""
    if not spans:
        return []
    which = Case(
        *(When(date__range=span, then=Value(i)) for i, span in enumerate(spans)),
        default=Value(-1),
        output_field=IntegerField(),
    )
    era = Case(
        When(date__gte=REFORM_2024, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    marks = marks_on_roll(school, spans[0][0], spans[-1][1])
    rows = (
        marks.values("pupil_id", "code")
        .annotate(span=which, era=era, n=Count("id"), on=Min("date"))
        .order_by()
    )
    found: list[dict[int, list]] = [defaultdict(list) for _ in spans]
    for row in rows:
        if row["span"] >= 0:
            found[row["span"]][row["pupil_id"]].append((row["code"], row["on"], row["n"]))
    return [{pid: tally_counts(c) for pid, c in per.items()} for per in found]


def governors_report(
    school: School,
    period: ReportPeriod,
    today: date,
    commentary: governors.Commentary | None = None,
) -> governors.GovernorsReport:
    policy, _ = active_policy(school)
    figures_by_id = pupil_figures_by_id(school, period.first, period.last)
    last_year = pupil_tallies(school, *period.last_year).values() if period.last_year else []
    year_first = date(period.academic_year, 8, 1)
    spans = [(t.start, t.end) for t in period.half_terms]
    within = half_term_tallies(school, spans)
    # Year to date at the end of each half-term: the counts before the first half-term shown,
    # plus each half-term's counts in turn.
    before_first = (
        pupil_tallies(school, year_first, spans[0][0] - timedelta(days=1)) if spans else {}
    )
    running: dict[int, Tally] = dict(before_first)
    half_terms = []
    for t, per_pupil in zip(period.half_terms, within, strict=True):
        for pid, tally in per_pupil.items():
            running[pid] = running.get(pid, Tally()) + tally
        half_terms.append(
            governors.HalfTermInput(
                t.name, t.start, t.end, list(per_pupil.values()), list(running.values())
            )
        )

    start, end = _instants(period.first, period.last)
    done = PolicyAction.objects.filter(
        school=school, status=ActionStatus.DONE, done_at__gte=start, done_at__lt=end
    ).values_list("pupil_id", "kind")
    contacts = ContactAttempt.objects.filter(
        pupil__school=school, at__gte=start, at__lt=end
    ).values_list("pupil_id", "method")
    actions_done: dict[str, int] = defaultdict(int)
    contact_counts: dict[str, int] = defaultdict(int)
    acted_on: set[int] = set()
    for pid, kind in done:
        actions_done[kind] += 1
        acted_on.add(pid)
    for pid, method in contacts:
        contact_counts[method] += 1
        acted_on.add(pid)
    prefixes = Q()
    for prefix in governors.COUNTED_EVENT_PREFIXES:
        prefixes |= Q(kind__startswith=prefix)
    events = dict(
        AuditEvent.objects.filter(school=school, at__gte=start, at__lt=end)
        .filter(prefixes)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    acted_on &= figures_by_id.keys()
    before = (
        pupil_tallies(school, *period.previous, pupil_ids=acted_on).values()
        if period.previous and acted_on
        else []
    )
    return governors.build_governors_report(
        school_name=school.name,
        today=today,
        period_label=period.label,
        first=period.first,
        last=period.last,
        finished=period.finished,
        pupils=figures_by_id.values(),
        last_year=last_year,
        last_year_span=period.last_year,
        target_pct=policy.school_target_pct,
        national=national.latest_full_year(),
        half_terms=half_terms,
        actions_done=actions_done,
        contacts=contact_counts,
        events=events,
        acted_on_before=before,
        acted_on_during=[figures_by_id[pid].tally for pid in acted_on],
        acted_on_pupils=len(acted_on),
        has_previous=period.previous is not None,
        commentary=commentary or governors.Commentary(),
    )


def pupil_figures_by_id(school: School, first: date, last: date):
    """`queries.pupil_figures`, keyed by pupil id (the same two queries)."""
    return dict(pupil_figures_with_ids(school, first, last))


def data_version(school: School, period: ReportPeriod, commentary: governors.Commentary) -> str:
    """A fingerprint of everything the report reads: a new or changed mark, a pupil's details,
    a completed action or a contact changes it; so do the period's end and the commentary."""
    marks = Mark.objects.filter(school=school).aggregate(n=Count("id"), updated=Max("updated_at"))
    revision = MarkRevision.objects.filter(mark__school=school).aggregate(last=Max("id"))
    pupils = school.pupils.aggregate(n=Count("id"), updated=Max("updated_at"))
    actions = PolicyAction.objects.filter(school=school).aggregate(
        n=Count("id"), done=Max("done_at")
    )
    contacts = ContactAttempt.objects.filter(pupil__school=school).aggregate(last=Max("id"))
    parts = [
        period.key,
        period.last.isoformat(),
        *(str(v) for row in (marks, revision, pupils, actions, contacts) for v in row.values()),
        commentary.done,
        commentary.impact,
        commentary.next_steps,
    ]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()

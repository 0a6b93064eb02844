"""Reads for penalty notices: the decision list, a pupil's notices, the cap per parent."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.db.models import Prefetch, Q

from rollbook.core.calendar import academic_year_of
from rollbook.core.models import School
from rollbook.penalties import rules
from rollbook.penalties.models import PenaltyNotice, PenaltyStep
from rollbook.policy.models import ActionStatus, Alert, AlertStatus, PolicyAction
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Contact, Pupil, PupilContact
from rollbook.registers.models import Mark

# Statutory alerts that ask for a penalty-notice decision (domain notes §4; S001-21, S002-97).
STATUTORY_KINDS = ("penalty_notice_threshold", "unauthorised_holiday")


_CONSIDER = re.compile(r"\bconsider\b.*\b(penalty notice|fpn)\b", re.IGNORECASE)


def penalty_stage_keys(policy) -> frozenset[str]:
    """The policy's own penalty-notice stages: a key naming a penalty notice, or a task to
    consider one (002's `penalty_notice`; 001's `enforce`, whose task is to consider an FPN
    for a holiday). A stage that merely mentions the later penalty stage is not one."""
    return frozenset(
        s.key
        for s in policy.stages
        if "penalty" in s.key or any(_CONSIDER.search(a.text) for a in s.actions)
    )


def parents_of(pupils: list[Pupil]) -> dict[int, list[Contact]]:
    """Each pupil's contacts with parental responsibility, in calling order (one query)."""
    found: dict[int, list[Contact]] = defaultdict(list)
    for link in (
        PupilContact.objects.filter(pupil__in=pupils, parental_responsibility=True)
        .select_related("contact")
        .order_by("pupil_id", "priority", "id")
    ):
        found[link.pupil_id].append(link.contact)
    return found


def cap_inputs(pupil_ids: list[int], *, exclude_id: int | None = None) -> dict:
    """(pupil_id, parent_id) -> (issue dates counted, requests pending), in one query."""
    found: dict[tuple[int, int], tuple[list[date], int]] = defaultdict(lambda: ([], 0))
    rows = PenaltyNotice.objects.filter(
        pupil_id__in=pupil_ids,
        status__in=[*rules.COUNTED, rules.Status.REQUESTED],
    )
    if exclude_id is not None:
        rows = rows.exclude(pk=exclude_id)
    for pupil_id, parent_id, status, issued_on in rows.values_list(
        "pupil_id", "parent_id", "status", "issued_on"
    ):
        dates, pending = found[(pupil_id, parent_id)]
        if status == rules.Status.REQUESTED:
            found[(pupil_id, parent_id)] = (dates, pending + 1)
        elif issued_on is not None:
            dates.append(issued_on)
    return found


def cap_for(notice: PenaltyNotice, *, pending: bool = True) -> rules.CapCheck:
    dates, waiting = cap_inputs([notice.pupil_id], exclude_id=notice.pk).get(
        (notice.pupil_id, notice.parent_id), ([], 0)
    )
    return rules.cap_check(dates, notice.last_date, pending=waiting if pending else 0)


@dataclass(frozen=True)
class ParentCap:
    parent: Contact
    check: rules.CapCheck


@dataclass(frozen=True)
class Candidate:
    alert: Alert
    first_date: date
    last_date: date
    sessions: tuple[str, ...]
    parents: tuple[ParentCap, ...]


def candidates(school: School, *, alert_id: int | None = None) -> list[Candidate]:
    """Open or deferred alerts asking for a penalty-notice decision, with no notice yet:
    the statutory threshold, unauthorised holidays and the policy's own penalty stages."""
    policy, _ = active_policy(school)
    stages = penalty_stage_keys(policy)
    found = Alert.objects.filter(pk=alert_id) if alert_id is not None else Alert.objects.all()
    alerts = list(
        found.filter(
            school=school,
            status__in=(AlertStatus.OPEN, AlertStatus.DEFERRED),
            penalty_notices__isnull=True,
        )
        .filter(Q(kind__in=STATUTORY_KINDS) | Q(kind="stage", stage_key__in=stages))
        .select_related("pupil__registration_group")
        .order_by("raised_on", "id")
    )
    pupils = [a.pupil for a in alerts]
    parents = parents_of(pupils)
    caps = cap_inputs([p.pk for p in pupils])
    unauthorised = _unauthorised_marks(
        school, [a for a in alerts if not a.evidence], frozenset(policy.statutory.pn_codes)
    )
    rows = []
    for alert in alerts:
        first, last, sessions = offence_of(alert, unauthorised.get(alert.pupil_id, []))
        rows.append(
            Candidate(
                alert=alert,
                first_date=first,
                last_date=last,
                sessions=sessions,
                parents=tuple(
                    ParentCap(c, _check(caps.get((alert.pupil_id, c.pk), ([], 0)), last))
                    for c in parents.get(alert.pupil_id, [])
                ),
            )
        )
    return rows


def _check(value: tuple[list[date], int], offence_on: date) -> rules.CapCheck:
    dates, pending = value
    return rules.cap_check(dates, offence_on, pending=pending)


def _unauthorised_marks(school: School, alerts: list[Alert], codes: frozenset[str]) -> dict:
    """For alerts without sessions (policy stages): the pupil's sessions with a penalty-notice
    code in the academic year up to the alert (one query for them all)."""
    if not alerts:
        return {}
    years = {a.pupil_id: (date(a.academic_year, 8, 1), a.met_on or a.raised_on) for a in alerts}
    first = min(start for start, _ in years.values())
    found: dict[int, list[str]] = defaultdict(list)
    for pupil_id, day, session in (
        Mark.objects.filter(
            school=school, pupil_id__in=list(years), code__in=codes, date__gte=first
        )
        .order_by("date", "session")
        .values_list("pupil_id", "date", "session")
    ):
        start, end = years[pupil_id]
        if start <= day <= end:
            found[pupil_id].append(f"{day.isoformat()} {session}")
    return found


def offence_of(alert: Alert, fallback: list[str]) -> tuple[date, date, tuple[str, ...]]:
    """The sessions an alert counted, and the days they span (the offence period)."""
    sessions = tuple(alert.evidence or fallback)
    days = sorted(date.fromisoformat(s.split()[0]) for s in sessions)
    last = alert.met_on or (days[-1] if days else alert.raised_on)
    first = days[0] if days else last
    return first, max(last, first), sessions


def sessions_between(pupil: Pupil, first: date, last: date) -> list[str]:
    """The pupil's sessions with a penalty-notice code between two days (a notice by hand)."""
    policy, _ = active_policy(pupil.school)
    return [
        f"{d.isoformat()} {s}"
        for d, s in Mark.objects.filter(
            pupil=pupil, date__range=(first, last), code__in=policy.statutory.pn_codes
        )
        .order_by("date", "session")
        .values_list("date", "session")
    ]


def in_progress(school: School):
    return (
        PenaltyNotice.objects.filter(school=school, status__in=rules.IN_PROGRESS | {"issued"})
        .select_related("pupil", "parent")
        .order_by("considered_on", "id")
    )


def notices_for(pupil: Pupil) -> list[PenaltyNotice]:
    return list(
        PenaltyNotice.objects.filter(pupil=pupil)
        .select_related("parent", "alert")
        .prefetch_related(Prefetch("steps", queryset=PenaltyStep.objects.select_related("by")))
        .order_by("-considered_on", "-id")
    )


def this_year_start(today: date) -> date:
    return date(academic_year_of(today), 8, 1)


def earlier_stages_for(notice: PenaltyNotice, *, override_reason: str = "") -> rules.GateCheck:
    """S002-8: the earlier stages' letters and meetings on record (done) for the pupil in the
    academic year of the offence, checked against the policy (two queries)."""
    policy, _ = active_policy(notice.school)
    required = rules.earlier_steps(policy.stages, penalty_stage_keys(policy))
    recorded = {
        (stage_key, kind, template or text)
        for stage_key, kind, template, text in PolicyAction.objects.filter(
            pupil_id=notice.pupil_id,
            status=ActionStatus.DONE,
            kind__in=rules.GATED_KINDS,
            alert__kind="stage",
            alert__academic_year=academic_year_of(notice.last_date),
        ).values_list("alert__stage_key", "kind", "template", "text")
    }
    holiday = notice.alert_id is not None and notice.alert.kind == "unauthorised_holiday"
    return rules.earlier_stages_check(
        required, recorded, holiday=holiday, override_reason=override_reason
    )

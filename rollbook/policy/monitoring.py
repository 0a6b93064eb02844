"""The monitoring run: load facts, apply the pure rules, record new alerts and stage actions.

Idempotent because the state lives in the database: each alert has a dedupe key per
episode (a stage per pupil per academic year; a run of absence by its first day; PA/SA
once a year), so a second run on the same day creates nothing.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.calendar import Session, academic_year_of
from rollbook.core.models import School
from rollbook.policy import patterns, rules, tiers
from rollbook.policy.kinds import ActionKind
from rollbook.policy.models import ActionStatus, Alert, PolicyAction, TierChange
from rollbook.policy.schema import NATIONAL, Policy
from rollbook.pupils.models import Pupil
from rollbook.registers.models import Mark
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Tally

# Ten school weeks reach back across the summer holiday: 130 days is enough for every window
# and run; "this year" rules read from 1 August; unauthorised holidays (G) are read back a
# year to spot repeats.
LOOK_BACK_DAYS = 130
HOLIDAY_LOOK_BACK_DAYS = 400


@dataclass
class MonitorResult:
    as_of: date
    policy: Policy
    created: list[Alert] = field(default_factory=list)
    evaluated: int = 0


def active_policy(school: School) -> tuple[Policy, int | None]:
    record = school.policies.filter(active=True).first()
    return (record.policy, record.version) if record else (NATIONAL, None)


def _evidence(keys) -> list[str]:
    return [f"{d.isoformat()} {s.value}" for d, s in keys]


def _add_school_days(future_days: list[date], start: date, n: int) -> date:
    """The n-th school day after `start` (calendar days past the end of the known terms)."""
    if n <= 0:
        return start
    return future_days[n - 1] if n <= len(future_days) else start + timedelta(days=n)


def _first_day(as_of: date) -> date:
    """The earliest mark the rules read: the start of the academic year or 130 days back."""
    return min(as_of - timedelta(days=LOOK_BACK_DAYS), date(academic_year_of(as_of), 8, 1))


def _load_facts(school: School, as_of: date):
    year = academic_year_of(as_of)
    tallies = pupil_tallies(school, date(year, 8, 1), as_of)
    marks: dict[int, dict] = defaultdict(dict)
    recent = Q(date__range=(_first_day(as_of), as_of))
    old_holidays = Q(date__range=(as_of - timedelta(days=HOLIDAY_LOOK_BACK_DAYS), as_of), code="G")
    for pupil_id, day, session, code in Mark.objects.filter(
        recent | old_holidays, school=school
    ).values_list("pupil_id", "date", "session", "code"):
        marks[pupil_id][(day, Session(session))] = code
    fired: dict[int, dict[str, date]] = defaultdict(dict)
    stages = Alert.objects.filter(school=school, academic_year=year, kind="stage")
    for pupil_id, key, raised_on in stages.values_list("pupil_id", "stage_key", "raised_on"):
        fired[pupil_id][key] = max(raised_on, fired[pupil_id].get(key, raised_on))
    warnings: dict[int, dict[str, date]] = defaultdict(dict)
    letters_sent = PolicyAction.objects.filter(
        school=school,
        kind=ActionKind.LETTER,
        status=ActionStatus.DONE,
        alert__academic_year=year,
        alert__kind="stage",
    )
    for pupil_id, key, done_at in letters_sent.values_list(
        "pupil_id", "alert__stage_key", "done_at"
    ):
        warnings[pupil_id][key] = timezone.localtime(done_at).date()
    return year, tallies, marks, fired, warnings


ONCE_A_YEAR = frozenset(
    {
        "persistent_absence",
        "severe_absence",
        "deletion_ground_i",
        "weekday_pattern",
        "next_to_holiday",
        "holiday_repeat",
        "siblings_absent_together",
    }
)


def _dedupe_key(pupil: Pupil, kind: str, year: int, alert, periods) -> str:
    """One alert per episode: once a year, once a term (sharp drop), or once per run of days."""
    if kind in ONCE_A_YEAR:
        return f"{pupil.pk}:{kind}:{year}"
    if kind == "sharp_drop" and periods:
        return f"{pupil.pk}:{kind}:{periods[0].first.isoformat()}"
    first = alert.evidence[0][0].isoformat() if alert.evidence else str(year)
    return f"{pupil.pk}:{kind}:{first}"


@transaction.atomic
def run_monitoring(
    *, school: School, as_of: date, actor_label: str = "monitoring", record: bool = True
) -> MonitorResult:
    policy, version = active_policy(school)
    calendar = school.calendar()
    sessions = tuple(calendar.school_sessions(_first_day(as_of), as_of))
    future_days = calendar.school_days(as_of + timedelta(days=1), as_of + timedelta(days=120))
    year, tallies, marks, fired, warnings = _load_facts(school, as_of)
    existing = set(Alert.objects.filter(school=school).values_list("dedupe_key", flat=True))
    result = MonitorResult(as_of=as_of, policy=policy)
    days = sorted({d for d, _ in sessions})
    periods = patterns.periods_around([(t.name, t.start, t.end) for t in calendar.terms], as_of)
    pupils = list(school.pupils.on_roll(as_of).order_by("pk"))
    families: dict[int, list[int]] = defaultdict(list)
    siblings_names = {p.pk: p.display_name for p in pupils}
    for p in pupils:
        if p.family_id:
            families[p.family_id].append(p.pk)
    order = tiers.tier_order(policy.stages)
    current_tiers = _current_tiers(school, year) if order else {}
    tier_changes = 0
    for pupil in pupils:
        facts = rules.PupilFacts(
            pupil.pk,
            tallies.get(pupil.pk, Tally()),
            marks.get(pupil.pk, {}),
            frozenset(fired[pupil.pk]),
            fired_on=fired[pupil.pk],
            warnings_sent=warnings[pupil.pk],
        )
        result.evaluated += 1
        fired_now = []
        for hit in rules.due_stages(policy, facts, sessions, as_of):
            key = f"{pupil.pk}:stage:{year}:{hit.stage.key}" + (
                f":{as_of}" if hit.stage.repeats else ""
            )
            if key in existing:
                continue
            fired_now.append(hit.stage)
            alert = Alert(
                school=school,
                pupil=pupil,
                kind="stage",
                stage_key=hit.stage.key,
                academic_year=year,
                raised_on=as_of,
                met_on=as_of,
                explanation=hit.explanation,
                policy_version=version,
                dedupe_key=key,
            )
            result.created.append(alert)
            if record:
                alert.save()
                PolicyAction.objects.bulk_create(
                    _stage_actions(alert, hit.stage, future_days, as_of)
                )
            existing.add(key)
        if order and record:
            tier_changes += _move_tier(
                school, pupil, year, as_of, policy, facts, sessions, current_tiers, fired_now
            )
        found_alerts = rules.statutory_alerts(
            policy, facts, sessions, as_of
        ) + patterns.pattern_alerts(
            facts.marks,
            school_days=days,
            as_of=as_of,
            year_start=date(year, 8, 1),
            sibling_marks={
                siblings_names[s]: marks.get(s, {})
                for s in families.get(pupil.family_id, ())
                if s != pupil.pk
            }
            if pupil.family_id
            else {},
            periods=periods,
            settings=policy.patterns,
        )
        for found in found_alerts:
            key = _dedupe_key(pupil, found.kind, year, found, periods)
            if key in existing or (
                found.kind == "penalty_notice_threshold"
                and _overlaps_earlier_notice(school, pupil, found)
            ):
                continue
            alert = Alert(
                school=school,
                pupil=pupil,
                kind=found.kind,
                academic_year=year,
                raised_on=as_of,
                met_on=found.met_on[0] if found.met_on else None,
                explanation=found.explanation,
                evidence=_evidence(found.evidence),
                policy_version=version,
                dedupe_key=key,
            )
            result.created.append(alert)
            if record:
                alert.save()
                if found.kind == "unauthorised_holiday":  # S001-21, S002-97: a task for the decider
                    PolicyAction.objects.create(
                        alert=alert,
                        school=school,
                        pupil=pupil,
                        kind=ActionKind.TASK,
                        text="Consider a penalty notice for the unauthorised term-time holiday",
                        role=policy.leave.decision_role,
                        due_on=_add_school_days(future_days, as_of, 5),
                    )
            existing.add(key)
    if record:
        audit.record(
            "monitoring.run",
            actor_label=actor_label,
            school=school,
            as_of=as_of.isoformat(),
            policy_version=version,
            created=len(result.created),
            evaluated=result.evaluated,
            tier_changes=tier_changes,
        )
    return result


def _current_tiers(school: School, year: int) -> dict[int, tuple[str, bool]]:
    """pupil id -> (tier, whether a person put them there), from the newest change this year."""
    found: dict[int, tuple[str, bool]] = {}
    for pupil_id, tier, by_id in (
        TierChange.objects.filter(school=school, academic_year=year)
        .order_by("pupil_id", "at", "id")
        .values_list("pupil_id", "to_tier", "by_id")
    ):
        found[pupil_id] = (tier, by_id is not None)
    return found


def _move_tier(school, pupil, year, as_of, policy, facts, sessions, current_tiers, fired) -> int:
    """S001-49: record monitoring's tier move for the pupil today, up or down (0 or 1 rows)."""
    order = tiers.tier_order(policy.stages)
    current, by_person = current_tiers.get(pupil.pk, (None, False))
    warranted = None
    if not fired and current is not None and not by_person:
        warranted = tiers.warranted_tier(policy, facts, sessions, as_of)
    move = tiers.automatic_move(
        order, current=current, by_person=by_person, fired=fired, warranted=warranted
    )
    if move is None:
        return 0
    change = TierChange.objects.create(
        school=school,
        pupil=pupil,
        academic_year=year,
        from_tier=current or "",
        to_tier=move.to,
        direction=move.direction,
        reason=move.reason,
        on=as_of,
        at=timezone.now(),
        by_label="monitoring",
    )
    # One audit row per move, about the pupil: the case timeline shows it (S001-49).
    audit.record(
        "tier.changed",
        actor_label="monitoring",
        school=school,
        obj=change,
        pupil_id=pupil.pk,
        reason=tiers.describe(change.direction, current, move.to, move.reason),
        old=current or "",
        new=move.to,
        direction=move.direction,
    )
    current_tiers[pupil.pk] = (move.to, False)
    return 1


def _stage_actions(alert: Alert, stage, future_days: list[date], as_of: date) -> list[PolicyAction]:
    """The stage's actions as to-dos, plus a review task when the stage sets a review period."""
    actions = [
        PolicyAction(
            alert=alert,
            school=alert.school,
            pupil=alert.pupil,
            kind=a.kind,
            text=a.text,
            role=a.role or stage.owner,
            template=a.template or "",
            due_on=_add_school_days(future_days, as_of, a.due_in_school_days),
        )
        for a in stage.actions
    ]
    if stage.review_after_school_days:
        actions.append(
            PolicyAction(
                alert=alert,
                school=alert.school,
                pupil=alert.pupil,
                kind=ActionKind.TASK,
                text=f"Review: {stage.name}",
                role=stage.owner,
                due_on=_add_school_days(future_days, as_of, stage.review_after_school_days),
            )
        )
    return actions


def _overlaps_earlier_notice(school: School, pupil: Pupil, found) -> bool:
    """One penalty-notice alert per set of sessions: a window that still holds sessions an
    earlier alert already counted is the same episode, not a new one."""
    sessions = set(_evidence(found.evidence))
    earlier = Alert.objects.filter(
        school=school, pupil=pupil, kind="penalty_notice_threshold"
    ).values_list("evidence", flat=True)
    return any(sessions & set(previous) for previous in earlier)

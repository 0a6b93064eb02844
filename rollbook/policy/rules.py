"""Which of a school's policy stages a pupil has reached, and which statutory alerts apply.

Pure: plain facts in (`PupilFacts`), decisions out. The engine (monitoring.py) loads the
facts, calls these and records what fired, so running twice on one day creates nothing new.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from rollbook.core.calendar import Session
from rollbook.policy import patterns, statutory
from rollbook.policy.schema import Policy, Stage, Trigger
from rollbook.registers.rules import Tally

SessionKey = tuple[date, Session]
LATE_CODES = frozenset({"L", "U"})
ABSENCE_CODES = patterns.ABSENT  # one definition of "an absence code" for stages and patterns


@dataclass(frozen=True)
class PupilFacts:
    """One pupil's attendance as of a date.

    `year` counts the current academic year within the pupil's enrolment; `marks` may reach
    further back (the penalty-notice window crosses the summer holiday).
    """

    pupil_id: int
    year: Tally
    marks: dict[SessionKey, str]
    fired: frozenset[str] = frozenset()  # stage keys already fired this academic year
    fired_on: dict[str, date] = field(default_factory=dict)  # when each stage last fired
    warnings_sent: dict[str, date] = field(default_factory=dict)  # stage key → warning letter sent


def _pct_below(part: int, whole: int, pct: Decimal) -> bool:
    """part/whole < pct %, compared exactly on integers."""
    return Decimal(part) * 100 < pct * whole


def _trigger_reasons(
    trigger: Trigger, facts: PupilFacts, sessions: Sequence[SessionKey], as_of: date
) -> list[str] | None:
    """The reasons the trigger holds, or None as soon as one condition fails (conditions are ANDed)."""
    t, reasons = facts.year, []
    if trigger.after_stage and trigger.after_stage not in facts.fired:
        return None
    if trigger.absent_after_warning_from:
        sent = facts.warnings_sent.get(trigger.absent_after_warning_from)
        if sent is None:
            return None
        later = sorted(
            k for k, code in facts.marks.items() if sent < k[0] <= as_of and code in ABSENCE_CODES
        )
        if not later:
            return None
        reasons.append(
            f"absent again on {later[0][0]:%-d %b} after the written warning sent on {sent:%-d %b %Y}"
        )
    if trigger.days_absent_at_least is not None:
        absent = t.absent if trigger.absence_basis == "all" else t.unauthorised
        if Decimal(absent) < trigger.days_absent_at_least * 2:
            return None
        reasons.append(f"{Decimal(absent) / 2:g} days absent this year ({absent} sessions)")
    for limit, inclusive in (
        (trigger.attendance_below_pct, False),
        (trigger.attendance_at_or_below_pct, True),
    ):
        if limit is None:
            continue
        if t.possible == 0 or t.possible < trigger.min_possible_sessions:
            return None
        below = _pct_below(t.attended, t.possible, limit)
        at = Decimal(t.attended) * 100 == limit * t.possible
        if not (below or (inclusive and at)):
            return None
        pct = Decimal(t.attended) * 100 / t.possible
        reasons.append(f"attendance {pct:.1f}% ({'at or ' if inclusive else ''}below {limit:g}%)")
    if trigger.unauthorised_sessions_at_least is not None:
        if t.unauthorised < trigger.unauthorised_sessions_at_least:
            return None
        reasons.append(f"{t.unauthorised} unauthorised sessions this year")
    if trigger.lates_at_least is not None:
        window = [d for d, _ in sessions if d <= as_of]
        if trigger.lates_within_school_days:
            days = sorted(set(window))[-trigger.lates_within_school_days :]
            first = days[0] if days else as_of
        else:
            first = date.min
        lates = sorted(
            k for k, code in facts.marks.items() if code in LATE_CODES and first <= k[0] <= as_of
        )
        if len(lates) < trigger.lates_at_least:
            return None
        span = (
            f" in the last {trigger.lates_within_school_days} school days"
            if trigger.lates_within_school_days
            else ""
        )
        reasons.append(f"{len(lates)} late arrivals{span}")
    if trigger.consecutive_days_absent_at_least is not None:
        run = statutory.current_run(facts.marks, sessions, as_of, ABSENCE_CODES)
        if len(run) < trigger.consecutive_days_absent_at_least:
            return None
        reasons.append(f"absent {len(run)} school days in a row since {run[0]:%-d %b}")
    return reasons


@dataclass(frozen=True)
class StageHit:
    stage: Stage
    explanation: str


def due_stages(
    policy: Policy, facts: PupilFacts, sessions: Sequence[SessionKey], as_of: date
) -> list[StageHit]:
    """Stages whose trigger holds and that have not fired yet this year (unless they repeat).

    Stages are checked in policy order, and a stage that fires counts as fired for the
    `after_stage` of later stages in the same run.
    """
    fired = set(facts.fired)
    hits = []
    for stage in policy.stages:
        if stage.key in fired and not stage.repeats:
            continue
        last = facts.fired_on.get(stage.key)
        if (
            stage.repeats
            and last
            and len({d for d, _ in sessions if last < d <= as_of}) < stage.repeat_after_school_days
        ):
            continue
        reasons = _trigger_reasons(
            stage.trigger,
            replace(facts, fired=frozenset(fired)),
            sessions,
            as_of,
        )
        if reasons is None:
            continue
        fired.add(stage.key)
        hits.append(StageHit(stage, f"{stage.name}: " + "; ".join(reasons)))
    return hits


def statutory_alerts(
    policy: Policy, facts: PupilFacts, sessions: Sequence[SessionKey], as_of: date
) -> list[statutory.Alert]:
    s = policy.statutory
    alerts = [
        statutory.penalty_notice_threshold(
            facts.marks,
            sessions,
            as_of,
            sessions=s.pn_sessions,
            weeks=s.pn_school_weeks,
            codes=frozenset(s.pn_codes),
        ),
        statutory.continuous_unauthorised_absence(
            facts.marks, sessions, as_of, days=s.continuous_unauthorised_days
        ),
    ]
    if s.cme_unexplained_days:
        alerts.append(
            statutory.missing_education_concern(
                facts.marks, sessions, as_of, days=s.cme_unexplained_days
            )
        )
    if policy.leave.consider_penalty_notice_for_unauthorised_holiday:
        alerts.append(statutory.unauthorised_holiday(facts.marks, sessions, as_of))
    countdown = statutory.deletion_ground_i_countdown(
        facts.marks, sessions, as_of, days=s.deletion_ground_i_days
    )
    if countdown and countdown.reached:
        alerts.append(
            statutory.Alert(
                "deletion_ground_i",
                f"{countdown.days_so_far} consecutive school days coded only G, N or O: deletion ground I may be met "
                "once the school and the LA have jointly made reasonable enquiries",
            )
        )
    t = facts.year
    th = policy.thresholds
    if t.possible and Decimal(t.absent) * 100 >= th.sa_absence_at_least_pct * t.possible:
        alerts.append(
            statutory.Alert(
                "severe_absence", f"severely absent: {t.absent} of {t.possible} sessions missed"
            )
        )
    elif t.possible and Decimal(t.absent) * 100 >= th.pa_absence_at_least_pct * t.possible:
        alerts.append(
            statutory.Alert(
                "persistent_absence",
                f"persistently absent: {t.absent} of {t.possible} sessions missed",
            )
        )
    elif th.pa_sessions_at_least and t.absent >= th.pa_sessions_at_least:
        # A school rule (seed 002: 38 sessions). Absence only grows within a year, so it sticks.
        alerts.append(
            statutory.Alert(
                "persistent_absence",
                f"{t.absent} sessions missed this year: persistent absence by the school's rule",
            )
        )
    return [a for a in alerts if a is not None]

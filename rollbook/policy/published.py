"""The published attendance policy (S001-6): a plain-English page (and PDF) built from the
school's adopted policy file alone, for staff and for parents.

The page is public (linked from the school's website), so it is built only from the policy
file and the school's name: no pupil, parent or staff data at all. `build` is pure: the view
passes the policy, the school's name and the version in. The PDF is rendered by a background
task once per version (`actions.render_published_pdf`), never in the public request.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from rollbook.core.models import Role
from rollbook.policy.kinds import ActionKind
from rollbook.policy.schema import Policy, Stage, Trigger


@dataclass(frozen=True)
class Section:
    heading: str
    paragraphs: tuple[str, ...] = ()
    items: tuple[str, ...] = ()


@dataclass(frozen=True)
class PublishedStage:
    name: str
    tier: str
    when: str
    note: str
    steps: tuple[str, ...]


@dataclass(frozen=True)
class PublishedPolicy:
    school_name: str
    title: str
    version: int  # the school's adopted version (0: national defaults, none adopted)
    adopted_on: date | None
    source: str
    sections: tuple[Section, ...]
    stages: tuple[PublishedStage, ...] = field(default=())


def _pct(value: Decimal) -> str:
    return f"{value.normalize():f}%"


def _clock(at: time) -> str:
    return at.strftime("%H:%M")


def _after(at: time, minutes: int) -> time:
    return (datetime.combine(date(2000, 1, 1), at) + timedelta(minutes=minutes)).time()


def _role(role: Role | str | None) -> str:
    return Role(role).label.lower() if role else "the school"


def describe_trigger(trigger: Trigger, names: dict[str, str]) -> str:
    """A stage's trigger in words, every condition joined with 'and'."""
    parts = []
    if trigger.days_absent_at_least is not None:
        kind = " of unauthorised absence" if trigger.absence_basis == "unauthorised" else ""
        parts.append(
            f"{trigger.days_absent_at_least.normalize():f} days{kind} missed this school year"
        )
    if trigger.attendance_below_pct is not None:
        parts.append(f"attendance below {_pct(trigger.attendance_below_pct)}")
    if trigger.attendance_at_or_below_pct is not None:
        parts.append(f"attendance at or below {_pct(trigger.attendance_at_or_below_pct)}")
    if trigger.unauthorised_sessions_at_least is not None:
        parts.append(
            f"{trigger.unauthorised_sessions_at_least} or more sessions of unauthorised absence"
        )
    if trigger.lates_at_least is not None:
        within = (
            f" within {trigger.lates_within_school_days} school days"
            if trigger.lates_within_school_days
            else " this school year"
        )
        parts.append(f"late {trigger.lates_at_least} or more times{within}")
    if trigger.consecutive_days_absent_at_least is not None:
        parts.append(f"{trigger.consecutive_days_absent_at_least} school days absent in a row")
    if trigger.after_stage:
        parts.append(f"after \u201c{names.get(trigger.after_stage, trigger.after_stage)}\u201d")
    if trigger.absent_after_warning_from:
        parts.append("further absence after a written warning")
    if trigger.attendance_below_pct == 0:
        return "When the school moves a pupil into it (no automatic trigger)."
    text = " and ".join(parts) or "as the school decides"
    return text[:1].upper() + text[1:] + "."


def _stage(stage: Stage, names: dict[str, str]) -> PublishedStage:
    steps = tuple(
        f"{a.text.rstrip('.')} ({_role(a.role or stage.owner)})."
        for a in stage.actions
        if a.kind != ActionKind.FLAG
    )
    return PublishedStage(
        stage.name, stage.tier or "", describe_trigger(stage.trigger, names), stage.note, steps
    )


def build(
    policy: Policy, *, school_name: str, version: int, adopted_on: date | None
) -> PublishedPolicy:
    register = policy.register
    am_close = _after(register.am_opens, register.minutes_open)
    pm_close = _after(register.pm_opens, register.minutes_open)
    sections = [
        Section(
            "The school day",
            (
                f"The morning register opens at {_clock(register.am_opens)} and closes at "
                f"{_clock(am_close)}; the afternoon register opens at "
                f"{_clock(register.pm_opens)} and closes at {_clock(pm_close)}.",
                "A child who arrives after the register opens but before it closes is marked "
                "late (L) and counted as present. A child who arrives after the register closes "
                "is marked U: an unauthorised absence for that session.",
            ),
        ),
        Section(
            "How we measure attendance",
            tuple(
                p
                for p in (
                    "A child who misses "
                    f"{_pct(policy.thresholds.pa_absence_at_least_pct)} or more of their "
                    "sessions is persistently absent, and one who misses "
                    f"{_pct(policy.thresholds.sa_absence_at_least_pct)} or more is severely "
                    "absent (the Department for Education's definitions).",
                    f"A child who misses {policy.thresholds.pa_sessions_at_least} sessions "
                    f"({policy.thresholds.pa_sessions_at_least / 2:g} days) in a school year is "
                    "also treated as persistently absent."
                    if policy.thresholds.pa_sessions_at_least
                    else "",
                    f"Our whole-school attendance target is {_pct(policy.school_target_pct)}."
                    if policy.school_target_pct is not None
                    else "",
                )
                if p
            ),
            tuple(f"{b.label}: {_pct(b.at_least_pct)} or more" for b in policy.bands),
        ),
        Section(
            "Leave in term time",
            (
                "There is no right to take a child out of school for a holiday in term time. "
                "Under the School Attendance (Pupil Registration) (England) Regulations 2024, "
                f"leave may be granted only in exceptional circumstances, by the "
                f"{_role(policy.leave.decision_role)}, on a request made in advance.",
                *(
                    ["A request made after the leave has started is refused."]
                    if policy.leave.retrospective_requests_refused
                    else []
                ),
                *(
                    [
                        "An unauthorised holiday in term time may be referred to the local "
                        "authority for a penalty notice."
                    ]
                    if policy.leave.consider_penalty_notice_for_unauthorised_holiday
                    else []
                ),
            ),
        ),
        Section(
            "Penalty notices and the law",
            (
                "Parents have a legal duty under section 7 of the Education Act 1996 to make "
                "sure their child receives a suitable full-time education, and failing to make "
                "sure a registered child attends regularly is an offence under section 444.",
                "The local authority may issue a penalty notice once a child has "
                f"{policy.statutory.pn_sessions} sessions of unauthorised absence within "
                f"{policy.statutory.pn_school_weeks} school weeks. A notice is always considered"
                ", never automatic, and support comes first.",
                *(
                    [f"This policy rests on {', '.join(policy.letters.legal_sources)}."]
                    if policy.letters.legal_sources
                    else []
                ),
            ),
        ),
    ]
    if policy.rewards:
        sections.append(
            Section(
                "Celebrating good attendance",
                items=tuple(
                    f"{r.name}" + (f": {r.prize}" if r.prize else "") for r in policy.rewards
                ),
            )
        )
    names = {s.key: s.name for s in policy.stages}
    return PublishedPolicy(
        school_name=school_name,
        title=policy.name,
        version=version,
        adopted_on=adopted_on,
        source=policy.source,
        sections=tuple(sections),
        stages=tuple(_stage(s, names) for s in policy.stages),
    )


def render_pdf(doc: PublishedPolicy) -> bytes:
    """The page as a PDF (WeasyPrint, imported here: it is slow to import). Background only."""
    import weasyprint
    from django.template.loader import render_to_string

    html = render_to_string("policy/published_pdf.html", {"doc": doc})
    return weasyprint.HTML(string=html).write_pdf()

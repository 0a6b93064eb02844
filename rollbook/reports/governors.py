"""The governors' report (termly or annual). Pure: plain figures and `today` in, a frozen report out.

Governors see aggregates only (WTTISA: they review and challenge the data, focusing on cohorts
with poorer attendance), so the report never carries a pupil's name and every group, year group
or cohort smaller than `groups.SUPPRESS_BELOW` pupils is suppressed, whoever prints it.

Sections: the whole school against the target, last year and the national primary figures;
year groups; PA and SA by half-term (year to date at the end of each half-term); the pupil-group
gaps; and seed 000's impact review (what was done, its impact, next steps). "What was done" is
counted from casework (policy actions completed, contacts with families, casework events);
"impact" compares the attendance of the pupils who had that work before and during the period.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from rollbook.registers.rules import Summary, Tally, summarise
from rollbook.reports import groups
from rollbook.reports.national import NationalFigures

# Casework audit events counted in "what was done": kind prefixes, so events that other parts
# of Rollbook add later (letters, penalty notices, meetings) are counted without a change here.
COUNTED_EVENT_PREFIXES = ("letter", "penalty", "meeting", "contract", "referral", "case.opened")
ACTION_LABELS = {
    "task": "Tasks done (calls, home visits)",
    "letter": "Letters",
    "message": "Messages to families",
    "meeting": "Meetings",
    "support_plan": "Attendance support plans",
    "contract": "Attendance contracts",
    "referral": "Referrals",
    "flag": "Flags set",
}
CONTACT_LABELS = {"call": "Phone calls", "home_visit": "Home visits"}


@dataclass(frozen=True)
class HalfTermInput:
    """One half-term's per-pupil counts, within the half-term and year to date at its end."""

    label: str
    first: date
    last: date
    within: Sequence[Tally]
    year_to_date: Sequence[Tally]


@dataclass(frozen=True)
class Commentary:
    """What the head writes before printing (seed 000's impact review); may be empty."""

    done: str = ""
    impact: str = ""
    next_steps: str = ""

    @property
    def empty(self) -> bool:
        return not (self.done.strip() or self.impact.strip() or self.next_steps.strip())


# --- output --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    label: str
    school: Fraction | None
    last_year: Fraction | None
    national: Decimal | None
    lower_is_better: bool

    @property
    def change(self) -> Fraction | None:
        return (
            None if self.school is None or self.last_year is None else self.school - self.last_year
        )


@dataclass(frozen=True)
class TargetCheck:
    target_pct: Decimal
    met: bool  # compared on integers: attended * 100 >= target * possible
    gap: Fraction  # attendance minus target, in points


@dataclass(frozen=True)
class HalfTermRow:
    label: str
    first: date
    last: date
    within: Summary
    year_to_date: Summary


@dataclass(frozen=True)
class CountRow:
    label: str
    count: int


@dataclass(frozen=True)
class Impact:
    counts: tuple[CountRow, ...]
    pupils: int  # pupils who had at least one action or contact in the period
    suppressed: bool  # fewer than SUPPRESS_BELOW pupils: no figures for them
    before: Tally | None  # those pupils, in the period before
    during: Tally | None  # ... and in this period
    others_during: Tally | None  # every other pupil, in this period

    @property
    def change(self) -> Fraction | None:
        if self.before is None or self.during is None:
            return None
        b, d = self.before.attendance_rate, self.during.attendance_rate
        return None if b is None or d is None else d - b

    @property
    def total(self) -> int:
        return sum(c.count for c in self.counts)


@dataclass(frozen=True)
class GovernorsReport:
    school_name: str
    today: date
    period_label: str
    first: date
    last: date
    finished: bool
    whole: Summary
    last_year: Summary | None
    last_year_span: tuple[date, date] | None
    target: TargetCheck | None
    national: NationalFigures
    headlines: tuple[Headline, ...]
    years: tuple[groups.BreakdownRow, ...]
    groups: tuple[groups.GroupRow, ...]
    half_terms: tuple[HalfTermRow, ...]
    impact: Impact
    commentary: Commentary
    suppressed_below: int = groups.SUPPRESS_BELOW


def target_check(summary: Summary, target_pct: Decimal | None) -> TargetCheck | None:
    t = summary.tally
    if target_pct is None or not t.possible:
        return None
    met = Decimal(t.attended * 100) >= target_pct * t.possible
    gap = Fraction(100 * t.attended, t.possible) - Fraction(target_pct)
    return TargetCheck(target_pct, met, gap)


def _headlines(
    whole: Summary, last: Summary | None, national: NationalFigures
) -> tuple[Headline, ...]:
    def ly(get):
        return get(last) if last is not None else None

    return (
        Headline(
            "Attendance",
            whole.tally.attendance_rate,
            ly(lambda s: s.tally.attendance_rate),
            Decimal(100) - national.overall_absence,
            False,
        ),
        Headline(
            "Overall absence",
            whole.tally.overall_absence_rate,
            ly(lambda s: s.tally.overall_absence_rate),
            national.overall_absence,
            True,
        ),
        Headline(
            "Authorised absence",
            whole.tally.authorised_absence_rate,
            ly(lambda s: s.tally.authorised_absence_rate),
            national.authorised_absence,
            True,
        ),
        Headline(
            "Unauthorised absence",
            whole.tally.unauthorised_absence_rate,
            ly(lambda s: s.tally.unauthorised_absence_rate),
            national.unauthorised_absence,
            True,
        ),
        Headline(
            "Persistent absence (pupils)",
            whole.persistent_absence_rate,
            ly(lambda s: s.persistent_absence_rate),
            national.persistent_absence,
            True,
        ),
        Headline(
            "Severe absence (pupils)",
            whole.severe_absence_rate,
            ly(lambda s: s.severe_absence_rate),
            national.severe_absence,
            True,
        ),
    )


def impact_counts(
    actions_done: Mapping[str, int], contacts: Mapping[str, int], events: Mapping[str, int]
) -> tuple[CountRow, ...]:
    """What was done, as labelled counts: policy actions by kind, contacts by method, events."""
    rows = [CountRow(ACTION_LABELS.get(k, _words(k)), n) for k, n in sorted(actions_done.items())]
    rows += [CountRow(CONTACT_LABELS.get(k, _words(k)), n) for k, n in sorted(contacts.items())]
    rows += [
        CountRow(_words(k), n)
        for k, n in sorted(events.items())
        if k.startswith(COUNTED_EVENT_PREFIXES)
    ]
    return tuple(r for r in rows if r.count)


def _words(kind: str) -> str:
    return kind.replace(".", " ").replace("_", " ").capitalize()


def build_governors_report(
    *,
    school_name: str,
    today: date,
    period_label: str,
    first: date,
    last: date,
    finished: bool,
    pupils: Iterable[groups.PupilFigures],
    last_year: Iterable[Tally] = (),
    last_year_span: tuple[date, date] | None = None,
    target_pct: Decimal | None,
    national: NationalFigures,
    half_terms: Iterable[HalfTermInput] = (),
    actions_done: Mapping[str, int] | None = None,
    contacts: Mapping[str, int] | None = None,
    events: Mapping[str, int] | None = None,
    acted_on_before: Iterable[Tally] = (),
    acted_on_during: Iterable[Tally] = (),
    acted_on_pupils: int = 0,
    has_previous: bool = False,
    commentary: Commentary = Commentary(),
) -> GovernorsReport:
    pupils = list(pupils)
    whole = summarise(p.tally for p in pupils)
    previous = summarise(last_year)
    previous_or_none = previous if previous.enrolments else None
    during = sum(acted_on_during, Tally())
    suppressed = 0 < acted_on_pupils < groups.SUPPRESS_BELOW
    figures = acted_on_pupils and not suppressed
    impact = Impact(
        counts=impact_counts(actions_done or {}, contacts or {}, events or {}),
        pupils=acted_on_pupils,
        suppressed=suppressed,
        before=sum(acted_on_before, Tally()) if figures and has_previous else None,
        during=during if figures else None,
        others_during=(whole.tally + _negate(during)) if figures else None,
    )
    return GovernorsReport(
        school_name=school_name,
        today=today,
        period_label=period_label,
        first=first,
        last=last,
        finished=finished,
        whole=whole,
        last_year=previous_or_none,
        last_year_span=last_year_span if previous_or_none else None,
        target=target_check(whole, target_pct),
        national=national,
        headlines=_headlines(whole, previous_or_none, national),
        years=tuple(groups.breakdown(pupils, "year", suppress=True)),
        groups=tuple(groups.group_analysis(pupils, suppress=True)),
        half_terms=tuple(
            HalfTermRow(h.label, h.first, h.last, summarise(h.within), summarise(h.year_to_date))
            for h in half_terms
        ),
        impact=impact,
        commentary=commentary,
    )


def _negate(t: Tally) -> Tally:
    return Tally(-t.attended, -t.authorised, -t.unauthorised, -t.not_possible)

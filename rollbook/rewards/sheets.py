"""Reads for the qualifying lists, improvers, assembly sheet, board counts and treats.
Each function runs a fixed number of queries, whatever the number of pupils.

Figures are DfE session counts from `registers.queries` (marks inside each pupil's time on
roll, school calendar for the periods) compared exactly by `qualifying.py`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

from rollbook.core.calendar import SchoolCalendar
from rollbook.core.models import School
from rollbook.policy.schema import Policy, Reward
from rollbook.registers.queries import marks_on_roll, pupil_tallies, tallies_by
from rollbook.rewards import qualifying, queries, rules
from rollbook.rewards.models import Award, Treat
from rollbook.rewards.queries import _name, _pupils_on, late_counts

COMPARISONS = {
    "half_term": "this half-term with the one before",
    "term": "this term with the one before",
    "four_weeks": "the last 4 school weeks with the 4 before",
}
DEFAULT_MIN_POSSIBLE = 10  # one school week in each period: judge nobody on a handful of sessions


@dataclass(frozen=True)
class ListedPupil:
    pupil_id: int
    name: str
    class_name: str
    year_group: str
    rate: Fraction | None
    lates: int = 0
    before: Fraction | None = None  # improvers: the earlier period's rate
    points: Fraction | None = None  # improvers: the rise in percentage points


def _listed(p: dict, rate, lates=0, before=None, points=None) -> ListedPupil:
    return ListedPupil(
        p["pk"],
        _name(p),
        p["registration_group__name"] or "",
        p["year_group"],
        rate,
        lates,
        before,
        points,
    )


@dataclass(frozen=True)
class QualifyingList:
    kind: str
    period: rules.Period
    criterion: qualifying.Criterion
    pupils: list[ListedPupil]

    @property
    def kind_name(self) -> str:
        return qualifying.KIND_NAMES.get(self.kind, self.kind)


def qualifying_list(
    school: School,
    calendar: SchoolCalendar,
    kind: str,
    criterion: qualifying.Criterion,
    *,
    as_of: date,
    pupils: list[dict] | None = None,
) -> QualifyingList:
    """Pupils on roll on `as_of` who meet the rule over the `kind` period holding it (up to
    `as_of`). Two queries (three without `pupils`): the tallies and the lates."""
    period = rules.period_of(kind, as_of, calendar.terms)
    if pupils is None:
        pupils = _pupils_on(school, as_of)
    tallies = pupil_tallies(school, period.first, period.last)
    lates = (
        late_counts(school, period.first, period.last) if criterion.max_lates is not None else {}
    )
    found = qualifying.qualifying_ids(tallies, lates, criterion)
    return QualifyingList(
        kind,
        period,
        criterion,
        [
            _listed(p, tallies[p["pk"]].attendance_rate, lates.get(p["pk"], 0))
            for p in pupils
            if p["pk"] in found
        ],
    )


def qualifying_lists(
    school: School,
    policy: Policy,
    calendar: SchoolCalendar,
    *,
    as_of: date,
    at_least: Decimal | None = None,
    max_lates: int | None = None,
) -> list[QualifyingList]:
    """The half-term, term and year lists; each kind's line is `at_least` or the policy's."""
    pupils = _pupils_on(school, as_of)
    return [
        qualifying_list(
            school,
            calendar,
            kind,
            qualifying.Criterion(
                at_least if at_least is not None else qualifying.default_line(policy, kind),
                max_lates,
            ),
            as_of=as_of,
            pupils=pupils,
        )
        for kind in qualifying.LIST_KINDS
    ]


# --- Improvers ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImproversList:
    compare: str
    before: rules.Period | None  # None: no earlier period to compare with
    after: rules.Period
    points: Decimal
    min_possible: int
    pupils: list[ListedPupil]

    @property
    def compare_words(self) -> str:
        return COMPARISONS[self.compare]


def compared_periods(
    calendar: SchoolCalendar, compare: str, as_of: date
) -> tuple[rules.Period | None, rules.Period]:
    if compare == "four_weeks":
        weeks = rules.school_weeks(calendar.school_days(None, as_of))
        pair = qualifying.recent_weeks(weeks, 4)
        if pair is None:
            return None, rules.Period("weeks", "the last 4 school weeks", as_of, as_of)
        return pair
    after = rules.period_of(compare, as_of, calendar.terms)
    return rules.previous_period(after, calendar.terms), after


def improvers_list(
    school: School,
    calendar: SchoolCalendar,
    *,
    as_of: date,
    compare: str,
    points: Decimal,
    min_possible: int,
) -> ImproversList:
    """Pupils on roll on `as_of` whose rate rose by at least `points`; three queries."""
    before, after = compared_periods(calendar, compare, as_of)
    if before is None:
        return ImproversList(compare, None, after, points, min_possible, [])
    pupils = _pupils_on(school, as_of)
    then = pupil_tallies(school, before.first, before.last)
    now = pupil_tallies(school, after.first, after.last)
    found = {i.pupil_id: i for i in qualifying.improvers(then, now, points, min_possible)}
    rows = [p for p in pupils if p["pk"] in found]
    rows.sort(key=lambda p: (-found[p["pk"]].points, p["pk"]))
    return ImproversList(
        compare,
        before,
        after,
        points,
        min_possible,
        [
            _listed(
                p, found[p["pk"]].after, before=found[p["pk"]].before, points=found[p["pk"]].points
            )
            for p in rows
        ],
    )


# --- The assembly sheet (staff-facing: it names pupils) ---------------------------------------

SHEET_KINDS = {"week": "Week", "half_term": "Half-term", "term": "Term", "year": "Year"}


@dataclass(frozen=True)
class SheetResult:
    reward: Reward
    winners: list[rules.ClassFigure]

    @property
    def words(self) -> str:
        if self.reward.tokens and rules.has_line(self.reward):
            return f"earn a token at {rules.line_words(self.reward)}"
        return rules.line_words(self.reward)


@dataclass(frozen=True)
class AwardCount:
    reward: Reward
    period: rules.Period
    eligible: int
    recorded: list[str]  # names of the pupils whose award is recorded for this period


@dataclass(frozen=True)
class AssemblySheet:
    kind: str
    period: rules.Period
    classes: list[rules.ClassFigure]
    results: list[SheetResult]
    full: QualifyingList
    awards: list[AwardCount]

    @property
    def kind_name(self) -> str:
        return SHEET_KINDS[self.kind]

    @property
    def ranked(self) -> list[rules.ClassFigure]:
        return sorted(self.classes, key=lambda f: (f.rate is None, -(f.rate or 0), f.group.name))


def recorded_awards(school: School, starts: Iterable[date]) -> dict[tuple[str, date], list[str]]:
    """{(reward key, period start): names} of recorded awards; one query."""
    rows = (
        Award.objects.filter(school=school, period_start__in=list(starts))
        .order_by("pupil__legal_surname", "pupil__legal_forename")
        .values(
            "reward_key",
            "period_start",
            "pupil__legal_forename",
            "pupil__legal_surname",
            "pupil__preferred_forename",
            "pupil__preferred_surname",
        )
    )
    found: dict[tuple[str, date], list[str]] = defaultdict(list)
    for row in rows:
        names = {k.removeprefix("pupil__"): v for k, v in row.items()}
        found[(row["reward_key"], row["period_start"])].append(_name(names))
    return found


def assembly_sheet(
    school: School, policy: Policy, calendar: SchoolCalendar, *, kind: str, as_of: date
) -> AssemblySheet:
    """Winning classes, the 100 % pupils and award counts for the `kind` period holding
    `as_of`. Class figures sum each week's session counts over the period."""
    period = rules.period_of(kind, as_of, calendar.terms)
    groups = queries.class_infos(school)
    excluded_for = tuple(policy.adjustments.excluded_from_class_challenge)
    by_week = queries.weekly_class_figures(school, excluded_for, period.first, period.last)
    classes = qualifying.period_figures(groups, by_week.values())
    results = [
        SheetResult(r, rules.class_winners(classes, r))
        for r in queries.class_rewards(policy, "week")
    ]
    pupils = _pupils_on(school, as_of)
    full = qualifying_list(
        school, calendar, kind, qualifying.Criterion(), as_of=as_of, pupils=pupils
    )
    lists = [
        queries.award_list(school, r, calendar, as_of=as_of, pupils=pupils)
        for r in queries.pupil_rewards(policy)
    ]
    recorded = recorded_awards(school, {a.period.first for a in lists})
    awards = [
        AwardCount(a.reward, a.period, len(a.pupils), recorded[(a.reward.key, a.period.first)])
        for a in lists
    ]
    return AssemblySheet(kind, period, classes, results, full, awards)


# --- The attendance board (for display: counts only, never a name) ---------------------------


@dataclass(frozen=True)
class BoardAward:
    name: str
    period_label: str
    eligible: int
    recorded: int


@dataclass(frozen=True)
class Board:
    """What the hall display and attendance board show beyond the class league: the school's
    figure for the week and how many pupils reached each award. Numbers only, by design."""

    school_rate: Fraction | None
    term_label: str
    full_term: int  # pupils at 100 % for the term so far
    awards: list[BoardAward]


def board(school: School, policy: Policy, calendar: SchoolCalendar, week: rules.Week) -> Board:
    """The school's week (every pupil's sessions, adjustments or not: the DfE figure) and the
    award counts for the periods holding the week's last school day."""
    as_of = week.last
    school_tally = tallies_by(marks_on_roll(school, week.first, week.last), "school_id")
    pupils = _pupils_on(school, as_of)
    full = qualifying_list(
        school, calendar, "term", qualifying.Criterion(), as_of=as_of, pupils=pupils
    )
    lists = [
        queries.award_list(school, r, calendar, as_of=as_of, pupils=pupils)
        for r in queries.pupil_rewards(policy)
    ]
    recorded = recorded_awards(school, {a.period.first for a in lists})
    found = school_tally.get(school.pk)
    return Board(
        found.attendance_rate if found else None,
        full.period.label,
        len(full.pupils),
        [
            BoardAward(
                a.reward.name,
                a.period.label,
                len(a.pupils),
                len(recorded[(a.reward.key, a.period.first)]),
            )
            for a in lists
        ],
    )


# --- Treats (004: 100 % and sustained improvement) --------------------------------------------

MAX_RISES = 5


@dataclass(frozen=True)
class SustainedPupil:
    pupil_id: int
    name: str
    class_name: str
    rates: list[Fraction | None]  # one per half-term, oldest first


@dataclass(frozen=True)
class OfferedTreat:
    name: str
    class_name: str
    reason: str
    treat: str
    offered_on: date
    offered_by: str


@dataclass(frozen=True)
class TreatLists:
    period: rules.Period  # the half-term holding `as_of`, up to it
    periods: list[rules.Period]  # the half-terms compared, oldest first
    rises: int
    full: list[ListedPupil]
    sustained: list[SustainedPupil]
    offered: list[OfferedTreat]

    def ids(self, reason: str) -> set[int]:
        pupils = self.full if reason == "full_attendance" else self.sustained
        return {p.pupil_id for p in pupils}


def half_terms_back(calendar: SchoolCalendar, as_of: date, count: int) -> list[rules.Period]:
    """The half-term holding `as_of` and up to `count - 1` before it, oldest first."""
    found = [rules.period_of("half_term", as_of, calendar.terms)]
    while len(found) < count:
        earlier = rules.previous_period(found[0], calendar.terms)
        if earlier is None:
            break
        found.insert(0, earlier)
    return found


def treat_lists(school: School, calendar: SchoolCalendar, *, as_of: date, rises: int) -> TreatLists:
    """Pupils at 100 % this half-term and pupils whose half-termly rate rose `rises` times in
    a row (rule in qualifying.sustained_improvers), with the treats already offered for this
    half-term. Queries: the pupils, one tally per half-term, the offers."""
    periods = half_terms_back(calendar, as_of, rises + 1)
    period = periods[-1]
    pupils = _pupils_on(school, as_of)
    tallies = [pupil_tallies(school, p.first, p.last) for p in periods]
    full = qualifying.qualifying_ids(tallies[-1], {}, qualifying.Criterion())
    series = {
        p["pk"]: [t[p["pk"]].attendance_rate if p["pk"] in t else None for t in tallies]
        for p in pupils
    }
    rising = set(qualifying.sustained_improvers(series, rises))
    offered = (
        Treat.objects.filter(school=school, period_start=period.first)
        .select_related("pupil__registration_group", "offered_by")
        .order_by("pupil__legal_surname", "pupil__legal_forename", "pk")
    )
    return TreatLists(
        period,
        periods,
        rises,
        [_listed(p, tallies[-1][p["pk"]].attendance_rate) for p in pupils if p["pk"] in full],
        [
            SustainedPupil(p["pk"], _name(p), p["registration_group__name"] or "", series[p["pk"]])
            for p in pupils
            if p["pk"] in rising
        ],
        [
            OfferedTreat(
                _pupil_name(t.pupil),
                t.pupil.registration_group.name if t.pupil.registration_group else "",
                t.get_reason_display(),
                t.treat,
                t.offered_on,
                t.offered_by.get_username() if t.offered_by else "",
            )
            for t in offered
        ],
    )


def _pupil_name(pupil) -> str:
    return _name(
        {
            "legal_forename": pupil.legal_forename,
            "legal_surname": pupil.legal_surname,
            "preferred_forename": pupil.preferred_forename,
            "preferred_surname": pupil.preferred_surname,
        }
    )

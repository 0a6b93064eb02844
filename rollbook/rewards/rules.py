"""Reward rules from the policy, as pure functions over plain values (no ORM, no clock).

Percentages are compared exactly, as the policy words them: `at_least_pct` is inclusive
(96 % or above), `above_pct` is strict (above 95.6 %: 95.6 exactly does not qualify). Rates
are `Fraction`s of session counts and are never rounded before a comparison.

Class figures are sums of the pupils' session counts (not means of pupil percentages),
leaving out pupils whose circumstances the policy lists in
`adjustments.excluded_from_class_challenge`.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from rollbook.core.calendar import TermDates
from rollbook.policy.schema import Reward
from rollbook.registers.rules import Tally

Circumstance = str  # "medical_plan" | "long_term_illness" | "part_time_timetable"


@dataclass(frozen=True)
class PupilFacts:
    """What the class figure needs to know about one pupil in one period."""

    pupil_id: int
    group_id: int | None
    medical_plan: bool = False
    long_term_illness: bool = False
    part_time_timetable: bool = False  # C2 marks in the period

    def circumstances(self) -> frozenset[Circumstance]:
        names = ("medical_plan", "long_term_illness", "part_time_timetable")
        return frozenset(n for n in names if getattr(self, n))


@dataclass(frozen=True)
class ClassInfo:
    group_id: int
    name: str
    year_group: str


@dataclass(frozen=True)
class ClassFigure:
    group: ClassInfo
    tally: Tally
    pupils: int  # pupils counted
    excluded: int  # pupils left out under the policy's adjustments

    @property
    def rate(self) -> Fraction | None:
        return self.tally.attendance_rate

    @property
    def adjusted(self) -> bool:
        return self.excluded > 0


def is_excluded(pupil: PupilFacts, excluded_for: Iterable[Circumstance]) -> bool:
    return bool(pupil.circumstances() & set(excluded_for))


def class_figures(
    groups: Iterable[ClassInfo],
    pupils: Iterable[PupilFacts],
    tallies: Mapping[int, Tally],
    excluded_for: Iterable[Circumstance] = (),
) -> list[ClassFigure]:
    """One figure per class: the counted pupils' sessions summed, excluded pupils left out."""
    excluded_for = tuple(excluded_for)
    sums: dict[int, Tally] = defaultdict(Tally)
    counted: dict[int, int] = defaultdict(int)
    left_out: dict[int, int] = defaultdict(int)
    for pupil in pupils:
        if pupil.group_id is None or pupil.pupil_id not in tallies:
            continue
        if is_excluded(pupil, excluded_for):
            left_out[pupil.group_id] += 1
            continue
        sums[pupil.group_id] += tallies[pupil.pupil_id]
        counted[pupil.group_id] += 1
    return [
        ClassFigure(g, sums[g.group_id], counted[g.group_id], left_out[g.group_id])
        for g in sorted(groups, key=lambda g: (g.year_group, g.name))
    ]


def has_line(reward: Reward) -> bool:
    return reward.at_least_pct is not None or reward.above_pct is not None


def meets(rate: Fraction | None, reward: Reward) -> bool:
    """Does a rate reach the reward's line, compared exactly? No rate never qualifies."""
    if rate is None:
        return False
    if reward.at_least_pct is not None and rate < Fraction(reward.at_least_pct):
        return False
    return reward.above_pct is None or rate > Fraction(reward.above_pct)


def line_words(reward: Reward) -> str:
    if reward.above_pct is not None:
        return f"above {reward.above_pct}%"
    if reward.at_least_pct is not None:
        return f"{reward.at_least_pct}% or more"
    return "highest attendance"


def top(figures: Iterable[ClassFigure]) -> list[ClassFigure]:
    """The classes with the highest rate; every tied class wins. No figures: no winner."""
    rated = [f for f in figures if f.rate is not None]
    if not rated:
        return []
    best = max(f.rate for f in rated)
    return [f for f in rated if f.rate == best]


def class_winners(figures: Sequence[ClassFigure], reward: Reward) -> list[ClassFigure]:
    """Who wins a class reward for one period.

    With a line and no year groups: every class on or over the line. Without a line: the
    highest class (ties all win). `per_year_group`: the best class in each year group, and
    only if it meets the line (the 003 hotspot).
    """
    if reward.per_year_group:
        winners = []
        for _, members in by_year_group(figures):
            winners += [f for f in top(members) if meets(f.rate, reward) or not has_line(reward)]
        return winners
    if has_line(reward):
        return [f for f in figures if meets(f.rate, reward)]
    return top(figures)


def by_year_group(figures: Iterable[ClassFigure]) -> list[tuple[str, list[ClassFigure]]]:
    groups: dict[str, list[ClassFigure]] = defaultdict(list)
    for figure in figures:
        groups[figure.group.year_group].append(figure)
    return sorted(groups.items(), key=lambda item: (len(item[0]), item[0]))


# --- Weeks, tokens and progress -------------------------------------------------------------


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class Week:
    """A school week: the Monday, and the school days in it (a bank holiday or INSET day
    simply leaves fewer). Weeks with no school day do not exist."""

    monday: date
    days: tuple[date, ...]

    @property
    def first(self) -> date:
        return self.days[0]

    @property
    def last(self) -> date:
        return self.days[-1]


def school_weeks(school_days: Iterable[date]) -> list[Week]:
    weeks: dict[date, list[date]] = defaultdict(list)
    for day in sorted(school_days):
        weeks[monday_of(day)].append(day)
    return [Week(monday, tuple(days)) for monday, days in sorted(weeks.items())]


@dataclass(frozen=True)
class Progress:
    tokens: int
    per_reward: int | None  # tokens each reward costs (None: the policy gives no count)
    buys: str | None

    @property
    def earned(self) -> int:
        return self.tokens // self.per_reward if self.per_reward else 0

    @property
    def towards_next(self) -> int:
        return self.tokens % self.per_reward if self.per_reward else self.tokens


def tokens_earned(weekly_rates: Iterable[Fraction | None], reward: Reward) -> int:
    """A token for each week the class reaches the line (`at_least_pct` inclusive)."""
    return sum(1 for rate in weekly_rates if meets(rate, reward))


def progress(weekly_rates: Iterable[Fraction | None], reward: Reward) -> Progress:
    return Progress(tokens_earned(weekly_rates, reward), reward.tokens, reward.tokens_buy)


# --- Periods --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    kind: str  # day, week, half_term, term, year, career
    label: str
    first: date
    last: date


def term_name(half_term: TermDates) -> str:
    """The term a half-term belongs to: "Autumn 1" and "Autumn 2" are the Autumn term."""
    return half_term.name.split()[0] if half_term.name.split() else half_term.name


def academic_year_start(day: date) -> int:
    return day.year if day.month >= 8 else day.year - 1


def period_of(kind: str, as_of: date, terms: Sequence[TermDates], admission: date | None = None):
    """The period of a kind that holds `as_of` (or the last one before it), up to `as_of`."""
    year = academic_year_start(as_of)
    if kind == "day":
        return Period(kind, f"{as_of.day} {as_of:%B %Y}", as_of, as_of)
    if kind == "week":
        monday = monday_of(as_of)
        return Period(
            kind, f"week of {monday.day} {monday:%B %Y}", monday, min(as_of, monday + timedelta(4))
        )
    if kind == "career":
        first = admission or date(year, 8, 1)
        return Period(kind, "whole school career", first, as_of)
    if kind == "year":
        return Period(kind, f"{year}/{(year + 1) % 100:02d}", date(year, 8, 1), as_of)
    started = [t for t in sorted(terms, key=lambda t: t.start) if t.start <= as_of]
    this_year = [t for t in started if academic_year_start(t.start) == year]
    if not this_year:
        return Period(kind, f"{year}/{(year + 1) % 100:02d}", date(year, 8, 1), as_of)
    current = this_year[-1]
    if kind == "half_term":
        return Period(kind, current.name, current.start, min(as_of, current.end))
    same = [t for t in this_year if term_name(t) == term_name(current)]
    last = min(as_of, max(t.end for t in same))
    return Period(
        kind, f"{term_name(current)} term {year}/{(year + 1) % 100:02d}", same[0].start, last
    )


def previous_period(period: Period, terms: Sequence[TermDates]) -> Period | None:
    """The period of the same kind just before this one (for most improved)."""
    if period.kind == "career":
        return None
    if period.kind in ("day", "week"):
        step = timedelta(days=1 if period.kind == "day" else 7)
        return period_of(period.kind, period.first - step, terms)
    before = period.first - timedelta(days=1)
    earlier = [t for t in terms if t.start <= before]
    if period.kind != "year" and not earlier:
        return None
    found = period_of(period.kind, before, terms)
    return found if found.last < period.first else None


# --- Pupil awards ---------------------------------------------------------------------------


def pupil_qualifies(tally: Tally | None, reward: Reward) -> bool:
    """A pupil at the reward's line over the period (100 %: every possible session attended)."""
    return tally is not None and tally.possible > 0 and meets(tally.attendance_rate, reward)


@dataclass(frozen=True)
class Improvement:
    pupil_id: int
    before: Fraction
    after: Fraction

    @property
    def points(self) -> Fraction:
        return self.after - self.before


def most_improved(
    before: Mapping[int, Tally], after: Mapping[int, Tally], reward: Reward
) -> list[Improvement]:
    """Pupils whose rate rose from one period to the next, biggest rise first.

    `at_least_pct` on an improvement reward is the rise in percentage points it needs;
    without it any rise counts. Pupils with no possible sessions in either period are left out.
    """
    found = []
    for pupil_id, now in after.items():
        then = before.get(pupil_id)
        if then is None or not then.possible or not now.possible:
            continue
        item = Improvement(pupil_id, then.attendance_rate, now.attendance_rate)
        need = Fraction(reward.at_least_pct) if reward.at_least_pct is not None else None
        if item.points > 0 and (need is None or item.points >= need):
            found.append(item)
    return sorted(found, key=lambda i: (-i.points, i.pupil_id))


# --- Prize draw -----------------------------------------------------------------------------


@dataclass(frozen=True)
class DrawResult:
    seed: int
    eligible: tuple[int, ...]
    winners: tuple[int, ...] = field(default=())


def prize_draw(eligible_ids: Iterable[int], *, seed: int, winners: int = 1) -> DrawResult:
    """Random but reproducible: the same seed over the same eligible pupils draws the same
    winners, because the list is sorted before `random.Random(seed)` samples it."""
    eligible = tuple(sorted(set(eligible_ids)))
    picked = random.Random(seed).sample(eligible, min(winners, len(eligible)))
    return DrawResult(seed, eligible, tuple(picked))


# --- Personal reward trackers (003: focus pupils) -------------------------------------------

DEFAULT_TRACKER_LINE = 96  # the line when the policy has no weekly class challenge


def challenge_line(rewards: Iterable[Reward]) -> Reward:
    """The weekly class challenge with a line (e.g. 002's 96 %), or 96 % or more if none."""
    for reward in rewards:
        if reward.measure == "class_pct" and reward.period == "week" and has_line(reward):
            return reward
    return Reward(
        key="tracker",
        name="Weekly challenge",
        period="week",
        measure="pupil_pct",
        at_least_pct=DEFAULT_TRACKER_LINE,
    )


@dataclass(frozen=True)
class TrackerWeek:
    week: Week
    rate: Fraction | None  # None: no possible sessions for the pupil that week
    met: bool


@dataclass(frozen=True)
class Tracker:
    pupil_id: int
    weeks: tuple[TrackerWeek, ...]

    @property
    def weeks_met(self) -> int:
        return sum(1 for w in self.weeks if w.met)


def tracker(
    pupil_id: int, weeks: Sequence[Week], tallies: Mapping[date, Tally], line: Reward
) -> Tracker:
    """A pupil's weeks against the line: `tallies` is {Monday: the pupil's tally that week}.
    A week with no tally (or no possible sessions) has no rate and is not met."""
    rows = []
    for week in weeks:
        found = tallies.get(week.monday)
        rate = found.attendance_rate if found is not None else None
        rows.append(TrackerWeek(week, rate, meets(rate, line)))
    return Tracker(pupil_id, tuple(rows))

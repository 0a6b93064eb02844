"""Reads for the rewards pages: class figures per week or day and eligible pupils.

Each function runs a fixed number of queries, whatever the number of classes and pupils:
the classes, the pupils and one grouped count of marks (per pupil, code and week).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction

from django.db.models import Case, Count, IntegerField, Min, Value, When
from django.db.models.functions import TruncWeek

from rollbook.core.calendar import SchoolCalendar
from rollbook.core.models import School
from rollbook.policy.schema import Policy, Reward
from rollbook.pupils.models import Pupil
from rollbook.registers.codes import REFORM_2024
from rollbook.registers.queries import marks_on_roll, pupil_tallies
from rollbook.registers.rules import tally_counts
from rollbook.rewards import rules
from rollbook.rewards.models import Award, PrizeDraw
from rollbook.rewards.qualifying import LATE_CODES

PART_TIME_CODE = "C2"  # a part-time timetable shows as C2 marks in the period
CAREER_START = date(1990, 1, 1)  # before any mark Rollbook holds


def class_infos(school: School) -> list[rules.ClassInfo]:
    return [
        rules.ClassInfo(pk, name, year_group)
        for pk, name, year_group in school.registration_groups.values_list(
            "pk", "name", "year_group"
        )
    ]


def weekly_class_figures(
    school: School, excluded_for: Iterable[str], first: date, last: date
) -> dict[date, list[rules.ClassFigure]]:
    """{Monday: class figures for that week's sessions in [first, last]}; three queries."""
    groups = class_infos(school)
    flags = {
        pk: (group_id, medical, illness)
        for pk, group_id, medical, illness in Pupil.objects.filter(school=school)
        .on_roll(first, last)
        .values_list("pk", "registration_group_id", "medical_plan", "long_term_illness")
    }
    era = Case(
        When(date__gte=REFORM_2024, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = (
        marks_on_roll(school, first, last)
        .annotate(week=TruncWeek("date"))
        .values("pupil_id", "code", "week")
        .annotate(era=era, n=Count("id"), on=Min("date"))
        .order_by()
    )
    counts: dict[date, dict[int, list]] = defaultdict(lambda: defaultdict(list))
    part_time: set[tuple[date, int]] = set()
    for row in rows:
        week = rules.monday_of(row["on"])
        counts[week][row["pupil_id"]].append((row["code"], row["on"], row["n"]))
        if row["code"] == PART_TIME_CODE:
            part_time.add((week, row["pupil_id"]))
    excluded_for = tuple(excluded_for)
    result = {}
    for week, per_pupil in counts.items():
        tallies = {pid: tally_counts(c) for pid, c in per_pupil.items()}
        pupils = [
            rules.PupilFacts(pid, *flags[pid], part_time_timetable=(week, pid) in part_time)
            for pid in tallies
            if pid in flags
        ]
        result[week] = rules.class_figures(groups, pupils, tallies, excluded_for)
    return result


# --- The class league -----------------------------------------------------------------------


@dataclass(frozen=True)
class RewardResult:
    reward: Reward
    winners: list[rules.ClassFigure]

    @property
    def words(self) -> str:
        return rules.line_words(self.reward)


@dataclass(frozen=True)
class LeagueRow:
    figure: rules.ClassFigure
    meets: list[bool]  # one per weekly reward with a line, in `League.lined` order
    progress: list[rules.Progress]  # one per token reward, in `League.token_rewards` order
    winner: bool


@dataclass(frozen=True)
class HistoryWeek:
    week: rules.Week
    results: list[RewardResult]


@dataclass(frozen=True)
class League:
    week: rules.Week
    weeks: list[rules.Week]  # school weeks of the term so far, newest last
    term: rules.Period
    weekly: list[RewardResult]
    lined: list[Reward]
    token_rewards: list[Reward]
    rows: list[LeagueRow]
    year_groups: list[tuple[str, list[LeagueRow]]]
    hotspot_day: date | None
    hotspots: list[RewardResult]
    history: list[HistoryWeek] = field(default_factory=list)
    excluded_for: tuple[str, ...] = ()

    @property
    def adjusted(self) -> bool:
        return any(row.figure.adjusted for row in self.rows)

    @property
    def ranked(self) -> list[LeagueRow]:
        """The whole school, highest first (classes with no marks last)."""
        return sorted(
            self.rows,
            key=lambda r: (r.figure.rate is None, -(r.figure.rate or 0), r.figure.group.name),
        )


def class_rewards(policy: Policy, period: str) -> list[Reward]:
    return [r for r in policy.rewards if r.measure == "class_pct" and r.period == period]


def pick_week(calendar: SchoolCalendar, today: date, wanted: date | None) -> rules.Week | None:
    """The school week holding `wanted` (or today), else the latest school week before it."""
    day = min(wanted or today, today)
    sunday = rules.monday_of(day) + timedelta(days=6)
    weeks = rules.school_weeks(calendar.school_days(None, sunday))
    return weeks[-1] if weeks else None


def league(
    school: School,
    policy: Policy,
    calendar: SchoolCalendar,
    *,
    today: date,
    week: date | None = None,
    hotspot_day: date | None = None,
) -> League | None:
    chosen = pick_week(calendar, today, week)
    if chosen is None:
        return None
    term = rules.period_of("term", chosen.last, calendar.terms)
    weeks = rules.school_weeks(calendar.school_days(term.first, chosen.last))
    excluded_for = tuple(policy.adjustments.excluded_from_class_challenge)
    by_week = weekly_class_figures(school, excluded_for, term.first, chosen.last)
    figures = by_week.get(chosen.monday) or rules.class_figures(class_infos(school), [], {})
    weekly = class_rewards(policy, "week")
    lined = [r for r in weekly if rules.has_line(r)]
    token_rewards = [r for r in weekly if r.tokens]
    results = [RewardResult(r, rules.class_winners(figures, r)) for r in weekly]
    winning = {
        f.group.group_id for res in results if not rules.has_line(res.reward) for f in res.winners
    }
    rates: dict[int, list[Fraction | None]] = defaultdict(list)
    for w in weeks:
        for f in by_week.get(w.monday, []):
            rates[f.group.group_id].append(f.rate)
    rows = [
        LeagueRow(
            f,
            [rules.meets(f.rate, r) for r in lined],
            [rules.progress(rates[f.group.group_id], r) for r in token_rewards],
            f.group.group_id in winning,
        )
        for f in figures
    ]
    groups: dict[str, list[LeagueRow]] = defaultdict(list)
    for row in rows:
        groups[row.figure.group.year_group].append(row)
    history = [
        HistoryWeek(
            w, [RewardResult(r, rules.class_winners(by_week.get(w.monday, []), r)) for r in weekly]
        )
        for w in reversed(weeks)
        if w.monday != chosen.monday
    ]
    day_rewards = class_rewards(policy, "day")
    day = None
    hotspots = []
    if day_rewards:
        days = [d for d in chosen.days if d <= today]
        day = (
            hotspot_day
            if hotspot_day in chosen.days and hotspot_day <= today
            else (days[-1] if days else None)
        )
        if day is not None:
            on_day = weekly_class_figures(school, excluded_for, day, day).get(chosen.monday, [])
            hotspots = [RewardResult(r, rules.class_winners(on_day, r)) for r in day_rewards]
    return League(
        week=chosen,
        weeks=weeks,
        term=term,
        weekly=results,
        lined=lined,
        token_rewards=token_rewards,
        rows=rows,
        year_groups=sorted(groups.items(), key=lambda item: (len(item[0]), item[0])),
        hotspot_day=day,
        hotspots=hotspots,
        history=history,
        excluded_for=excluded_for,
    )


# --- Pupil awards ---------------------------------------------------------------------------


@dataclass(frozen=True)
class EligiblePupil:
    pupil_id: int
    name: str
    class_name: str
    year_group: str
    rate: Fraction | None
    awarded: bool = False
    points: Fraction | None = None  # most improved: the rise in percentage points


@dataclass(frozen=True)
class AwardList:
    reward: Reward
    period: rules.Period
    pupils: list[EligiblePupil]
    compared_with: rules.Period | None = None

    @property
    def by_year_group(self) -> list[tuple[str, list[EligiblePupil]]]:
        groups: dict[str, list[EligiblePupil]] = defaultdict(list)
        for pupil in self.pupils:
            groups[pupil.year_group].append(pupil)
        return sorted(groups.items(), key=lambda item: (len(item[0]), item[0]))

    @property
    def ids(self) -> list[int]:
        return [p.pupil_id for p in self.pupils]


def pupil_rewards(policy: Policy) -> list[Reward]:
    return [r for r in policy.rewards if r.measure in ("pupil_pct", "improvement")]


def late_counts(school: School, first: date, last: date) -> dict[int, int]:
    """Lates (L or U marks) per pupil in [first, last], inside each pupil's time on roll."""
    rows = (
        marks_on_roll(school, first, last)
        .filter(code__in=LATE_CODES)
        .values("pupil_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {row["pupil_id"]: row["n"] for row in rows}


def award_list(
    school: School, reward: Reward, calendar: SchoolCalendar, *, as_of: date, pupils=None
) -> AwardList:
    """Pupils on roll on `as_of` who qualify for the reward over its period (to `as_of`)."""
    terms: Sequence = calendar.terms
    period = rules.period_of(reward.period, as_of, terms)
    if reward.period == "career":
        period = rules.Period("career", "whole school career", CAREER_START, as_of)
    if pupils is None:
        pupils = _pupils_on(school, as_of)
    tallies = pupil_tallies(school, period.first, period.last)
    improvements: dict[int, rules.Improvement] = {}
    before = None
    if reward.measure == "improvement":
        before = rules.previous_period(period, terms)
        earlier = pupil_tallies(school, before.first, before.last) if before else {}
        improvements = {i.pupil_id: i for i in rules.most_improved(earlier, tallies, reward)}
        chosen = [p for p in pupils if p["pk"] in improvements]
        chosen.sort(key=lambda p: list(improvements).index(p["pk"]))
    else:
        chosen = [p for p in pupils if rules.pupil_qualifies(tallies.get(p["pk"]), reward)]
    if reward.max_lates is not None:  # punctuality as well as attendance (S002-22)
        lates = late_counts(school, period.first, period.last)
        chosen = [p for p in chosen if lates.get(p["pk"], 0) <= reward.max_lates]
    awarded = set(
        Award.objects.filter(
            school=school,
            reward_key=reward.key,
            period_start=period.first,
            period_end=period.last,
        ).values_list("pupil_id", flat=True)
    )
    return AwardList(
        reward,
        period,
        [
            EligiblePupil(
                p["pk"],
                _name(p),
                p["registration_group__name"] or "",
                p["year_group"],
                tallies[p["pk"]].attendance_rate,
                p["pk"] in awarded,
                improvements[p["pk"]].points if p["pk"] in improvements else None,
            )
            for p in chosen
        ],
        before,
    )


def _pupils_on(school: School, day: date) -> list[dict]:
    return list(
        Pupil.objects.filter(school=school)
        .on_roll(day)
        .order_by("year_group", "registration_group__name", "legal_surname", "legal_forename")
        .values(
            "pk",
            "legal_forename",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
            "year_group",
            "registration_group__name",
        )
    )


def _name(p: dict) -> str:
    return (
        f"{p['preferred_forename'] or p['legal_forename']} "
        f"{p['preferred_surname'] or p['legal_surname']}"
    )


def award_lists(school: School, policy: Policy, calendar: SchoolCalendar, *, as_of: date):
    pupils = _pupils_on(school, as_of)
    return [
        award_list(school, r, calendar, as_of=as_of, pupils=pupils) for r in pupil_rewards(policy)
    ]


@dataclass(frozen=True)
class DrawRow:
    draw: PrizeDraw
    winners: list[str]


def recent_draws(school: School, limit: int = 10) -> list[DrawRow]:
    draws = list(PrizeDraw.objects.filter(school=school)[:limit])
    ids = {pid for d in draws for pid in d.winner_ids}
    names = (
        {
            p["pk"]: _name(p)
            for p in Pupil.objects.filter(pk__in=ids).values(
                "pk", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"
            )
        }
        if ids
        else {}
    )
    return [DrawRow(d, [names.get(pid, f"pupil {pid}") for pid in d.winner_ids]) for d in draws]


def certificate_names(school: School, ids: Iterable[int]) -> dict[int, str]:
    return {
        p["pk"]: _name(p)
        for p in Pupil.objects.filter(school=school, pk__in=list(ids)).values(
            "pk", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname"
        )
    }


# --- Personal reward trackers (003: focus pupils) -------------------------------------------


@dataclass(frozen=True)
class TrackerRow:
    pupil_id: int
    name: str
    class_name: str
    tracker: rules.Tracker


@dataclass(frozen=True)
class TrackerPage:
    period: rules.Period
    line: Reward
    weeks: list[rules.Week]
    rows: list[TrackerRow]

    @property
    def words(self) -> str:
        return rules.line_words(self.line)


def focus_trackers(
    school: School, pupils, policy: Policy, calendar: SchoolCalendar, *, today: date
) -> TrackerPage:
    """This half-term's weeks for each focus pupil (an open case) among `pupils` (a queryset
    the user may read), against the class challenge line. Two queries: the pupils, and one
    grouped count of their marks per pupil, code and week."""
    period = rules.period_of("half_term", today, calendar.terms)
    weeks = rules.school_weeks(calendar.school_days(period.first, period.last))
    focus = list(
        pupils.filter(school=school, cases__status="open")
        .order_by("year_group", "registration_group__name", "legal_surname", "legal_forename")
        .values(
            "pk",
            "legal_forename",
            "legal_surname",
            "preferred_forename",
            "preferred_surname",
            "registration_group__name",
        )
        .distinct()
    )
    era = Case(
        When(date__gte=REFORM_2024, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    rows = (
        marks_on_roll(school, period.first, period.last)
        .filter(pupil_id__in=[p["pk"] for p in focus])
        .annotate(week=TruncWeek("date"))
        .values("pupil_id", "code", "week")
        .annotate(era=era, n=Count("id"), on=Min("date"))
        .order_by()
        if focus
        else []
    )
    counts: dict[int, dict[date, list]] = defaultdict(lambda: defaultdict(list))
    for row in rows:
        counts[row["pupil_id"]][rules.monday_of(row["on"])].append(
            (row["code"], row["on"], row["n"])
        )
    line = rules.challenge_line(policy.rewards)
    return TrackerPage(
        period,
        line,
        weeks,
        [
            TrackerRow(
                p["pk"],
                _name(p),
                p["registration_group__name"] or "",
                rules.tracker(
                    p["pk"],
                    weeks,
                    {week: tally_counts(c) for week, c in counts[p["pk"]].items()},
                    line,
                ),
            )
            for p in focus
        ],
    )

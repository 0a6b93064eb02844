"""Reads for the Friday tracker pages (003 booklets, 004 planners) and personal goals.

Fixed query counts whatever the class size; figures are DfE session counts from
`registers.queries` and the school calendar, compared exactly by `qualifying.py`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction

from rollbook.core.calendar import SchoolCalendar
from rollbook.policy.schema import Policy, Reward
from rollbook.registers.queries import marks_on_roll, pupil_tallies
from rollbook.registers.rules import tally
from rollbook.rewards import qualifying, queries, rules
from rollbook.rewards.models import PersonalGoal
from rollbook.rewards.queries import _name

# --- The Friday tracker (booklet / planner page), per pupil of a class ------------------------


@dataclass(frozen=True)
class TrackerPagePupil:
    pupil_id: int
    name: str
    cells: list[qualifying.Cell]
    week_rate: Fraction | None
    sticker: bool  # the week at the line (the weekly class challenge's, else 96 %)
    year_rate: Fraction | None
    goal: qualifying.GoalProgress | None
    goal_note: str = ""


@dataclass(frozen=True)
class Booklet:
    class_name: str
    week: rules.Week
    weekdays: list[date]
    line: Reward
    year_first: date
    pupils: list[TrackerPagePupil]

    @property
    def line_words(self) -> str:
        return rules.line_words(self.line)


def booklet(
    group, policy: Policy, calendar: SchoolCalendar, *, today: date, week: date | None = None
) -> Booklet | None:
    """One page per pupil of the class on roll that week: the week's 10 sessions, whether the
    week earned a sticker, year-to-date attendance and the personal goal's progress. Four
    queries: the pupils, the week's marks, the year's tallies and the current goals."""
    chosen = queries.pick_week(calendar, today, week)
    if chosen is None:
        return None
    school = group.school
    weekdays = [chosen.monday + timedelta(days=i) for i in range(5)]
    pupils = list(
        group.pupils.on_roll(chosen.first, chosen.last)
        .order_by("legal_surname", "legal_forename", "pk")
        .values("pk", "legal_forename", "legal_surname", "preferred_forename", "preferred_surname")
    )
    ids = [p["pk"] for p in pupils]
    marks: dict[int, dict[tuple[date, str], str]] = defaultdict(dict)
    for pid, day, session, code in (
        marks_on_roll(school, chosen.first, chosen.last)
        .filter(pupil_id__in=ids)
        .values_list("pupil_id", "date", "session", "code")
    ):
        marks[pid][(day, session)] = code
    year_first = date(rules.academic_year_start(chosen.last), 8, 1)
    year = pupil_tallies(school, year_first, chosen.last, ids)
    goals = {
        g.pupil_id: g for g in PersonalGoal.objects.filter(pupil_id__in=ids, ended_on__isnull=True)
    }
    line = rules.challenge_line(policy.rewards)
    rows = []
    for p in pupils:
        pid = p["pk"]
        week_tally = tally((day, code) for (day, _), code in marks[pid].items())
        goal = goals.get(pid)
        rows.append(
            TrackerPagePupil(
                pid,
                _name(p),
                qualifying.week_cells(weekdays, chosen.days, marks[pid]),
                week_tally.attendance_rate,
                rules.meets(week_tally.attendance_rate, line),
                year[pid].attendance_rate if pid in year else None,
                qualifying.goal_progress(year.get(pid), goal.target_pct) if goal else None,
                goal.note if goal else "",
            )
        )
    return Booklet(group.name, chosen, weekdays, line, year_first, rows)


# --- Personal goals (003: set by pastoral staff) ---------------------------------------------


@dataclass(frozen=True)
class GoalPage:
    current: PersonalGoal | None
    progress: qualifying.GoalProgress | None
    history: list[PersonalGoal]  # every goal, newest first (ended ones kept)
    year_first: date


def goal_page(pupil, *, today: date) -> GoalPage:
    """The pupil's goals and the current one's progress: year-to-date attendance (from
    1 August, inside the pupil's time on roll) against the goal. Two queries."""
    year_first = date(rules.academic_year_start(today), 8, 1)
    goals = list(PersonalGoal.objects.filter(pupil=pupil).select_related("set_by"))
    current = next((g for g in goals if g.ended_on is None), None)
    progress = None
    if current is not None:
        found = pupil_tallies(pupil.school, year_first, today, [pupil.pk]).get(pupil.pk)
        progress = qualifying.goal_progress(found, current.target_pct)
    return GoalPage(current, progress, goals, year_first)

"""Reads for caseloads: my caseload and what is due, the allocations with their caps, and the
weekly procedure tracker (`procedures_done` is what the weekly report reads)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Q

from rollbook.casework import rules
from rollbook.casework.models import (
    Case,
    CaseStatus,
    CaseTask,
    FamilyAssignment,
    ProcedureTick,
)
from rollbook.core import calendar
from rollbook.core.access import roles_at
from rollbook.core.models import School
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Pupil
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Rate


@dataclass(frozen=True)
class FamilyRow:
    assignment_id: int
    family_id: int
    reference: str
    children: tuple[tuple[int, str], ...]  # (pupil id, name)
    caseload: str
    assigned_on: date
    over_cap: bool


@dataclass(frozen=True)
class TaskRow:
    task_id: int
    pupil_id: int
    pupil_name: str
    title: str
    kind: str
    due_on: date


@dataclass(frozen=True)
class MyCaseload:
    day: date
    week: tuple[date, date]
    families: tuple[FamilyRow, ...]
    cases: tuple[Case, ...]
    due_now: tuple[TaskRow, ...]  # due on `day` or overdue, not done
    due_later: tuple[TaskRow, ...]  # later this week


def _caseload_names(school: School) -> dict[str, str]:
    policy, _ = active_policy(school)
    return {c.key: c.name for c in policy.caseloads}


def _family_rows(assignments, names: dict[str, str]) -> tuple[FamilyRow, ...]:
    return tuple(
        FamilyRow(
            assignment_id=a.pk,
            family_id=a.family_id,
            reference=a.family.reference,
            children=tuple((p.pk, p.display_name) for p in a.family.pupils.all()),
            caseload=names.get(a.caseload, a.caseload),
            assigned_on=a.assigned_on,
            over_cap=a.over_cap,
        )
        for a in assignments
    )


def my_caseload(school: School, user, day: date) -> MyCaseload:
    """My families, my open cases, and my tasks due by the end of the week (four queries)."""
    assignments = (
        FamilyAssignment.objects.filter(school=school, holder=user, ended_on__isnull=True)
        .select_related("family")
        .prefetch_related("family__pupils")
    )
    cases = tuple(
        Case.objects.filter(school=school, owner=user, status=CaseStatus.OPEN)
        .select_related("pupil")
        .order_by("next_review_on", "id")
    )
    monday, sunday = rules.week_of(day)
    roles = roles_at(user, school)
    mine = Q(assigned_to=user) | Q(assigned_to__isnull=True, assigned_role__in=roles)
    if not rules.may_read_safeguarding(roles, superuser=getattr(user, "is_superuser", False)):
        mine &= Q(safeguarding=False)  # the DSL's tasks, whoever they name
    tasks = {
        t.pk: t
        for t in CaseTask.objects.filter(school=school, done_at__isnull=True, due_on__lte=sunday)
        .filter(mine)
        .select_related("pupil")
    }
    now, later = rules.due_now_and_this_week(
        (rules.TaskDue(t.pk, t.due_on, False) for t in tasks.values()), day
    )

    def row(due: rules.TaskDue) -> TaskRow:
        t = tasks[due.task_id]
        return TaskRow(t.pk, t.pupil_id, t.pupil.display_name, t.title, t.kind, t.due_on)

    return MyCaseload(
        day=day,
        week=(monday, sunday),
        families=_family_rows(assignments, _caseload_names(school)),
        cases=cases,
        due_now=tuple(row(t) for t in now),
        due_later=tuple(row(t) for t in later),
    )


@dataclass(frozen=True)
class HolderRow:
    username: str
    caseload: str
    held: int
    cap: int | None
    families: tuple[FamilyRow, ...]

    @property
    def over(self) -> bool:
        return self.cap is not None and self.held > self.cap


def allocations(school: School, day: date) -> tuple[HolderRow, ...]:
    """Each holder and caseload: families held this period against the cap (two queries)."""
    policy, _ = active_policy(school)
    entries = {c.key: c for c in policy.caseloads}
    terms = school.calendar().terms
    spells: dict[tuple[str, str], list] = defaultdict(list)
    current: dict[tuple[str, str], list] = defaultdict(list)
    rows = (
        FamilyAssignment.objects.filter(school=school)
        .select_related("holder", "family")
        .prefetch_related("family__pupils")
        .order_by("holder__username", "caseload", "assigned_on", "id")
    )
    for a in rows:
        key = (a.holder.get_username(), a.caseload)
        spells[key].append((a.assigned_on, a.ended_on))
        if a.ended_on is None:
            current[key].append(a)
    names = {k: c.name for k, c in entries.items()}
    result = []
    for (holder, caseload), held_spells in spells.items():
        entry = entries.get(caseload)
        first, last = rules.cap_period(entry.per if entry else "year", day, terms)
        result.append(
            HolderRow(
                username=holder,
                caseload=names.get(caseload, caseload or "Caseload"),
                held=rules.families_held(held_spells, first, last),
                cap=entry.max_families if entry else None,
                families=_family_rows(current[(holder, caseload)], names),
            )
        )
    return tuple(result)


def possible_holders(school: School):
    """Staff who may hold families: a role that a caseload names, or (no caps) case writers."""
    policy, _ = active_policy(school)
    roles = {c.role for c in policy.caseloads} or set(rules.WRITE_ROLES)
    return (
        get_user_model()
        .objects.filter(staff_roles__school=school, staff_roles__role__in=roles)
        .distinct()
        .order_by("username")
    )


def caseload_choices(school: School) -> list[tuple[str, str]]:
    policy, _ = active_policy(school)
    return [(c.key, f"{c.name} (cap {c.max_families})") for c in policy.caseloads]


# --- The weekly procedure tracker -------------------------------------------------------------


@dataclass(frozen=True)
class TrackerRow:
    pupil_id: int
    name: str
    class_name: str
    attendance: Rate
    done: frozenset[str]


def pa_pupils(school: School, as_of: date) -> list[Pupil]:
    """Pupils persistently absent (DfE line) over the academic year to `as_of` (two queries)."""
    first = date(calendar.academic_year_of(as_of), 8, 1)
    tallies = pupil_tallies(school, first, as_of)
    ids = [pk for pk, t in tallies.items() if t.persistent_absence]
    pupils = list(
        Pupil.objects.on_roll(as_of)
        .filter(school=school, pk__in=ids)
        .select_related("registration_group")
        .order_by("registration_group__name", "legal_surname", "legal_forename")
    )
    for p in pupils:
        p.tally = tallies[p.pk]
    return pupils


def procedures_done(school: School, week_start: date) -> dict[int, set[str]]:
    """{pupil id: procedures ticked on the tracker for the week holding `week_start`}."""
    monday, _ = rules.week_of(week_start)
    done: dict[int, set[str]] = defaultdict(set)
    for pupil_id, procedure in ProcedureTick.objects.filter(
        school=school, week_start=monday, cleared_at__isnull=True
    ).values_list("pupil_id", "procedure"):
        done[pupil_id].add(procedure)
    return dict(done)


def tracker(school: School, week_start: date, as_of: date) -> tuple[TrackerRow, ...]:
    """The grid: PA pupils as of the end of the week (or `as_of`, if sooner) x procedures."""
    monday, sunday = rules.week_of(week_start)
    done = procedures_done(school, monday)
    return tuple(
        TrackerRow(
            pupil_id=p.pk,
            name=p.display_name,
            class_name=p.registration_group.name if p.registration_group else "",
            attendance=Rate(p.tally.attendance_rate),
            done=frozenset(done.get(p.pk, ())),
        )
        for p in pa_pupils(school, min(sunday, as_of))
    )

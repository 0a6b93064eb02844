"""Long absences (S000-59, S002-76, S002-77): a daily sweep that keeps in touch with pupils
away for a long time and plans their return. The rule is `rules.long_absence`; this module
reads the marks (one query), then makes the tasks, each with a key so a rerun adds nothing.

Run it with `rollbook long_absences [--as-of DATE] [--school URN]` (after the registers).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from rollbook.casework import rules
from rollbook.casework.models import Case, CaseStatus, CaseTask, TaskKind
from rollbook.core import audit
from rollbook.core.models import Role, School
from rollbook.pupils.models import Pupil
from rollbook.registers import codes
from rollbook.registers.models import Mark

WINDOW_SCHOOL_DAYS = 60  # how far back a run of absence is looked for


@dataclass(frozen=True)
class Planned:
    key: str
    pupil_id: int
    kind: str  # a TaskKind value
    title: str
    assigned_role: str


def _whole_days_absent(
    school: School, first: date, last: date
) -> dict[int, list[tuple[date, bool]]]:
    """{pupil id: [(day, every session marked was an absence)]}, oldest first (one query)."""
    sessions: dict[tuple[int, date], list[bool]] = defaultdict(list)
    for pupil_id, day, code in (
        Mark.objects.filter(school=school, date__range=(first, last))
        .values_list("pupil_id", "date", "code")
        .order_by("pupil_id", "date")
    ):
        definition = codes.definition(code, day)
        if definition is None or not definition.counts_as_possible:
            continue  # not a possible session (e.g. closed): says nothing about the run
        sessions[(pupil_id, day)].append(definition.is_absence)
    days: dict[int, list[tuple[date, bool]]] = defaultdict(list)
    for (pupil_id, day), absent in sorted(sessions.items()):
        days[pupil_id].append((day, all(absent)))
    return days


def plan(school: School, as_of: date) -> list[Planned]:
    """The tasks the rule calls for as of `as_of` (keys included; nothing is written)."""
    school_days = school.calendar().school_days(None, as_of)[-WINDOW_SCHOOL_DAYS:]
    if not school_days:
        return []
    open_days = set(school_days)
    found = []
    for pupil_id, days in _whole_days_absent(school, school_days[0], as_of).items():
        run = rules.long_absence([d for d in days if d[0] in open_days])
        if run is None:
            continue
        base = f"{pupil_id}:{run.first_day.isoformat()}"
        since = f"{run.first_day:%-d %b}"
        if run.returned:
            found.append(
                Planned(
                    f"reintegration:{base}",
                    pupil_id,
                    TaskKind.REINTEGRATION,
                    f"Welcome back after {run.days} school days away (from {since})",
                    Role.SENCO,
                )
            )
            continue
        found.append(
            Planned(
                f"return_plan:{base}",
                pupil_id,
                TaskKind.RETURN_PLAN,
                f"Plan the return: away {run.days} school days since {since}",
                Role.ATTENDANCE_LEAD,
            )
        )
        found.append(
            Planned(
                f"keep_in_touch:{base}:{run.keep_in_touch_round}",
                pupil_id,
                TaskKind.KEEP_IN_TOUCH,
                f"Keep in touch (week {run.keep_in_touch_round + 1} of a long absence)",
                Role.OFFICE,
            )
        )
    return found


def make_long_absence_tasks(
    *, school: School, as_of: date, actor_label: str = "rollbook long_absences", now=None
) -> list[CaseTask]:
    """Make the tasks `plan` finds that do not exist yet; idempotent (keyed). A task goes on the
    pupil's open case if there is one (the case owner then holds the return plan)."""
    now: datetime = now or timezone.now()
    wanted = plan(school, as_of)
    with transaction.atomic(durable=True):
        have = set(
            CaseTask.objects.filter(
                school=school, dedupe_key__in=[p.key for p in wanted]
            ).values_list("dedupe_key", flat=True)
        )
        todo = [p for p in wanted if p.key not in have]
        cases = {
            c.pupil_id: c
            for c in Case.objects.filter(
                pupil_id__in={p.pupil_id for p in todo}, status=CaseStatus.OPEN
            ).select_related("owner")
        }
        pupils = Pupil.objects.in_bulk({p.pupil_id for p in todo})
        made = []
        for p in todo:
            case = cases.get(p.pupil_id)
            owner = case.owner if case and p.kind == TaskKind.RETURN_PLAN else None
            task = CaseTask.objects.create(
                school=school,
                case=case,
                pupil=pupils[p.pupil_id],
                kind=p.kind,
                title=p.title,
                due_on=as_of,
                assigned_to=owner,
                assigned_role="" if owner else p.assigned_role,
                created_at=now,
                dedupe_key=p.key,
            )
            audit.record(
                "case_task.created",
                actor_label=actor_label,
                school=school,
                obj=task,
                pupil_id=p.pupil_id,
                task_kind=p.kind,
                due_on=as_of.isoformat(),
                assigned_to=owner.get_username() if owner else "",
                automatic=True,
            )
            made.append(task)
        return made

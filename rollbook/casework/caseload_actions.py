"""Writes for caseloads (families allocated to staff, with the policy's caps) and the weekly
procedure tracker; each writes one AuditEvent."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from rollbook.casework import rules
from rollbook.casework.models import FamilyAssignment, ProcedureTick
from rollbook.casework.rules import CaseError
from rollbook.core import audit
from rollbook.core.access import roles_at
from rollbook.core.models import School
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Family


class OverCap(CaseError):
    """One more family would pass the holder's cap: the allocator must confirm."""


def caseload_for(school: School, holder, key: str):
    """The policy's caseload `key` if `holder` may hold it; None when the policy sets no caps."""
    policy, _ = active_policy(school)
    if not policy.caseloads:
        if key:
            raise CaseError("This school's policy has no caseloads.")
        if not rules.may_write(roles_at(holder, school)):
            raise CaseError("Families can be given only to office or senior staff.")
        return None
    allowed = rules.caseloads_for(policy.caseloads, roles_at(holder, school))
    chosen = next((c for c in allowed if c.key == key), None)
    if chosen is None:
        names = ", ".join(c.name for c in allowed) or "none"
        raise CaseError(f"{holder.get_username()} cannot hold that caseload (may hold: {names}).")
    return chosen


def families_held(school: School, holder, caseload: str, on: date) -> int:
    """Families on the holder's caseload at any time in the cap's period."""
    policy, _ = active_policy(school)
    entry = next((c for c in policy.caseloads if c.key == caseload), None)
    first, last = rules.cap_period(entry.per if entry else "year", on, school.calendar().terms)
    spells = FamilyAssignment.objects.filter(
        school=school, holder=holder, caseload=caseload
    ).values_list("assigned_on", "ended_on")
    return rules.families_held(spells, first, last)


def assign_family(
    *,
    actor=None,
    actor_label: str = "",
    family: Family,
    holder,
    caseload: str = "",
    on: date,
    confirm: bool = False,
) -> FamilyAssignment:
    """Put a family on a member of staff's caseload (handing it over from anyone else).

    Past the policy's cap this raises OverCap with the warning, unless `confirm`: then the
    allocation goes ahead and the audit row records the override and the warning.
    """
    school = family.school
    with transaction.atomic(durable=True):
        entry = caseload_for(school, holder, caseload)
        held = families_held(school, holder, caseload, on)
        warning = rules.cap_warning(
            held=held,
            cap=entry.max_families if entry else None,
            holder=holder.get_username(),
            caseload=entry.name if entry else "",
        )
        if warning and not confirm:
            raise OverCap(warning)
        previous = (
            FamilyAssignment.objects.select_for_update(of=("self",))
            .select_related("holder")
            .filter(family=family, ended_on__isnull=True)
            .first()
        )
        if previous is not None:
            if previous.holder_id == holder.pk and previous.caseload == caseload:
                raise CaseError(f"{holder.get_username()} already holds this family.")
            previous.ended_on, previous.ended_by = on, audit.user_or_none(actor)
            previous.ended_reason = f"Handed to {holder.get_username()}"
            previous.save(update_fields=["ended_on", "ended_by", "ended_reason"])
        assignment = FamilyAssignment.objects.create(
            school=school,
            family=family,
            holder=holder,
            caseload=caseload,
            assigned_on=on,
            assigned_by=audit.user_or_none(actor),
            over_cap=bool(warning),
        )
        audit.record(
            "family.assigned",
            actor=actor,
            actor_label=actor_label,
            school=school,
            obj=assignment,
            reason=warning,  # the warning the allocator confirmed, if any
            family=family.reference,
            holder=holder.get_username(),
            old_holder=previous.holder.get_username() if previous else "",
            caseload=caseload,
            cap=entry.max_families if entry else None,
            held_before=held,
            override=bool(warning),
            on=on.isoformat(),
        )
        return assignment


def end_assignment(
    *, actor=None, actor_label: str = "", assignment: FamilyAssignment, reason: str, on: date
) -> FamilyAssignment:
    if not reason.strip():
        raise CaseError("Give a reason for handing the family back.")
    with transaction.atomic(durable=True):
        assignment = FamilyAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
        if assignment.ended_on is not None:
            raise CaseError("This family has already been handed back.")
        assignment.ended_on, assignment.ended_by = on, audit.user_or_none(actor)
        assignment.ended_reason = reason.strip()
        assignment.save(update_fields=["ended_on", "ended_by", "ended_reason"])
        audit.record(
            "family.handed_back",
            actor=actor,
            actor_label=actor_label,
            school=assignment.school,
            obj=assignment,
            reason=assignment.ended_reason,
            on=on.isoformat(),
        )
        return assignment


def save_tracker_week(
    *,
    actor=None,
    actor_label: str = "",
    school: School,
    week_start: date,
    pupil_ids: set[int],
    ticks: set[tuple[int, str]],
    now: datetime | None = None,
) -> tuple[int, int]:
    """Make the week's saved ticks for these pupils equal `ticks`: (added, cleared).

    Idempotent: saving the same grid again changes nothing and writes no audit row. Unticking
    keeps the row with `cleared_at` (nothing is deleted); ticking again brings it back.
    """
    monday, _ = rules.week_of(week_start)
    ticks = {(p, k) for p, k in ticks if p in pupil_ids and k in rules.PROCEDURES}
    now = now or timezone.now()
    with transaction.atomic(durable=True):
        rows = {
            (t.pupil_id, t.procedure): t
            for t in ProcedureTick.objects.select_for_update().filter(
                school=school, week_start=monday, pupil_id__in=pupil_ids
            )
        }
        saved = {key for key, t in rows.items() if t.cleared_at is None}
        add, clear = rules.tick_changes(saved, ticks)
        for pupil_id, procedure in sorted(add):
            row = rows.get((pupil_id, procedure))
            if row is None:
                ProcedureTick.objects.create(
                    school=school,
                    pupil_id=pupil_id,
                    week_start=monday,
                    procedure=procedure,
                    ticked_at=now,
                    ticked_by=audit.user_or_none(actor),
                )
            else:
                row.ticked_at, row.ticked_by = now, audit.user_or_none(actor)
                row.cleared_at = row.cleared_by = None
                row.save(update_fields=["ticked_at", "ticked_by", "cleared_at", "cleared_by"])
        for key in clear:
            row = rows[key]
            row.cleared_at, row.cleared_by = now, audit.user_or_none(actor)
            row.save(update_fields=["cleared_at", "cleared_by"])
        if add or clear:
            audit.record(
                "procedure.tracker_saved",
                actor=actor,
                actor_label=actor_label,
                school=school,
                week_start=monday.isoformat(),
                added=sorted([p, k] for p, k in add),
                cleared=sorted([p, k] for p, k in clear),
            )
        return len(add), len(clear)

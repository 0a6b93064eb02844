"""Taking a register, signing in late arrivals and bulk coding: atomic, audited, never silent.

Kept apart from `actions.py` (imports and single amendments) so each module stays small;
both share the revision and insert helpers there.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from rollbook.core import audit
from rollbook.core.audit import user_or_none
from rollbook.core.calendar import Session
from rollbook.pupils.models import Pupil, RegistrationGroup
from rollbook.pupils.rules import is_compulsory_school_age
from rollbook.registers import codes, taking
from rollbook.registers.actions import MarkError, insert_marks, revision_for, save_marks
from rollbook.registers.importing import MarkRow
from rollbook.registers.models import Mark, MarkRevision, Register, Source


@dataclass(frozen=True)
class Entry:
    """One pupil's mark as submitted, with the version of the mark the person saw (0: none)."""

    pupil_id: int
    code: str
    minutes_late: int | None = None
    seen_version: int = 0


@dataclass(frozen=True)
class Conflict:
    pupil_id: int
    pupil_name: str
    current_code: str
    your_code: str


class RegisterConflict(MarkError):
    """Someone else changed marks on this register since it was opened; nothing was saved."""

    def __init__(self, conflicts: list[Conflict]):
        self.conflicts = conflicts
        names = ", ".join(f"{c.pupil_name} (now {c.current_code})" for c in conflicts)
        super().__init__(f"someone else changed this register while you had it open: {names}")


@dataclass(frozen=True)
class OpenRegister:
    """A class's register for one session as it stands: the pupils on roll, their marks and
    the register row (None until first saved)."""

    pupils: list[Pupil]
    marks: dict[int, Mark]
    register: Register | None
    locked: bool  # read with the marks locked, inside the transaction that will save


def open_register(
    group: RegistrationGroup, day: date, session: Session, *, lock: bool = False
) -> OpenRegister:
    """Read a register (three queries). With `lock`, inside `transaction.atomic()`, the marks
    stay locked until the transaction ends, so the form can be checked and the register saved
    against one reading: `take_register(..., opened=...)` then reads nothing again."""
    if lock and not connection.in_atomic_block:
        raise RuntimeError("open_register(lock=True) must run inside transaction.atomic()")
    pupils = list(group.pupils.on_roll(day))
    marks = Mark.objects.filter(pupil_id__in=[p.pk for p in pupils], date=day, session=session)
    if lock:
        marks = marks.select_for_update()
    register = (
        Register.objects.filter(registration_group=group, date=day, session=session)
        .select_related("submitted_by")
        .first()
    )
    return OpenRegister(pupils, {m.pupil_id: m for m in marks}, register, lock)


def check_entry(entry: Entry, pupil: Pupil, day: date, office: bool) -> str | None:
    if codes.check_code(entry.code, day) is not None:
        return f"{pupil.display_name}: {entry.code!r} is not a code that can be recorded for {day}"
    if not taking.may_enter(entry.code, office=office):
        return f"{pupil.display_name}: only the office can enter {entry.code!r}"
    if entry.minutes_late is not None and entry.code not in ("L", "U"):
        return f"{pupil.display_name}: minutes late go with L or U only"
    rule = codes.definition(entry.code, day).age_rule
    compulsory = is_compulsory_school_age(pupil.date_of_birth, day)
    if rule is codes.AgeRule.NON_COMPULSORY_ONLY and compulsory:
        return f"{pupil.display_name}: X is only for pupils below compulsory school age"
    if rule is codes.AgeRule.COMPULSORY_ONLY and not compulsory:
        return f"{pupil.display_name}: C2 is only for pupils of compulsory school age"
    return None


@transaction.atomic
def take_register(
    *,
    actor,
    group: RegistrationGroup,
    day: date,
    session: Session,
    entries: list[Entry],
    office: bool,
    reason: str = "",
    now: datetime | None = None,
    opened: OpenRegister | None = None,
    evidence: str = "",
) -> Register:
    """Save a class's register. Every pupil on roll must end up with a mark.

    An M added or changed here needs `evidence` (`taking.EVIDENCE_TYPES`, S002-69): it is
    kept in the audit event and in the reason of each changed mark's revision.

    A teacher may enter only teacher codes and cannot change marks the office set.
    Any change to a mark that already exists needs a reason. If someone else changed a mark
    since the form was opened, nothing is saved and the conflicts are reported.
    `opened`: the register as the caller read it with `open_register(lock=True)` in the
    transaction this runs in (the register page's save does, to check its form).
    """
    now = now or timezone.now()
    if opened is None:
        opened = open_register(group, day, session, lock=True)
    elif not opened.locked:
        raise ValueError("take_register needs the register read with open_register(lock=True)")
    pupils = {p.pk: p for p in opened.pupils}
    existing = opened.marks
    problems, conflicts, new_rows, changed, revisions = [], [], [], [], []
    for entry in entries:
        pupil = pupils.get(entry.pupil_id)
        if pupil is None:
            problems.append(f"pupil {entry.pupil_id} is not on this class's roll on {day}")
            continue
        if problem := check_entry(entry, pupil, day, office):
            problems.append(problem)
            continue
        mark = existing.get(pupil.pk)
        if mark is None:
            if entry.seen_version:
                conflicts.append(Conflict(pupil.pk, pupil.display_name, "(removed)", entry.code))
            new_rows.append(MarkRow(0, pupil.pk, day, session, entry.code, entry.minutes_late))
            continue
        if mark.version != entry.seen_version:
            if (mark.code, mark.minutes_late) != (entry.code, entry.minutes_late):
                conflicts.append(Conflict(pupil.pk, pupil.display_name, mark.code, entry.code))
            continue
        if (mark.code, mark.minutes_late) == (entry.code, entry.minutes_late):
            continue
        if not office and taking.locked_for_teacher(mark.source):
            problems.append(f"{pupil.display_name}: the office has already recorded {mark.code!r}")
        elif not reason.strip():
            problems.append(
                f"{pupil.display_name}: changing {mark.code!r} to {entry.code!r} needs a reason"
            )
        else:
            revisions.append(
                revision_for(
                    mark, entry.code, entry.minutes_late, actor, "", Source.REGISTER, reason, now
                )
            )
            mark.code, mark.minutes_late, mark.source, mark.updated_at = (
                entry.code,
                entry.minutes_late,
                Source.REGISTER,
                now,
            )
            mark.version += 1
            changed.append(mark)
    new_codes = [r.code for r in new_rows] + [r.new_code for r in revisions]
    if problem := taking.evidence_problem(new_codes, evidence):
        problems.append(problem[:1].lower() + problem[1:])
    if evidence and "M" in new_codes:
        note = taking.evidence_note(evidence)
        for r in revisions:
            if r.new_code == "M":
                r.reason = f"{r.reason}; {note}"
    marked = set(existing) | {r.pupil_id for r in new_rows}
    missing = sorted(p.display_name for pk, p in pupils.items() if pk not in marked)
    if missing:
        problems.append(f"no mark for: {', '.join(missing)}")
    if conflicts:
        raise RegisterConflict(conflicts)
    if problems:
        raise MarkError("; ".join(problems))
    # No savepoints: on an IntegrityError the exception leaves this atomic block, which rolls
    # the whole save back; nothing else runs in the failed transaction.
    try:
        insert_marks(group.school, new_rows, Source.REGISTER, user_or_none(actor), now, None)
    except IntegrityError as e:  # another person's first save won the race
        raise RegisterConflict([]) from e
    Mark.objects.bulk_update(changed, ["code", "minutes_late", "source", "updated_at", "version"])
    MarkRevision.objects.bulk_create(revisions)
    register, created = opened.register, opened.register is None
    if register is not None and not new_rows and not changed:
        return register  # saved again unchanged: nothing to record
    if created:
        try:
            register = Register.objects.create(
                school=group.school,
                registration_group=group,
                date=day,
                session=session,
                submitted_by=user_or_none(actor),
                submitted_at=now,
            )
        except IntegrityError as e:  # saved by someone else since it was read
            raise RegisterConflict([]) from e
    audit.record(
        "register.submitted" if created else "register.amended",
        actor=actor,
        school=group.school,
        obj=register,
        reason=reason,
        group=group.name,
        date=day.isoformat(),
        session=str(session),
        created=len(new_rows),
        changed=[[r.mark_id, r.old_code, r.new_code] for r in revisions],
        **({"evidence": evidence} if evidence and "M" in new_codes else {}),
    )
    return register


@transaction.atomic
def record_late_arrival(
    *,
    actor,
    pupil: Pupil,
    arrived: datetime,
    session: Session,
    reason: str,
    times: taking.RegisterTimes = taking.DEFAULT_TIMES,
) -> Mark:
    """Reception desk sign-in: writes L (before the register closed) or U (after), with minutes."""
    if not reason.strip():
        raise MarkError("record why the pupil was late (e.g. 'doctor's appointment', 'overslept')")
    day = timezone.localtime(arrived).date()
    arrival = taking.arrival_code(arrived, day, session, times)
    label = f"signed in late at {timezone.localtime(arrived):%H:%M}: {reason}"
    mark = Mark.objects.select_for_update().filter(pupil=pupil, date=day, session=session).first()
    now = timezone.now()
    if mark is None:
        mark = Mark.objects.create(
            school=pupil.school,
            pupil=pupil,
            date=day,
            session=session,
            code=arrival.code,
            minutes_late=arrival.minutes_late,
            source=Source.OFFICE,
            entered_by=user_or_none(actor),
            entered_at=now,
            updated_at=now,
        )
    elif (mark.code, mark.minutes_late) != (arrival.code, arrival.minutes_late):
        revision_for(
            mark, arrival.code, arrival.minutes_late, actor, "", Source.OFFICE, label, now
        ).save()
        mark.code, mark.minutes_late, mark.source, mark.updated_at = (
            arrival.code,
            arrival.minutes_late,
            Source.OFFICE,
            now,
        )
        mark.version += 1
        mark.save(update_fields=["code", "minutes_late", "source", "updated_at", "version"])
    audit.record(
        "pupil.signed_in_late",
        actor=actor,
        school=pupil.school,
        obj=mark,
        pupil_id=pupil.pk,
        reason=reason,
        arrived=arrived.isoformat(),
        code=arrival.code,
        minutes_late=arrival.minutes_late,
    )
    return mark


@transaction.atomic
def bulk_code(
    *,
    actor,
    pupils: list[Pupil],
    first: date,
    last: date,
    sessions: tuple[Session, ...],
    code: str,
    reason: str,
):
    """Office: one code for a group over a date range (a trip, a closure), audited as one event."""
    if not pupils:
        raise MarkError("choose at least one pupil")
    if not reason.strip():
        raise MarkError("bulk coding needs a reason (e.g. 'Year 4 trip to the museum')")
    if code == taking.APPOINTMENT:
        raise MarkError("M needs the evidence seen for each pupil: it cannot be bulk coded")
    school = pupils[0].school
    calendar = school.calendar()
    rows, problems = [], []
    for pupil in pupils:
        for day, session in calendar.school_sessions(first, last):
            if (
                session not in sessions
                or day < pupil.admission_date
                or (pupil.leaving_date and day > pupil.leaving_date)
            ):
                continue
            if problem := check_entry(Entry(pupil.pk, code), pupil, day, office=True):
                problems.append(problem)
                break
            rows.append(MarkRow(0, pupil.pk, day, str(session), code, None))
    if problems:
        raise MarkError("; ".join(problems))
    if not rows:
        raise MarkError(f"there are no school sessions between {first} and {last} for these pupils")
    return save_marks(actor=actor, school=school, rows=rows, source=Source.BULK, reason=reason)

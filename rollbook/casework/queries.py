"""Reads for casework: the caseload and the timeline (one query per source, whatever the count)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from django.contrib.auth import get_user_model
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.module_loading import import_string

from rollbook.absences.models import ContactAttempt
from rollbook.casework import rules
from rollbook.casework.models import (
    Case,
    CaseAgency,
    CaseBarrier,
    CaseNote,
    CaseStatus,
    Concern,
)
from rollbook.casework.rules import TimelineEvent
from rollbook.comms.models import Message, Status
from rollbook.core import calendar
from rollbook.core.models import AuditEvent, Role, School
from rollbook.leave.models import Decision, LeaveRequest, PartTimeTimetable
from rollbook.policy.models import Alert, PolicyAction
from rollbook.policy.monitoring import active_policy
from rollbook.pupils.models import Pupil
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Rate, Tally
from rollbook.rewards.models import Award


def _start_of(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def _name(user) -> str:
    return user.get_username() if user is not None else ""


# Other apps' events on the timeline: each names a function (school, pupil_ids, *,
# safeguarding) that yields dicts of add()'s arguments: at, kind (a key of rules.KINDS),
# title, detail, by, pupil_id, safeguarding_note. One query per source, whatever the number
# of pupils; with safeguarding=False a source never fetches safeguarding material at all.
TIMELINE_SOURCES = (
    "rollbook.letters.timeline.events",
    "rollbook.penalties.timeline.events",
    "rollbook.referrals.timeline.events",
    "rollbook.casework.meetings_timeline.events",
    "rollbook.casework.case_timeline.events",
    "rollbook.comms.timeline.events",
)


@dataclass(frozen=True)
class Timeline:
    events: tuple[TimelineEvent, ...]  # newest first, filtered, safe for the reader
    safeguarding_note_ids: dict  # pupil_id -> [note ids shown] (to audit the read)


def timeline(
    school: School,
    pupils: Iterable[Pupil],
    *,
    safeguarding: bool,
    kinds: Iterable[str] = (),
) -> Timeline:
    """Every event about these pupils, newest first: one query per source."""
    names = {p.pk: p.display_name for p in pupils}
    ids = list(names)
    events: list[TimelineEvent] = []

    def add(at, kind, title, detail="", by="", pupil_id=None, safeguarding_note=False):
        if at is None:
            return
        if isinstance(at, date) and not isinstance(at, datetime):
            at = _start_of(at)
        events.append(
            TimelineEvent(
                at=at,
                kind=kind,
                title=title,
                detail=detail,
                by=by,
                pupil_id=pupil_id,
                pupil_name=names.get(pupil_id, ""),
                safeguarding=safeguarding_note,
            )
        )

    for row in AuditEvent.objects.filter(school=school, pupil_id__in=ids).only(
        "at", "kind", "reason", "data", "actor_label", "pupil_id"
    ):
        if rules.audit_is_shown(row.kind):
            kind, title, detail = rules.describe_audit(row.kind, row.reason, row.data or {})
            add(row.at, kind, title, detail, row.actor_label, row.pupil_id)

    for alert in Alert.objects.filter(school=school, pupil_id__in=ids):
        add(
            alert.created_at,
            "alert",
            f"Alert: {alert.kind_label}",
            alert.explanation,
            "",
            alert.pupil_id,
        )

    for action in PolicyAction.objects.filter(school=school, pupil_id__in=ids).select_related(
        "alert", "done_by"
    ):
        label = action.get_kind_display().capitalize()
        add(
            action.alert.created_at,
            "action",
            f"{label} to do",
            f"{action.text} (due {action.due_on:%-d %b %Y})",
            "",
            action.pupil_id,
        )
        add(
            action.done_at,
            "action",
            f"{label} done",
            action.text,
            _name(action.done_by),
            action.pupil_id,
        )

    for attempt in ContactAttempt.objects.filter(pupil_id__in=ids).select_related("by", "contact"):
        who = (
            f" with {attempt.contact.forename} {attempt.contact.surname}" if attempt.contact else ""
        )
        add(
            attempt.at,
            "contact",
            f"{attempt.get_method_display()}: {attempt.get_outcome_display()}",
            f"{who.strip()}{'; ' if who and attempt.note else ''}{attempt.note}".strip(),
            _name(attempt.by),
            attempt.pupil_id,
        )

    messages = (
        Message.objects.filter(school=school, pupils__in=ids)
        .filter(Q(sent_at__isnull=False) | Q(status=Status.CANCELLED))
        # values() first: one group per message and pupil named (valid SQL on PostgreSQL too).
        .values("id", "channel", "subject", "kind", "sent_at", "status", "pupils")
        .annotate(
            cancelled_at=Max("events__at", filter=Q(events__new_status=Status.CANCELLED)),
        )
        .order_by()
    )
    for m in messages:
        what = f"{dict(Message._meta.get_field('channel').choices).get(m['channel'], m['channel'])}"
        detail = m["subject"] or m["kind"].replace("_", " ")
        if m["sent_at"]:
            add(m["sent_at"], "message", f"{what} sent", detail, "", m["pupils"])
        if m["status"] == Status.CANCELLED:
            add(m["cancelled_at"], "message", f"{what} cancelled", detail, "", m["pupils"])

    for award in Award.objects.filter(school=school, pupil_id__in=ids).select_related("awarded_by"):
        add(
            award.created_at,
            "award",
            f"Award: {award.name}",
            award.period_label,
            _name(award.awarded_by),
            award.pupil_id,
        )

    leave = (
        LeaveRequest.objects.filter(school=school, pupils__in=ids)
        .select_related("created_by")
        .values(
            "id",
            "pupils",
            "created_at",
            "first_date",
            "last_date",
            "reason_text",
            "decision",
            "decided_on",
            "decided_by_label",
            "decision_reason",
            "created_by__username",
        )
    )
    for r in leave:
        dates = f"{r['first_date']:%-d %b} to {r['last_date']:%-d %b %Y}"
        add(
            r["created_at"],
            "leave",
            "Leave requested",
            f"{dates}: {r['reason_text']}",
            r["created_by__username"] or "",
            r["pupils"],
        )
        if r["decision"] != Decision.PENDING and r["decided_on"]:
            add(
                r["decided_on"],
                "leave",
                f"Leave {dict(Decision.choices).get(r['decision'], r['decision']).lower()}",
                r["decision_reason"],
                r["decided_by_label"],
                r["pupils"],
            )

    for t in PartTimeTimetable.objects.filter(school=school, pupil_id__in=ids).select_related(
        "created_by"
    ):
        add(
            t.created_at,
            "part_time",
            "Part-time timetable agreed",
            f"{t.start_date:%-d %b} to {t.end_date:%-d %b %Y} ({', '.join(t.sessions)}): {t.reason}",
            _name(t.created_by),
            t.pupil_id,
        )

    for source in TIMELINE_SOURCES:
        for event in import_string(source)(school, ids, safeguarding=safeguarding):
            add(**event)

    notes = CaseNote.objects.filter(pupil_id__in=ids).select_related("by")
    if not safeguarding:
        notes = notes.filter(safeguarding=False)  # never fetched for anyone else
    shown: dict[int, list[int]] = {}
    for note in notes:
        title = "Safeguarding note" if note.safeguarding else "Note"
        add(note.at, "note", title, note.text, _name(note.by), note.pupil_id, note.safeguarding)
        if note.safeguarding:
            shown.setdefault(note.pupil_id, []).append(note.pk)

    visible = rules.visible_events(rules.order_events(events), safeguarding=safeguarding)
    chosen = rules.filter_events(visible, kinds)
    read_pupils = {e.pupil_id for e in chosen if e.safeguarding}
    read = {pid: ids_ for pid, ids_ in shown.items() if pid in read_pupils}
    return Timeline(events=tuple(chosen), safeguarding_note_ids=read)


# --- The caseload and the family ----------------------------------------------------------------


@dataclass(frozen=True)
class CaseRow:
    case_id: int
    pupil_id: int
    pupil_name: str
    class_name: str
    family_id: int | None
    stage: str
    owner: str
    next_review_on: date | None
    opened_at: datetime


def caseload(
    school: School, *, owner_id: int | None = None, stage: str = ""
) -> tuple[CaseRow, ...]:
    cases = (
        Case.objects.filter(school=school, status=CaseStatus.OPEN)
        .select_related("pupil__registration_group", "owner")
        .order_by("next_review_on", "pupil__legal_surname", "id")
    )
    if owner_id is not None:
        cases = cases.filter(owner_id=owner_id)
    if stage:
        cases = cases.filter(stage=stage)
    return tuple(
        CaseRow(
            case_id=c.pk,
            pupil_id=c.pupil_id,
            pupil_name=c.pupil.display_name,
            class_name=c.pupil.registration_group.name if c.pupil.registration_group else "",
            family_id=c.family_id,
            stage=c.stage,
            owner=_name(c.owner),
            next_review_on=c.next_review_on,
            opened_at=c.opened_at,
        )
        for c in cases
    )


def stages(school: School) -> list[str]:
    return list(
        Case.objects.filter(school=school, status=CaseStatus.OPEN)
        .exclude(stage="")
        .order_by("stage")
        .values_list("stage", flat=True)
        .distinct()
    )


def stage_names(school: School) -> list[str]:
    """The active policy's stage names, in its order (what Case.stage holds)."""
    policy, _ = active_policy(school)
    return [s.name for s in policy.stages]


def school_staff(school: School):
    """Everyone with a staff role at the school (a return plan's key adult, for one)."""
    return (
        get_user_model().objects.filter(staff_roles__school=school).distinct().order_by("username")
    )


def staff_owners(school: School):
    """Users who may own a case at the school."""
    return (
        get_user_model()
        .objects.filter(staff_roles__school=school, staff_roles__role__in=rules.WRITE_ROLES)
        .distinct()
        .order_by("username")
    )


def open_case_for(pupil: Pupil) -> Case | None:
    return (
        Case.objects.filter(pupil=pupil, status=CaseStatus.OPEN)
        .select_related("owner", "school")
        .first()
    )


@dataclass(frozen=True)
class ChildFigures:
    pupil_id: int
    name: str
    class_name: str
    tally: Tally
    attendance_rate: Rate
    has_open_case: bool


def family_figures(school: School, pupils: list[Pupil], today: date) -> tuple[ChildFigures, ...]:
    """Each child's attendance this academic year so far, side by side (two queries)."""
    start = date(calendar.academic_year_of(today), 8, 1)
    tallies = pupil_tallies(school, start, today, [p.pk for p in pupils])
    open_ids = set(
        Case.objects.filter(pupil__in=pupils, status=CaseStatus.OPEN).values_list(
            "pupil_id", flat=True
        )
    )
    rows = []
    for p in pupils:
        tally = tallies.get(p.pk, Tally())
        rows.append(
            ChildFigures(
                pupil_id=p.pk,
                name=p.display_name,
                class_name=p.registration_group.name if p.registration_group else "",
                tally=tally,
                attendance_rate=Rate(tally.attendance_rate),
                has_open_case=p.pk in open_ids,
            )
        )
    return tuple(rows)


def barriers_of(case: Case | None) -> tuple[CaseBarrier, ...]:
    """The barriers on a case, in the order recorded (one query; none without a case)."""
    if case is None:
        return ()
    return tuple(CaseBarrier.objects.filter(case=case).select_related("recorded_by"))


def barrier_counts(school: School) -> list[tuple[str, str, int]]:
    """Open cases by barrier category: (key, label, count), every category (one query)."""
    return rules.barrier_counts(
        CaseBarrier.objects.filter(school=school, case__status=CaseStatus.OPEN).values_list(
            "category", flat=True
        )
    )


def agencies_of(case: Case | None, *, safeguarding: bool) -> tuple[CaseAgency, ...]:
    """The agencies on a case the reader may see (one query; none without a case)."""
    if case is None:
        return ()
    rows = CaseAgency.objects.filter(case=case).select_related("recorded_by")
    if not safeguarding:
        rows = rows.exclude(agency__in=rules.SAFEGUARDING_AGENCIES)
    return tuple(rows)


def agency_counts(school: School, *, safeguarding: bool) -> list[tuple[str, str, int]]:
    """Open cases by agency involved (a case counts once per agency): one query. Children's
    social care is counted for the DSL only."""
    pairs = (
        CaseAgency.objects.filter(school=school, case__status=CaseStatus.OPEN)
        .values_list("case_id", "agency")
        .order_by()  # no ordering columns in the DISTINCT
        .distinct()
    )
    return rules.agency_counts((a for _, a in pairs), safeguarding=safeguarding)


@dataclass(frozen=True)
class ConcernRow:
    concern_id: int
    raised_at: datetime
    raised_by: str
    text: str
    kind: str
    assigned_to: str  # a username, or the role's label
    done: bool
    done_note: str


def concerns_for(
    pupil: Pupil, *, reader, safeguarding: bool, own_only: bool
) -> tuple[ConcernRow, ...]:
    """A pupil's concerns and the state of their tasks, newest first (one query): only the
    reader's own with `own_only` (a class teacher); safeguarding concerns only for a reader of
    safeguarding material, or the member of staff who raised it."""
    rows = Concern.objects.filter(pupil=pupil).select_related("raised_by", "task__assigned_to")
    if own_only:
        rows = rows.filter(raised_by=reader)
    if not safeguarding:
        rows = rows.filter(Q(safeguarding=False) | Q(raised_by=reader))
    roles = dict(Role.choices)
    return tuple(
        ConcernRow(
            concern_id=c.pk,
            raised_at=c.raised_at,
            raised_by=_name(c.raised_by),
            text=c.text,
            kind=c.get_kind_display(),
            assigned_to=(
                _name(c.task.assigned_to) or roles.get(c.task.assigned_role, "") if c.task else ""
            ),
            done=bool(c.task and c.task.done_at),
            done_note=c.task.done_note if c.task else "",
        )
        for c in rows
    )


def meeting_attendance(case: Case | None) -> dict[str, int]:
    """How often the parents came to this case's meetings (one query; zeros without a case)."""
    if case is None:
        return rules.parent_attendance_counts(())
    return rules.parent_attendance_counts(case.meetings.values_list("parent_attendance", flat=True))

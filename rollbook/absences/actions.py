"""The office's follow-up writes: contact attempts, the reason for an absence, register chases,
and parents' absence reports (submitted from the portal, accepted or queried by the office).

Each action is atomic and writes one AuditEvent (recording a reason writes one per mark,
through `registers.actions.change_mark`, which keeps the revision history).

`chase_register` writes a `registers.RegisterChase`. It lives here, with the rest of the
office's follow-up, because the registers app's action modules belong to the register work;
it can move to `registers.register_actions` without changing its signature.
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from rollbook.absences import rules
from rollbook.absences.models import (
    AbsenceReport,
    ContactAttempt,
    ContactMethod,
    ContactOutcome,
    NoteAuthor,
    ReportNote,
    ReportStatus,
)
from rollbook.core import audit
from rollbook.core.audit import user_or_none
from rollbook.core.calendar import Session
from rollbook.leave.rules import sessions_between
from rollbook.pupils.models import Contact, Pupil, RegistrationGroup
from rollbook.registers.actions import MarkError, change_mark, save_marks
from rollbook.registers.codes import Stat, stat_of
from rollbook.registers.importing import MarkRow
from rollbook.registers.models import Mark, Register, RegisterChase, Source
from rollbook.registers.register_actions import Entry, check_entry


class FollowUpError(ValueError):
    """A follow-up the office asked for that cannot be recorded; the message says why."""


@transaction.atomic
def log_contact_attempt(
    *,
    actor,
    pupil: Pupil,
    method: str,
    outcome: str,
    contact: Contact | None = None,
    note: str = "",
    at: datetime | None = None,
) -> ContactAttempt:
    """Record one call, text, email or home visit about a pupil's absence, and what came of it."""
    if method not in ContactMethod.values:
        raise FollowUpError(f"{method!r} is not a way of contacting a family")
    if outcome not in ContactOutcome.values:
        raise FollowUpError(f"{outcome!r} is not an outcome")
    if outcome == ContactOutcome.CHILD_SEEN and method != ContactMethod.HOME_VISIT:
        raise FollowUpError("the outcome “child seen” is only for a home visit")
    if ContactOutcome.OTHER in (method, outcome) and not note.strip():
        raise FollowUpError("add a note saying what happened")
    if contact is not None and not contact.pupil_links.filter(pupil=pupil).exists():
        raise FollowUpError(f"{contact} is not a contact of {pupil.display_name}")
    attempt = ContactAttempt.objects.create(
        pupil=pupil,
        contact=contact,
        at=at or timezone.now(),
        by=user_or_none(actor),
        method=method,
        outcome=outcome,
        note=note.strip(),
    )
    audit.record(
        "absence.contact_attempt",
        actor=actor,
        school=pupil.school,
        obj=attempt,
        pupil_id=pupil.pk,
        method=method,
        outcome=outcome,
        contact_id=contact.pk if contact else None,
    )
    return attempt


@transaction.atomic
def record_absence_reason(
    *,
    actor,
    marks: list[tuple[Mark, int]],
    code: str,
    reason: str,
    reason_key: str = "",
    evidence: str = "",
) -> list[Mark]:
    """Replace `N` with the code for the reason found, on each (mark, version the person saw).

    `reason_key`: one of the never-acceptable reasons (`rules.NEVER_ACCEPTABLE`), which sets
    the code by itself (O; G for unauthorised leave). `evidence`: what the office saw
    (`rules.EVIDENCE_TYPES`), needed for M and, for a pupil flagged "evidence required",
    for I. Both go into the reason kept on each mark's revision and audit event.
    All or nothing: if any mark changed since the page was opened, none is changed.
    """
    if not marks:
        raise FollowUpError("choose the morning, the afternoon or both")
    flagged = any(mark.pupil.evidence_required for mark, _ in marks)
    code, problem = rules.reason_code(
        code=code, reason_key=reason_key, evidence=evidence, evidence_required=flagged
    )
    if problem:
        raise FollowUpError(problem[1][:1].lower() + problem[1][1:])
    if code == "N":
        raise FollowUpError("choose the code for the reason (N means the reason is not known)")
    if not reason.strip() and not reason_key:
        raise FollowUpError("say what the reason is and who gave it (e.g. “Mum phoned: sickness”)")
    reason = "; ".join(
        part
        for part in (
            rules.NEVER_ACCEPTABLE_LABELS.get(reason_key, ""),
            reason.strip(),
            rules.evidence_note(evidence),
        )
        if part
    )
    for mark, _ in marks:  # the code table's rules: valid that day, X and C2 by age
        if problem := check_entry(Entry(mark.pupil_id, code), mark.pupil, mark.date, office=True):
            raise FollowUpError(problem)
    try:
        return [
            change_mark(actor=actor, mark=mark, code=code, reason=reason, expected_version=seen)
            for mark, seen in marks
        ]
    except MarkError as e:
        raise FollowUpError(str(e)) from e


@transaction.atomic
def set_evidence_required(*, actor, pupil: Pupil, required: bool, reason: str) -> Pupil:
    """Set or clear a pupil's "evidence required" flag (S002-68), with the reason, audited.

    While it is set, illness is recorded as I only with evidence seen; parents' illness
    reports wait for the office to decide between I and O.
    """
    if not reason.strip():
        raise FollowUpError("say why (for example “attendance panel, 3 October”)")
    locked = Pupil.objects.select_for_update().get(pk=pupil.pk)
    if locked.evidence_required == required:
        state = "already needs" if required else "does not need"
        raise FollowUpError(f"{locked.display_name} {state} evidence for illness")
    locked.evidence_required = required
    locked.save(update_fields=["evidence_required", "updated_at"])
    audit.record(
        "pupil.evidence_required_set" if required else "pupil.evidence_required_cleared",
        actor=actor,
        school=locked.school,
        obj=locked,
        pupil_id=locked.pk,
        reason=reason.strip(),
        old=not required,
        new=required,
    )
    pupil.evidence_required = required
    return locked


@transaction.atomic
def chase_register(
    *,
    actor,
    group: RegistrationGroup,
    day: date,
    session: Session,
    now: datetime | None = None,
) -> RegisterChase:
    """The office chased a class's missing register (one row per click, so repeats show)."""
    if Register.objects.filter(registration_group=group, date=day, session=session).exists():
        raise FollowUpError(f"the {session} register for {group.name} has already been taken")
    chase = RegisterChase.objects.create(
        registration_group=group,
        date=day,
        session=session,
        chased_by=user_or_none(actor),
        chased_at=now or timezone.now(),
    )
    audit.record(
        "register.chased",
        actor=actor,
        school=group.school,
        obj=chase,
        group=group.name,
        date=day.isoformat(),
        session=str(session),
    )
    return chase


# --- Parents' absence reports -----------------------------------------------------------------


@transaction.atomic
def submit_absence_report(
    *,
    actor,
    pupil: Pupil,
    reported_by: Contact,
    first_date: date,
    last_date: date,
    reason: str,
    today: date,
    first_session: str = "AM",
    last_session: str = "PM",
    details: str = "",
    evidence=None,
    evidence_type: str = "",
    now: datetime | None = None,
) -> AbsenceReport:
    """A parent's report lands in the office inbox (status pending).

    `evidence` is a file already checked by the caller (type sniffed, size limited) and
    named "<random>.<ext>"; it is stored under a private prefix, never served directly.
    """
    link = reported_by.pupil_links.filter(pupil=pupil).first()
    if link is None or not link.parental_responsibility:
        raise FollowUpError(f"{reported_by} does not have parental responsibility for this child")
    if problem := rules.check_report(
        today=today,
        first=first_date,
        first_session=first_session,
        last=last_date,
        last_session=last_session,
        reason=reason,
        details=details,
    ):
        raise FollowUpError(problem[1])
    if not sessions_between(
        pupil.school.calendar(), first_date, first_session, last_date, last_session
    ):
        raise FollowUpError("The school is closed on the dates you gave")
    report = AbsenceReport(
        school=pupil.school,
        pupil=pupil,
        reported_by=reported_by,
        submitted_by=user_or_none(actor),
        submitted_at=now or timezone.now(),
        first_date=first_date,
        first_session=first_session,
        last_date=last_date,
        last_session=last_session,
        reason=reason,
        details=details.strip(),
        evidence_type=evidence_type if evidence is not None else "",
        evidence_size=evidence.size if evidence is not None else 0,
    )
    if evidence is not None:
        report.evidence.save(evidence.name, evidence, save=False)
    report.save()
    audit.record(
        "absence_report.submitted",
        actor=actor,
        school=pupil.school,
        obj=report,
        pupil_id=pupil.pk,
        contact_id=reported_by.pk,
        first_date=first_date.isoformat(),
        last_date=last_date.isoformat(),
        reason_category=reason,
        evidence=evidence_type if evidence is not None else "",
    )
    return report


def _open_report(report: AbsenceReport) -> AbsenceReport:
    locked = AbsenceReport.objects.select_for_update().select_related("pupil").get(pk=report.pk)
    if locked.status not in (ReportStatus.PENDING, ReportStatus.QUERIED):
        raise FollowUpError(f"this report has already been {locked.get_status_display().lower()}")
    return locked


@transaction.atomic
def accept_absence_report(
    *,
    actor,
    report: AbsenceReport,
    code: str,
    note: str = "",
    evidence: str = "",
    now: datetime | None = None,
) -> AbsenceReport:
    """Code every school session of the report (source parent_report: pre-filled and locked
    on the teacher's register). Sessions already marked as attended are left alone.

    `evidence` (`rules.EVIDENCE_TYPES`): what the office saw; needed for M (S002-69) and,
    for an illness report about a pupil flagged "evidence required", for I; such a report
    is only ever coded I or O, by the office's decision (S002-68)."""
    report = _open_report(report)
    if code not in dict(rules.ACCEPT_CODES):
        raise FollowUpError("choose the code to record")
    pupil = report.pupil
    decide = rules.needs_decision(reason=report.reason, evidence_required=pupil.evidence_required)
    if decide and code not in (rules.ILLNESS, "O"):
        raise FollowUpError(
            f"{pupil.display_name} needs evidence for illness: record I (evidence seen) or O"
        )
    _, problem = rules.reason_code(
        code=code, reason_key="", evidence=evidence, evidence_required=decide
    )
    if problem:
        raise FollowUpError(problem[1])
    sessions = sessions_between(
        report.school.calendar(),
        report.first_date,
        report.first_session,
        report.last_date,
        report.last_session,
    )
    sessions = [
        (day, session)
        for day, session in sessions
        if pupil.admission_date <= day and (pupil.leaving_date is None or day <= pupil.leaving_date)
    ]
    for day in sorted({day for day, _ in sessions}):
        if problem := check_entry(Entry(pupil.pk, code), pupil, day, office=True):
            raise FollowUpError(problem)
    attended = {
        (d, s)
        for d, s, c in Mark.objects.filter(
            pupil=pupil, date__range=(report.first_date, report.last_date)
        ).values_list("date", "session", "code")
        if stat_of(c, d) is Stat.ATTENDED
    }
    rows = [
        MarkRow(0, pupil.pk, day, session.value, code, None)
        for day, session in sessions
        if (day, session.value) not in attended
    ]
    result = save_marks(
        actor=actor,
        school=report.school,
        rows=rows,
        source=Source.PARENT_REPORT,
        reason="; ".join(
            part
            for part in (
                f"absence reported by a parent (report {report.pk}): {report.get_reason_display()}",
                rules.evidence_note(evidence),
            )
            if part
        ),
    )
    now = now or timezone.now()
    report.status, report.code = ReportStatus.ACCEPTED, code
    report.decided_by, report.decided_at = user_or_none(actor), now
    report.sessions_coded = result.created + result.changed
    report.save(update_fields=["status", "code", "decided_by", "decided_at", "sessions_coded"])
    if note.strip():
        ReportNote.objects.create(
            report=report,
            author=NoteAuthor.OFFICE,
            by=user_or_none(actor),
            text=note.strip(),
            at=now,
        )
    audit.record(
        "absence_report.accepted",
        actor=actor,
        school=report.school,
        obj=report,
        pupil_id=pupil.pk,
        reason=note.strip(),
        code=code,
        evidence=evidence,
        sessions=len(rows),
        written=report.sessions_coded,
    )
    return report


@transaction.atomic
def query_absence_report(
    *, actor, report: AbsenceReport, question: str, now: datetime | None = None
) -> AbsenceReport:
    """The office asks the parent something (evidence, dates); the report waits for a reply."""
    report = _open_report(report)
    if not question.strip():
        raise FollowUpError("write the question for the parent")
    now = now or timezone.now()
    ReportNote.objects.create(
        report=report,
        author=NoteAuthor.OFFICE,
        by=user_or_none(actor),
        text=question.strip(),
        at=now,
    )
    report.status = ReportStatus.QUERIED
    report.save(update_fields=["status"])
    audit.record(
        "absence_report.queried",
        actor=actor,
        school=report.school,
        obj=report,
        pupil_id=report.pupil_id,
        reason=question.strip(),
    )
    return report


@transaction.atomic
def reply_to_absence_report(
    *, actor, report: AbsenceReport, text: str, now: datetime | None = None
) -> AbsenceReport:
    """The parent answers the office's question; the report goes back to the inbox."""
    report = _open_report(report)
    if report.status != ReportStatus.QUERIED:
        raise FollowUpError("the office has not asked a question about this report")
    if not text.strip():
        raise FollowUpError("Enter your reply")
    if len(text) > rules.MAX_DETAILS:
        raise FollowUpError(f"Your reply must be {rules.MAX_DETAILS} characters or fewer")
    now = now or timezone.now()
    ReportNote.objects.create(
        report=report, author=NoteAuthor.PARENT, by=user_or_none(actor), text=text.strip(), at=now
    )
    report.status = ReportStatus.PENDING
    report.save(update_fields=["status"])
    audit.record(
        "absence_report.replied",
        actor=actor,
        school=report.school,
        obj=report,
        pupil_id=report.pupil_id,
    )
    return report

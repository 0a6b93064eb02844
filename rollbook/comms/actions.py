"""Every write to the outbox. Each status change is a conditional UPDATE on the expected
status (exactly one row changed, or someone else got there first) plus a `MessageEvent`.

Sending is three short transactions, never one long one around the provider call:
claim (queued → sending, committed), call the provider, record the outcome. A crash
between claim and outcome leaves the row in "sending"; `send_due_messages` hands it to a
person after `rules.STUCK_AFTER` instead of resending, because the provider may already
have delivered it and a second text is the failure parents remember.
"""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Case, CharField, F, Value, When
from django.utils import timezone

from rollbook.absences.queries import pupils_reported_absent
from rollbook.comms import messages, rules
from rollbook.comms.channels import ChannelError, Outgoing, Transport, get_channel
from rollbook.comms.models import (
    CAMPAIGN_KINDS,
    CANCELLABLE,
    Campaign,
    CampaignStatus,
    Channel,
    Kind,
    Message,
    MessageEvent,
    MessageTemplate,
    ParentRequest,
    RequestChannel,
    RequestKind,
    Status,
    TextBlock,
)
from rollbook.core import audit
from rollbook.core.models import AuditEvent, School
from rollbook.pupils.models import Pupil, PupilContact
from rollbook.registers.models import Mark

SENDER = "outbox sender"
FIRST_DAY = "first-day contact"
UNEXPLAINED = "N"  # reason for absence not yet established
DUE = (Status.QUEUED, Status.FAILED_TRANSIENT)


class CommsError(ValueError):
    pass


def _transition(
    message_id: int,
    *,
    old,
    new: str,
    now: datetime,
    detail: str = "",
    actor_label: str = SENDER,
    attempt: int | None = None,
    **fields,
) -> bool:
    """Move one message from `old` (a status or a tuple) to `new`; False if it was not there.
    `attempt`: the try number for the event, when the caller knows it (saves a read)."""
    olds = old if isinstance(old, tuple) else (old,)
    with transaction.atomic():
        changed = Message.objects.filter(pk=message_id, status__in=olds).update(
            status=new, **fields
        )
        if changed == 1:
            if attempt is None:
                attempt = Message.objects.values_list("attempts", flat=True).get(pk=message_id)
            MessageEvent.objects.create(
                message_id=message_id,
                at=now,
                old_status=olds[0] if len(olds) == 1 else "/".join(olds),
                new_status=new,
                attempt=attempt,
                actor_label=actor_label,
                detail=detail,
            )
    return changed == 1


def _audit(
    message: Message, kind: str, *, actor=None, actor_label: str = SENDER, reason: str = "", **data
) -> None:
    """One AuditEvent per pupil named, so the message shows on each child's timeline."""
    pupil_ids = sorted(p.pk for p in message.pupils.all()) or [message.pupil_id]  # prefetched
    for pupil_id in pupil_ids:
        audit.record(
            kind,
            actor=actor,
            actor_label=actor_label,
            school=message.school,
            obj=message,
            pupil_id=pupil_id,
            reason=reason,
            message_kind=message.kind,
            channel=message.channel,
            contact_id=message.contact_id,
            **data,
        )


# --- first-day contact -------------------------------------------------------------------


@dataclass
class FirstDayResult:
    queued: list[Message] = field(default_factory=list)
    already_queued: int = 0
    no_contact: list[Pupil] = field(default_factory=list)


def _first_name(pupil: Pupil) -> str:
    return pupil.preferred_forename or pupil.legal_forename


@transaction.atomic(durable=True)
def queue_first_day_messages(
    *, school: School, day: date, session: str, now: datetime, actor_label: str = FIRST_DAY
) -> FirstDayResult:
    """One text per family for the pupils marked N in this session, to the family's first
    contact with parental responsibility and a mobile; siblings named in one message.

    Idempotent: each family's message has the dedupe key school + day + session + family.
    Pupils with no such contact are returned (and audited once per mark) for the office to phone.
    """
    result = FirstDayResult()
    # A parent who has already reported the absence (waiting for the office) is not texted.
    reported = pupils_reported_absent(school.pk, day, session)
    marks = list(
        Mark.objects.filter(school=school, date=day, session=session, code=UNEXPLAINED)
        .exclude(pupil_id__in=reported)
        .select_related("pupil")
        .order_by("pupil__date_of_birth", "pupil__legal_forename", "pk")
    )
    if not marks:
        return result
    groups: dict[str, list[Mark]] = defaultdict(list)
    for mark in marks:
        groups[rules.family_key(mark.pupil.family_id, mark.pupil_id)].append(mark)
    keys = {fk: rules.first_day_dedupe_key(day, session, fk) for fk in groups}
    existing = set(
        Message.objects.filter(school=school, dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    links: dict[int, list[PupilContact]] = defaultdict(list)
    for link in PupilContact.objects.filter(
        pupil_id__in=[m.pupil_id for m in marks]
    ).select_related("contact"):
        links[link.pupil_id].append(link)
    contacts = {link.contact_id: link.contact for ls in links.values() for link in ls}
    unreachable: list[Mark] = []

    for fk, group in groups.items():
        if keys[fk] in existing:
            result.already_queued += 1
            continue
        pupils = [m.pupil for m in group]
        chosen = _family_contact(pupils, links)
        if chosen is None:
            unreachable.extend(group)
            continue
        contact = contacts[chosen.contact_id]
        rendered = messages.first_day_absence(
            language=rules.language_code(contact.preferred_language),
            school_name=school.name,
            child_names=[_first_name(p) for p in pupils],
            session=session,
        )
        message = _queue_sms(
            school=school,
            pupils=pupils,
            contact=contact,
            kind=Kind.FIRST_DAY_ABSENCE,
            rendered=rendered,
            reason_key=rules.marks_reason_key([m.pk for m in group], UNEXPLAINED),
            dedupe_key=keys[fk],
            now=now,
            actor_label=actor_label,
        )
        if message is None:
            result.already_queued += 1
        else:
            result.queued.append(message)

    if unreachable:
        reported = set(
            AuditEvent.objects.filter(
                kind="first_day.no_contact",
                object_type="Mark",
                object_id__in=[str(m.pk) for m in unreachable],
            ).values_list("object_id", flat=True)
        )
        for mark in unreachable:
            result.no_contact.append(mark.pupil)
            if str(mark.pk) not in reported:
                audit.record(
                    "first_day.no_contact",
                    actor_label=actor_label,
                    school=school,
                    obj=mark,
                    pupil_id=mark.pupil_id,
                    reason="no contact with parental responsibility and a mobile number",
                    date=day.isoformat(),
                    session=session,
                )
    if result.queued:
        audit.record(
            "first_day.queued",
            actor_label=actor_label,
            school=school,
            date=day.isoformat(),
            session=session,
            messages=[m.pk for m in result.queued],
            pupils=[p.pk for m in result.queued for p in m.pupils.all()],
        )
    return result


# --- positive messages for awards ----------------------------------------------------------

AWARDS = "award messages"


@dataclass
class AwardMessagesResult:
    queued: list[Message] = field(default_factory=list)
    already_queued: int = 0
    no_contact: list[Pupil] = field(default_factory=list)


@transaction.atomic
def queue_award_messages(
    *,
    school: School,
    awards: Iterable,
    award_name: str,
    period_label: str,
    now: datetime,
    actor=None,
    actor_label: str = AWARDS,
) -> AwardMessagesResult:
    """One text per family for newly recorded awards (rows with `pk` and `pupil_id`), to
    the family's first contact with parental responsibility and a mobile; siblings named in
    one message. Runs inside the caller's transaction (recording the awards).

    Idempotent: each family's message has the dedupe key of its award rows.
    """
    result = AwardMessagesResult()
    awards = list(awards)
    if not awards:
        return result
    pupils = {
        p.pk: p for p in Pupil.objects.filter(school=school, pk__in=[a.pupil_id for a in awards])
    }
    order = sorted(awards, key=lambda a: (pupils[a.pupil_id].date_of_birth, a.pupil_id))
    groups: dict[str, list] = defaultdict(list)
    for award in order:
        pupil = pupils[award.pupil_id]
        groups[rules.family_key(pupil.family_id, pupil.pk)].append(award)
    keys = {fk: rules.award_dedupe_key(a.pk for a in group) for fk, group in groups.items()}
    existing = set(
        Message.objects.filter(school=school, dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    links: dict[int, list[PupilContact]] = defaultdict(list)
    for link in PupilContact.objects.filter(pupil_id__in=list(pupils)).select_related("contact"):
        links[link.pupil_id].append(link)
    contacts = {link.contact_id: link.contact for ls in links.values() for link in ls}

    for fk, group in groups.items():
        if keys[fk] in existing:
            result.already_queued += 1
            continue
        named = [pupils[a.pupil_id] for a in group]
        chosen = _family_contact(named, links)
        if chosen is None:
            result.no_contact.extend(named)
            continue
        contact = contacts[chosen.contact_id]
        rendered = messages.award(
            language=rules.language_code(contact.preferred_language),
            school_name=school.name,
            child_names=[_first_name(p) for p in named],
            award_name=award_name,
            period=period_label,
        )
        message = _queue_sms(
            school=school,
            pupils=named,
            contact=contact,
            kind=Kind.AWARD,
            rendered=rendered,
            reason_key=keys[fk],
            dedupe_key=keys[fk],
            now=now,
            actor_label=actor_label,
        )
        if message is None:
            result.already_queued += 1
        else:
            result.queued.append(message)

    if result.queued:
        audit.record(
            "award_message.queued",
            actor=actor,
            actor_label=actor_label,
            school=school,
            award=award_name,
            period=period_label,
            messages=[m.pk for m in result.queued],
            pupils=[p.pk for m in result.queued for p in m.pupils.all()],
        )
    return result


# --- recognising improvement (seeds 003-14, 004-32) ----------------------------------------

RECOGNITION = "recognition"


@dataclass
class RecognitionResult:
    queued: list[Message] = field(default_factory=list)
    already_queued: int = 0
    no_contact: list[Pupil] = field(default_factory=list)


@transaction.atomic
def queue_recognition(
    *,
    school: School,
    pupils: Iterable[Pupil],
    windows: rules.Windows,
    channel: str,
    now: datetime,
    actor=None,
) -> RecognitionResult:
    """One recognition message per family for pupils whose attendance improved (the caller
    passes `recognition.improvers`), by text or email to the family's first contact with
    parental responsibility and a number or address; siblings named together.

    Idempotent: the dedupe key names the comparison and the family, so a family is
    recognised once per comparison whoever presses the button.
    """
    if channel not in (Channel.SMS, Channel.EMAIL):
        raise CommsError("choose text message or email")
    label = actor.get_username() if getattr(actor, "is_authenticated", False) else RECOGNITION
    result = RecognitionResult()
    chosen = sorted(pupils, key=lambda p: (p.date_of_birth, p.pk))
    if not chosen:
        raise CommsError("choose at least one pupil")
    if any(p.school_id != school.pk for p in chosen):
        raise CommsError("a pupil is not at this school")
    groups: dict[str, list[Pupil]] = defaultdict(list)
    for pupil in chosen:
        groups[rules.family_key(pupil.family_id, pupil.pk)].append(pupil)
    keys = {fk: rules.recognition_dedupe_key(windows.key, fk) for fk in groups}
    existing = set(
        Message.objects.filter(school=school, dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    links: dict[int, list[PupilContact]] = defaultdict(list)
    for link in PupilContact.objects.filter(pupil__in=chosen).select_related("contact"):
        links[link.pupil_id].append(link)
    contacts = {link.contact_id: link.contact for ls in links.values() for link in ls}
    for fk, named in groups.items():
        if keys[fk] in existing:
            result.already_queued += 1
            continue
        picked = (
            _family_email(named, links)
            if channel == Channel.EMAIL
            else _family_contact(named, links)
        )
        if picked is None:
            result.no_contact.extend(named)
            continue
        contact = contacts[picked.contact_id]
        rendered = messages.recognition(
            language=rules.language_code(contact.preferred_language),
            school_name=school.name,
            child_names=[_first_name(p) for p in named],
            period=windows.label,
        )
        message = _queue_sms(
            school=school,
            pupils=named,
            contact=contact,
            kind=Kind.RECOGNITION,
            rendered=rendered,
            reason_key=keys[fk],
            dedupe_key=keys[fk],
            now=now,
            actor_label=label,
            channel=channel,
        )
        if message is None:
            result.already_queued += 1
        else:
            result.queued.append(message)
            _audit(
                message, "recognition.queued", actor=actor, actor_label=label, window=windows.key
            )
    return result


def record_certificates(
    *, school: School, pupils: Iterable[Pupil], windows: rules.Windows, actor=None
) -> int:
    """Note on each pupil's record that a recognition certificate was printed (the page
    that prints it writes nothing else). Returns how many."""
    pupils = list(pupils)
    if not pupils:
        raise CommsError("choose at least one pupil")
    for pupil in pupils:
        if pupil.school_id != school.pk:
            raise CommsError("a pupil is not at this school")
        audit.record(
            "recognition.certificate",
            actor=actor,
            school=school,
            obj=pupil,
            pupil_id=pupil.pk,
            window=windows.key,
        )
    return len(pupils)


def _family_email(pupils, links) -> rules.EmailLink | None:
    return rules.email_contact(
        rules.EmailLink(
            link.pupil_id,
            link.contact_id,
            link.priority,
            link.parental_responsibility,
            link.contact.email,
        )
        for pupil in pupils
        for link in links[pupil.pk]
    )


# --- expectations when a pupil is admitted (seed 001-8) -------------------------------------

ADMISSIONS = "admission expectations"


@transaction.atomic
def queue_expectations(*, school: School, today: date, now: datetime) -> RecognitionResult:
    """One message per family setting out the school's attendance expectations, for pupils
    newly admitted (`rules.expectations_due`) who have had none; siblings admitted together
    are named in one. Run by the scheduler: the state is the outbox itself (each pupil's
    message, found through `Message.pupils`), so re-runs queue nothing new. A family with
    no contact yet is tried again on the next run, while the window lasts."""
    result = RecognitionResult()
    recent = today - rules.EXPECTATIONS_WINDOW
    candidates = [
        p
        for p in Pupil.objects.filter(school=school, admission_date__gte=recent)
        .filter(created_at__date__gte=recent)
        .exclude(leaving_date__lt=today)
        if rules.expectations_due(p.admission_date, timezone.localdate(p.created_at), today)
    ]
    if not candidates:
        return result
    told = set(
        Message.pupils.through.objects.filter(
            message__school=school,
            message__kind=Kind.EXPECTATIONS,
            pupil_id__in=[p.pk for p in candidates],
        ).values_list("pupil_id", flat=True)
    )
    waiting = sorted(
        (p for p in candidates if p.pk not in told), key=lambda p: (p.date_of_birth, p.pk)
    )
    groups: dict[str, list[Pupil]] = defaultdict(list)
    for pupil in waiting:
        groups[rules.family_key(pupil.family_id, pupil.pk)].append(pupil)
    links: dict[int, list[PupilContact]] = defaultdict(list)
    for link in PupilContact.objects.filter(pupil__in=waiting).select_related("contact"):
        links[link.pupil_id].append(link)
    contacts = {link.contact_id: link.contact for ls in links.values() for link in ls}
    for named in groups.values():
        channel, picked = Channel.SMS, _family_contact(named, links)
        if picked is None:
            channel, picked = Channel.EMAIL, _family_email(named, links)
        if picked is None:
            result.no_contact.extend(named)
            continue
        contact = contacts[picked.contact_id]
        rendered = messages.expectations(
            language=rules.language_code(contact.preferred_language),
            school_name=school.name,
            child_names=[_first_name(p) for p in named],
        )
        key = rules.expectations_dedupe_key(p.pk for p in named)
        message = _queue_sms(
            school=school,
            pupils=named,
            contact=contact,
            kind=Kind.EXPECTATIONS,
            rendered=rendered,
            reason_key=key,
            dedupe_key=key,
            now=now,
            actor_label=ADMISSIONS,
            channel=channel,
        )
        if message is None:
            result.already_queued += 1
        else:
            result.queued.append(message)
            _audit(message, "expectations.queued", actor_label=ADMISSIONS)
    return result


# --- sending -------------------------------------------------------------------------------


def comms_policy(school: School):
    """The school's `[comms]` policy (quiet hours, first-day timing, campaigns)."""
    from rollbook.policy.monitoring import active_policy  # policy imports the registers

    return active_policy(school)[0].comms


def claim_message(message_id: int, *, now: datetime, was: str = Status.QUEUED) -> bool:
    """queued → sending, for exactly one worker: the UPDATE matches only while still due.

    One conditional UPDATE, so it is safe on PostgreSQL under READ COMMITTED too: a second
    worker's UPDATE waits for the first's row lock, re-reads the row, finds it no longer
    due and changes nothing.
    """
    with transaction.atomic():
        won = Message.objects.filter(
            pk=message_id, status__in=DUE, next_attempt_at__lte=now
        ).update(status=Status.SENDING, attempts=F("attempts") + 1, sending_since=now)
        if won == 1:
            attempts = Message.objects.values_list("attempts", flat=True).get(pk=message_id)
            MessageEvent.objects.create(
                message_id=message_id,
                at=now,
                old_status=was,  # the status the caller read (queued or failed, will retry)
                new_status=Status.SENDING,
                attempt=attempts,
                actor_label=SENDER,
            )
    return won == 1


def _recheck(message: Message, now: datetime) -> str | None:
    """Why the message must not go now (None: send it). Narrows a sibling message to the
    children still unexplained, re-rendering its text."""
    if message.campaign_id is not None:
        status = Campaign.objects.values_list("status", flat=True).get(pk=message.campaign_id)
        return "the campaign was cancelled" if status == CampaignStatus.CANCELLED else None
    reason = rules.parse_reason_key(message.reason_key)
    if reason is None:
        return None
    marks = list(Mark.objects.filter(pk__in=reason.mark_ids).select_related("pupil"))
    reported: set[int] = set()
    if message.kind == Kind.FIRST_DAY_ABSENCE and marks:
        reported = pupils_reported_absent(message.school_id, marks[0].date, marks[0].session)
    still = [m for m in marks if m.code == reason.code and m.pupil_id not in reported]
    changed = [m for m in marks if m not in still]

    def why(m: Mark) -> str:
        if m.code != reason.code:
            return f"{_first_name(m.pupil)} is now coded {m.code}"
        return f"a parent has reported {_first_name(m.pupil)}'s absence"

    if not still:
        return "; ".join(why(m) for m in changed) or ("the marks it was about no longer exist")
    if changed and message.kind == Kind.FIRST_DAY_ABSENCE:
        still.sort(key=lambda m: (m.pupil.date_of_birth, m.pupil.legal_forename, m.pk))
        pupils = [m.pupil for m in still]
        rendered = messages.first_day_absence(
            language=message.language,
            school_name=message.school.name,
            child_names=[_first_name(p) for p in pupils],
            session=still[0].session,
        )
        with transaction.atomic():
            Message.objects.filter(pk=message.pk, status=Status.SENDING).update(
                body=rendered.body,
                pupil=pupils[0],
                reason_key=rules.marks_reason_key([m.pk for m in still], reason.code),
            )
            message.pupils.set(pupils)
            MessageEvent.objects.create(
                message=message,
                at=now,
                old_status=Status.SENDING,
                new_status=Status.SENDING,
                attempt=message.attempts,
                actor_label=SENDER,
                detail="narrowed: " + "; ".join(why(m) for m in changed),
            )
        message.refresh_from_db()
    return None


def send_message(
    *, message_id: int, now: datetime, channel: Transport | None = None, comms=None
) -> str:
    """Send one due message. Returns what happened: deferred, lost, cancelled, sent, retry,
    failed or not_due. `comms` is the school's `[comms]` policy (read when not given)."""
    message = Message.objects.select_related("school").filter(pk=message_id).first()
    if message is None or message.status not in DUE:
        return "not_due"
    if message.next_attempt_at is not None and message.next_attempt_at > now:
        return "not_due"
    comms = comms or comms_policy(message.school)
    if (
        resume := rules.quiet_until(now, starts=comms.quiet_starts, ends=comms.quiet_ends)
    ) is not None:
        _transition(
            message_id,
            old=message.status,
            new=message.status,
            now=now,
            detail=f"quiet hours: next try {resume.isoformat()}",
            attempt=message.attempts,
            next_attempt_at=resume,
        )
        return "deferred"
    if not claim_message(message_id, now=now, was=message.status):
        return "lost"
    message.refresh_from_db()

    if (why := _recheck(message, now)) is not None:
        if _transition(
            message_id,
            old=Status.SENDING,
            new=Status.CANCELLED,
            now=now,
            detail=why,
            attempt=message.attempts,
            sending_since=None,
        ):
            _audit(message, "message.cancelled", reason=why)
        return "cancelled"

    channel = channel or get_channel()
    out = Outgoing(
        channel=message.channel,
        recipient=message.recipient,
        subject=message.subject,
        body=message.body,
        reference=str(message.pk),  # lets recovery ask the provider whether it arrived
    )
    try:
        provider_id = channel.send(out)
    except ChannelError as error:
        return _record_failure(message, error, now)
    _record_sent(message, provider_id, now, f"via {channel.name}")
    return "sent"


def _record_sent(message: Message, provider_id: str, now: datetime, detail: str, **data) -> bool:
    if _transition(
        message.pk,
        old=Status.SENDING,
        new=Status.SENT,
        now=now,
        detail=detail,
        attempt=message.attempts,
        provider_id=provider_id[:100],
        sent_at=now,
        sending_since=None,
        last_error="",
    ):
        _audit(message, "message.sent", provider_id=provider_id, attempts=message.attempts, **data)
        return True
    return False


def _record_failure(message: Message, error: ChannelError, now: datetime) -> str:
    delay = None if error.permanent else rules.retry_delay(message.attempts)
    if delay is None:
        why = str(error) if error.permanent else f"gave up after {message.attempts} tries: {error}"
        if _transition(
            message.pk,
            old=Status.SENDING,
            new=Status.FAILED_PERMANENT,
            now=now,
            detail=why,
            attempt=message.attempts,
            last_error=why,
            sending_since=None,
        ):
            _audit(message, "message.failed", reason=why, attempts=message.attempts)
        return "failed"
    _transition(
        message.pk,
        old=Status.SENDING,
        new=Status.FAILED_TRANSIENT,
        now=now,
        detail=f"{error}; next try {(now + delay).isoformat()}",
        attempt=message.attempts,
        last_error=str(error),
        next_attempt_at=now + delay,
        sending_since=None,
    )
    return "retry"


def recover_stuck(message: Message, *, now: datetime, channel: Transport) -> str:
    """A message claimed more than `rules.STUCK_AFTER` ago with no outcome: the worker died
    between claim and outcome. Ask the provider about our reference (the message id) instead
    of resending blindly: found → sent; not found → queued again; cannot tell → a person
    checks (status needs_check). See `rules.recovery`."""
    answer = channel.lookup(str(message.pk))
    step = rules.recovery(answer.found)
    claimed = message.sending_since.isoformat() if message.sending_since else "?"
    if step == "sent":
        done = _record_sent(
            message,
            answer.provider_id,
            now,
            f"recovered: the provider has it (claimed at {claimed})",
            recovered=True,
        )
        return "recovered_sent" if done else "lost"
    if step == "queued":
        done = _transition(
            message.pk,
            old=Status.SENDING,
            new=Status.QUEUED,
            now=now,
            detail=f"recovered: the provider has no message {message.pk}; queued again",
            attempt=message.attempts,
            sending_since=None,
            next_attempt_at=now,
        )
        return "recovered_queued" if done else "lost"
    why = (
        f"claimed at {claimed} with no outcome recorded: "
        f"check with the provider (reference {message.pk}) before sending again"
    )
    if _transition(
        message.pk,
        old=Status.SENDING,
        new=Status.NEEDS_CHECK,
        now=now,
        detail=why,
        attempt=message.attempts,
    ):
        _audit(message, "message.needs_check", reason=why)
        return "needs_check"
    return "lost"


def send_due_messages(
    *, now: datetime, channel: Transport | None = None, limit: int = 1000
) -> dict[str, int]:
    """The sweep: recover stuck sends, then send every due message (oldest first)."""
    counts: dict[str, int] = defaultdict(int)
    stuck = list(
        Message.objects.filter(
            status=Status.SENDING, sending_since__lt=now - rules.STUCK_AFTER
        ).select_related("school")
    )
    channel = channel or (get_channel() if stuck else None)
    for message in stuck:
        counts[recover_stuck(message, now=now, channel=channel)] += 1
    due = list(
        Message.objects.filter(status__in=DUE, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", "school_id", "status")[:limit]
    )
    channel = channel or (get_channel() if due else None)
    policies: dict[int, object] = {}
    for start in range(0, len(due), BATCH):
        _send_batch(due[start : start + BATCH], now, channel, policies, counts)
    return dict(counts)


BATCH = 100  # messages claimed by one UPDATE and recorded in one transaction


def _send_batch(rows, now: datetime, channel: Transport, policies: dict, counts) -> None:
    """`send_message` for many: quiet hours, then one conditional UPDATE claims the batch
    (with a token, so this worker knows which rows it won), then each is re-checked and
    sent, and the outcomes are recorded in one transaction. A crash before that commit
    leaves the batch in 'sending' for `recover_stuck`, which asks the provider."""
    was: dict[int, str] = {}
    for message_id, school_id, status in rows:
        if school_id not in policies:
            policies[school_id] = comms_policy(School.objects.get(pk=school_id))
        comms = policies[school_id]
        resume = rules.quiet_until(now, starts=comms.quiet_starts, ends=comms.quiet_ends)
        if resume is None:
            was[message_id] = status
            continue
        _transition(
            message_id,
            old=status,
            new=status,
            now=now,
            detail=f"quiet hours: next try {resume.isoformat()}",
            next_attempt_at=resume,
        )
        counts["deferred"] += 1
    if not was:
        return
    token = uuid.uuid4().hex
    with transaction.atomic():
        Message.objects.filter(pk__in=list(was), status__in=DUE, next_attempt_at__lte=now).update(
            status=Status.SENDING, attempts=F("attempts") + 1, sending_since=now, claim=token
        )
        claimed = list(
            Message.objects.filter(claim=token, status=Status.SENDING)
            .select_related("school")
            .prefetch_related("pupils")
            .order_by("pk")
        )
        MessageEvent.objects.bulk_create(
            MessageEvent(
                message_id=m.pk,
                at=now,
                old_status=was[m.pk],
                new_status=Status.SENDING,
                attempt=m.attempts,
                actor_label=SENDER,
            )
            for m in claimed
        )
    counts["lost"] += len(was) - len(claimed)
    if not counts["lost"]:
        del counts["lost"]
    campaigns_status = dict(
        Campaign.objects.filter(
            pk__in={m.campaign_id for m in claimed if m.campaign_id}
        ).values_list("pk", "status")
    )
    sent: list[tuple[Message, str]] = []
    failed: list[tuple[Message, ChannelError]] = []
    for message in claimed:
        if message.campaign_id is not None:
            stopped = campaigns_status[message.campaign_id] == CampaignStatus.CANCELLED
            why = "the campaign was cancelled" if stopped else None
        else:
            why = _recheck(message, now)
        if why is not None:
            if _transition(
                message.pk,
                old=Status.SENDING,
                new=Status.CANCELLED,
                now=now,
                detail=why,
                attempt=message.attempts,
                sending_since=None,
            ):
                _audit(message, "message.cancelled", reason=why)
            counts["cancelled"] += 1
            continue
        out = Outgoing(
            channel=message.channel,
            recipient=message.recipient,
            subject=message.subject,
            body=message.body,
            reference=str(message.pk),
        )
        try:
            sent.append((message, channel.send(out)))
        except ChannelError as error:
            failed.append((message, error))
    with transaction.atomic():
        if sent:
            ids = Case(
                *(When(pk=m.pk, then=Value(pid[:100])) for m, pid in sent),
                output_field=CharField(),
            )
            Message.objects.filter(
                pk__in=[m.pk for m, _ in sent], status=Status.SENDING, claim=token
            ).update(
                status=Status.SENT,
                provider_id=ids,
                sent_at=now,
                sending_since=None,
                last_error="",
            )
            MessageEvent.objects.bulk_create(
                MessageEvent(
                    message_id=m.pk,
                    at=now,
                    old_status=Status.SENDING,
                    new_status=Status.SENT,
                    attempt=m.attempts,
                    actor_label=SENDER,
                    detail=f"via {channel.name}",
                )
                for m, _ in sent
            )
            for message, provider_id in sent:
                _audit(message, "message.sent", provider_id=provider_id, attempts=message.attempts)
            counts["sent"] += len(sent)
        for message, error in failed:
            counts[_record_failure(message, error, now)] += 1


def record_receipt(
    *, provider_id: str = "", reference: str = "", provider_status: str, now: datetime
) -> str:
    """A delivery receipt (Notify's callback, or the fake channel's): sent → delivered, or
    → failed when the provider could not deliver. Returns what happened: delivered, failed,
    ignored (not a final status, or already recorded) or unknown (no such message)."""
    new = rules.receipt_outcome(provider_status)
    rows = Message.objects.select_related("school")
    message = rows.filter(provider_id=provider_id).first() if provider_id else None
    if message is None and reference.isdigit():
        message = rows.filter(pk=int(reference)).first()
    if message is None:
        return "unknown"
    if new is None:
        return "ignored"
    detail = rules.RECEIPT_DETAILS.get(provider_status, provider_status)
    fields = {"last_error": detail} if new == Status.FAILED_PERMANENT else {}
    if not _transition(
        message.pk,
        old=(Status.SENT, Status.NEEDS_CHECK),
        new=new,
        now=now,
        detail=f"receipt: {detail}",
        actor_label="delivery receipt",
        attempt=message.attempts,
        **fields,
    ):
        return "ignored"
    kind = "message.delivered" if new == Status.DELIVERED else "message.failed"
    _audit(message, kind, actor_label="delivery receipt", reason=detail, receipt=provider_status)
    return "delivered" if new == Status.DELIVERED else "failed"


# --- scheduled campaigns -------------------------------------------------------------------

CAMPAIGNS = "campaign scheduler"


def prepare_campaign(
    *, school: School, kind: str, period: rules.Period, now: datetime, actor_label: str = CAMPAIGNS
) -> tuple[Campaign, bool]:
    """The campaign for this school, kind and period, made once (True when made now)."""
    if kind not in CAMPAIGN_KINDS:
        raise CommsError(f"{kind!r} is not a campaign")
    try:
        with transaction.atomic():
            campaign = Campaign.objects.create(
                school=school,
                kind=kind,
                period_key=period.key,
                period_label=period.label,
                first_day=period.first,
                last_day=period.last,
                created_at=now,
            )
            audit.record(
                "campaign.prepared",
                actor_label=actor_label,
                school=school,
                obj=campaign,
                campaign_kind=kind,
                period=period.key,
            )
    except IntegrityError:  # prepared already (this run or another)
        return Campaign.objects.get(school=school, kind=kind, period_key=period.key), False
    return campaign, True


@transaction.atomic
def approve_campaign(
    *, campaign: Campaign, now: datetime, actor=None, actor_label: str = ""
) -> list[Message]:
    """Queue the campaign's messages, exactly as previewed. Approving again (or a scheduler
    re-run) queues nothing: the status change is conditional and each family's message has
    a dedupe key."""
    from rollbook.comms import campaigns

    label = actor_label or (
        actor.get_username() if getattr(actor, "is_authenticated", False) else ""
    )
    if campaign.kind == Kind.POLICY_SHARE and not campaigns.blocks_for(campaign.school).get(
        "policy_link"
    ):
        raise CommsError("save the link to the attendance policy (Reusable text) first")
    won = Campaign.objects.filter(pk=campaign.pk, status=CampaignStatus.AWAITING_APPROVAL).update(
        status=CampaignStatus.APPROVED,
        decided_at=now,
        decided_by=audit.user_or_none(actor),
        decided_label=label,
    )
    campaign.refresh_from_db()
    if not won:
        if campaign.status == CampaignStatus.CANCELLED:
            raise CommsError("this campaign was cancelled: it cannot be approved")
        return []
    preview = campaigns.preview(campaign)
    keys = {d.family: rules.campaign_dedupe_key(campaign.pk, d.family) for d in preview.sendable}
    existing = set(
        Message.objects.filter(school=campaign.school, dedupe_key__in=keys.values()).values_list(
            "dedupe_key", flat=True
        )
    )
    drafts = [d for d in preview.sendable if keys[d.family] not in existing]
    queued = Message.objects.bulk_create(
        [
            Message(
                school=campaign.school,
                campaign=campaign,
                pupil=d.pupils[0].pupil,
                family_id=d.pupils[0].pupil.family_id,
                contact=d.contact,
                kind=campaign.kind,
                template_key=d.template.key,
                template_version=d.template.version,
                language=d.template.language,
                body=d.body,
                channel=Channel.SMS,
                recipient=d.contact.mobile_phone.strip(),
                status=Status.QUEUED,
                next_attempt_at=now,
                reason_key=f"campaign:{campaign.pk}",
                dedupe_key=keys[d.family],
                created_at=now,
                queued_at=now,
            )
            for d in drafts
        ]
    )
    Through = Message.pupils.through
    Through.objects.bulk_create(
        [
            Through(message_id=m.pk, pupil_id=n.pupil.pk)
            for m, d in zip(queued, drafts, strict=True)
            for n in d.pupils
        ]
    )
    MessageEvent.objects.bulk_create(
        [
            MessageEvent(
                message_id=m.pk,
                at=now,
                new_status=Status.QUEUED,
                actor_label=label or CAMPAIGNS,
                detail=f"campaign {campaign.pk}",
            )
            for m in queued
        ]
    )
    audit.record(
        "campaign.approved",
        actor=actor,
        actor_label=label or CAMPAIGNS,
        school=campaign.school,
        obj=campaign,
        campaign_kind=campaign.kind,
        period=campaign.period_key,
        queued=len(queued),
        no_contact=[n.pupil.pk for d in preview.unreachable for n in d.pupils],
    )
    return queued


@transaction.atomic
def cancel_campaign(*, campaign: Campaign, reason: str, now: datetime, actor=None) -> int:
    """Stop a campaign: waiting → cancelled, and every message not yet claimed is cancelled
    (a message already being sent finishes). Returns how many messages were stopped."""
    if not reason.strip():
        raise CommsError("say why the campaign is cancelled")
    label = actor.get_username() if getattr(actor, "is_authenticated", False) else CAMPAIGNS
    won = Campaign.objects.filter(
        pk=campaign.pk,
        status__in=(CampaignStatus.AWAITING_APPROVAL, CampaignStatus.APPROVED),
    ).update(
        status=CampaignStatus.CANCELLED,
        decided_at=now,
        decided_by=audit.user_or_none(actor),
        decided_label=label,
        reason=reason.strip(),
    )
    if not won:
        raise CommsError("this campaign is already cancelled")
    stopped = [
        m.pk
        for m in Message.objects.filter(campaign=campaign, status__in=CANCELLABLE).only("pk")
        if _transition(
            m.pk, old=CANCELLABLE, new=Status.CANCELLED, now=now, detail=reason, actor_label=label
        )
    ]
    campaign.refresh_from_db()
    audit.record(
        "campaign.cancelled",
        actor=actor,
        actor_label=label,
        school=campaign.school,
        obj=campaign,
        reason=reason.strip(),
        messages=stopped,
    )
    return len(stopped)


def schedule_campaigns(*, school: School, today: date, now: datetime) -> list[Campaign]:
    """The daily job for one school: prepare each policy campaign that is due (once per
    period) and approve it straight away when the policy says `auto_approve`."""
    from rollbook.comms import campaigns

    made = []
    for config in comms_policy(school).campaigns:
        period = campaigns.due_period(school, config, today)
        if period is None:
            continue
        campaign, new = prepare_campaign(school=school, kind=config.kind, period=period, now=now)
        if new:
            made.append(campaign)
        if config.auto_approve and campaign.status == CampaignStatus.AWAITING_APPROVAL:
            approve_campaign(campaign=campaign, now=now, actor_label="auto-approved by the policy")
    for kind, period in campaigns.standing_periods(school, today):
        campaign, new = prepare_campaign(school=school, kind=kind, period=period, now=now)
        if new:
            made.append(campaign)
    return made


# --- templates -----------------------------------------------------------------------------


@transaction.atomic
def save_template(
    *, school: School, kind: str, language: str, body: str, now: datetime, actor=None
) -> MessageTemplate:
    """A new version of the school's wording for a campaign kind in one language, after
    checking its placeholders (`rules.template_problems`)."""
    if language not in rules.TEMPLATE_LANGUAGES:
        raise CommsError(f"there are no templates in {language!r}")
    body = body.strip()
    problems = rules.template_problems(kind, body)
    if problems:
        raise CommsError("; ".join(problems))
    latest = (
        MessageTemplate.objects.select_for_update()
        .filter(school=school, kind=kind, language=language)
        .order_by("-version")
        .first()
    )
    template = MessageTemplate.objects.create(
        school=school,
        kind=kind,
        language=language,
        version=(latest.version if latest else 0) + 1,
        body=body,
        created_at=now,
        created_by=audit.user_or_none(actor),
    )
    audit.record(
        "message_template.saved",
        actor=actor,
        school=school,
        obj=template,
        template_kind=kind,
        language=language,
        version=template.version,
    )
    return template


@transaction.atomic
def save_text_block(*, school: School, key: str, body: str, now: datetime, actor=None) -> TextBlock:
    """A new version of one reusable text block (`rules.block_problems` checked); every
    template naming {key} uses the latest from then on. Earlier versions are kept."""
    body = body.strip()
    problems = rules.block_problems(key, body)
    if problems:
        raise CommsError("; ".join(problems))
    latest = (
        TextBlock.objects.select_for_update()
        .filter(school=school, key=key)
        .order_by("-version")
        .first()
    )
    block = TextBlock.objects.create(
        school=school,
        key=key,
        version=(latest.version if latest else 0) + 1,
        body=body,
        created_at=now,
        created_by=audit.user_or_none(actor),
    )
    audit.record(
        "text_block.saved", actor=actor, school=school, obj=block, key=key, version=block.version
    )
    return block


# --- the office ----------------------------------------------------------------------------


def cancel_message(
    *, actor, actor_label: str = "", message: Message, reason: str, now: datetime
) -> Message:
    """Stop a message that has not been claimed for sending; needs a reason."""
    if not reason.strip():
        raise CommsError("say why the message is cancelled")
    label = actor_label or (
        actor.get_username() if getattr(actor, "is_authenticated", False) else ""
    )
    if not _transition(
        message.pk,
        old=CANCELLABLE,
        new=Status.CANCELLED,
        now=now,
        detail=reason,
        actor_label=label,
    ):
        message.refresh_from_db()
        raise CommsError(
            f"this message is {message.get_status_display().lower()}: too late to cancel"
        )
    message.refresh_from_db()
    _audit(message, "message.cancelled", actor=actor, actor_label=label, reason=reason)
    return message


def _family_contact(pupils, links) -> rules.ContactLink | None:
    """The one contact a family's text goes to (rules.first_day_contact over all the children's links)."""
    return rules.first_day_contact(
        rules.ContactLink(
            link.pupil_id,
            link.contact_id,
            link.priority,
            link.parental_responsibility,
            link.contact.mobile_phone,
        )
        for pupil in pupils
        for link in links[pupil.pk]
    )


def _queue_sms(
    *,
    school,
    pupils,
    contact,
    kind,
    rendered,
    reason_key,
    dedupe_key,
    now,
    actor_label,
    channel: str = Channel.SMS,
) -> Message | None:
    """Put one SMS (or email) naming `pupils` in the outbox; None if another run queued it
    first."""
    try:
        with transaction.atomic():
            message = Message.objects.create(
                school=school,
                pupil=pupils[0],
                family_id=pupils[0].family_id,
                contact=contact,
                kind=kind,
                template_key=rendered.template_key,
                template_version=rendered.version,
                language=rendered.language,
                subject=rendered.subject if channel == Channel.EMAIL else "",
                body=rendered.body,
                channel=channel,
                recipient=(
                    contact.email.strip()
                    if channel == Channel.EMAIL
                    else contact.mobile_phone.strip()
                ),
                status=Status.QUEUED,
                next_attempt_at=now,
                reason_key=reason_key,
                dedupe_key=dedupe_key,
                created_at=now,
                queued_at=now,
            )
    except IntegrityError:  # another run queued it between our read and our insert
        return None
    message.pupils.set(pupils)
    MessageEvent.objects.create(
        message=message, at=now, new_status=Status.QUEUED, actor_label=actor_label
    )
    return message


# --- parents' requests for help and concerns (seeds 002-126, 000-6) ------------------------


@transaction.atomic
def log_request(
    *,
    school: School,
    pupil: Pupil,
    kind: str,
    channel: str,
    text: str,
    received_at: datetime,
    actor=None,
    contact=None,
) -> ParentRequest:
    """Record what a parent asked or told us; it stays open (the team's inbox) until replied."""
    if pupil.school_id != school.pk:
        raise CommsError("this pupil is not at this school")
    if kind not in RequestKind.values:
        raise CommsError("choose whether the parent asked for help or told us of a concern")
    if channel not in RequestChannel.values:
        raise CommsError("choose how the parent got in touch")
    if not text.strip():
        raise CommsError("say what the parent asked or told us")
    if contact is not None and contact.school_id != school.pk:
        raise CommsError("this contact is not at this school")
    request = ParentRequest.objects.create(
        school=school,
        pupil=pupil,
        contact=contact,
        kind=kind,
        channel=channel,
        text=text.strip(),
        received_at=received_at,
        logged_by=audit.user_or_none(actor),
    )
    audit.record(
        "parent_request.logged",
        actor=actor,
        school=school,
        obj=request,
        pupil_id=pupil.pk,
        request_kind=kind,
        channel=channel,
    )
    return request


def reply_to_request(
    *, request: ParentRequest, reply: str, now: datetime, actor=None
) -> ParentRequest:
    """Record the school's reply (once: a conditional UPDATE, so two people replying at once
    cannot overwrite each other)."""
    if not reply.strip():
        raise CommsError("say how the school replied")
    with transaction.atomic():
        won = ParentRequest.objects.filter(pk=request.pk, replied_at__isnull=True).update(
            reply=reply.strip(), replied_at=now, replied_by=audit.user_or_none(actor)
        )
        if not won:
            raise CommsError("this request has already been replied to")
        request.refresh_from_db()
        audit.record(
            "parent_request.replied",
            actor=actor,
            school=request.school,
            obj=request,
            pupil_id=request.pupil_id,
        )
    return request

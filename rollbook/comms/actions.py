"""Every write to the outbox. Each status change is a conditional UPDATE on the expected
status (exactly one row changed, or someone else got there first) plus a `MessageEvent`.

Sending is three short transactions, never one long one around the provider call:
claim (queued → sending, committed), call the provider, record the outcome. A crash
between claim and outcome leaves the row in "sending"; `send_due_messages` hands it to a
person after `rules.STUCK_AFTER` instead of resending, because the provider may already
have delivered it and a second text is the failure parents remember.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import F

from rollbook.comms import messages, rules
from rollbook.comms.channels import ChannelError, Outgoing, Transport, get_channel
from rollbook.comms.models import CANCELLABLE, Channel, Kind, Message, MessageEvent, Status
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
    **fields,
) -> bool:
    """Move one message from `old` (a status or a tuple) to `new`; False if it was not there."""
    olds = old if isinstance(old, tuple) else (old,)
    with transaction.atomic():
        changed = Message.objects.filter(pk=message_id, status__in=olds).update(
            status=new, **fields
        )
        if changed == 1:
            message = Message.objects.only("status", "attempts").get(pk=message_id)
            MessageEvent.objects.create(
                message_id=message_id,
                at=now,
                old_status=olds[0] if len(olds) == 1 else "/".join(olds),
                new_status=new,
                attempt=message.attempts,
                actor_label=actor_label,
                detail=detail,
            )
    return changed == 1


def _audit(
    message: Message, kind: str, *, actor=None, actor_label: str = SENDER, reason: str = "", **data
) -> None:
    """One AuditEvent per pupil named, so the message shows on each child's timeline."""
    pupil_ids = sorted(message.pupils.values_list("pk", flat=True)) or [message.pupil_id]
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
    marks = list(
        Mark.objects.filter(school=school, date=day, session=session, code=UNEXPLAINED)
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


# --- sending -------------------------------------------------------------------------------


def claim_message(message_id: int, *, now: datetime) -> bool:
    """queued → sending, for exactly one worker: the UPDATE matches only while still due."""
    with transaction.atomic():
        won = Message.objects.filter(
            pk=message_id, status__in=DUE, next_attempt_at__lte=now
        ).update(status=Status.SENDING, attempts=F("attempts") + 1, sending_since=now)
        if won == 1:
            attempts = Message.objects.values_list("attempts", flat=True).get(pk=message_id)
            MessageEvent.objects.create(
                message_id=message_id,
                at=now,
                old_status=Status.QUEUED,
                new_status=Status.SENDING,
                attempt=attempts,
                actor_label=SENDER,
            )
    return won == 1


def _recheck(message: Message, now: datetime) -> str | None:
    """Why the message must not go now (None: send it). Narrows a sibling message to the
    children still unexplained, re-rendering its text."""
    reason = rules.parse_reason_key(message.reason_key)
    if reason is None:
        return None
    marks = list(Mark.objects.filter(pk__in=reason.mark_ids).select_related("pupil"))
    still = [m for m in marks if m.code == reason.code]
    changed = [m for m in marks if m.code != reason.code]
    if not still:
        return "; ".join(f"{_first_name(m.pupil)} is now coded {m.code}" for m in changed) or (
            "the marks it was about no longer exist"
        )
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
                detail="narrowed: "
                + "; ".join(f"{_first_name(m.pupil)} is now coded {m.code}" for m in changed),
            )
        message.refresh_from_db()
    return None


def send_message(*, message_id: int, now: datetime, channel: Transport | None = None) -> str:
    """Send one due message. Returns what happened: deferred, lost, cancelled, sent, retry,
    failed or not_due."""
    message = Message.objects.select_related("school").filter(pk=message_id).first()
    if message is None or message.status not in DUE:
        return "not_due"
    if message.next_attempt_at is not None and message.next_attempt_at > now:
        return "not_due"
    if (resume := rules.quiet_until(now)) is not None:
        _transition(
            message_id,
            old=message.status,
            new=message.status,
            now=now,
            detail=f"quiet hours: next try {resume.isoformat()}",
            next_attempt_at=resume,
        )
        return "deferred"
    if not claim_message(message_id, now=now):
        return "lost"
    message.refresh_from_db()

    if (why := _recheck(message, now)) is not None:
        if _transition(
            message_id,
            old=Status.SENDING,
            new=Status.CANCELLED,
            now=now,
            detail=why,
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
        reference=str(message.pk),
    )
    try:
        provider_id = channel.send(out)
    except ChannelError as error:
        return _record_failure(message, error, now)
    if _transition(
        message_id,
        old=Status.SENDING,
        new=Status.SENT,
        now=now,
        detail=f"via {channel.name}",
        provider_id=provider_id[:100],
        sent_at=now,
        sending_since=None,
        last_error="",
    ):
        _audit(message, "message.sent", provider_id=provider_id, attempts=message.attempts)
    return "sent"


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
        last_error=str(error),
        next_attempt_at=now + delay,
        sending_since=None,
    )
    return "retry"


def send_due_messages(
    *, now: datetime, channel: Transport | None = None, limit: int = 1000
) -> dict[str, int]:
    """The sweep: hand stuck sends to a person, then send every due message (oldest first)."""
    counts: dict[str, int] = defaultdict(int)
    stuck = Message.objects.filter(
        status=Status.SENDING, sending_since__lt=now - rules.STUCK_AFTER
    ).select_related("school")
    for message in stuck:
        why = (
            f"claimed at {message.sending_since.isoformat()} with no outcome recorded: "
            f"check with the provider (reference {message.pk}) before sending again"
        )
        if _transition(message.pk, old=Status.SENDING, new=Status.NEEDS_CHECK, now=now, detail=why):
            _audit(message, "message.needs_check", reason=why)
            counts["needs_check"] += 1
    due = list(
        Message.objects.filter(status__in=DUE, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    channel = channel or (get_channel() if due else None)
    for message_id in due:
        counts[send_message(message_id=message_id, now=now, channel=channel)] += 1
    return dict(counts)


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
    *, school, pupils, contact, kind, rendered, reason_key, dedupe_key, now, actor_label
) -> Message | None:
    """Put one SMS naming `pupils` in the outbox; None if another run queued it first."""
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
                body=rendered.body,
                channel=Channel.SMS,
                recipient=contact.mobile_phone.strip(),
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

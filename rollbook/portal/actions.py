"""Writes for the parent portal: accounts, links to contacts, sign-in links, parents' requests.

Each action is atomic and audited. Reports and leave requests are written by the owning apps'
actions (`absences.actions`, `leave.actions`); this module checks the upload and picks the
contact the parent speaks as.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import date, datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction

from rollbook.absences.actions import submit_absence_report
from rollbook.absences.models import AbsenceReport
from rollbook.core import audit
from rollbook.leave.actions import create_leave_request
from rollbook.leave.models import LeaveRequest, Via
from rollbook.portal import rules
from rollbook.portal.access import active_contacts, contact_for
from rollbook.portal.models import ParentAccount, ParentLink, SignInRequest, SignInToken
from rollbook.pupils.models import Contact, Pupil

SIGN_IN_SUBJECT = "Your link to sign in to Rollbook for parents"


class PortalError(ValueError):
    """A request the portal cannot carry out; the message is written for the parent."""


# --- Accounts and links -----------------------------------------------------------------------


def _matching_contacts(email: str) -> list[Contact]:
    """The school records with this address that have parental responsibility for a child."""
    return list(
        Contact.objects.filter(email__iexact=email, pupil_links__parental_responsibility=True)
        .distinct()
        .order_by("pk")
    )


@transaction.atomic
def link_contact(
    *, account: ParentAccount, contact: Contact, now: datetime, actor=None, actor_label: str = ""
) -> ParentLink:
    link, created = ParentLink.objects.get_or_create(
        account=account, contact=contact, defaults={"created_at": now}
    )
    if created:
        audit.record(
            "portal.link_added",
            actor=actor,
            actor_label=actor_label or "parent portal",
            school=contact.school,
            obj=link,
            contact_id=contact.pk,
        )
    return link


@transaction.atomic
def end_link(*, link: ParentLink, reason: str, now: datetime, actor=None, actor_label: str = ""):
    if link.ended_at is not None:
        return link
    link.ended_at, link.end_reason = now, reason
    link.save(update_fields=["ended_at", "end_reason"])
    audit.record(
        "portal.link_ended",
        actor=actor,
        actor_label=actor_label or "parent portal",
        school=link.contact.school,
        obj=link,
        reason=reason,
        contact_id=link.contact_id,
    )
    return link


@transaction.atomic
def create_account(*, email: str, now: datetime, actor_label: str = "parent portal"):
    email = rules.normalise_email(email)
    user = get_user_model().objects.create_user(
        username=f"parent-{secrets.token_hex(8)}", email=email
    )
    user.set_unusable_password()  # signs in by emailed link only
    user.save(update_fields=["password"])
    account = ParentAccount.objects.create(user=user, email=email, created_at=now)
    audit.record("portal.account_created", actor_label=actor_label, obj=account)
    return account


def sync_account(email: str, now: datetime) -> ParentAccount | None:
    """The account for this address, its links matching the school records today.

    The school's records decide who is a parent: a contact with this email address and
    parental responsibility. A link whose contact no longer has the address is ended; an
    ended link is never reopened here (the school ended it, or the record changed).
    """
    email = rules.normalise_email(email)
    contacts = _matching_contacts(email)
    account = ParentAccount.objects.filter(email=email).first()
    if account is None and not contacts:
        return None
    if account is None:
        account = create_account(email=email, now=now)
    known = {link.contact_id: link for link in account.links.select_related("contact__school")}
    for contact in contacts:
        if contact.pk not in known:
            link_contact(account=account, contact=contact, now=now)
    wanted = {c.pk for c in contacts}
    for contact_id, link in known.items():
        if contact_id not in wanted and link.ended_at is None:
            end_link(link=link, reason="the email address on the school's record changed", now=now)
    return account


# --- Sign-in links ----------------------------------------------------------------------------


@transaction.atomic
def request_sign_in_link(
    *, email: str, ip: str | None, now: datetime, link_for: Callable[[str], str]
) -> bool:
    """Email a single-use link if the address belongs to a parent; True if one was sent.

    The caller shows the same page whatever this returns (no account enumeration). Every
    request counts towards the rate limits, known address or not.
    """
    email = rules.normalise_email(email)
    email_hash = rules.hash_email(email, settings.SECRET_KEY)
    since = now - rules.RATE_WINDOW
    allowed = rules.may_send_link(
        recent_for_email=SignInRequest.objects.filter(email_hash=email_hash, at__gte=since).count(),
        recent_for_ip=SignInRequest.objects.filter(ip=ip, at__gte=since).count() if ip else 0,
    )
    account = sync_account(email, now) if allowed else None
    sent = account is not None and active_contacts(account).exists()
    SignInRequest.objects.create(email_hash=email_hash, ip=ip, at=now, sent=sent)
    if not sent:
        return False
    token = secrets.token_urlsafe(32)
    SignInToken.objects.create(
        account=account,
        token_hash=rules.hash_token(token),
        created_at=now,
        expires_at=now + rules.LINK_LIFETIME,
    )
    minutes = int(rules.LINK_LIFETIME.total_seconds() // 60)
    send_mail(
        SIGN_IN_SUBJECT,
        "Use this link to sign in to Rollbook for parents:\n\n"
        f"{link_for(token)}\n\n"
        f"The link works once, for {minutes} minutes. If you did not ask for it, you can "
        "ignore this email: nobody can sign in without the link.\n",
        None,
        [account.email],
    )
    audit.record("portal.sign_in_link_sent", actor_label="parent portal", obj=account)
    return True


@transaction.atomic
def use_sign_in_link(*, token: str, now: datetime) -> ParentAccount | None:
    """The account the link signs in, spending it (and any other unused link of the account);
    None for an unknown, expired or used link. A conditional update makes it single use even
    if the link is opened twice at the same moment."""
    row = (
        SignInToken.objects.select_related("account__user")
        .filter(token_hash=rules.hash_token(token))
        .first()
    )
    if row is None or not rules.link_usable(
        expires_at=row.expires_at, used_at=row.used_at, now=now
    ):
        return None
    if SignInToken.objects.filter(pk=row.pk, used_at__isnull=True).update(used_at=now) != 1:
        return None
    SignInToken.objects.filter(account=row.account, used_at__isnull=True).update(used_at=now)
    account = row.account
    account.last_signed_in_at = now
    account.save(update_fields=["last_signed_in_at"])
    audit.record("portal.signed_in", actor=account.user, obj=account)
    return account


# --- Parents' requests ------------------------------------------------------------------------


def checked_evidence(upload) -> tuple[ContentFile, rules.FileKind]:
    """The upload as a new file with a random name and the extension of its real type."""
    head = upload.read(16)
    upload.seek(0)
    kind, problem = rules.check_evidence(head, upload.size)
    if problem:
        raise PortalError(problem)
    data = upload.read(rules.MAX_EVIDENCE_BYTES + 1)
    if len(data) > rules.MAX_EVIDENCE_BYTES:  # the size the browser claimed was wrong
        raise PortalError(rules.check_evidence(head, len(data))[1])
    return ContentFile(data, name=f"{uuid.uuid4().hex}.{kind.extension}"), kind


@transaction.atomic
def report_absence(
    *,
    account: ParentAccount,
    pupils: Iterable[Pupil],
    first_date: date,
    last_date: date,
    reason: str,
    today: date,
    now: datetime,
    first_session: str = "AM",
    last_session: str = "PM",
    details: str = "",
    evidence=None,
) -> list[AbsenceReport]:
    """One report per child (brothers and sisters can be reported together)."""
    pupils = list(pupils)
    if not pupils:
        raise PortalError("Select the child who will be absent")
    file, kind = checked_evidence(evidence) if evidence is not None else (None, None)
    reports = []
    for pupil in pupils:
        contact = contact_for(account, pupil)
        if contact is None:
            raise PortalError("You can only report absences for your own children")
        copy = ContentFile(file.read(), name=file.name) if file is not None else None
        if file is not None:
            file.seek(0)
        reports.append(
            submit_absence_report(
                actor=account.user,
                pupil=pupil,
                reported_by=contact,
                first_date=first_date,
                first_session=first_session,
                last_date=last_date,
                last_session=last_session,
                reason=reason,
                details=details,
                evidence=copy,
                evidence_type=kind.content_type if kind else "",
                today=today,
                now=now,
            )
        )
    return reports


@transaction.atomic
def request_leave(
    *,
    account: ParentAccount,
    pupils: Iterable[Pupil],
    first_date: date,
    last_date: date,
    reason: str,
    reason_text: str,
    today: date,
    evidence=None,
) -> LeaveRequest:
    """A leave request from the portal, into the school's queue (the head decides)."""
    pupils = list(pupils)
    if not pupils:
        raise PortalError("Select the children the request is for")
    if len({p.school_id for p in pupils}) > 1:
        raise PortalError("Children at different schools need a request to each school")
    contacts = [contact_for(account, p) for p in pupils]
    if None in contacts or len({c.pk for c in contacts}) > 1:
        raise PortalError(
            "We cannot send this request for these children together: ask the school office"
        )
    file, kind = checked_evidence(evidence) if evidence is not None else (None, None)
    return create_leave_request(
        actor=account.user,
        school=pupils[0].school,
        pupils=pupils,
        requested_by=contacts[0],
        requested_on=today,
        first_date=first_date,
        last_date=last_date,
        reason=reason,
        reason_text=reason_text,
        evidence_file=file,
        evidence_type=kind.content_type if kind else "",
        submitted_via=Via.PORTAL,
    )

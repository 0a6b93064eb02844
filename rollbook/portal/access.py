"""Who a parent may see: only the children their linked contacts have parental responsibility for.

Not a parent account → 403 (staff and anyone else signed in). Another family's child, report or
request → 404 (we do not confirm it exists), whichever school it is at.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.absences.models import AbsenceReport
from rollbook.leave.models import LeaveRequest
from rollbook.portal.models import ParentAccount
from rollbook.pupils.models import Contact, Pupil, PupilContact


def parent_account(user) -> ParentAccount | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return ParentAccount.objects.filter(user_id=user.pk).select_related("user").first()


def require_parent(user) -> ParentAccount:
    account = parent_account(user)
    if account is None:
        raise PermissionDenied("This page is for parents signed in to the parent portal.")
    return account


def active_contacts(account: ParentAccount):
    return Contact.objects.filter(
        parent_links__account=account, parent_links__ended_at__isnull=True
    )


def _responsible_links(account: ParentAccount):
    return PupilContact.objects.filter(
        contact__in=active_contacts(account), parental_responsibility=True
    )


def children(account: ParentAccount):
    """The pupils (at any school) the account's contacts have parental responsibility for."""
    return (
        Pupil.objects.filter(pk__in=_responsible_links(account).values("pupil_id"))
        .select_related("school", "registration_group")
        .order_by("date_of_birth", "legal_forename", "pk")
    )


def contact_for(account: ParentAccount, pupil: Pupil) -> Contact | None:
    """The contact this account speaks as for this child (lowest priority number first)."""
    link = (
        _responsible_links(account)
        .filter(pupil=pupil)
        .select_related("contact")
        .order_by("priority", "pk")
        .first()
    )
    return link.contact if link else None


def get_child(user, pupil_id: int) -> tuple[ParentAccount, Pupil]:
    account = require_parent(user)
    pupil = children(account).filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such child.")
    return account, pupil


def get_report(user, report_id: int) -> tuple[ParentAccount, AbsenceReport]:
    account = require_parent(user)
    report = (
        AbsenceReport.objects.filter(pk=report_id, pupil__in=children(account).values("pk"))
        .select_related("pupil", "school")
        .first()
    )
    if report is None:
        raise Http404("No such report.")
    return account, report


def leave_requests(account: ParentAccount):
    """Requests naming only this account's children: a request that also names a child the
    account has no responsibility for (a step-sibling) stays with the school."""
    mine = children(account).values("pk")
    return (
        LeaveRequest.objects.filter(pupils__in=mine)
        .exclude(pupils__in=Pupil.objects.exclude(pk__in=mine))
        .select_related("school", "requested_by")
        .prefetch_related("pupils")
        .distinct()
    )


def get_leave(user, leave_id: int) -> tuple[ParentAccount, LeaveRequest]:
    account = require_parent(user)
    leave = leave_requests(account).filter(pk=leave_id).first()
    if leave is None:
        raise Http404("No such request.")
    return account, leave

"""Who may see and record referrals: the casework roles (404 outside the user's school,
403 for the wrong role); social-care referrals for the DSL (and a superuser) only."""

from __future__ import annotations

from django.http import Http404

from rollbook.casework.access import (
    get_pupil_for_case_reader,
    get_pupil_for_case_writer,
    may_read_safeguarding,
    may_write,
)
from rollbook.pupils.models import Pupil
from rollbook.referrals import rules
from rollbook.referrals.models import Referral

__all__ = [
    "get_pupil_for_case_reader",
    "get_pupil_for_case_writer",
    "get_referral",
    "may_read_safeguarding",
    "may_write",
    "referrals_for",
]


def referrals_for(user, pupil: Pupil):
    """The pupil's referrals this user may read: social care is never fetched for others."""
    rows = Referral.objects.filter(school=pupil.school, pupil=pupil).select_related("closed_by")
    if not may_read_safeguarding(user, pupil.school):
        rows = rows.exclude(kind__in=rules.SAFEGUARDING_KINDS)
    return rows


def get_referral(user, pupil: Pupil, referral_id: int | None) -> Referral:
    referral = referrals_for(user, pupil).filter(pk=referral_id).first() if referral_id else None
    if referral is None:
        raise Http404("No such referral.")
    return referral

"""Who may open the audit log and reset other people's two-factor sign-in.

Built on `rollbook.core.access`: 404 for another school's staff, 403 for the wrong role.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.core.access import require_school, roles_at
from rollbook.core.models import Role, School, StaffRole

# The audit log names pupils and shows who read safeguarding notes: the head and the admin.
AUDIT_READERS = frozenset({Role.HEAD, Role.ADMIN})
# Resetting someone's two-factor sign-in lets a new phone in: the system administrator only.
ACCOUNT_ADMINS = frozenset({Role.ADMIN})


def require_audit_reader(user) -> School:
    school = require_school(user)
    if not roles_at(user, school) & AUDIT_READERS:
        raise PermissionDenied(
            "Only the head teacher and the administrator can read the audit log."
        )
    return school


def require_account_admin(user) -> School:
    school = require_school(user)
    if not roles_at(user, school) & ACCOUNT_ADMINS:
        raise PermissionDenied("Only the administrator can manage staff sign-in.")
    return school


def get_staff_member_for_admin(user, user_id: int):
    """(school, member of staff at that school) for an administrator, or 403/404."""
    school = require_account_admin(user)
    if not StaffRole.objects.filter(school=school, user_id=user_id).exists():
        raise Http404("No such member of staff.")
    return school, get_user_model().objects.get(pk=user_id)

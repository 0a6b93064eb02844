"""Who may use the registration-duty pages: the office roles (404 outside the user's school,
403 for the wrong role). Deleting a pupil from the admission register is for the head
teacher and an administrator only: it ends the school's legal responsibility for the child."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.core.access import require_office, require_school, roles_at
from rollbook.core.models import Role
from rollbook.pupils.models import Pupil

DELETE_ROLES = frozenset({Role.HEAD, Role.ADMIN})

__all__ = ["get_pupil_for_deleter", "get_pupil_for_office", "may_delete", "require_office"]


def may_delete(user, school) -> bool:
    return bool(roles_at(user, school) & DELETE_ROLES)


def _pupil(school, pupil_id: int) -> Pupil:
    pupil = school.pupils.select_related("registration_group").filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such pupil.")
    return pupil


def get_pupil_for_office(user, pupil_id: int) -> Pupil:
    return _pupil(require_office(user), pupil_id)


def get_pupil_for_deleter(user, pupil_id: int) -> Pupil:
    school = require_school(user)
    if not may_delete(user, school):
        raise PermissionDenied("Only the head teacher deletes a pupil from the register.")
    return _pupil(school, pupil_id)

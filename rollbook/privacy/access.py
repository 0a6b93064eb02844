"""Who may export a pupil's data and see the retention report (404 elsewhere, 403 wrong role)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.core.access import require_school, roles_at
from rollbook.core.models import School
from rollbook.privacy import rules
from rollbook.pupils.models import Pupil

EXPORT_REFUSED = "Subject access exports are for the head teacher, the administrator and the DSL."


def require_exporter(user) -> School:
    school = require_school(user)
    if not rules.may_export(roles_at(user, school)):
        raise PermissionDenied(EXPORT_REFUSED)
    return school


def get_pupil_for_export(user, pupil_id: int) -> Pupil:
    """Any pupil of the user's school, leavers included: 404 first, then the role check."""
    school = require_school(user)
    pupil = school.pupils.select_related("school", "registration_group").filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such pupil.")
    if not rules.may_export(roles_at(user, school)):
        raise PermissionDenied(EXPORT_REFUSED)
    return pupil


def may_include_safeguarding(user, school: School) -> bool:
    return rules.may_include_safeguarding(
        roles_at(user, school), superuser=getattr(user, "is_superuser", False)
    )


def may_see_retention(user, school: School) -> bool:
    return rules.may_see_retention(roles_at(user, school))


def require_retention_viewer(user) -> School:
    school = require_school(user)
    if not may_see_retention(user, school):
        raise PermissionDenied(
            "The retention report is for the head teacher and the administrator."
        )
    return school

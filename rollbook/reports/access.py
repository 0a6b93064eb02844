"""Who may open the reports that name pupils or read special-category data.

Built on `rollbook.core.access`: another school's class is 404, the wrong role is 403.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.core.access import can_read_all_pupils, require_school, roles_at
from rollbook.core.models import Role, School
from rollbook.pupils.models import RegistrationGroup


def require_pupil_reader(user) -> School:
    """The user's school, for roles that read every pupil (office, senior staff, DSL, SENCO).

    These are the roles the pupil page shows the SEN, CLA, CIN and CP flags to
    (`pupils.views`: `sensitive = roles & PUPIL_READ_ROLES`); class teachers, governors and
    analysts are refused.
    """
    school = require_school(user)
    if not can_read_all_pupils(user, school):
        raise PermissionDenied("Only the office, senior staff, the DSL and the SENCO can see this.")
    return school


def readable_groups(user, school: School):
    """The classes whose pupils the user may read: all for pupil readers, else those they teach."""
    groups = school.registration_groups.order_by("year_group", "name")
    return groups if can_read_all_pupils(user, school) else groups.filter(teachers=user)


def get_readable_group(user, group_id: int) -> RegistrationGroup:
    """A class the user may read (its teacher, or a pupil reader), or 404/403."""
    school = require_school(user)
    group = school.registration_groups.select_related("school").filter(pk=group_id).first()
    if group is None:
        raise Http404("No such class.")
    if can_read_all_pupils(user, school) or group.teachers.filter(pk=user.pk).exists():
        return group
    raise PermissionDenied("You can only see your own classes.")


def require_class_reader(user) -> School:
    """The user's school, for class teachers and pupil readers (the class packs' index)."""
    school = require_school(user)
    if not (can_read_all_pupils(user, school) or Role.TEACHER in roles_at(user, school)):
        raise PermissionDenied("Class packs are for class teachers and the office.")
    return school

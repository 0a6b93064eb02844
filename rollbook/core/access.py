"""Who may see what. Every view fetches schools, classes and pupils through these helpers.

Roles are per school (StaffRole). A superuser counts as an administrator everywhere.
Outside the user's school → 404 (we do not confirm the object exists);
inside it but not allowed → 403.
"""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from rollbook.core.models import Role, School, StaffRole

# May enter every code, see the office views and every pupil.
OFFICE_ROLES = frozenset({Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEAD, Role.ADMIN})
# May read every pupil's attendance at their school.
PUPIL_READ_ROLES = OFFICE_ROLES | {Role.DSL, Role.SENCO}


def school_for(user: AbstractBaseUser | AnonymousUser | None) -> School | None:
    """The school a signed-in user works at: the school of their first staff role.

    A superuser with no role sees the first school. Users with roles at several schools
    will need a school switcher; until then the earliest role wins.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    role = StaffRole.objects.filter(user_id=user.pk).select_related("school").order_by("id").first()
    if role is not None:
        return role.school
    if getattr(user, "is_superuser", False):
        return School.objects.order_by("name", "id").first()
    return None


def roles_at(user, school: School) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset({Role.ADMIN})
    return frozenset(
        StaffRole.objects.filter(user_id=user.pk, school=school).values_list("role", flat=True)
    )


def require_school(user) -> School:
    school = school_for(user)
    if school is None:
        raise PermissionDenied("Your account is not linked to a school.")
    return school


def is_office(user, school: School) -> bool:
    return bool(roles_at(user, school) & OFFICE_ROLES)


def require_office(user) -> School:
    school = require_school(user)
    if not is_office(user, school):
        raise PermissionDenied("Only the office and senior staff can do this.")
    return school


def can_read_all_pupils(user, school: School) -> bool:
    return bool(roles_at(user, school) & PUPIL_READ_ROLES)


def groups_for_user(user, school: School):
    """The classes whose registers this user may take."""
    groups = school.registration_groups.all()
    return groups if is_office(user, school) else groups.filter(teachers=user)


def get_group_for_user(user, group_id: int):
    """A class the user may take the register for, or 404/403."""
    school = require_school(user)
    group = school.registration_groups.filter(pk=group_id).first()
    if group is None:
        raise Http404("No such class.")
    if not is_office(user, school) and not group.teachers.filter(pk=user.pk).exists():
        raise PermissionDenied("You can only take registers for your own classes.")
    return group


def get_pupil_for_user(user, pupil_id: int):
    """A pupil the user may read: anyone at their school for office/DSL/SENCO, own classes for teachers."""
    school = require_school(user)
    pupil = school.pupils.select_related("registration_group").filter(pk=pupil_id).first()
    if pupil is None:
        raise Http404("No such pupil.")
    if can_read_all_pupils(user, school):
        return pupil
    if pupil.registration_group and pupil.registration_group.teachers.filter(pk=user.pk).exists():
        return pupil
    raise PermissionDenied("You can only see pupils in your own classes.")


# May see school-wide aggregate figures; small groups are suppressed for those who may not
# read pupils (governors, trust and LA analysts).
AGGREGATE_ROLES = PUPIL_READ_ROLES | {Role.GOVERNOR, Role.TRUST_ANALYST}


def require_aggregates(user) -> tuple[School, bool]:
    """The user's school and whether small groups must be suppressed for them."""
    school = require_school(user)
    roles = roles_at(user, school)
    if not roles & AGGREGATE_ROLES:
        raise PermissionDenied("Reports are for the office, senior staff and governors.")
    return school, not (roles & PUPIL_READ_ROLES)

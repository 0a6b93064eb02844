"""Who may see what. Every view fetches schools, classes and pupils through these helpers.

Roles are per school (StaffRole). A superuser counts as an administrator everywhere.
Outside the user's school → 404 (we do not confirm the object exists);
inside it but not allowed → 403.
"""

from __future__ import annotations

from contextvars import ContextVar

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef
from django.http import Http404

from rollbook.core.models import Role, School, StaffRole

# May enter every code, see the office views and every pupil.
OFFICE_ROLES = frozenset({Role.OFFICE, Role.ATTENDANCE_LEAD, Role.HEAD, Role.ADMIN})
# May read every pupil's attendance at their school.
PUPIL_READ_ROLES = OFFICE_ROLES | {Role.DSL, Role.SENCO}


# The roles of the users seen in the current request, by user id. A view asks "which school?"
# and "which roles?" several times (the access check, the page's own logic, the navigation);
# `RequestScopeMiddleware` gives each request a fresh dict so the answer is one query per
# request, and never outlives it: outside a request (commands, jobs, tests calling helpers)
# nothing is kept and every call reads the database.
_grants_this_request: ContextVar[dict[int, tuple[StaffRole, ...]] | None] = ContextVar(
    "grants_this_request", default=None
)


class RequestScopeMiddleware:
    """Opens the per-request role cache (put it before anything that checks access)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _grants_this_request.set({})
        try:
            return self.get_response(request)
        finally:
            _grants_this_request.reset(token)


def staff_grants(user) -> tuple[StaffRole, ...]:
    """The user's staff roles with their schools, oldest first (one query per request)."""
    if not getattr(user, "is_authenticated", False):
        return ()
    cache = _grants_this_request.get()
    if cache is not None and user.pk in cache:
        return cache[user.pk]
    grants = tuple(
        StaffRole.objects.filter(user_id=user.pk).select_related("school").order_by("id")
    )
    if cache is not None:
        cache[user.pk] = grants
    return grants


def school_for(user: AbstractBaseUser | AnonymousUser | None) -> School | None:
    """The school a signed-in user works at: the school of their first staff role.

    A superuser with no role sees the first school. Users with roles at several schools
    will need a school switcher; until then the earliest role wins.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    grants = staff_grants(user)
    if grants:
        return grants[0].school
    if getattr(user, "is_superuser", False):
        return School.objects.order_by("name", "id").first()
    return None


def roles_at(user, school: School) -> frozenset[str]:
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    if getattr(user, "is_superuser", False):
        return frozenset({Role.ADMIN})
    return frozenset(g.role for g in staff_grants(user) if g.school_id == school.pk)


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
    groups = school.registration_groups.filter(pk=group_id)
    office = is_office(user, school)
    if not office:  # whether they teach it comes back with the class: one query either way
        teaches = groups.model.teachers.through.objects.filter(
            registrationgroup_id=OuterRef("pk"), user_id=user.pk
        )
        groups = groups.annotate(taught_by_user=Exists(teaches))
    group = groups.first()
    if group is None:
        raise Http404("No such class.")
    if not office and not group.taught_by_user:
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

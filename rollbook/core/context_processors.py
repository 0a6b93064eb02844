from django.urls import reverse

from rollbook.core.access import (
    AGGREGATE_ROLES,
    OFFICE_ROLES,
    PUPIL_READ_ROLES,
    school_for,
    staff_grants,
)
from rollbook.core.models import Role

# (label, URL name, roles that see it; None: every signed-in user with a school)
NAVIGATION = (
    ("Home", "home", None),
    ("Registers", "register_list", OFFICE_ROLES | {Role.TEACHER}),
    ("Pupils", "pupils:list", PUPIL_READ_ROLES | {Role.TEACHER}),
    ("Today", "office_today", OFFICE_ROLES),
    ("Late sign-in", "late_sign_in", OFFICE_ROLES),
    ("Bulk coding", "bulk:form", OFFICE_ROLES),
    ("Alerts", "policy:alerts", OFFICE_ROLES),
    ("Leave", "leave:list", OFFICE_ROLES),
    ("Admissions", "admissions:register", OFFICE_ROLES),
    ("Cases", "casework:caseload", OFFICE_ROLES | {Role.DSL}),
    ("Reports", "group_report", AGGREGATE_ROLES),
    ("Rewards", "rewards:league", OFFICE_ROLES | {Role.TEACHER, Role.GOVERNOR}),
    ("Audit log", "accounts:audit", frozenset({Role.HEAD, Role.ADMIN})),
    ("Your account", "accounts:two_factor", None),  # two-factor sign-in and recovery codes
)


def school(request):
    """The signed-in user's school and navigation for the page header.

    Lazy: nothing is queried unless a template asks, and at most once per request.
    """
    cache: dict = {}

    def load():
        """The user's roles with their schools (the first role's school is theirs), which the
        view has usually loaded already for its access check."""
        if "school" not in cache:
            user = getattr(request, "user", None)
            grants = staff_grants(user)
            if grants:
                cache["school"] = grants[0].school
                cache["roles"] = frozenset(
                    g.role for g in grants if g.school_id == grants[0].school_id
                )
            else:
                cache["school"] = school_for(user)  # a superuser with no role sees the first school
                cache["roles"] = (
                    frozenset({Role.ADMIN})
                    if user is not None and user.is_superuser
                    else frozenset()
                )
        return cache

    def current_school():
        return load()["school"]

    def navigation():
        if "nav" not in cache:
            roles = load()["roles"] if current_school() else frozenset()
            cache["nav"] = [
                {"label": label, "url": url, "current": request.path == url}
                for label, name, allowed in NAVIGATION
                if (url := reverse(name)) and (allowed is None or roles & allowed)
            ]
        return cache["nav"]

    return {"current_school": current_school, "navigation": navigation}

"""Who may see what. Every view fetches schools (and later pupils, registers, cases) through here."""

from __future__ import annotations

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from rollbook.core.models import School, StaffRole


def school_for(user: AbstractBaseUser | AnonymousUser) -> School | None:
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


def roles_at(user, school: School) -> set[str]:
    if not getattr(user, "is_authenticated", False):
        return set()
    return set(
        StaffRole.objects.filter(user_id=user.pk, school=school).values_list("role", flat=True)
    )

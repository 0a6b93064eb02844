"""Reads for the audit log and the staff sign-in list: always within one school."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rollbook.core.models import AuditEvent, Role, School, StaffRole
from rollbook.pupils.models import Pupil


def staff_users(school: School) -> QuerySet:
    return (
        get_user_model().objects.filter(staff_roles__school=school).distinct().order_by("username")
    )


def event_kinds(school: School) -> list[str]:
    return list(
        AuditEvent.objects.filter(school=school)
        .order_by("kind")
        .values_list("kind", flat=True)
        .distinct()
    )


def _matching_pupils(school: School, text: str) -> QuerySet:
    """Pupils at the school whose UPN is `text`, or whose names contain every word of it."""
    pupils = Pupil.objects.filter(school=school)
    words = text.split()
    by_upn = Q(upn=words[0].upper()) if len(words) == 1 and len(words[0]) == 13 else Q(pk__in=[])
    by_name = Q()
    for word in words:
        by_name &= (
            Q(legal_forename__icontains=word)
            | Q(legal_surname__icontains=word)
            | Q(preferred_forename__icontains=word)
            | Q(preferred_surname__icontains=word)
        )
    return pupils.filter(by_upn | by_name).values("pk")


def events(school: School, *, kind="", actor=None, pupil="", date_from=None, date_to=None):
    """The school's audit rows, newest first, filtered. Another school's rows never appear."""
    rows = AuditEvent.objects.filter(school=school).select_related("actor")
    if kind:
        rows = rows.filter(kind=kind)
    if actor is not None:
        rows = rows.filter(actor=actor)
    if pupil.strip():
        rows = rows.filter(pupil_id__in=_matching_pupils(school, pupil.strip()))
    if date_from:
        rows = rows.filter(at__date__gte=date_from)  # dates in Europe/London (TIME_ZONE)
    if date_to:
        rows = rows.filter(at__date__lte=date_to)
    return rows.order_by("-at", "-id")


def pupil_names(school: School, ids: Iterable[int | None]) -> dict[int, str]:
    wanted = {i for i in ids if i is not None}
    if not wanted:
        return {}
    return {p.pk: p.display_name for p in Pupil.objects.filter(school=school, pk__in=wanted)}


@dataclass(frozen=True)
class StaffRow:
    user_id: int
    username: str
    name: str
    roles: list[str]
    two_factor: bool
    codes_left: int


def staff_sign_in(school: School) -> list[StaffRow]:
    """Each member of staff at the school, their roles, and whether they use two-factor."""
    grants: dict[int, list[str]] = {}
    users = {}
    for grant in StaffRole.objects.filter(school=school).select_related("user").order_by("id"):
        grants.setdefault(grant.user_id, []).append(Role(grant.role).label)
        users[grant.user_id] = grant.user
    with_app = set(
        TOTPDevice.objects.filter(user_id__in=users, confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    codes: dict[int, int] = {}
    for user_id in StaticToken.objects.filter(device__user_id__in=users).values_list(
        "device__user_id", flat=True
    ):
        codes[user_id] = codes.get(user_id, 0) + 1
    return [
        StaffRow(
            user_id=u.pk,
            username=u.get_username(),
            name=u.get_full_name(),
            roles=grants[u.pk],
            two_factor=u.pk in with_app,
            codes_left=codes.get(u.pk, 0),
        )
        for u in sorted(users.values(), key=lambda u: u.get_username())
    ]


def codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user).count()

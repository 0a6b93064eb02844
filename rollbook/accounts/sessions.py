"""What the two-factor middleware needs to know about a signed-in user, kept in the session.

Worked out once when the user signs in (the `user_logged_in` signal, which `force_login` in
tests sends too), so the middleware adds no query to ordinary requests. A session that
predates this (or lost it) has it worked out on its next request. The stored facts can go
stale (an administrator resets someone's device): the verify and enrol pages look again.
"""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from rollbook.core.models import Role, StaffRole

SESSION_KEY = "rollbook_two_factor"
PENDING_KEY = "rollbook_two_factor_pending_key"  # the secret shown while enrolling
NEW_CODES = "rollbook_two_factor_new_codes"  # recovery codes, until the user has saved them


def facts_for(user) -> dict:
    """{"roles": every role the user holds at any school, "device": has a confirmed app}."""
    roles = set(StaffRole.objects.filter(user_id=user.pk).values_list("role", flat=True))
    if user.is_superuser:
        roles.add(Role.ADMIN.value)
    device = TOTPDevice.objects.filter(user_id=user.pk, confirmed=True).exists()
    return {"roles": sorted(roles), "device": device}


def remember(request, user=None) -> dict:
    facts = facts_for(user or request.user)
    request.session[SESSION_KEY] = facts
    return facts


def facts(request) -> dict:
    return request.session.get(SESSION_KEY) or remember(request)


def on_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        remember(request, user)

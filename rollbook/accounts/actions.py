"""Every write to staff sign-in devices, and the audit of audit-log exports; each audited.

Device rows belong to django-otp (TOTPDevice for the authenticator app, StaticDevice with its
StaticTokens for recovery codes, which hold keyed hashes of the codes: see `codes.py`). Removing two-factor deletes those rows, keys and codes
included, on purpose: a secret nobody can use any more should not stay in the database. The
audit row says who did it, to whom and why.
"""

from __future__ import annotations

import time

from django.db import transaction
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from rollbook.accounts.codes import stored_form
from rollbook.accounts.rules import RECOVERY_CODE_COUNT
from rollbook.core import audit
from rollbook.core.models import School

DEVICE_NAME = "Authenticator app"
RECOVERY_NAME = "Recovery codes"


class WrongCode(ValueError):
    pass


def _matching_step(key: str, code: str) -> int | None:
    """The time step the code belongs to (one step of clock drift either way), or None."""
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(bytes.fromhex(key), step=30, digits=6)
    totp.time = time.time()
    return totp.t() if totp.verify(int(code), tolerance=1) else None  # t() includes drift


def _new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with a fresh set (old ones stop working). The
    database keeps only their keyed hashes (`codes.stored_form`); the codes are returned
    to be shown once."""
    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(
        [StaticToken(device=device, token=stored_form(c)) for c in codes]
    )
    return codes


@transaction.atomic
def enrol(*, user, school: School | None, key: str, code: str) -> tuple[TOTPDevice, list[str]]:
    """Confirm an authenticator app with a code it shows; returns the device and new codes."""
    step = _matching_step(key, code)
    if step is None:
        raise WrongCode("That code is not right. Check the time on your phone and try again.")
    TOTPDevice.objects.filter(user=user).delete()  # at most one app: this one replaces any other
    device = TOTPDevice.objects.create(
        user=user, name=DEVICE_NAME, key=key, confirmed=True, last_t=step
    )
    codes = _new_recovery_codes(user)
    audit.record("two_factor.enrolled", actor=user, school=school, obj=user)
    return device, codes


@transaction.atomic
def make_recovery_codes(*, user, school: School | None) -> list[str]:
    codes = _new_recovery_codes(user)
    audit.record("two_factor.recovery_codes_made", actor=user, school=school, obj=user)
    return codes


def _delete_devices(user) -> int:
    totp, _ = TOTPDevice.objects.filter(user=user).delete()
    static, _ = StaticDevice.objects.filter(user=user).delete()
    return totp + static


@transaction.atomic
def remove(*, user, school: School | None) -> None:
    """The user turns off their own two-factor sign-in (after giving their password again)."""
    _delete_devices(user)
    audit.record("two_factor.removed", actor=user, school=school, obj=user)


@transaction.atomic
def reset_for(*, actor, school: School, member, reason: str) -> None:
    """An administrator resets a colleague's two-factor sign-in (a lost phone); needs a reason."""
    if not reason.strip():
        raise ValueError("a reset needs a reason")
    _delete_devices(member)
    audit.record(
        "two_factor.reset",
        actor=actor,
        school=school,
        obj=member,
        reason=reason.strip(),
        username=member.get_username(),
    )


def record_code(*, user, school: School | None, method: str, accepted: bool, left: int = 0):
    """A wrong code, or a recovery code used (it is gone now); app codes that work are not."""
    if accepted and method == "recovery":
        audit.record(
            "two_factor.recovery_code_used", actor=user, school=school, obj=user, codes_left=left
        )
    elif not accepted:
        audit.record("two_factor.code_rejected", actor=user, school=school, obj=user, method=method)


def record_audit_export(*, actor, school: School, filters: dict, rows: int) -> None:
    """Exports of the audit log are themselves audited (who took a copy of what)."""
    audit.record("audit.exported", actor=actor, school=school, filters=filters, rows=rows)

"""Pure rules for staff sign-in: who must use two-factor, where an unverified session may go.

No ORM, no clock, no settings: the middleware and views pass plain values in.
"""

from __future__ import annotations

import re
from base64 import b32encode
from collections.abc import Iterable
from enum import StrEnum

RECOVERY_CODE_COUNT = 10


class Gate(StrEnum):
    """What the two-factor middleware does with a request."""

    PASS = "pass"
    VERIFY = "verify"  # has an authenticator but has not given a code this session
    ENROL = "enrol"  # must use two-factor sign-in and has not set it up


def must_use_two_factor(roles: Iterable[str], required_roles: Iterable[str]) -> bool:
    return bool(set(roles) & set(required_roles))


def gate(*, required: bool, has_device: bool, verified: bool) -> Gate:
    """Anyone who has set up an authenticator gives a code at sign-in; the required roles must."""
    if verified:
        return Gate.PASS
    if has_device:
        return Gate.VERIFY
    return Gate.ENROL if required else Gate.PASS


# Pages an unverified session may still open (URL names), for each gate.
OPEN_WHILE_VERIFYING = frozenset({"login", "logout", "accounts:verify"})
OPEN_WHILE_ENROLLING = OPEN_WHILE_VERIFYING | {
    "accounts:two_factor",
    "accounts:recovery_codes",
    "accounts:recovery_codes_download",
}


def may_open(gate_: Gate, url_name: str | None) -> bool:
    if gate_ is Gate.PASS:
        return True
    allowed = OPEN_WHILE_VERIFYING if gate_ is Gate.VERIFY else OPEN_WHILE_ENROLLING
    return url_name in allowed


TOTP_CODE = re.compile(r"^\d{6}$")


def normalise_code(raw: str) -> tuple[str, str]:
    """("totp" | "recovery", the code): six digits from an app, anything else a recovery code.

    Spaces and hyphens are dropped (people copy "123 456" or "abcd-efgh"); recovery codes
    are lower case, as django-otp makes them.
    """
    code = re.sub(r"[\s-]", "", raw).lower()
    return ("totp" if TOTP_CODE.match(code) else "recovery", code)


def secret_for_display(hex_key: str) -> str:
    """The key as people type it into an authenticator app: base32 in groups of four."""
    text = b32encode(bytes.fromhex(hex_key)).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


CSV_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: object) -> str:
    """A cell a spreadsheet will not run as a formula (OWASP CSV injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(CSV_FORMULA_START) else text


def describe(data: dict, limit: int = 200) -> str:
    """An audit row's data as one short line for the log page ("note ids: 3, 4; rows: 12")."""
    parts = []
    for key, value in data.items():
        if isinstance(value, list | tuple):
            value = ", ".join(str(v) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k} {v}" for k, v in value.items() if v not in ("", None))
        parts.append(f"{key.replace('_', ' ')}: {value}")
    text = "; ".join(parts)
    return text if len(text) <= limit else text[: limit - 1] + "\N{HORIZONTAL ELLIPSIS}"

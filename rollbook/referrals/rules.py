"""Pure referral rules: the kinds, who may see and record them, and what a record needs.

No clock and no ORM here. Social-care referrals are safeguarding information: like
safeguarding notes they are for the DSL (and a superuser) only (issue #6, domain notes §5).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from rollbook.casework import rules as casework_rules


class ReferralError(ValueError):
    """A referral the rules refuse, with a message for the user."""


EWO, LA_ATTENDANCE, EARLY_HELP, SOCIAL_CARE, SCHOOL_NURSE, OTHER = (
    "ewo",
    "la_attendance",
    "early_help",
    "social_care",
    "school_nurse",
    "other",
)
KINDS = {
    EWO: "Education welfare officer (EWO)",
    LA_ATTENDANCE: "LA attendance team",
    EARLY_HELP: "Early help",
    SOCIAL_CARE: "Children's social care",
    SCHOOL_NURSE: "School nurse",
    OTHER: "Other",
}
SAFEGUARDING_KINDS = frozenset({SOCIAL_CARE})
# Referrals the policy's sign-off role approves before they go (S000-28).
GATED_KINDS = frozenset({EWO, LA_ATTENDANCE})
AWAITING, OPEN, CLOSED = "awaiting", "open", "closed"
STATUSES = {AWAITING: "Awaiting sign-off", OPEN: "Open", CLOSED: "Closed"}
# Whatever the policy's sign-off role, the head teacher and an administrator may sign off.
ALWAYS_SIGN_OFF = frozenset({"head", "admin"})

READ_ROLES = casework_rules.READ_ROLES
WRITE_ROLES = casework_rules.WRITE_ROLES


def may_read(roles: Iterable[str]) -> bool:
    return casework_rules.may_read(roles)


def may_write(roles: Iterable[str]) -> bool:
    return casework_rules.may_write(roles)


def kinds_for(*, safeguarding: bool) -> list[str]:
    """The kinds a user may see and record: social care for the DSL only."""
    return [k for k in KINDS if safeguarding or k not in SAFEGUARDING_KINDS]


def may_sign_off(roles: Iterable[str], signoff_role: str | None) -> bool:
    return signoff_role is None or bool(set(roles) & (ALWAYS_SIGN_OFF | {signoff_role}))


def first_status(kind: str, roles: Iterable[str], signoff_role: str | None) -> str:
    """A referral the policy gates waits for sign-off unless its author may sign it off."""
    if kind in GATED_KINDS and not may_sign_off(roles, signoff_role):
        return AWAITING
    return OPEN


def check_sign_off(*, status: str, roles: Iterable[str], signoff_role: str | None) -> None:
    if status != AWAITING:
        raise ReferralError("This referral is not waiting for sign-off.")
    if not may_sign_off(roles, signoff_role):
        raise ReferralError("Only the person the school's policy names can sign off this referral.")


def check_record(*, kind: str, reason: str, made_on: date, today: date, safeguarding: bool) -> None:
    if kind not in kinds_for(safeguarding=safeguarding):
        raise ReferralError("Choose the kind of referral.")
    if not reason.strip():
        raise ReferralError("Give the reason for the referral.")
    if made_on > today:
        raise ReferralError("The referral date cannot be in the future.")


def check_close(*, status: str, outcome: str, outcome_on: date, made_on: date, today: date) -> None:
    if status == CLOSED:
        raise ReferralError("This referral is already closed.")
    if not outcome.strip():
        raise ReferralError("Give the outcome of the referral.")
    if outcome_on < made_on:
        raise ReferralError("The outcome cannot come before the referral was made.")
    if outcome_on > today:
        raise ReferralError("The outcome date cannot be in the future.")

"""Pure penalty-notice rules: the steps a notice may take, the national cap, the amount due.

No clock and no ORM here: callers pass dates and plain values in.

National framework from 19 Aug 2024 (domain notes §4, SI 2024/210 amending SI 2007/1867):
- a notice is *considered* at the threshold, never issued automatically;
- per parent, per child: the first notice is £80 if paid within 21 days of receipt, else
  £160 within 28 days; a second within three years of the first is a flat £160 within
  28 days; a third within those three years cannot be issued: other action is taken
  (usually prosecution);
- withdrawn notices do not count towards the limit; unpaid-and-prosecuted ones do.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the policy's frozen stages come in; nothing here reads the database
    from rollbook.policy.schema import Stage


class PenaltyError(ValueError):
    """A step the rules refuse, with a message for the user."""


class Status(StrEnum):
    CONSIDERED = "considered"
    WARNED = "warned"  # a warning letter or a notice to improve was sent
    REQUESTED = "requested"  # the school asked the LA to issue a notice
    ISSUED = "issued"
    PAID = "paid"
    WITHDRAWN = "withdrawn"
    PROSECUTION = "prosecution"  # unpaid: the LA prosecutes (s444)
    NOT_PURSUED = "not_pursued"


LABELS = {
    Status.CONSIDERED: "Considered",
    Status.WARNED: "Warned",
    Status.REQUESTED: "Requested from the LA",
    Status.ISSUED: "Issued",
    Status.PAID: "Paid",
    Status.WITHDRAWN: "Withdrawn",
    Status.PROSECUTION: "Referred for prosecution",
    Status.NOT_PURSUED: "Not pursued",
}

TRANSITIONS: dict[Status, frozenset[Status]] = {
    Status.CONSIDERED: frozenset({Status.WARNED, Status.REQUESTED, Status.NOT_PURSUED}),
    Status.WARNED: frozenset({Status.REQUESTED, Status.NOT_PURSUED}),
    # The LA may decline a request: the school records it as not pursued, with the reason.
    Status.REQUESTED: frozenset({Status.ISSUED, Status.NOT_PURSUED}),
    Status.ISSUED: frozenset({Status.PAID, Status.WITHDRAWN, Status.PROSECUTION}),
    Status.PAID: frozenset(),
    Status.WITHDRAWN: frozenset(),
    Status.PROSECUTION: frozenset(),
    Status.NOT_PURSUED: frozenset(),
}
# Ends of the road need a reason kept in the audit log.
REASON_REQUIRED = frozenset({Status.NOT_PURSUED, Status.WITHDRAWN})
IN_PROGRESS = frozenset({Status.CONSIDERED, Status.WARNED, Status.REQUESTED})
# Notices that count towards the cap: issued, and not withdrawn (paid or prosecuted count).
COUNTED = frozenset({Status.ISSUED, Status.PAID, Status.PROSECUTION})


class WarningKind(StrEnum):
    WARNING_LETTER = "warning_letter"
    NOTICE_TO_IMPROVE = "notice_to_improve"


class Rate(StrEnum):
    FIRST = "first"
    SECOND = "second"


# Amounts in whole pounds, and the days from receipt each is payable within.
FIRST_REDUCED, FIRST_FULL, SECOND_FLAT = 80, 160, 160
REDUCED_DAYS, FULL_DAYS = 21, 28
CAP = 2
OTHER_ACTION = "consider other action (e.g. prosecution)"


# Whatever the policy's sign-off role, the head teacher and an administrator may sign off.
ALWAYS_SIGN_OFF = frozenset({"head", "admin"})


def may_sign_off(roles: Iterable[str], signoff_role: str | None) -> bool:
    """Whether these roles may send a request to the LA (S000-27: the Attendance Lead gives
    final sign-off). With no sign-off role in the policy, any office role may."""
    return signoff_role is None or bool(set(roles) & (ALWAYS_SIGN_OFF | {signoff_role}))


def next_steps(status: str) -> list[Status]:
    """The statuses a notice may move to, in the order the page offers them."""
    allowed = TRANSITIONS[Status(status)]
    return [s for s in Status if s in allowed]


def check_transition(current: str, new: str, *, reason: str = "") -> None:
    old, to = Status(current), Status(new)
    if to not in TRANSITIONS[old]:
        raise PenaltyError(
            f"A notice that is {LABELS[old].lower()} cannot become {LABELS[to].lower()}."
        )
    if to in REASON_REQUIRED and not reason.strip():
        raise PenaltyError(f"Give a reason: a notice {LABELS[to].lower()} keeps it on record.")


def three_years_after(day: date) -> date:
    """The first day outside the three years beginning with `day` (29 Feb → 1 Mar)."""
    try:
        return day.replace(year=day.year + 3)
    except ValueError:  # 29 February, and the year three on is not a leap year
        return date(day.year + 3, 3, 1)


def counted_notices(issued_on: Iterable[date], offence_on: date) -> list[date]:
    """The earlier notices (issue dates, same parent and child, not withdrawn) that a new
    offence falls within three years of.

    A notice counts while the new offence date is inside the three years beginning with its
    issue date, i.e. it was issued in the three years before the offence. Notices issued on
    or after the offence date count too: they are the same three years, and counting them
    keeps any three-year span to two notices whatever order the LA issues them in.
    """
    return sorted(d for d in issued_on if offence_on < three_years_after(d))


@dataclass(frozen=True)
class CapCheck:
    allowed: bool
    rate: Rate | None  # the rate a notice issued now would carry
    counted: tuple[date, ...]  # issue dates of the notices that count
    pending: int  # other requests in flight for the same parent and child
    clear_on: date | None  # when the earliest counted notice stops counting
    message: str


def cap_check(issued_on: Iterable[date], offence_on: date, *, pending: int = 0) -> CapCheck:
    """The national cap for one parent and one child: at most two notices in three years.

    `issued_on`: issue dates of the parent's counted notices for this child (other than the
    one being decided); `pending`: other requests to the LA still awaiting issue, which may
    yet become one of the two.
    """
    counted = tuple(counted_notices(issued_on, offence_on))
    clear_on = three_years_after(counted[0]) if counted else None
    if len(counted) + pending >= CAP:
        if len(counted) >= CAP:
            message = (
                f"{len(counted)} notices issued to this parent for this child in the three "
                f"years before {offence_on:%-d %b %Y} (the most allowed is {CAP}): no further "
                f"notice can be issued; {OTHER_ACTION}."
            )
        else:
            message = (
                f"{len(counted)} notice issued and {pending} awaiting the LA for this parent "
                f"and child: a further notice would exceed {CAP} in three years; "
                f"{OTHER_ACTION}."
            )
        return CapCheck(False, None, counted, pending, clear_on, message)
    rate = Rate.FIRST if not counted else Rate.SECOND
    message = (
        "First notice: £80 if paid within 21 days of receipt, £160 within 28 days."
        if rate is Rate.FIRST
        else (
            f"Second notice within three years of the one issued on {counted[0]:%-d %b %Y}: "
            "a flat £160 within 28 days, no reduced rate."
        )
    )
    return CapCheck(True, rate, counted, pending, clear_on, message)


def deadlines(rate: str, received_on: date) -> list[tuple[date, int]]:
    """(last day to pay, amount) for each band, from the date the notice was received."""
    if Rate(rate) is Rate.FIRST:
        return [
            (received_on + timedelta(days=REDUCED_DAYS), FIRST_REDUCED),
            (received_on + timedelta(days=FULL_DAYS), FIRST_FULL),
        ]
    return [(received_on + timedelta(days=FULL_DAYS), SECOND_FLAT)]


def amount_due(rate: str, received_on: date, paid_on: date) -> int | None:
    """The amount due when paying on `paid_on`, or None once the 28 days have run out
    (the notice can then only be withdrawn or the parent prosecuted).

    "Within 21 days of receipt" is read as up to and including the 21st day after the day
    the notice was received (received 1 Sep: £80 up to 22 Sep, £160 up to 29 Sep).
    """
    if paid_on < received_on:
        raise PenaltyError("A notice cannot be paid before it was received.")
    for last_day, amount in deadlines(rate, received_on):
        if paid_on <= last_day:
            return amount
    return None


# --- Last resort: the earlier stages first (S002-8) ----------------------------------------------

ENFORCE_TIER = "Enforce"
GATED_KINDS = ("letter", "meeting")


@dataclass(frozen=True)
class EarlierStep:
    """A letter or meeting of an earlier policy stage that must be on record before a request."""

    stage_key: str
    stage_name: str
    kind: str
    text: str
    template: str = ""

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.stage_key, self.kind, self.template or self.text)

    @property
    def label(self) -> str:
        return f"{self.text.rstrip('.')} ({self.stage_name})"


def earlier_steps(stages: Sequence[Stage], penalty_keys: Collection[str]) -> list[EarlierStep]:
    """The letters and meetings of every stage before enforcement: the stages listed before the
    first stage in the Enforce tier or the first penalty-notice stage. A policy with neither
    has no ladder to climb first, and so no gate."""
    steps: list[EarlierStep] = []
    for stage in stages:
        if stage.tier == ENFORCE_TIER or stage.key in penalty_keys:
            return steps
        steps += [
            EarlierStep(stage.key, stage.name, str(a.kind), a.text, a.template or "")
            for a in stage.actions
            if a.kind in GATED_KINDS
        ]
    return []


@dataclass(frozen=True)
class GateCheck:
    allowed: bool
    missing: tuple[EarlierStep, ...]
    overridden: bool
    message: str


def earlier_stages_check(
    required: Sequence[EarlierStep],
    recorded: Collection[tuple[str, str, str]],
    *,
    holiday: bool = False,
    override_reason: str = "",
) -> GateCheck:
    """May the school ask the LA for a notice? Only once each earlier letter and meeting is on
    record (done) for the pupil this year, or with a reason to override, which is audited.
    An unauthorised holiday needs no earlier stages: support first is not expected for it."""
    if holiday:
        return GateCheck(True, (), False, "")
    missing = tuple(step for step in required if step.ident not in recorded)
    if not missing:
        return GateCheck(True, (), False, "")
    listed = "; ".join(step.label for step in missing)
    if override_reason.strip():
        return GateCheck(True, missing, True, f"Earlier stages overridden: {listed}.")
    return GateCheck(
        False,
        missing,
        False,
        "A penalty notice is a last resort, and the earlier stages are not on record for this "
        f"pupil. Missing: {listed}. Record them first, or give a reason to override this check "
        "(the reason is kept in the audit log).",
    )

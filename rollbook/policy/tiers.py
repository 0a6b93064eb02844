"""Support tiers (S001-49): support steps up or down as the family needs more or less of it,
and every move is kept. Pure: the policy, the pupil's facts and the current tier come in.

A policy's tiers are the `tier` names of its stages, in file order (001: Expect, Monitor,
Listen and understand, ...); the first is the universal tier every pupil starts in.

Monitoring moves a pupil up when a stage in a higher tier fires, and back down when the
pupil's figures no longer meet the trigger of any stage in their tier (001: back above 96 %
after a contract returns the pupil to Expect). A move a person made is never undone by
monitoring: only a person moves that pupil down again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from rollbook.policy.rules import PupilFacts, SessionKey, _trigger_reasons
from rollbook.policy.schema import Policy, Stage


class TierError(ValueError):
    """A tier move the rules refuse, with a message for the user."""


def tier_order(stages: Iterable[Stage]) -> tuple[str, ...]:
    order: list[str] = []
    for stage in stages:
        if stage.tier and stage.tier not in order:
            order.append(stage.tier)
    return tuple(order)


def rank(order: Sequence[str], tier: str | None) -> int:
    """A tier's place (0 = universal); -1 for no tier or one the policy no longer has."""
    return order.index(tier) if tier in order else -1


def warranted_tier(
    policy: Policy, facts: PupilFacts, sessions: Sequence[SessionKey], as_of: date
) -> str | None:
    """The highest tier with a stage whose trigger holds today, else the universal tier; None
    when the policy has no tiers."""
    order = tier_order(policy.stages)
    if not order:
        return None
    held = [
        s.tier
        for s in policy.stages
        if s.tier and _trigger_reasons(s.trigger, facts, sessions, as_of) is not None
    ]
    return max(held, key=order.index) if held else order[0]


@dataclass(frozen=True)
class Move:
    to: str
    direction: str  # "up" or "down"
    reason: str


def automatic_move(
    order: Sequence[str],
    *,
    current: str | None,
    by_person: bool,
    fired: Sequence[Stage],
    warranted: str | None,
) -> Move | None:
    """Monitoring's move for one pupil today, if any: up to the highest tier of the stages
    that fired (if above the current one); otherwise down to the warranted tier when the
    current tier came from monitoring and the figures no longer hold it up."""
    tiered = [s for s in fired if s.tier in order]
    if tiered:
        top = max(tiered, key=lambda s: order.index(s.tier))
        if rank(order, top.tier) > rank(order, current):
            return Move(top.tier, "up", f"{top.name} fired")
        return None
    if (
        current is not None
        and not by_person
        and warranted is not None
        and rank(order, warranted) < rank(order, current)
    ):
        return Move(
            warranted,
            "down",
            f"No longer meets the trigger of any stage in {current}: back to {warranted}",
        )
    return None


def check_move(order: Sequence[str], current: str | None, to: str, reason: str) -> str:
    """A person's move: 'up' or 'down'. A tier must be one of the policy's, differ from the
    current one, and a step down needs a reason (so does a step up: say why)."""
    if to not in order:
        raise TierError(f"Choose one of the policy's tiers: {', '.join(order)}.")
    if to == current:
        raise TierError(f"The pupil is already in {to}.")
    if not reason.strip():
        raise TierError("Give the reason for the move: it is kept in the pupil's history.")
    return "up" if rank(order, to) > rank(order, current) else "down"


def describe(direction: str, old: str | None, new: str, reason: str) -> str:
    """A move in words, for the timeline: 'Stepped down from Monitor to Expect: <reason>'."""
    stepped = "Stepped up" if direction == "up" else "Stepped down"
    frm = f" from {old}" if old else ""
    return f"{stepped}{frm} to {new}: {reason.strip()}"

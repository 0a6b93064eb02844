"""Who has read the policy version in force (S001-4): pure, over plain values."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

# Who sees the whole staff list: the head (the policy's owner), the attendance lead, an admin.
SEE_ALL = frozenset({"head", "attendance_lead", "admin"})


@dataclass(frozen=True)
class Reader:
    user_id: int
    name: str
    confirmed_at: datetime | None


def may_see_everyone(roles: Iterable[str]) -> bool:
    return bool(frozenset(roles) & SEE_ALL)


def readers(
    staff: Iterable[tuple[int, str]], confirmed: Mapping[int, datetime]
) -> tuple[list[Reader], list[Reader]]:
    """(who has confirmed, earliest first; who has not, by name), each member of staff once."""
    seen: dict[int, str] = {}
    for user_id, name in staff:
        seen.setdefault(user_id, name)
    done = sorted(
        (Reader(u, n, confirmed[u]) for u, n in seen.items() if u in confirmed),
        key=lambda r: (r.confirmed_at, r.name),
    )
    waiting = sorted(
        (Reader(u, n, None) for u, n in seen.items() if u not in confirmed),
        key=lambda r: (r.name.lower(), r.user_id),
    )
    return done, waiting

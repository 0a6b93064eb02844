"""Pure text for the public: the newsletter snippet and draft social-media posts (seeds 002, 004).

No ORM and no clock: callers pass plain session counts. Anything here may be printed in a
newsletter or posted online, so it names no pupil and shows no small number: a class with
fewer than `MIN_GROUP_PUPILS` pupils on roll is left out, and a count below `SMALL_NUMBER`
is written "fewer than 5". Posts are drafts for a person to copy; nothing posts them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

SMALL_NUMBER = 5  # counts of 1-4 children are not published (they can identify a child)
MIN_GROUP_PUPILS = 5  # class figures only for classes with at least this many pupils


@dataclass(frozen=True)
class Figure:
    """Attendance over a period as session counts."""

    attended: int
    possible: int


def pct(figure: Figure) -> str | None:
    """'96.4%' to one place, rounded half up, for reading only; None with no sessions."""
    if figure.possible <= 0:
        return None
    value = (Decimal(figure.attended) * 100 / figure.possible).quantize(
        Decimal("0.1"), ROUND_HALF_UP
    )
    return f"{value}%"


def against_target(figure: Figure, target: Decimal | None) -> str:
    """'above our target of 96%' (compared exactly on integers, never on a rounded %)."""
    if target is None or figure.possible <= 0:
        return ""
    shown = f"{target.normalize():f}%"
    now = Decimal(figure.attended) * 100
    goal = target * figure.possible
    if now > goal:
        return f"above our target of {shown}"
    if now == goal:
        return f"exactly on our target of {shown}"
    return f"below our target of {shown}"


def count_text(n: int, small: int = SMALL_NUMBER) -> str:
    """A count fit to publish: 1 to small-1 becomes 'fewer than <small>'."""
    if n < 0:
        raise ValueError("a count cannot be negative")
    return f"fewer than {small}" if 0 < n < small else str(n)


def _sentence(label: str, figure: Figure, target: Decimal | None) -> str:
    shown = pct(figure)
    if shown is None:
        return f"{label}: no attendance recorded yet."
    versus = against_target(figure, target)
    return f"{label}: {shown}{f', {versus}' if versus else ''}."


def newsletter_snippet(
    *,
    school: str,
    week_label: str,
    week: Figure,
    term_label: str,
    term: Figure,
    target: Decimal | None,
) -> str:
    """The paragraph for the newsletter: whole-school attendance for the week and the term
    so far, against the policy's target when it has one. Whole-school figures only."""
    lines = [
        f"Attendance at {school}",
        _sentence(f"Whole-school attendance {week_label}", week, target),
        _sentence(f"Whole-school attendance for {term_label} so far", term, target),
        "Every day in school counts. If something is making it hard for your child to come "
        "to school, please talk to us: we are here to help.",
    ]
    return "\n".join(lines)


@dataclass(frozen=True)
class GroupFigure:
    name: str  # the class's name, e.g. "3A"
    pupils: int  # on roll at the end of the period
    figure: Figure


def publishable_groups(
    groups: Iterable[GroupFigure], min_pupils: int = MIN_GROUP_PUPILS
) -> list[GroupFigure]:
    """The classes whose figure may be published: enough pupils, and some sessions."""
    return [g for g in groups if g.pupils >= min_pupils and g.figure.possible > 0]


def weekly_post(
    *, school: str, week_label: str, whole: Figure, groups: Iterable[GroupFigure]
) -> str:
    """A draft post with the school's and each (large enough) class's % for the week."""
    lines = [f"Attendance at {school} {week_label}"]
    shown = pct(whole)
    lines.append(f"Whole school: {shown}" if shown else "Whole school: no attendance recorded")
    published = sorted(publishable_groups(groups), key=lambda g: g.name)
    lines.extend(f"{g.name}: {pct(g.figure)}" for g in published)
    lines.append("Every day counts. Thank you, families!")
    return "\n".join(lines)


@dataclass(frozen=True)
class AwardCount:
    name: str  # the award, e.g. "100% attendance"
    period_label: str  # e.g. "Autumn 1"
    children: int


def award_post(*, school: str, award: AwardCount) -> str:
    """A draft post with how many children earned an award (small counts suppressed)."""
    count = count_text(award.children)
    return (
        f"{count[:1].upper()}{count[1:]} children at {school} earned the {award.name} award "
        f"for {award.period_label}. Well done, and thank you, families! Every day counts."
    )


def names_in(text: str, names: Iterable[str]) -> list[str]:
    """The names that appear in `text` as whole words, case-insensitively (a last check
    that a public draft names nobody)."""
    found = []
    for name in dict.fromkeys(n.strip() for n in names if n and n.strip()):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE):
            found.append(name)
    return found


@dataclass(frozen=True)
class Span:
    label: str
    first: date
    last: date


def reporting_spans(
    today: date, school_days: Iterable[date], terms: Iterable[tuple[str, date, date]]
) -> tuple[Span, Span] | None:
    """The week and the term (to date) the snippet reports: both end on the last school day
    before `today` (today's registers are not finished); None before any school day."""
    past = [d for d in school_days if d < today]
    if not past:
        return None
    last = max(past)
    monday = last - timedelta(days=last.weekday())
    week_days = [d for d in past if monday <= d <= last]
    week = Span(f"for the week beginning {monday.day} {monday:%B %Y}", week_days[0], last)
    holding = [t for t in terms if t[1] <= last <= t[2]]
    name, start = (holding[0][0], holding[0][1]) if holding else ("this term", week.first)
    term_days = [d for d in past if start <= d <= last]
    return week, Span(name, term_days[0], last)

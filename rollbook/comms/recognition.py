"""Read side of recognising improvement (seeds 003-14, 004-32): who improved, by how much.

The comparison is the pure `rules.improvement_windows` (this half-term so far against the
one before, or the last N school weeks against the N before) and `rules.improvers`; the
counts come from `registers.queries.pupil_tallies`. A fixed number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from rollbook.comms import rules
from rollbook.comms.models import Message
from rollbook.core.models import School
from rollbook.pupils.models import Pupil
from rollbook.registers.queries import pupil_tallies

MIN_POSSIBLE = 6  # sessions in each span before a change is worth celebrating (3 days)


@dataclass(frozen=True)
class Improver:
    pupil: Pupil
    standing: rules.Standing
    recognised: bool  # the family already has a recognition for this comparison

    @property
    def before(self) -> str:
        return rules.pct_text(self.standing.before_attended, self.standing.before_possible)

    @property
    def now(self) -> str:
        return rules.pct_text(self.standing.attended, self.standing.possible)

    @property
    def family(self) -> str:
        return rules.family_key(self.pupil.family_id, self.pupil.pk)


@dataclass(frozen=True)
class Improvers:
    windows: rules.Windows | None
    points: Decimal
    pupils: tuple[Improver, ...]


def improvers(
    school: School,
    today: date,
    *,
    points: Decimal,
    weeks: int | None = None,
    min_possible: int = MIN_POSSIBLE,
) -> Improvers:
    calendar = school.calendar()
    terms = [rules.Term(t.name, t.start, t.end) for t in calendar.terms]
    windows = rules.improvement_windows(today, terms, calendar.school_days(None, today), weeks)
    if windows is None:
        return Improvers(None, points, ())
    pupils = {
        p.pk: p
        for p in Pupil.objects.on_roll(windows.now_last)
        .filter(school=school)
        .select_related("registration_group")
    }
    now = pupil_tallies(school, windows.now_first, windows.now_last, pupils)
    before = pupil_tallies(school, windows.before_first, windows.before_last, pupils)
    standings = [
        rules.Standing(pk, t.attended, t.possible, before[pk].attended, before[pk].possible)
        for pk, t in now.items()
        if pk in pupils and pk in before
    ]
    chosen = rules.improvers(standings, points, min_possible)
    keys = {
        rules.recognition_dedupe_key(
            windows.key, rules.family_key(pupils[s.pupil_id].family_id, s.pupil_id)
        )
        for s in chosen
    }
    done = set(
        Message.objects.filter(school=school, dedupe_key__in=keys).values_list(
            "dedupe_key", flat=True
        )
    )
    rows = [
        Improver(
            pupils[s.pupil_id],
            s,
            rules.recognition_dedupe_key(
                windows.key, rules.family_key(pupils[s.pupil_id].family_id, s.pupil_id)
            )
            in done,
        )
        for s in chosen
    ]
    rows.sort(key=lambda r: (r.pupil.legal_surname, r.pupil.legal_forename, r.pupil.pk))
    return Improvers(windows, points, tuple(rows))

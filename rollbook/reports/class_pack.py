"""The class attendance pack for pupil progress meetings and learning reviews (S001-31,
S004-25). Pure: plain rows and `today` in, a frozen `ClassPack` out.

For each pupil in the class: attendance this academic year and this term (DfE: attended over
possible sessions, each pupil only while on roll), the persistent-absence flag (10 % or more of
this year's possible sessions missed, compared on whole sessions), and lates (L and U).
Flags the class teacher already sees on the pupil page (PP, SEN, EHCP, EAL) are shown to
everyone who may open the pack; the looked-after, CIN and CP flags only to pupil readers.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rollbook.core.calendar import TermDates
from rollbook.registers.rules import Summary, Tally, summarise


@dataclass(frozen=True)
class PackPupil:
    pupil_id: int
    name: str
    year: Tally
    term: Tally
    lates_year: int
    lates_term: int
    flags: tuple[str, ...] = ()

    @property
    def persistent_absence(self) -> bool:
        return self.year.persistent_absence


@dataclass(frozen=True)
class ClassPack:
    class_name: str
    today: date
    year_first: date
    term: TermDates | None  # the term holding today, or the last one before it
    pupils: tuple[PackPupil, ...]

    @property
    def year_summary(self) -> Summary:
        return summarise(p.year for p in self.pupils)

    @property
    def term_summary(self) -> Summary:
        return summarise(p.term for p in self.pupils)

    @property
    def persistent_absentees(self) -> int:
        return sum(p.persistent_absence for p in self.pupils)


def current_term(terms: Iterable[TermDates], today: date) -> TermDates | None:
    """The term holding `today`; in a holiday, the last term that started before it."""
    started = [t for t in terms if t.start <= today]
    return max(started, key=lambda t: t.start) if started else None


PUBLIC_FLAGS = (("PP", "pupil_premium"), ("SEN", "sen_support"), ("EHCP", "ehcp"), ("EAL", "eal"))
SENSITIVE_FLAGS = (("CLA", "cla"), ("CIN", "cin"), ("CP", "cp_plan"))


def flags_for(facts: dict[str, bool], *, sensitive: bool) -> tuple[str, ...]:
    shown = PUBLIC_FLAGS + (SENSITIVE_FLAGS if sensitive else ())
    return tuple(abbr for abbr, key in shown if facts.get(key))

"""The DfE attendance codes as data: meaning, statistical treatment, who may enter them, validity.

The set in force since 19 August 2024 (School Attendance (Pupil Registration) (England)
Regulations 2024) plus the codes withdrawn then or earlier, which stay readable in historic
data with the statistical meaning they had at the time (old `J` counted as attendance, `J1`
counts as authorised absence). A code is looked up *for a date*: `definition(code, on)`.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date
from functools import cache


class Stat(enum.StrEnum):
    """How a session counts in the DfE statistics."""

    ATTENDED = "attended"
    AUTHORISED = "authorised"
    UNAUTHORISED = "unauthorised"
    NOT_POSSIBLE = "not_possible"  # outside the denominator: neither attendance nor absence


class Category(enum.StrEnum):
    PRESENT = "Present"
    AEA = "Approved educational activity"
    AUTHORISED_LEAVE = "Authorised absence: leave of absence"
    AUTHORISED_OTHER = "Authorised absence: other"
    UNABLE = "Unable to attend due to exceptional circumstances"
    UNAUTHORISED = "Unauthorised absence"
    ADMINISTRATIVE = "Administrative"
    NOT_REQUIRED = "Not required to attend"


_STAT = {
    Category.PRESENT: Stat.ATTENDED,
    Category.AEA: Stat.ATTENDED,
    Category.AUTHORISED_LEAVE: Stat.AUTHORISED,
    Category.AUTHORISED_OTHER: Stat.AUTHORISED,
    Category.UNAUTHORISED: Stat.UNAUTHORISED,
    Category.UNABLE: Stat.NOT_POSSIBLE,
    Category.ADMINISTRATIVE: Stat.NOT_POSSIBLE,
    Category.NOT_REQUIRED: Stat.NOT_POSSIBLE,
}


class EnteredBy(enum.StrEnum):
    TEACHER = "teacher"  # class teachers and the office
    OFFICE = "office"  # office / attendance staff only


class AgeRule(enum.StrEnum):
    ANY = "any"
    COMPULSORY_ONLY = "compulsory_only"  # C2
    NON_COMPULSORY_ONLY = "non_compulsory_only"  # X


REFORM_2024 = date(2024, 8, 19)
_BEFORE_REFORM = date(2024, 8, 18)


@dataclass(frozen=True)
class CodeDefinition:
    code: str
    meaning: str
    category: Category
    parent_wording: str
    entered_by: EnteredBy = EnteredBy.OFFICE
    age_rule: AgeRule = AgeRule.ANY
    valid_from: date | None = None
    valid_to: date | None = None

    @property
    def stat(self) -> Stat:
        return _STAT[self.category]

    @property
    def counts_as_possible(self) -> bool:
        return self.stat is not Stat.NOT_POSSIBLE

    @property
    def counts_as_attendance(self) -> bool:
        return self.stat is Stat.ATTENDED

    @property
    def is_absence(self) -> bool:
        return self.stat in (Stat.AUTHORISED, Stat.UNAUTHORISED)

    @property
    def is_authorised(self) -> bool:
        return self.stat is Stat.AUTHORISED

    @property
    def is_unauthorised(self) -> bool:
        return self.stat is Stat.UNAUTHORISED

    def valid_on(self, day: date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (
            self.valid_to is None or day <= self.valid_to
        )

    @property
    def withdrawn(self) -> bool:
        return self.valid_to is not None


def _c(code, meaning, category, wording, **kw) -> CodeDefinition:
    return CodeDefinition(code, meaning, category, wording, **kw)


_NEW = {"valid_from": REFORM_2024}
_OLD = {"valid_to": _BEFORE_REFORM}

CODES: tuple[CodeDefinition, ...] = (
    # Present
    _c(
        "/",
        "Present at morning registration",
        Category.PRESENT,
        "Present",
        entered_by=EnteredBy.TEACHER,
    ),
    _c(
        "\\",
        "Present at afternoon registration",
        Category.PRESENT,
        "Present",
        entered_by=EnteredBy.TEACHER,
    ),
    _c(
        "L",
        "Arrived late, before the register closed",
        Category.PRESENT,
        "Late (before the register closed)",
        entered_by=EnteredBy.TEACHER,
    ),
    # Approved educational activity (counts as attendance)
    _c(
        "K",
        "Attending education provision arranged by the local authority",
        Category.AEA,
        "At education arranged by the local authority",
        **_NEW,
    ),
    _c("V", "Attending an educational visit or trip", Category.AEA, "On a school trip or visit"),
    _c(
        "P",
        "Participating in an approved sporting activity",
        Category.AEA,
        "At an approved sporting activity",
    ),
    _c("W", "Attending work experience", Category.AEA, "At work experience"),
    _c(
        "B",
        "Attending any other approved educational activity",
        Category.AEA,
        "At another approved educational activity",
        **_NEW,
    ),
    _c("B", "Educated off site (not dual registration)", Category.AEA, "Educated off site", **_OLD),
    _c(
        "J",
        "Interview (withdrawn 2024: replaced by J1, which is absence)",
        Category.AEA,
        "At an interview",
        **_OLD,
    ),
    # Leave of absence (authorised)
    _c(
        "C1",
        "Leave of absence for participating in a regulated performance or undertaking regulated employment abroad",
        Category.AUTHORISED_LEAVE,
        "Authorised leave: performance or employment",
        **_NEW,
    ),
    _c(
        "M",
        "Leave of absence for a medical or dental appointment",
        Category.AUTHORISED_LEAVE,
        "Medical or dental appointment",
    ),
    _c(
        "J1",
        "Leave of absence for attending an interview",
        Category.AUTHORISED_LEAVE,
        "Authorised leave: interview",
        **_NEW,
    ),
    _c(
        "S",
        "Leave of absence for studying for a public examination",
        Category.AUTHORISED_LEAVE,
        "Authorised leave: exam study",
        **_NEW,
    ),
    _c(
        "C2",
        "Leave of absence for a compulsory school age pupil subject to a part-time timetable",
        Category.AUTHORISED_LEAVE,
        "Part-time timetable (agreed)",
        age_rule=AgeRule.COMPULSORY_ONLY,
        **_NEW,
    ),
    _c(
        "C",
        "Leave of absence for exceptional circumstances",
        Category.AUTHORISED_LEAVE,
        "Authorised leave: exceptional circumstances",
        **_NEW,
    ),
    _c(
        "C",
        "Other authorised circumstances (pre-2024 meaning)",
        Category.AUTHORISED_OTHER,
        "Authorised absence",
        **_OLD,
    ),
    _c(
        "H",
        "Authorised family holiday (withdrawn 2024)",
        Category.AUTHORISED_LEAVE,
        "Authorised holiday",
        **_OLD,
    ),
    _c(
        "F",
        "Agreed extended family holiday (withdrawn 2013)",
        Category.AUTHORISED_LEAVE,
        "Authorised extended holiday",
        valid_to=date(2013, 8, 31),
    ),
    # Other authorised absence
    _c(
        "T",
        "Parent travelling for occupational purposes",
        Category.AUTHORISED_OTHER,
        "Authorised: parent travelling for work",
        **_NEW,
    ),
    _c(
        "T",
        "Traveller absence (pre-2024 meaning)",
        Category.AUTHORISED_OTHER,
        "Authorised: travelling",
        **_OLD,
    ),
    _c("R", "Religious observance", Category.AUTHORISED_OTHER, "Religious observance"),
    _c("I", "Illness (not medical or dental appointment)", Category.AUTHORISED_OTHER, "Illness"),
    _c(
        "E",
        "Suspended or permanently excluded and no alternative provision made",
        Category.AUTHORISED_OTHER,
        "Suspended or excluded",
    ),
    # Not counted: unable to attend due to exceptional circumstances
    _c(
        "Q",
        "Unable to attend the school because of a lack of access arrangements",
        Category.UNABLE,
        "Unable to attend: no access arrangements",
        **_NEW,
    ),
    _c(
        "Y1",
        "Unable to attend due to transport normally provided not being available",
        Category.UNABLE,
        "Unable to attend: transport not available",
        **_NEW,
    ),
    _c(
        "Y2",
        "Unable to attend due to widespread disruption to travel",
        Category.UNABLE,
        "Unable to attend: travel disruption",
        **_NEW,
    ),
    _c(
        "Y3",
        "Unable to attend due to part of the school premises being closed",
        Category.UNABLE,
        "Unable to attend: part of school closed",
        **_NEW,
    ),
    _c(
        "Y4",
        "Unable to attend due to the whole school site being unexpectedly closed",
        Category.UNABLE,
        "School closed unexpectedly",
        **_NEW,
    ),
    _c(
        "Y5",
        "Unable to attend as pupil is in criminal justice detention",
        Category.UNABLE,
        "Unable to attend",
        **_NEW,
    ),
    _c(
        "Y6",
        "Unable to attend in accordance with public health guidance or law",
        Category.UNABLE,
        "Unable to attend: public health guidance",
        **_NEW,
    ),
    _c(
        "Y7",
        "Unable to attend because of any other unavoidable cause",
        Category.UNABLE,
        "Unable to attend: unavoidable cause",
        **_NEW,
    ),
    _c(
        "Y",
        "Unable to attend due to exceptional circumstances (withdrawn 2024)",
        Category.UNABLE,
        "Unable to attend",
        **_OLD,
    ),
    # Unauthorised absence
    _c("G", "Holiday not granted by the school", Category.UNAUTHORISED, "Unauthorised holiday"),
    _c(
        "N",
        "Reason for absence not yet established",
        Category.UNAUTHORISED,
        "Absent: reason not yet given",
        entered_by=EnteredBy.TEACHER,
    ),
    _c(
        "O",
        "Absent in other or unknown circumstances",
        Category.UNAUTHORISED,
        "Unauthorised absence",
    ),
    _c(
        "U",
        "Arrived in school after registration closed",
        Category.UNAUTHORISED,
        "Late (after the register closed)",
    ),
    # Administrative
    _c(
        "D",
        "Dual registered: at another setting",
        Category.ADMINISTRATIVE,
        "At another school (dual registration)",
    ),
    _c(
        "X",
        "Non-compulsory school age pupil not required to attend school",
        Category.NOT_REQUIRED,
        "Not required to attend",
        age_rule=AgeRule.NON_COMPULSORY_ONLY,
    ),
    _c(
        "Z",
        "Prospective pupil not on admission register",
        Category.ADMINISTRATIVE,
        "Not yet on roll",
    ),
    _c("#", "Planned whole-school closure", Category.ADMINISTRATIVE, "School closed"),
)

CURRENT_CODES: tuple[str, ...] = tuple(dict.fromkeys(c.code for c in CODES if c.valid_to is None))
ALL_CODES: frozenset[str] = frozenset(c.code for c in CODES)
TEACHER_CODES: frozenset[str] = frozenset(
    c.code for c in CODES if c.entered_by is EnteredBy.TEACHER
)


@cache
def _versions(code: str) -> tuple[CodeDefinition, ...]:
    return tuple(c for c in CODES if c.code == code)


def definition(code: str, on: date) -> CodeDefinition | None:
    """The meaning `code` had on `on`, or None if it was not a valid code that day."""
    return next((c for c in _versions(code) if c.valid_on(on)), None)


def current(code: str) -> CodeDefinition:
    """The meaning in force today for a current code (KeyError if withdrawn or unknown)."""
    found = next((c for c in _versions(code) if c.valid_to is None), None)
    if found is None:
        raise KeyError(code)
    return found


class CodeProblem(enum.StrEnum):
    UNKNOWN = "unknown"
    WITHDRAWN = "withdrawn"
    NOT_YET_VALID = "not_yet_valid"


def check_code(code: str, on: date) -> CodeProblem | None:
    """Why `code` cannot be recorded for `on`, or None if it can."""
    versions = _versions(code)
    if not versions:
        return CodeProblem.UNKNOWN
    if any(v.valid_on(on) for v in versions):
        return None
    if all(v.valid_to is not None and on > v.valid_to for v in versions):
        return CodeProblem.WITHDRAWN
    return CodeProblem.NOT_YET_VALID


def stat_of(code: str, on: date) -> Stat:
    found = definition(code, on)
    if found is None:
        raise ValueError(f"{code!r} is not an attendance code valid on {on.isoformat()}")
    return found.stat

"""Parse and check a pupils CSV. Pure apart from `known_upns`/`class_years` passed in by the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rollbook.core.csvio import LineError
from rollbook.pupils import rules
from rollbook.pupils.models import Gender, SenStatus

REQUIRED = (
    "upn",
    "legal_surname",
    "legal_forename",
    "date_of_birth",
    "year_group",
    "class_name",
    "admission_date",
)
# Yes/no columns, each stored on the pupil under the same name.
FLAGS = (
    "pupil_premium",
    "fsm",
    "eal",
    "cla",
    "cin",
    "cp_plan",
    "medical_plan",
    "long_term_illness",
)
OPTIONAL = (
    "leaving_date",
    "sen",
    "family_id",
    "preferred_surname",
    "preferred_forename",
    "gender",
    *FLAGS,
)
_TRUE = {"1", "y", "yes", "true", "t"}
_FALSE = {"", "0", "n", "no", "false", "f"}
_SEN = {"": "N", "n": "N", "k": "K", "e": "E", "s": "E", "ehcp": "E", "sen support": "K"}
_GENDER = {"": "U", "f": "F", "m": "M", "o": "O", "u": "U", "female": "F", "male": "M"}


@dataclass(frozen=True)
class PupilRow:
    line: int
    upn: str
    legal_surname: str
    legal_forename: str
    date_of_birth: date
    year_group: str
    class_name: str
    admission_date: date
    leaving_date: date | None = None
    pupil_premium: bool = False
    sen_status: str = SenStatus.NONE
    family_id: str = ""
    preferred_surname: str = ""
    preferred_forename: str = ""
    gender: str = Gender.UNKNOWN
    fsm: bool = False
    eal: bool = False
    cla: bool = False
    cin: bool = False
    cp_plan: bool = False
    medical_plan: bool = False
    long_term_illness: bool = False


class _RowErrors(list):
    def add(self, message: str) -> None:
        self.append(message)


def _date(raw: dict[str, str], key: str, errs: _RowErrors, *, required: bool = True) -> date | None:
    value = raw.get(key, "")
    if not value:
        if required:
            errs.add(f"{key} is empty")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errs.add(f"{key} {value!r} is not a date in YYYY-MM-DD form")
        return None


def _flag(raw: dict[str, str], key: str, errs: _RowErrors) -> bool:
    value = raw.get(key, "").lower()
    if value in _TRUE:
        return True
    if value not in _FALSE:
        errs.add(f"{key} {raw[key]!r} should be yes/no (or Y/N, 1/0, true/false)")
    return False


def _choice(raw: dict[str, str], key: str, table: dict[str, str], errs: _RowErrors) -> str:
    value = raw.get(key, "").lower()
    if value not in table:
        errs.add(
            f"{key} {raw[key]!r} is not one of {', '.join(sorted({k.upper() for k in table if k}))}"
        )
        return table[""]
    return table[value]


def parse_pupil_row(line: int, raw: dict[str, str]) -> tuple[PupilRow | None, list[LineError]]:
    errs = _RowErrors()
    upn = raw["upn"]
    if problem := rules.upn_problem(upn):
        errs.add(f"UPN {upn!r}: {problem}")
    for key in ("legal_surname", "legal_forename", "class_name"):
        if not raw[key]:
            errs.add(f"{key} is empty")
    year_group = rules.normalise_year_group(raw["year_group"])
    if year_group is None:
        errs.add(f"year_group {raw['year_group']!r} is not one of R, 1, 2, 3, 4, 5, 6 (or N1, N2)")
    dob = _date(raw, "date_of_birth", errs)
    admission = _date(raw, "admission_date", errs)
    leaving = _date(raw, "leaving_date", errs, required=False)
    if admission and leaving and leaving < admission:
        errs.add(f"leaving_date {leaving} is before admission_date {admission}")
    if dob and admission and dob >= admission:
        errs.add(f"date_of_birth {dob} is not before admission_date {admission}")
    flags = {k: _flag(raw, k, errs) for k in FLAGS}
    sen = _choice(raw, "sen", _SEN, errs)
    gender = _choice(raw, "gender", _GENDER, errs)
    if errs:
        return None, [LineError(line, m) for m in errs]
    row = PupilRow(
        line=line,
        upn=upn,
        legal_surname=raw["legal_surname"],
        legal_forename=raw["legal_forename"],
        date_of_birth=dob,
        year_group=year_group,
        class_name=raw["class_name"],
        admission_date=admission,
        leaving_date=leaving,
        sen_status=sen,
        family_id=raw.get("family_id", ""),
        preferred_surname=raw.get("preferred_surname", ""),
        preferred_forename=raw.get("preferred_forename", ""),
        gender=gender,
        **flags,
    )
    return row, []


def check_pupil_rows(rows: list[PupilRow]) -> list[LineError]:
    """Checks across rows: the same UPN twice in one file. (Mixed-age classes are allowed.)"""
    errors: list[LineError] = []
    seen: dict[str, int] = {}
    for row in rows:
        if row.upn in seen:
            errors.append(
                LineError(row.line, f"UPN {row.upn} also appears on line {seen[row.upn]}")
            )
        seen.setdefault(row.upn, row.line)
    return errors

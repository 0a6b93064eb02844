"""Pure rules about pupils: UPN validation, year groups, compulsory school age."""

from __future__ import annotations

from datetime import date

from stdnum import exceptions as stdnum_errors
from stdnum.gb import upn as stdnum_upn

YEAR_GROUPS: tuple[str, ...] = ("N1", "N2", "R", "1", "2", "3", "4", "5", "6")
PRIMARY_YEAR_GROUPS: tuple[str, ...] = ("R", "1", "2", "3", "4", "5", "6")


def upn_problem(value: str) -> str | None:
    """Why `value` is not a valid UPN (13 characters, check letter, known LA number), or None."""
    try:
        stdnum_upn.validate(value)
    except stdnum_errors.InvalidLength:
        return "a UPN has 13 characters"
    except stdnum_errors.InvalidFormat:
        return "a UPN is a letter, 11 digits and a digit or letter"
    except stdnum_errors.InvalidChecksum:
        return "the check letter does not match the rest of the UPN"
    except stdnum_errors.InvalidComponent:
        return "the UPN's local authority number is not a known one"
    except stdnum_errors.ValidationError:
        return "not a valid UPN"
    if value != stdnum_upn.compact(value):
        return "a UPN has no spaces and uses capital letters"
    return None


def make_upn(la_code: str, establishment: str, year: int, serial: int) -> str:
    """A valid permanent UPN (used by the demo generator): check letter + LA + school + year + serial."""
    body = f"{la_code}{establishment}{year % 100:02d}{serial:03d}"
    return stdnum_upn.calc_check_digit(body) + body


def normalise_year_group(value: str) -> str | None:
    v = value.strip().upper()
    v = {"REC": "R", "RECEPTION": "R", "YR": "R"}.get(v, v)
    if v.startswith("Y") and v[1:].isdigit():
        v = v[1:]
    if v.isdigit():
        v = str(int(v))
    return v if v in YEAR_GROUPS else None


def year_group_for(date_of_birth: date, on: date) -> str:
    """The national curriculum year group by age on `on` (cohorts run 1 Sep to 31 Aug)."""
    academic_year = on.year if on.month >= 9 else on.year - 1
    cohort = date_of_birth.year + (1 if date_of_birth.month >= 9 else 0)
    n = academic_year - 4 - cohort
    if n <= -2:
        return "N1"
    if n == -1:
        return "N2"
    return "R" if n == 0 else str(n)  # above 6: not a primary year group; callers check


def _prescribed_day_on_or_after(day: date) -> date:
    for candidate in (date(day.year, 3, 31), date(day.year, 8, 31), date(day.year, 12, 31)):
        if candidate >= day:
            return candidate
    return date(day.year + 1, 3, 31)


def compulsory_school_age_from(date_of_birth: date) -> date:
    """The first prescribed day (31 Mar, 31 Aug, 31 Dec) on or after the 5th birthday."""
    try:
        fifth = date_of_birth.replace(year=date_of_birth.year + 5)
    except ValueError:  # born on 29 February
        fifth = date(date_of_birth.year + 5, 3, 1)
    return _prescribed_day_on_or_after(fifth)


def is_compulsory_school_age(date_of_birth: date, on: date) -> bool:
    return on >= compulsory_school_age_from(date_of_birth)

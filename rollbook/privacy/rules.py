"""Pure privacy rules: retention periods, anonymised values and who may export what.

No clock and no ORM here: callers pass `today` and plain values in.

Retention periods. Only the register rule is stated in the domain reference (docs: 2024 Regs,
"every entry kept 6 years from the date made"). The others are defaults taken from common
school practice (the IRMS Information Management Toolkit for Schools) and are marked
`confirmed=False`: each school's data protection officer should check them against its own
retention schedule. Nothing here deletes a row: past retention, personal details are replaced
(anonymised) or free text is redacted, and the rows that statistics count are kept.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from rollbook.core.models import Role

# --- Who may do what ---------------------------------------------------------------------------

# A subject access export names everything held about a pupil: the head, the administrator and
# the DSL (who answers for safeguarding records) only, not the whole office.
EXPORT_ROLES = frozenset({Role.HEAD, Role.ADMIN, Role.DSL})
# The retention report (and, from the command line, applying it): the head and administrator.
RETENTION_ROLES = frozenset({Role.HEAD, Role.ADMIN})


def may_export(roles: Iterable[str]) -> bool:
    return bool(frozenset(roles) & EXPORT_ROLES)


def may_include_safeguarding(roles: Iterable[str], *, superuser: bool) -> bool:
    """Only the DSL decides whether safeguarding records go into an export (or a superuser)."""
    return superuser or Role.DSL in frozenset(roles)


def may_see_retention(roles: Iterable[str]) -> bool:
    return bool(frozenset(roles) & RETENTION_ROLES)


# --- Retention periods -----------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRule:
    key: str
    label: str
    period: str  # how long, in words
    action: str  # what Rollbook does once the period is over
    citation: str
    confirmed: bool  # stated in the domain reference (True) or a default to check (False)


REGISTER_YEARS = 6  # 2024 Regs: every register entry kept 6 years from the date made
PUPIL_YEARS_AFTER_LEAVING = 6  # the admission register's deletion entry is kept as long
MESSAGE_YEARS_AFTER_YEAR_END = 2  # IRMS toolkit: absence correspondence, current year + 2
AUDIT_YEARS = 6  # kept as long as the register entries they explain (unconfirmed)

RULES: dict[str, RetentionRule] = {
    rule.key: rule
    for rule in (
        RetentionRule(
            "registers",
            "Attendance register entries (marks and their changes)",
            f"{REGISTER_YEARS} years from the date each entry was made",
            "Kept for statistics. Once the pupil is anonymised the marks no longer identify "
            "anyone; nothing is deleted.",
            "School Attendance (Pupil Registration) (England) Regulations 2024: every entry "
            "kept 6 years from the date made",
            True,
        ),
        RetentionRule(
            "pupils",
            "Pupil records of leavers (admission register details)",
            f"{PUPIL_YEARS_AFTER_LEAVING} years after the leaving date",
            "Anonymised: names become 'Former pupil <id>', the UPN is replaced, the date of "
            "birth keeps only its year and birth term (so age-based statistics stay the "
            "same), sensitive flags are cleared and free text about the pupil is redacted.",
            "2024 Regulations (the deletion entry is a register entry kept 6 years); IRMS "
            "Information Management Toolkit for Schools (unconfirmed for Rollbook's use)",
            False,
        ),
        RetentionRule(
            "contacts",
            "Parents' and carers' contact details",
            "As long as the record of any pupil they are linked to",
            "Wiped (name, phone numbers, email) once every pupil they are linked to has been "
            "anonymised; a contact shared with a pupil still kept is left alone.",
            "UK GDPR Article 5(1)(c) and (e): data minimisation and storage limitation",
            False,
        ),
        RetentionRule(
            "messages",
            "Messages to families and records of calls and visits",
            f"The end of the school year they were made in, plus "
            f"{MESSAGE_YEARS_AFTER_YEAR_END} years",
            "Redacted: the text and the phone number or address are removed; the date, kind "
            "and outcome are kept so that counts stay right.",
            "IRMS Information Management Toolkit for Schools: correspondence about absence, "
            "current year + 2 years (unconfirmed)",
            False,
        ),
        RetentionRule(
            "safeguarding",
            "Safeguarding notes and social-care referrals",
            "Decided by the DSL (child protection files move to the next school)",
            "Never changed automatically: counted here for the DSL to review.",
            "Keeping children safe in education (statutory guidance): child protection files",
            False,
        ),
        RetentionRule(
            "audit",
            "The audit log",
            f"{AUDIT_YEARS} years (as the register entries it explains)",
            "Counted only: the audit log is append-only, so older rows are removed by the "
            "database administrator under the school's retention schedule.",
            "Rollbook default (unconfirmed)",
            False,
        ),
    )
}


def add_years(day: date, years: int) -> date:
    """The same day `years` later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def school_year_end(day: date) -> date:
    """31 August of the school year (1 September to 31 August) that `day` falls in."""
    return date(day.year if day.month <= 8 else day.year + 1, 8, 31)


def register_entry_kept_until(made_on: date) -> date:
    return add_years(made_on, REGISTER_YEARS)


def pupil_kept_until(leaving_date: date) -> date:
    return add_years(leaving_date, PUPIL_YEARS_AFTER_LEAVING)


def message_kept_until(made_on: date) -> date:
    return add_years(school_year_end(made_on), MESSAGE_YEARS_AFTER_YEAR_END)


def audit_kept_until(made_on: date) -> date:
    return add_years(made_on, AUDIT_YEARS)


def past(kept_until: date, today: date) -> bool:
    """Past retention the day after the last day it must be kept."""
    return today > kept_until


def pupil_due(leaving_date: date | None, today: date, *, anonymised: bool) -> bool:
    """A leaver (leaving date set) whose record is past retention and not yet anonymised.

    Pupils on roll have no leaving date (`Pupil.leaving_date` is the last day on roll).
    """
    return (
        leaving_date is not None and not anonymised and past(pupil_kept_until(leaving_date), today)
    )


def pupil_cutoff(today: date) -> date:
    """Pupils who left before this date are past retention (for a database filter)."""
    return add_years(today, -PUPIL_YEARS_AFTER_LEAVING)


def register_cutoff(today: date) -> date:
    return add_years(today, -REGISTER_YEARS)


def audit_cutoff(today: date) -> date:
    return add_years(today, -AUDIT_YEARS)


def message_cutoff(today: date) -> date:
    """Messages made before this date are past retention (for a database filter).

    A message made in the school year ending on 31 August of year Y is kept until 31 August
    of Y + N, so it is past retention once that day is before today.
    """
    last_year_end = school_year_end(today).year - 1  # the latest 31 August before today
    return date(last_year_end - MESSAGE_YEARS_AFTER_YEAR_END, 9, 1)


# --- Anonymised values -----------------------------------------------------------------------

ANONYMOUS_FORENAME = "Former pupil"
ANONYMOUS_UPN_PREFIX = "ANON"  # a real UPN is a letter and 12 digits: this can never be one
REDACTED = "[removed under the retention schedule]"


def anonymous_names(pupil_id: int) -> tuple[str, str]:
    """(forename, surname) so that the display name reads 'Former pupil <id>'."""
    return ANONYMOUS_FORENAME, str(pupil_id)


def anonymous_upn(pupil_id: int) -> str:
    return f"{ANONYMOUS_UPN_PREFIX}{pupil_id:09d}"[:13]


def is_anonymised(upn: str) -> bool:
    return upn.startswith(ANONYMOUS_UPN_PREFIX)


def generalised_date_of_birth(dob: date) -> date:
    """The first day of the pupil's birth term: 1 September, 1 January or 1 April.

    Keeps the year of birth, the age on 31 August (the DfE statistics cohort: every date from
    1 September to 31 August gives the same age) and the start of compulsory school age (the
    first prescribed day, 31 December, 31 March or 31 August, on or after the 5th birthday is
    the same for every date in each of these terms), so statistics do not change. The day and
    month of birth are gone.
    """
    if dob.month >= 9:
        return date(dob.year, 9, 1)
    if dob.month <= 3:
        return date(dob.year, 1, 1)
    return date(dob.year, 4, 1)


def contact_may_be_wiped(linked_pupils_anonymised: Iterable[bool]) -> bool:
    """Only when every pupil the contact is linked to is (or is being) anonymised."""
    states = list(linked_pupils_anonymised)
    return bool(states) and all(states)


# --- The report ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class CategoryCount:
    rule: RetentionRule
    held: int  # rows of this kind held
    past_retention: int  # rows past the retention period
    to_change: int  # rows the run would change (anonymise or redact)
    detail: str = ""


@dataclass(frozen=True)
class RetentionReport:
    today: date
    categories: tuple[CategoryCount, ...]
    pupil_ids: tuple[int, ...]  # pupils who would be anonymised
    applied: bool = False

    @property
    def changes(self) -> int:
        return sum(c.to_change for c in self.categories)

    def counts(self) -> dict[str, dict[str, int]]:
        """Plain values for the audit row and the command's output."""
        return {
            c.rule.key: {
                "held": c.held,
                "past_retention": c.past_retention,
                "to_change": c.to_change,
            }
            for c in self.categories
        }

    def lines(self) -> list[str]:
        """The report as text, one block per category, with the rule cited."""
        verb = "changed" if self.applied else "would change"
        out = [
            f"Retention report for {self.today:%-d %B %Y} ({'applied' if self.applied else 'dry run'})"
        ]
        for c in self.categories:
            out += [
                "",
                f"{c.rule.label}",
                f"  kept: {c.rule.period}{'' if c.rule.confirmed else ' (default: check it)'}",
                f"  rule: {c.rule.citation}",
                f"  held {c.held}, past retention {c.past_retention}, {verb} {c.to_change}",
                f"  action: {c.rule.action}",
            ]
            if c.detail:
                out.append(f"  note: {c.detail}")
        return out

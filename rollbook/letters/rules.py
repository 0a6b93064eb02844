"""Pure letter rules: merge fields, placeholder checks, which adaptation, figures and chart data.

No clock and no ORM: callers pass `today`, the policy's values and plain figures in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from html import escape

from rollbook.core.calendar import TermDates
from rollbook.registers.rules import Rate, Tally

# The only merge fields a template may use, with what each holds (shown beside the editor).
PLACEHOLDERS: dict[str, str] = {
    "pupil_name": "The child's name, e.g. Ava Brown",
    "pupil_forename": "The child's first name, e.g. Ava",
    "parent_names": "Everyone with parental responsibility, e.g. Mrs Jo Brown and Mr Al Brown",
    "salutation": "After 'Dear', e.g. Mrs Brown and Mr Brown (or Parent/Carer)",
    "class_name": "The child's class, e.g. 3A",
    "school_name": "The school's name",
    "head_name": "The headteacher's name",
    "attendance_pct": "Attendance this school year, e.g. 91.2%",
    "sessions_missed": "Sessions (half-days) missed this school year",
    "days_missed": "Days missed this school year (sessions / 2), e.g. 10.5",
    "unauthorised_sessions": "Sessions of unauthorised absence this school year",
    "pa_line_days": "Days missed that make a child persistently absent, if the policy sets it",
    "stage_name": "The policy stage the letter belongs to",
    "period": "The period the figures cover, e.g. 1 September 2025 to 14 November 2025",
    "date": "The date of the letter, e.g. 14 November 2025",
    "contact_name": "Who families can talk to, from the policy's contact role, e.g. Hana Head",
    "contact_phone": "That contact's telephone number, if the policy gives one",
    "contact_email": "That contact's email address, if known",
    "term_name": "Termly letter: the term, e.g. Autumn",
    "term_period": "Termly letter: the dates the term's figures cover",
    "term_attendance_pct": "Termly letter: attendance in the term, e.g. 95.1%",
    "term_days_missed": "Termly letter: days missed in the term, e.g. 3.5",
    "signatory_name": "Who signs the letter: the head, or the Headship or SLT member who holds "
    "the family, or whoever is chosen for the letter",
    "signatory_title": "The signer's title, e.g. Headteacher or Senior Leadership Team",
    "legal_duty": "A whole paragraph: the parent's legal duty (Education Act 1996 s.7 and "
    "s.444) and no right to term-time holiday (2024 regulations), when the policy asks for it",
    "talk_to_us": "A whole paragraph: please talk to us first, with the contact's name, "
    "telephone and email",
}
# Fields only the termly letter fills (rules.term_figures); empty elsewhere.
TERM_FIELDS = frozenset({"term_name", "term_period", "term_attendance_pct", "term_days_missed"})
# Merge blocks: written alone as a paragraph, they become one or more whole paragraphs (or
# nothing at all when empty).
BLOCKS = frozenset({"legal_duty", "talk_to_us"})
_BLOCK = re.compile(r"^\{\{\s*(" + "|".join(sorted(BLOCKS)) + r")\s*\}\}$")
ADAPTATION_ORDER = ("long_term_illness", "medical_plan", "part_time_timetable")
_PLACEHOLDER = re.compile(r"\{\{\s*([^{}]*?)\s*\}\}")


class LetterError(Exception):
    """A letter action the rules refuse, with a message for the user."""


def placeholders_in(text: str) -> list[str]:
    return [m.group(1) for m in _PLACEHOLDER.finditer(text)]


def placeholder_problems(text: str) -> list[str]:
    """Messages for unknown merge fields and stray braces; empty when the text is fine."""
    problems = []
    unknown = sorted({name for name in placeholders_in(text) if name not in PLACEHOLDERS})
    if unknown:
        shown = ", ".join("{{ " + name + " }}" for name in unknown)
        problems.append(
            f"Unknown merge field{'s' if len(unknown) > 1 else ''} {shown}: use only the "
            f"fields listed ({', '.join(PLACEHOLDERS)})"
        )
    rest = _PLACEHOLDER.sub("", text)
    if "{{" in rest or "}}" in rest:
        problems.append("A merge field is not closed: write it as {{ field_name }}")
    return problems


def merge_text(text: str, values: Mapping[str, str]) -> str:
    """Plain text with the merge fields filled in (for the subject line)."""
    return _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), "")), text)


def merge_html(body: str, values: Mapping[str, str]) -> str:
    """The body as HTML paragraphs: text and values escaped, a blank line between paragraphs,
    a single line break kept. A merge block alone in a paragraph becomes its own paragraphs,
    or nothing when it is empty."""
    html_parts = []
    for paragraph in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
        block = _BLOCK.match(paragraph.strip())
        if block:
            text = str(values.get(block.group(1), ""))
            html_parts += [
                "<p>" + escape(part.strip(), quote=False) + "</p>"
                for part in re.split(r"\n\s*\n", text)
                if part.strip()
            ]
            continue
        merged = _PLACEHOLDER.sub(
            lambda m: "\x00" + m.group(1) + "\x01", paragraph
        )  # mark fields, escape the text around them, then put the escaped values in
        escaped = escape(merged, quote=False)
        filled = re.sub(
            "\x00([^\x01]*)\x01", lambda m: escape(str(values.get(m.group(1), ""))), escaped
        )
        html_parts.append("<p>" + filled.replace("\n", "<br>\n") + "</p>")
    return "\n".join(html_parts)


def choose_adaptation(adapted_for: Iterable[str], circumstances: Iterable[str]) -> str:
    """The adaptation to use: the first circumstance (in a fixed order) that the policy adapts
    letters for and the pupil has; '' for the standard letter."""
    wanted = frozenset(adapted_for) & frozenset(circumstances)
    return next((a for a in ADAPTATION_ORDER if a in wanted), "")


# --- Names and figures ----------------------------------------------------------------------


@dataclass(frozen=True)
class Parent:
    title: str
    forename: str
    surname: str

    @property
    def full(self) -> str:
        return " ".join(p for p in (self.title, self.forename, self.surname) if p)

    @property
    def formal(self) -> str:
        return f"{self.title} {self.surname}" if self.title else f"{self.forename} {self.surname}"


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def parent_names(parents: list[Parent]) -> str:
    return _and([p.full for p in parents]) if parents else "Parent/Carer"


def salutation(parents: list[Parent]) -> str:
    return _and([p.formal for p in parents]) if parents else "Parent/Carer"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def days_text(sessions: int) -> str:
    """Sessions as days: 21 sessions is '10.5', 20 is '10'."""
    return f"{sessions // 2}.5" if sessions % 2 else str(sessions // 2)


# --- Standard paragraphs (S002-115, S002-130, S001-45, S002-113) ---------------------------------

LEGAL_SHORT = (
    "You are legally responsible under the Education Act 1996 for making sure that your child is "
    'in school every day and on time. "Parent" includes anyone who has parental responsibility '
    "for a child or who cares for them."
)
LEGAL_FULL = (
    "As a parent you have a legal duty, under section 7 of the Education Act 1996, to make sure "
    "that your child receives a suitable full-time education; for a child registered at a school "
    "that means attending school regularly. A parent who fails to make sure that their child "
    "attends regularly commits an offence under section 444 of the Act and may be prosecuted. "
    '"Parent" includes anyone who has parental responsibility for a child or who cares for '
    "them.\n\n"
    "There is no right to take a child out of school for a holiday in term time. Under the School "
    "Attendance (Pupil Registration) (England) Regulations 2024, the headteacher may grant leave "
    "of absence only in exceptional circumstances, on a request made in advance; a holiday taken "
    "without leave is unauthorised absence."
)


def legal_duty(*, full: bool, sources: Sequence[str] = ()) -> str:
    """The legal paragraph(s): one sentence on the duty, or (when the policy asks) the duty
    under s.7, the offence under s.444 and no right to term-time holiday, with the policy's
    legal sources listed."""
    if not full:
        return LEGAL_SHORT
    listed = f"\n\nOur attendance policy rests on {_and(list(sources))}." if sources else ""
    return LEGAL_FULL + listed


@dataclass(frozen=True)
class SchoolContact:
    """Who families may talk to: a member of staff holding the policy's contact role."""

    name: str
    role_label: str
    phone: str = ""
    email: str = ""


def talk_to_us(pupil_forename: str, contact: SchoolContact | None) -> str:
    """The "talk to us" paragraph, naming the contact and how to reach them when known."""
    reach = []
    if contact and contact.phone:
        reach.append(f"on {contact.phone}")
    if contact and contact.email:
        reach.append(f"by email at {contact.email}")
    named = contact is not None and bool(contact.name)
    who = f"{contact.name} ({contact.role_label})" if named else "the school office"
    how = " " + " or ".join(reach) if reach else (" through the school office" if named else "")
    tail = "" if named else " or ask to speak to the Attendance Leader"
    return (
        f"If something is making it hard for {pupil_forename} to come to school, please talk to "
        "us first: we would much rather help than have to escalate our concerns. "
        f"You can contact {who}{how}{tail}."
    )


# --- Who signs (S003-15) ---------------------------------------------------------------------------

HEADTEACHER = "Headteacher"
SIGNING_ROLES = frozenset({"head", "attendance_lead"})  # senior staff who may sign a letter


@dataclass(frozen=True)
class Signatory:
    user_id: int | None
    name: str
    title: str


def caseload_title(key: str, name: str) -> str:
    """The title a caseload holder signs with: the Headship's families get a Headship letter,
    other senior caseloads (003's AHTs) an SLT letter."""
    return "Headship team" if "headship" in f"{key} {name}".lower() else "Senior Leadership Team"


def signatory_for(
    *, owner: Signatory | None, owner_caseload_role: str, head: Signatory | None
) -> Signatory:
    """Who signs a family's letter: the member of staff holding the family on a senior
    caseload (one for the head role), else the head, else an unnamed Headteacher."""
    if owner is not None and owner_caseload_role == "head":
        return owner
    return head or Signatory(None, "The Headteacher", HEADTEACHER)


def may_sign(roles: Iterable[str]) -> bool:
    return bool(frozenset(roles) & SIGNING_ROLES)


def figures(
    *,
    pupil_name: str,
    pupil_forename: str,
    parents: list[Parent],
    class_name: str,
    school_name: str,
    head_name: str,
    tally: Tally,
    pa_sessions_at_least: int | None,
    stage_name: str,
    year_start: date,
    today: date,
    contact: SchoolContact | None = None,
    legal_paragraph: bool = False,
    legal_sources: Sequence[str] = (),
    signatory: Signatory | None = None,
) -> dict[str, str]:
    """Every merge field's value, as text."""
    signer = signatory or Signatory(None, head_name or "The Headteacher", HEADTEACHER)
    return {
        "signatory_name": signer.name,
        "signatory_title": signer.title,
        "pupil_name": pupil_name,
        "pupil_forename": pupil_forename,
        "parent_names": parent_names(parents),
        "salutation": salutation(parents),
        "class_name": class_name,
        "school_name": school_name,
        "head_name": head_name or "The Headteacher",
        "attendance_pct": str(Rate(tally.attendance_rate)),
        "sessions_missed": str(tally.absent),
        "days_missed": days_text(tally.absent),
        "unauthorised_sessions": str(tally.unauthorised),
        "pa_line_days": days_text(pa_sessions_at_least) if pa_sessions_at_least else "",
        "stage_name": stage_name,
        "period": f"{long_date(year_start)} to {long_date(today)}",
        "date": long_date(today),
        "contact_name": contact.name if contact else "",
        "contact_phone": contact.phone if contact else "",
        "contact_email": contact.email if contact else "",
        "legal_duty": legal_duty(full=legal_paragraph, sources=legal_sources),
        "talk_to_us": talk_to_us(pupil_forename, contact),
    }


SAMPLE_FIGURES = figures(
    pupil_name="Sam Sample",
    pupil_forename="Sam",
    parents=[Parent("Ms", "Jo", "Sample"), Parent("Mr", "Al", "Sample")],
    class_name="3A",
    school_name="Your school",
    head_name="The Headteacher",
    tally=Tally(attended=139, authorised=12, unauthorised=9),
    pa_sessions_at_least=38,
    stage_name="Stage 2: serious concerns regarding attendance (10 days)",
    year_start=date(2025, 9, 1),
    today=date(2025, 11, 14),
    contact=SchoolContact("Jo Lead", "Attendance lead", "0121 000 0000", "office@school.example"),
    legal_paragraph=True,
)


# --- The termly letter (S001-29) -----------------------------------------------------------------


@dataclass(frozen=True)
class TermPeriod:
    """A whole term (Rollbook's calendar terms are half terms: "Autumn 1" and "Autumn 2" make
    the Autumn term)."""

    name: str
    start: date
    end: date

    @property
    def key(self) -> str:
        year = self.start.year if self.start.month >= 8 else self.start.year - 1
        return f"termly:{year}:{self.name}"


def _term_word(name: str) -> str:
    return (name.split() or [name])[0]


def term_for_letters(day: date, terms: Sequence[TermDates]) -> TermPeriod | None:
    """The term a termly letter on `day` reports: the one under way, or in a holiday the one
    just ended. None before the first term starts."""
    ordered = sorted(terms, key=lambda t: t.start)
    started = [t for t in ordered if t.start <= day]
    if not started:
        return None
    current = started[-1]
    same = [
        t
        for t in ordered
        if _term_word(t.name) == _term_word(current.name)
        and abs((t.start - current.start).days) < 200
    ]
    return TermPeriod(
        _term_word(current.name), min(t.start for t in same), max(t.end for t in same)
    )


def term_figures(term: TermPeriod, tally: Tally, today: date) -> dict[str, str]:
    """The termly letter's own merge fields: the term's figures up to today at the latest."""
    return {
        "term_name": term.name,
        "term_period": f"{long_date(term.start)} to {long_date(min(term.end, today))}",
        "term_attendance_pct": str(Rate(tally.attendance_rate)),
        "term_days_missed": days_text(tally.absent),
    }


# The template editor's preview: a sample pupil, with the termly letter's fields filled too.
SAMPLE_FIGURES = SAMPLE_FIGURES | term_figures(
    TermPeriod("Autumn", date(2025, 9, 1), date(2025, 12, 19)),
    Tally(attended=139, authorised=12, unauthorised=9),
    date(2025, 11, 14),
)


# --- Class-wide letters that name no child (S002-71) -----------------------------------------------

# The only fields a class-wide letter may use: nothing that names or describes a child.
CLASS_FIELDS = frozenset(
    {
        "parent_names",
        "salutation",
        "signatory_name",
        "signatory_title",
        "class_name",
        "school_name",
        "head_name",
        "date",
        "contact_name",
        "contact_phone",
        "contact_email",
    }
)


def class_letter_problems(text: str) -> list[str]:
    """Messages for fields a class-wide letter may not use (they would name or describe a
    child); the general placeholder checks still apply."""
    child = sorted({n for n in placeholders_in(text) if n in PLACEHOLDERS} - CLASS_FIELDS)
    if not child:
        return []
    shown = ", ".join("{{ " + name + " }}" for name in child)
    return [
        f"A class-wide letter names no child and gives no child's figures: remove {shown}. "
        f"Use only {', '.join(sorted(CLASS_FIELDS))}."
    ]


def children_named(text: str, names: Iterable[str]) -> list[str]:
    """The children's names (forenames or full names) that a letter's text contains, as whole
    words, ignoring case."""
    found = []
    for name in sorted({n.strip() for n in names if n and n.strip()}):
        if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text, flags=re.IGNORECASE):
            found.append(name)
    return found


def class_figures(
    *,
    parents: list[Parent],
    class_name: str,
    school_name: str,
    head_name: str,
    today: date,
    contact: SchoolContact | None = None,
) -> dict[str, str]:
    """A class-wide letter's merge values: the family and the class, never the child."""
    return {
        "signatory_name": head_name or "The Headteacher",
        "signatory_title": HEADTEACHER,
        "parent_names": parent_names(parents),
        "salutation": salutation(parents),
        "class_name": class_name,
        "school_name": school_name,
        "head_name": head_name or "The Headteacher",
        "date": long_date(today),
        "contact_name": contact.name if contact else "",
        "contact_phone": contact.phone if contact else "",
        "contact_email": contact.email if contact else "",
    }


# --- The chart --------------------------------------------------------------------------------


def chart_data(
    periods: list[tuple[str, Tally]], *, target_pct: Fraction | None, pa_line_pct: int = 90
) -> dict:
    """Attendance % per half-term (1 decimal place, for drawing only), the school target and
    the persistent-absence line. Periods with no possible sessions are left out."""
    bars = [
        (name, float(round(Fraction(100 * t.attended, t.possible), 1)))
        for name, t in periods
        if t.possible
    ]
    return {
        "labels": [name for name, _ in bars],
        "values": [value for _, value in bars],
        "target": float(target_pct) if target_pct is not None else None,
        "pa_line": pa_line_pct,
    }


def week_of(day: date) -> tuple[date, date]:
    """Monday to Sunday of the week holding `day`."""
    monday = day - timedelta(days=day.weekday())
    return monday, monday + timedelta(days=6)


# --- Who may do what ----------------------------------------------------------------------------

_OFFICE = frozenset({"office", "attendance_lead", "head", "admin"})
_EDITORS = frozenset({"attendance_lead", "head", "admin"})


def may_edit_templates(roles: Iterable[str]) -> bool:
    return bool(frozenset(roles) & _EDITORS)


def may_decide(roles: Iterable[str], action_role: str) -> bool:
    """Who may mark a letter sent or withdraw it. A letter whose policy action names a role
    other than the office (002's formal warning: the attendance lead) waits for that role's
    approval, or the head's (S002-52); other letters, any of the office roles."""
    held = frozenset(roles)
    if not held & _OFFICE:
        return False
    if not action_role or action_role == "office":
        return True
    return action_role in held or bool(held & {"head", "admin"})

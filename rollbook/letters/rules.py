"""Pure letter rules: merge fields, placeholder checks, which adaptation, figures and chart data.

No clock and no ORM: callers pass `today`, the policy's values and plain figures in.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from html import escape

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
}
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
    a single line break kept."""
    html_parts = []
    for paragraph in re.split(r"\n\s*\n", body.replace("\r\n", "\n").strip()):
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
) -> dict[str, str]:
    """Every merge field's value, as text."""
    return {
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
)


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

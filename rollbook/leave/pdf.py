"""The decision letter to the parent: a dataclass, a template, WeasyPrint for the bytes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string


@dataclass(frozen=True)
class DecisionLetter:
    school_name: str
    parent_name: str
    pupil_names: tuple[str, ...]
    requested_on: date
    requested_dates: str
    reason: str
    decision: str  # "granted", "granted_in_part", "refused"
    decision_label: str
    granted_dates: str
    decision_reason: str
    decided_on: date
    decided_by: str
    code_note: str


def letter_for(leave) -> DecisionLetter:
    def span(first, first_s, last, last_s) -> str:
        start = f"{first:%A %-d %B %Y}{' (afternoon)' if first_s == 'PM' else ''}"
        end = f"{last:%A %-d %B %Y}{' (morning)' if last_s == 'AM' else ''}"
        return start if (first, first_s, last_s) == (last, "AM", "PM") else f"{start} to {end}"

    granted = (
        span(
            leave.granted_first_date,
            leave.granted_first_session,
            leave.granted_last_date,
            leave.granted_last_session,
        )
        if leave.granted_first_date
        else ""
    )
    if leave.decision == "refused":
        note = (
            "The absence is not authorised. If your child is absent on these dates it will be "
            "recorded as unauthorised absence"
            + (" (holiday not agreed)" if leave.reason == "holiday" else "")
            + ", and the school may consider a penalty notice."
        )
    else:
        note = "The sessions granted will be recorded as authorised absence."
    return DecisionLetter(
        school_name=leave.school.name,
        parent_name=str(leave.requested_by),
        pupil_names=tuple(p.display_name for p in leave.pupils.all()),
        requested_on=leave.requested_on,
        requested_dates=span(
            leave.first_date, leave.first_session, leave.last_date, leave.last_session
        ),
        reason=leave.get_reason_display(),
        decision=leave.decision,
        decision_label=leave.get_decision_display(),
        granted_dates=granted,
        decision_reason=leave.decision_reason,
        decided_on=leave.decided_on,
        decided_by=leave.decided_by_label,
        code_note=note,
    )


def letter_pdf(letter: DecisionLetter) -> bytes:
    import weasyprint  # imported here: it is slow to import and only this step needs it

    html = render_to_string("leave/letter.html", {"letter": letter})
    return weasyprint.HTML(string=html).write_pdf()

"""Pure rules for parents' absence reports. No ORM, no clock: pass `today`."""

from __future__ import annotations

from datetime import date, timedelta

from rollbook.registers import taking

# The code the office records when it accepts a report, by the reason the parent gave
# (domain reference: I illness, M medical or dental appointment). "Something else" has no
# default: the office chooses (C if it authorises the absence, O if not).
DEFAULT_CODE = {"illness": "I", "medical": "M"}
ACCEPT_CODES = (
    ("I", "I: illness (not medical or dental appointments)"),
    ("M", "M: medical or dental appointment"),
    ("C", "C: authorised absence for another reason"),
    ("O", "O: unauthorised absence"),
)
MAX_DAYS_AHEAD = 120  # a report is for this term's appointments, not next year's
MAX_DETAILS = 1000


def _order(day: date, session: str) -> tuple[date, int]:
    return day, 0 if session == "AM" else 1


def covers(
    *, first: date, first_session: str, last: date, last_session: str, day: date, session: str
) -> bool:
    """Does a report from (first, first_session) to (last, last_session) include this session?"""
    return _order(first, first_session) <= _order(day, session) <= _order(last, last_session)


def default_code(reason: str) -> str:
    return DEFAULT_CODE.get(reason, "")


def check_report(
    *,
    today: date,
    first: date,
    first_session: str,
    last: date,
    last_session: str,
    reason: str,
    details: str,
) -> tuple[str, str] | None:
    """The first problem with a report as (form field, words for the parent), or None."""
    if first < today:
        return "first_date", "The first day must be today or in the future"
    if last < first:
        return "last_date", "The last day must be the same as or after the first day"
    if last == first and first_session == "PM" and last_session == "AM":
        return (
            "last_session",
            "On a single day, the absence cannot start in the afternoon and end at lunchtime",
        )
    if last > today + timedelta(days=MAX_DAYS_AHEAD):
        return "last_date", f"The last day must be within {MAX_DAYS_AHEAD} days from today"
    if reason not in ("illness", "medical", "other"):
        return "reason", "Select the reason for the absence"
    if reason == "other" and not details.strip():
        return "details", "Tell us the reason for the absence"
    if len(details) > MAX_DETAILS:
        return "details", f"The details must be {MAX_DETAILS} characters or fewer"
    return None


# --- Recording the reason for an absence (the office) -----------------------------------------

# S002-70: reasons that are never good enough. Choosing one records the code by itself:
# O (absent in other circumstances, unauthorised). Term-time leave the school has not
# authorised is the one exception: the DfE code for it is G (holiday not granted), not O.
NEVER_ACCEPTABLE = (
    ("birthday", "Birthday", "O"),
    ("uniform", "Shopping for uniform", "O"),
    ("haircut", "Haircut", "O"),
    (
        "sibling_inset",
        "A brother\N{RIGHT SINGLE QUOTATION MARK}s or sister\N{RIGHT SINGLE QUOTATION MARK}s school closed (INSET day or otherwise)",
        "O",
    ),
    (
        "overslept",
        "\N{LEFT DOUBLE QUOTATION MARK}Couldn\N{RIGHT SINGLE QUOTATION MARK}t get up\N{RIGHT DOUBLE QUOTATION MARK}",
        "O",
    ),
    ("well_enough", "Unwell but well enough to attend (nothing infectious)", "O"),
    ("unauthorised_leave", "Term-time leave the school has not authorised", "G"),
)
NEVER_ACCEPTABLE_LABELS = {key: label for key, label, _ in NEVER_ACCEPTABLE}
NEVER_ACCEPTABLE_CODES = {key: code for key, _, code in NEVER_ACCEPTABLE}

# S002-69 and S002-68: what the office saw before recording M, or I for a pupil flagged
# "evidence required" (the list lives with the register rules, which use it too).
EVIDENCE_TYPES = taking.EVIDENCE_TYPES
EVIDENCE_LABELS = taking.EVIDENCE_LABELS
evidence_note = taking.evidence_note
ILLNESS = "I"
APPOINTMENT = taking.APPOINTMENT


def reason_code(
    *, code: str, reason_key: str, evidence: str, evidence_required: bool
) -> tuple[str, tuple[str, str] | None]:
    """The code to record for an absence reason, and the first problem as (field, words).

    * a never-acceptable reason sets its code (O, or G for unauthorised leave) by itself;
      choosing a different code as well is a mistake, not something to override quietly;
    * M always needs the evidence seen (S002-69);
    * for a pupil flagged "evidence required", I needs the evidence seen: without it the
      office decides O instead (S002-68).
    """
    if reason_key:
        if reason_key not in NEVER_ACCEPTABLE_CODES:
            return code, ("reason_key", "Choose a reason from the list")
        fixed = NEVER_ACCEPTABLE_CODES[reason_key]
        if code and code != fixed:
            label = NEVER_ACCEPTABLE_LABELS[reason_key]
            return code, (
                "code",
                f"“{label}” is never a reason to authorise: it is recorded as {fixed}",
            )
        code = fixed
    if not code:
        return code, ("code", "Choose a code")
    if evidence and evidence not in EVIDENCE_LABELS:
        return code, ("evidence", "Choose the evidence you saw from the list")
    if code == APPOINTMENT and not evidence:
        return code, (
            "evidence",
            "Say what evidence of the appointment you saw, for example an appointment card",
        )
    if code == ILLNESS and evidence_required and not evidence:
        return code, (
            "evidence",
            "This pupil needs evidence for illness: choose the evidence you saw to record I, "
            "or record O if there is none",
        )
    return code, None


def needs_decision(*, reason: str, evidence_required: bool) -> bool:
    """A parent's illness report for a pupil flagged "evidence required" waits for the office
    to decide between I (evidence seen) and O (none): it is never accepted as I by default."""
    return evidence_required and reason == "illness"


def whole_day_of_m(codes_by_session: dict[str, str], school_sessions: int = 2) -> bool:
    """S002-69: a pupil coded M for every school session of a day (the policy expects the
    child in for the rest of the day), which the office reviews."""
    return len(codes_by_session) == school_sessions and all(
        c == APPOINTMENT for c in codes_by_session.values()
    )

"""Pure rules for parents' absence reports. No ORM, no clock: pass `today`."""

from __future__ import annotations

from datetime import date, timedelta

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

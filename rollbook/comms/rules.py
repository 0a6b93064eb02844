"""Pure outbox rules: quiet hours, retry backoff, who gets the first-day text, reason keys.

No ORM and no clock: callers pass `now` (aware) and plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

LONDON = ZoneInfo("Europe/London")
QUIET_ENDS = time(8, 0)  # nothing is sent before 08:00 ...
QUIET_STARTS = time(20, 0)  # ... or from 20:00, London time
# Minutes to wait after the 1st, 2nd and 3rd transient failure; the 4th failure is final.
RETRY_MINUTES = (1, 5, 25)
MAX_ATTEMPTS = len(RETRY_MINUTES) + 1
# A claimed message with no outcome after this long is handed to a person, never resent.
STUCK_AFTER = timedelta(minutes=15)
# Minutes after the morning register closes before first-day texts are queued, so that the
# office can code late arrivals and known reasons first.
FIRST_DAY_DELAY_MINUTES = 10
FIRST_DAY_WINDOW = timedelta(hours=2)


def quiet_until(
    now: datetime, *, starts: time = QUIET_STARTS, ends: time = QUIET_ENDS
) -> datetime | None:
    """When sending may resume if `now` is in quiet hours (London time), else None."""
    if now.tzinfo is None:
        raise ValueError("now must be timezone-aware")
    local = now.astimezone(LONDON)
    if local.time() < ends:
        return datetime.combine(local.date(), ends, tzinfo=LONDON)
    if local.time() >= starts:
        return datetime.combine(local.date() + timedelta(days=1), ends, tzinfo=LONDON)
    return None


def retry_delay(attempts: int) -> timedelta | None:
    """After `attempts` tries ended in a transient failure: wait this long, or None to give up."""
    if attempts < 1:
        raise ValueError("attempts counts the tries made, so it is at least 1")
    if attempts > len(RETRY_MINUTES):
        return None
    return timedelta(minutes=RETRY_MINUTES[attempts - 1])


def is_stuck(sending_since: datetime | None, now: datetime) -> bool:
    return sending_since is not None and now - sending_since > STUCK_AFTER


# Contact.preferred_language holds a name ("Polish"); templates are filed under a code.
LANGUAGE_CODES = {
    "english": "en",
    "polish": "pl",
    "romanian": "ro",
    "urdu": "ur",
    "punjabi": "pa",
    "bengali": "bn",
    "arabic": "ar",
    "somali": "so",
    "portuguese": "pt",
    "spanish": "es",
}


def language_code(preferred_language: str) -> str:
    """The template language code for a contact's preferred language; unknown → English."""
    name = (preferred_language or "").strip().lower()
    return LANGUAGE_CODES.get(name, name if len(name) == 2 else "en")


@dataclass(frozen=True)
class ContactLink:
    """One pupil-contact link, as plain values."""

    pupil_id: int
    contact_id: int
    priority: int
    parental_responsibility: bool
    mobile_phone: str


def first_day_contact(links: Iterable[ContactLink]) -> ContactLink | None:
    """The contact to text: parental responsibility, a mobile number, lowest priority number.

    Over the links of every absent child in a family, so one contact gets one text; ties go
    to the contact created first.
    """
    usable = [link for link in links if link.parental_responsibility and link.mobile_phone.strip()]
    if not usable:
        return None
    return min(usable, key=lambda link: (link.priority, link.contact_id))


def family_key(family_id: int | None, pupil_id: int) -> str:
    """Siblings in one family share a key; a pupil with no family record is their own family."""
    return f"family:{family_id}" if family_id else f"pupil:{pupil_id}"


def first_day_dedupe_key(day: date, session: str, family: str) -> str:
    return f"first_day:{day.isoformat()}:{session}:{family}"


def award_dedupe_key(award_ids: Iterable[int]) -> str:
    """'award:12+15': one text per set of award rows, so recording again queues nothing."""
    return f"award:{'+'.join(str(i) for i in sorted(award_ids))}"


def marks_reason_key(mark_ids: Iterable[int], code: str) -> str:
    """'mark:12+15:N': send only while these marks still hold `code`."""
    return f"mark:{'+'.join(str(i) for i in sorted(mark_ids))}:{code}"


@dataclass(frozen=True)
class MarksReason:
    mark_ids: tuple[int, ...]
    code: str


def parse_reason_key(key: str) -> MarksReason | None:
    """The marks a reason key names, or None for a key that names no marks."""
    parts = key.split(":")
    if len(parts) != 3 or parts[0] != "mark":
        return None
    try:
        ids = tuple(int(i) for i in parts[1].split("+"))
    except ValueError:
        return None
    return MarksReason(ids, parts[2])


def join_names(names: list[str], conjunction: str = "and") -> str:
    """'Amy', 'Amy and Ben', 'Amy, Ben and Cal'."""
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} {conjunction} {names[-1]}"


def first_day_due(now: datetime, register_closes: datetime) -> bool:
    """Queue first-day texts from `FIRST_DAY_DELAY_MINUTES` after the register closes, for a
    while (re-runs are harmless: each family's message has a dedupe key)."""
    starts = register_closes + timedelta(minutes=FIRST_DAY_DELAY_MINUTES)
    return starts <= now < starts + FIRST_DAY_WINDOW

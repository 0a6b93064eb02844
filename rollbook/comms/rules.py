"""Pure outbox rules: quiet hours, retry backoff, who gets the first-day text, reason keys.

No ORM and no clock: callers pass `now` (aware) and plain values.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from string import Formatter
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


@dataclass(frozen=True)
class EmailLink:
    pupil_id: int
    contact_id: int
    priority: int
    parental_responsibility: bool
    email: str


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


def first_day_due(
    now: datetime, register_closes: datetime, delay_minutes: int = FIRST_DAY_DELAY_MINUTES
) -> bool:
    """Queue first-day texts from `delay_minutes` (policy `comms.first_day_delay_minutes`)
    after the register closes, for a while (re-runs are harmless: dedupe keys)."""
    starts = register_closes + timedelta(minutes=delay_minutes)
    return starts <= now < starts + FIRST_DAY_WINDOW


# --- delivery receipts -----------------------------------------------------------------------

# GOV.UK Notify's final statuses (its callback's `status`). Notify does not retry a
# temporary failure (phone off for 72 hours, inbox full) and we do not either: a text about
# Monday's absence is no use on Thursday. Other statuses ("sending", "pending") are not final.
RECEIPT_OUTCOMES = {
    "delivered": "delivered",
    "permanent-failure": "failed_permanent",
    "temporary-failure": "failed_permanent",
    "technical-failure": "failed_permanent",
}
RECEIPT_DETAILS = {
    "delivered": "delivered to the phone or inbox",
    "permanent-failure": "the provider could not deliver it: the number or address is not in use",
    "temporary-failure": "the provider gave up: phone off or inbox full for too long",
    "technical-failure": "the provider had a technical failure and did not send it",
}


def receipt_outcome(provider_status: str) -> str | None:
    """The message status a provider's final receipt means, or None (not final: ignore)."""
    return RECEIPT_OUTCOMES.get(provider_status.strip().lower())


# --- a send that was claimed and never finished ----------------------------------------------


def recovery(found_at_provider: bool | None) -> str:
    """What to do with a message stuck in 'sending' once the provider has been asked about
    our reference (the message id, sent with every message).

    found → it went: record it as sent. Not found → it never left: queue it again (after
    `STUCK_AFTER` no request can still be on its way). The provider cannot tell (no lookup,
    or the lookup failed) → a person checks: a second text is worse than a late one.
    """
    if found_at_provider is None:
        return "needs_check"
    return "sent" if found_at_provider else "queued"


# --- the office's follow-up of first-day absence (seeds 002, 003, 004) ----------------------


@dataclass(frozen=True)
class FollowUpFacts:
    """One absent pupil's morning so far, as plain values."""

    text_status: str  # the first-day message's status, or "" when none was queued
    texted_at: datetime | None  # when it was sent
    contact_logged: bool  # a call, visit or reason was logged today
    spoke_or_seen: bool  # ... and someone spoke to the family or saw the child
    home_visit: str | None  # registers.office.home_visit_due's reason, or None
    has_contact: bool  # someone with a phone number to call


@dataclass(frozen=True)
class FollowUpStep:
    key: str  # "visit", "call", "wait", "done"
    text: str


def follow_up_step(facts: FollowUpFacts, now: datetime, call_after_minutes: int) -> FollowUpStep:
    """The office's next step for one pupil absent with no reason (N).

    A home visit due (day 2 or 3 of unexplained absence, or day 1 for a priority pupil) comes
    first unless the child has been seen. Otherwise: phone when no text could go (no usable
    contact, or it failed), or when the text has had no reply for `call_after_minutes`
    (policy `comms.call_after_minutes`); wait while it is queued or recent.
    """
    if facts.home_visit and not facts.spoke_or_seen:
        return FollowUpStep("visit", facts.home_visit)
    if facts.spoke_or_seen:
        return FollowUpStep("done", "Spoken to or seen: record the reason")
    failed = facts.text_status in ("failed_permanent", "cancelled", "needs_check")
    if not facts.text_status or failed:
        why = "no text could be sent" if not facts.text_status else "the text did not go"
        if not facts.has_contact:
            return FollowUpStep("visit", f"No contact to phone and {why}: home visit")
        return FollowUpStep("call", f"Phone now: {why}")
    if facts.texted_at is None:
        return FollowUpStep("wait", "Text waiting to go")
    waited = now - facts.texted_at
    if waited >= timedelta(minutes=call_after_minutes):
        minutes = int(waited.total_seconds() // 60)
        if facts.contact_logged:
            return FollowUpStep(
                "call", f"Phone again: no reason yet {minutes} minutes after the text"
            )
        return FollowUpStep("call", f"Phone now: no reply {minutes} minutes after the text")
    return FollowUpStep(
        "wait", f"Texted at {facts.texted_at.astimezone(LONDON):%H:%M}: waiting for a reply"
    )


# --- templates: per kind and language, placeholders checked when saved ----------------------

# {placeholder: what it holds}, per campaign kind; every template of the kind must use the
# required ones and may use no others.
TEMPLATE_FIELDS: dict[str, dict[str, str]] = {
    "weekly_update": {
        "school": "the school's name",
        "children": "each child's first name and attendance this year, e.g. Amy 96.5%",
        "week": "the week reported, e.g. w/c 16 November",
    },
    "halfterm_update": {
        "school": "the school's name",
        "children": "each child's first name and attendance for the half-term",
        "half_term": "the half-term's name, e.g. Autumn 1",
    },
    "halfterm_low": {
        "school": "the school's name",
        "children": "each child's first name and attendance for the half-term",
        "half_term": "the half-term's name",
        "line": "the policy's line, e.g. 90%",
    },
    "halfterm_improvement": {
        "school": "the school's name",
        "names": "the children's first names, e.g. Amy and Ben",
        "half_term": "the half-term's name",
    },
}
TEMPLATE_FIELDS["holiday_reminder"] = {
    "school": "the school's name",
    "holiday": "the holiday coming, e.g. the break after Autumn 2",
    "fpn": "the sentence on penalty notices (required, fixed wording)",
}
TEMPLATE_FIELDS["policy_share"] = {
    "school": "the school's name",
    "year": "the school year, e.g. 2026/27",
}
# Reusable text blocks (`TextBlock`): stored once, any template may name them.
BLOCK_FIELDS: dict[str, str] = {
    "attendance_statement": "the school's attendance statement (saved once under Reusable text)",
    "policy_link": "the link to the attendance policy (saved once under Reusable text)",
}
MAX_BLOCK_CHARS = 300
DEFAULT_BLOCKS: dict[str, str] = {
    "attendance_statement": (
        "Every day in school counts. We expect every child to be in school, on time, every "
        "day the school is open, unless they are too ill to attend. If anything makes that "
        "hard, please talk to us: we are here to help."
    ),
    "policy_link": "",  # no default: the school saves its own link
}
FPN_SENTENCE = (
    "Holidays in term time are not authorised and may be referred to the local authority, "
    "which can issue a penalty notice."
)
REQUIRED_FIELDS: dict[str, tuple[str, ...]] = {
    "holiday_reminder": ("school", "fpn"),
    "policy_share": ("school", "policy_link"),
    "weekly_update": ("school", "children"),
    "halfterm_update": ("school", "children"),
    "halfterm_low": ("school", "children"),
    "halfterm_improvement": ("school", "names"),
}
MAX_TEMPLATE_CHARS = 612  # four text-message parts, leaving room for the names filled in
TEMPLATE_LANGUAGES = {"en": "English", "pl": "Polish"}
DEFAULT_TEMPLATES: dict[tuple[str, str], str] = {
    ("weekly_update", "en"): (
        "{school}: attendance this school year, {week}: {children}. Every day counts: "
        "thank you for your support. Any worries? Please talk to us."
    ),
    ("weekly_update", "pl"): (
        "{school}: frekwencja w tym roku szkolnym, {week}: {children}. Liczy się każdy dzień: "
        "dziękujemy za wsparcie. W razie trudności prosimy o kontakt."
    ),
    ("halfterm_update", "en"): (
        "{school}: attendance for {half_term}: {children}. Thank you for your support. "
        "Any worries? Please talk to us."
    ),
    ("halfterm_update", "pl"): (
        "{school}: frekwencja w okresie {half_term}: {children}. Dziękujemy za wsparcie. "
        "W razie trudności prosimy o kontakt."
    ),
    ("halfterm_low", "en"): (
        "{school}: attendance for {half_term}: {children}, which is {line} or below. "
        "We would like to help: please contact the school office so we can talk about support."
    ),
    ("halfterm_low", "pl"): (
        "{school}: frekwencja w okresie {half_term}: {children}, czyli {line} lub mniej. "
        "Chcemy pomóc: prosimy o kontakt z sekretariatem, aby porozmawiać o wsparciu."
    ),
    ("halfterm_improvement", "en"): (
        "{school}: well done! {names}'s attendance went up a lot in {half_term}. "
        "Thank you for all your hard work."
    ),
    ("halfterm_improvement", "pl"): (
        "{school}: gratulacje! Frekwencja ({names}) bardzo wzrosła w okresie {half_term}. "
        "Dziękujemy za Państwa wysiłek."
    ),
}


DEFAULT_TEMPLATES.update(
    {
        ("holiday_reminder", "en"): (
            "{school}: before {holiday}, a reminder: {fpn} Please book family holidays in the "
            "school holidays. If something is making attendance hard, please talk to us: we "
            "want to help."
        ),
        ("holiday_reminder", "pl"): (
            "{school}: przypomnienie przed {holiday}: {fpn} Prosimy planować wyjazdy w czasie "
            "ferii. W razie trudności prosimy o kontakt: chcemy pomóc."
        ),
        ("policy_share", "en"): (
            "{school}: our attendance policy for {year} is here: {policy_link} It explains how "
            "to tell us about an absence and how we support families. Please talk to us with "
            "any questions."
        ),
    }
)


def block_problems(key: str, text: str) -> list[str]:
    """What is wrong with a reusable block's text ([] if fine)."""
    if key not in BLOCK_FIELDS:
        return [f"there is no reusable text called {key!r}"]
    text = text.strip()
    if not text:
        return ["enter the text"]
    problems = []
    if len(text) > MAX_BLOCK_CHARS:
        problems.append(f"the text must be {MAX_BLOCK_CHARS} characters or fewer")
    if "{" in text or "}" in text:
        problems.append("the text cannot contain { or }")
    if key == "policy_link" and (not text.startswith("https://") or " " in text):
        problems.append("enter the link as one web address starting https://")
    return problems


def template_problems(kind: str, text: str) -> list[str]:
    """What is wrong with a template's text, in words for the person saving it ([] if fine)."""
    if kind not in TEMPLATE_FIELDS:
        return [f"there are no templates for {kind!r}"]
    allowed = TEMPLATE_FIELDS[kind] | BLOCK_FIELDS
    problems: list[str] = []
    if not text.strip():
        return ["enter the message text"]
    if len(text) > MAX_TEMPLATE_CHARS:
        problems.append(f"the text must be {MAX_TEMPLATE_CHARS} characters or fewer")
    try:
        parsed = list(Formatter().parse(text))
    except ValueError:
        return [*problems, "a { or } has no partner: write placeholders as {name}"]
    used = set()
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if name not in allowed:
            problems.append(
                f"{{{name}}} is not a placeholder: use {_field_list(TEMPLATE_FIELDS[kind])}"
            )
        elif spec or conversion:
            problems.append(f"write {{{name}}} with nothing after the name")
        used.add(name)
    missing = [f"{{{name}}}" for name in REQUIRED_FIELDS[kind] if name not in used]
    if missing:
        problems.append(f"the text must include {' and '.join(missing)}")
    return problems


def _field_list(allowed) -> str:
    return ", ".join(f"{{{name}}}" for name in allowed)


def fill(text: str, values: dict[str, str]) -> str:
    """A checked template with its placeholders filled (values are never re-parsed)."""
    return text.format_map(values)


# --- campaigns: when they are due and who they go to -----------------------------------------

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@dataclass(frozen=True)
class Period:
    key: str  # unique per campaign kind: "2026-W47", "Autumn 1 2026-10-23"
    label: str
    first: date
    last: date


def weekly_period(today: date, weekday: str, school_days: Iterable[date]) -> Period | None:
    """The week a weekly campaign reports, if it is due: on `weekday` or later in that week,
    in a week with school days up to yesterday. Figures run to the last school day before
    today (today's registers are not finished)."""
    if today.weekday() < WEEKDAYS.index(weekday) or today.weekday() > 4:
        return None
    monday = today - timedelta(days=today.weekday())
    days = [d for d in school_days if monday <= d < today]
    if not days:
        return None
    year, week, _ = today.isocalendar()
    return Period(f"{year}-W{week:02d}", f"w/c {monday.day} {monday:%B}", days[0], days[-1])


@dataclass(frozen=True)
class Term:
    name: str
    start: date
    end: date


HALF_TERM_CATCH_UP = timedelta(days=14)


def ended_half_term(today: date, terms: Iterable[Term]) -> tuple[Term, Term | None] | None:
    """The half-term that ended most recently (and the one before it), while its campaign is
    due: from the day after it ends for two weeks (a missed day is caught up)."""
    ordered = sorted(terms, key=lambda t: t.start)
    for i in range(len(ordered) - 1, -1, -1):
        term = ordered[i]
        if term.end < today:
            if today - term.end > HALF_TERM_CATCH_UP:
                return None
            return term, ordered[i - 1] if i > 0 else None
    return None


def half_term_period(term: Term) -> Period:
    return Period(f"{term.name} {term.end.isoformat()}", term.name, term.start, term.end)


@dataclass(frozen=True)
class Standing:
    """One pupil's attendance for the campaign, as plain session counts."""

    pupil_id: int
    attended: int
    possible: int
    before_attended: int = 0  # the half-term before (improvement only)
    before_possible: int = 0


def at_or_below(s: Standing, line: Decimal) -> bool:
    """attended / possible <= line %, compared on integers (never a rounded %)."""
    return s.possible > 0 and Decimal(s.attended) * 100 <= line * s.possible


def improved_by(s: Standing, points: Decimal) -> bool:
    """This period's % at least `points` above the one before, compared exactly."""
    if not (s.possible and s.before_possible):
        return False
    now = Decimal(s.attended * 100) * s.before_possible
    before = Decimal(s.before_attended * 100) * s.possible
    return now - before >= points * s.possible * s.before_possible


def audience(
    kind: str,
    standings: Iterable[Standing],
    *,
    line: Decimal = Decimal(90),
    points: Decimal = Decimal(5),
    min_possible: int = 0,
) -> list[Standing]:
    """The pupils a campaign names: every pupil with sessions (updates), those at or below
    the line, or those who improved by the points (both half-terms long enough to judge)."""
    chosen = []
    for s in standings:
        if s.possible == 0:
            continue
        if kind in ("weekly_update", "halfterm_update"):
            chosen.append(s)
        elif kind == "halfterm_low":
            if s.possible >= min_possible and at_or_below(s, line):
                chosen.append(s)
        elif kind == "halfterm_improvement":
            long_enough = min(s.possible, s.before_possible) >= min_possible
            if long_enough and improved_by(s, points):
                chosen.append(s)
        else:
            raise ValueError(f"unknown campaign kind {kind!r}")
    return chosen


def pct_text(attended: int, possible: int) -> str:
    """'96.5%': for reading only (thresholds compare integers)."""
    value = (Decimal(attended) * 100 / possible).quantize(Decimal("0.1"), ROUND_HALF_UP)
    return f"{value}%"


def campaign_dedupe_key(campaign_id: int, family: str) -> str:
    return f"campaign:{campaign_id}:{family}"


# --- standing campaigns: before each holiday, and the policy each September ------------------

HOLIDAY_LEAD_SCHOOL_DAYS = 5  # the reminder is prepared in the last week of each term
POLICY_CATCH_UP = timedelta(days=14)


def holiday_reminder_period(
    today: date,
    terms: Iterable[Term],
    school_days: Iterable[date],
    lead: int = HOLIDAY_LEAD_SCHOOL_DAYS,
) -> Period | None:
    """The reminder before the holiday that follows the term holding `today`, while it is
    due: on one of the term's last `lead` school days (re-runs find the same key)."""
    term = next((t for t in terms if t.start <= today <= t.end), None)
    if term is None:
        return None
    left = [d for d in school_days if today <= d <= term.end]
    if not left or len(left) > lead:
        return None
    return Period(f"before {term.end.isoformat()}", f"the holiday after {term.name}", today, today)


def policy_share_period(
    today: date, school_days: Iterable[date], catch_up: timedelta = POLICY_CATCH_UP
) -> Period | None:
    """The yearly message with the policy: due from the first school day of the school
    year (1 August on) for `catch_up` (a missed morning is caught up)."""
    start = date(today.year if today.month >= 8 else today.year - 1, 8, 1)
    days = [d for d in school_days if start <= d]
    if not days:
        return None
    first = min(days)
    if not first <= today < first + catch_up:
        return None
    label = f"{start.year}/{(start.year + 1) % 100:02d}"
    return Period(f"policy {start.year}", label, first, first)


# --- recognising improvement (seeds 003-14, 004-32) -------------------------------------------


@dataclass(frozen=True)
class Windows:
    """The two spans an improvement compares: `before`, then `now` (to date)."""

    key: str  # names the comparison in dedupe keys: one recognition per family per window
    label: str
    before_first: date
    before_last: date
    now_first: date
    now_last: date


def improvement_windows(
    today: date, terms: Iterable[Term], school_days: Iterable[date], weeks: int | None = None
) -> Windows | None:
    """This half-term to date against the whole half-term before; or, with `weeks`, the last
    `weeks` school weeks against the `weeks` school weeks before them. Figures end on the
    last school day before `today`. None when there is nothing to compare."""
    past = sorted(d for d in school_days if d < today)
    if not past:
        return None
    last = past[-1]
    if weeks is not None:
        if weeks < 1:
            raise ValueError("weeks must be at least 1")
        mondays = sorted({d - timedelta(days=d.weekday()) for d in past})
        if len(mondays) < 2 * weeks:
            return None
        now_monday, before_monday = mondays[-weeks], mondays[-2 * weeks]
        now_days = [d for d in past if d >= now_monday]
        before_days = [d for d in past if before_monday <= d < now_monday]
        return Windows(
            f"{weeks}w:{now_days[0].isoformat()}",
            f"the last {weeks} school week{'s' if weeks > 1 else ''} against the {weeks} before",
            before_days[0],
            before_days[-1],
            now_days[0],
            last,
        )
    ordered = sorted(terms, key=lambda t: t.start)
    current = next((i for i, t in enumerate(ordered) if t.start <= last <= t.end), None)
    if not current:  # no half-term holds it, or it is the first: nothing before
        return None
    term, before = ordered[current], ordered[current - 1]
    return Windows(
        f"ht:{term.start.isoformat()}",
        f"{term.name} so far against {before.name}",
        before.start,
        before.end,
        term.start,
        last,
    )


def improvers(standings: Iterable[Standing], points: Decimal, min_possible: int) -> list[Standing]:
    """Pupils whose % went up by at least `points` (exactly compared), with enough sessions
    in both spans to judge."""
    return [
        s
        for s in standings
        if min(s.possible, s.before_possible) >= min_possible and improved_by(s, points)
    ]


def email_contact(links: Iterable[EmailLink]) -> EmailLink | None:
    """The contact to email: parental responsibility, an address, lowest priority number."""
    usable = [link for link in links if link.parental_responsibility and link.email.strip()]
    if not usable:
        return None
    return min(usable, key=lambda link: (link.priority, link.contact_id))


def recognition_dedupe_key(window_key: str, family: str) -> str:
    return f"recognition:{window_key}:{family}"


# --- expectations on admission (seed 001-8) -----------------------------------------------

EXPECTATIONS_WINDOW = timedelta(days=28)


def expectations_due(admission_date: date, created: date, today: date) -> bool:
    """A newly admitted pupil's family is told the school's expectations: admitted (or due to
    start) within `EXPECTATIONS_WINDOW` of today, and added to Rollbook within it too, so
    that importing a whole school's history texts nobody."""
    recent = today - EXPECTATIONS_WINDOW
    return admission_date >= recent and created >= recent and created <= today


def expectations_dedupe_key(pupil_ids: Iterable[int]) -> str:
    return f"expectations:{'+'.join(str(i) for i in sorted(pupil_ids))}"

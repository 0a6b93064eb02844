"""Pure outbox rules: hand-computed, no database, no clock."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from rollbook.comms import rules
from rollbook.comms.rules import ContactLink
from rollbook.core.tests.factories import aware


@pytest.mark.parametrize(
    ("now", "resume"),
    [
        (aware(2025, 11, 24, 7, 59), aware(2025, 11, 24, 8, 0)),
        (aware(2025, 11, 24, 0, 5), aware(2025, 11, 24, 8, 0)),
        (aware(2025, 11, 24, 8, 0), None),
        (aware(2025, 11, 24, 19, 59), None),
        (aware(2025, 11, 24, 20, 0), aware(2025, 11, 25, 8, 0)),
        (aware(2025, 11, 24, 23, 30), aware(2025, 11, 25, 8, 0)),
    ],
)
def test_quiet_hours_run_from_eight_in_the_evening_to_eight_in_the_morning(now, resume):
    assert rules.quiet_until(now) == resume


def test_quiet_hours_end_at_eight_local_across_the_october_clock_change():
    # Saturday 25 October 2025 21:00 BST (20:00 UTC); clocks go back overnight.
    now = datetime(2025, 10, 25, 20, 0, tzinfo=UTC)

    resume = rules.quiet_until(now)

    assert resume == datetime(2025, 10, 26, 8, 0, tzinfo=UTC)  # 08:00 GMT


def test_quiet_hours_end_at_eight_local_across_the_march_clock_change():
    # Saturday 28 March 2026 22:00 GMT; clocks go forward overnight: 08:00 BST is 07:00 UTC.
    assert rules.quiet_until(datetime(2026, 3, 28, 22, 0, tzinfo=UTC)) == datetime(
        2026, 3, 29, 7, 0, tzinfo=UTC
    )


def test_quiet_hours_refuse_a_naive_time():
    with pytest.raises(ValueError, match="aware"):
        rules.quiet_until(datetime(2025, 11, 24, 7, 0))  # noqa: DTZ001


def test_retries_back_off_one_five_twenty_five_minutes_then_give_up():
    assert [rules.retry_delay(n) for n in (1, 2, 3, 4)] == [
        timedelta(minutes=1),
        timedelta(minutes=5),
        timedelta(minutes=25),
        None,
    ]
    assert rules.MAX_ATTEMPTS == 4
    with pytest.raises(ValueError):
        rules.retry_delay(0)


def test_a_send_is_stuck_only_after_fifteen_minutes():
    claimed = aware(2025, 11, 24, 9, 30)

    assert not rules.is_stuck(claimed, claimed + timedelta(minutes=15))
    assert rules.is_stuck(claimed, claimed + timedelta(minutes=15, seconds=1))
    assert not rules.is_stuck(None, claimed)


def test_the_first_day_text_goes_to_the_first_contact_with_responsibility_and_a_mobile():
    links = [
        ContactLink(1, 10, 1, False, "07700900001"),  # no parental responsibility
        ContactLink(1, 11, 2, True, ""),  # no mobile
        ContactLink(1, 12, 3, True, "07700900003"),
        ContactLink(2, 13, 3, True, "07700900004"),  # same priority, created later
    ]

    assert rules.first_day_contact(links).contact_id == 12
    assert rules.first_day_contact(links[:2]) is None
    assert rules.first_day_contact([]) is None


def test_siblings_share_a_family_key_and_a_pupil_without_a_family_is_their_own():
    assert rules.family_key(7, 1) == rules.family_key(7, 2) == "family:7"
    assert rules.family_key(None, 3) == "pupil:3"
    assert (
        rules.first_day_dedupe_key(date(2025, 11, 24), "AM", "family:7")
        == "first_day:2025-11-24:AM:family:7"
    )


def test_a_reason_key_names_its_marks_and_code():
    key = rules.marks_reason_key([15, 12], "N")

    assert key == "mark:12+15:N"
    assert rules.parse_reason_key(key) == rules.MarksReason((12, 15), "N")
    assert rules.parse_reason_key("campaign:weekly") is None
    assert rules.parse_reason_key("mark:x:N") is None


def test_names_are_joined_as_a_sentence():
    assert rules.join_names(["Amy"]) == "Amy"
    assert rules.join_names(["Amy", "Ben"]) == "Amy and Ben"
    assert rules.join_names(["Amy", "Ben", "Cal"], "i") == "Amy, Ben i Cal"


def test_a_preferred_language_name_becomes_a_template_code():
    assert rules.language_code("Polish") == "pl"
    assert rules.language_code(" english ") == "en"
    assert rules.language_code("Klingon") == "en"
    assert rules.language_code("") == "en"


def test_first_day_texts_are_due_from_ten_minutes_after_the_register_closes():
    closes = aware(2025, 11, 24, 9, 15)

    assert not rules.first_day_due(aware(2025, 11, 24, 9, 24), closes)
    assert rules.first_day_due(aware(2025, 11, 24, 9, 25), closes)
    assert rules.first_day_due(aware(2025, 11, 24, 11, 24), closes)
    assert not rules.first_day_due(aware(2025, 11, 24, 11, 25), closes)


# --- receipts, recovery, follow-up, templates, campaigns -------------------------------------


def test_receipts_map_notifys_final_statuses_and_ignore_the_rest():
    assert [rules.receipt_outcome(s) for s in ("delivered", "Permanent-Failure", "sending")] == [
        "delivered",
        "failed_permanent",
        None,
    ]
    assert rules.receipt_outcome("temporary-failure") == "failed_permanent"  # never resent


def test_a_stuck_send_is_recorded_requeued_or_checked_by_what_the_provider_says():
    assert [rules.recovery(x) for x in (True, False, None)] == ["sent", "queued", "needs_check"]


def facts(**kw):
    base = {
        "text_status": "sent",
        "texted_at": aware(2025, 11, 24, 9, 30),
        "contact_logged": False,
        "spoke_or_seen": False,
        "home_visit": None,
        "has_contact": True,
    }
    return rules.FollowUpFacts(**(base | kw))


@pytest.mark.parametrize(
    ("kw", "minutes", "key", "text"),
    [
        ({}, 59, "wait", "Texted at 09:30: waiting for a reply"),
        ({}, 60, "call", "Phone now: no reply 60 minutes after the text"),
        (
            {"contact_logged": True},
            75,
            "call",
            "Phone again: no reason yet 75 minutes after the text",
        ),
        ({"spoke_or_seen": True}, 75, "done", "Spoken to or seen: record the reason"),
        ({"text_status": "queued", "texted_at": None}, 5, "wait", "Text waiting to go"),
        ({"text_status": "", "texted_at": None}, 0, "call", "Phone now: no text could be sent"),
        ({"text_status": "failed_permanent"}, 1, "call", "Phone now: the text did not go"),
        (
            {"text_status": "", "texted_at": None, "has_contact": False},
            0,
            "visit",
            "No contact to phone and no text could be sent: home visit",
        ),
        (
            {"home_visit": "Day 2 of unexplained absence: home visit due"},
            0,
            "visit",
            "Day 2 of unexplained absence: home visit due",
        ),
        (
            {"home_visit": "Day 2", "spoke_or_seen": True},
            0,
            "done",
            "Spoken to or seen: record the reason",
        ),
    ],
)
def test_the_next_follow_up_step(kw, minutes, key, text):
    now = aware(2025, 11, 24, 9, 30) + timedelta(minutes=minutes)

    step = rules.follow_up_step(facts(**kw), now, call_after_minutes=60)

    assert (step.key, step.text) == (key, text)


@pytest.mark.parametrize(
    ("text", "problems"),
    [
        ("{school}: {children}", []),
        (
            "{school}: {children} {line}",
            ["{line} is not a placeholder: use {school}, {children}, {week}"],
        ),
        ("{school}", ["the text must include {children}"]),
        ("{school}: {children:>10}", ["write {children} with nothing after the name"]),
        ("{school}: {children", ["a { or } has no partner: write placeholders as {name}"]),
        ("  ", ["enter the message text"]),
        ("{school}{children}" + "x" * 600, ["the text must be 612 characters or fewer"]),
    ],
)
def test_template_placeholders_are_checked(text, problems):
    assert rules.template_problems("weekly_update", text) == problems


def test_every_shipped_template_passes_its_own_check_in_english_and_polish():
    for (kind, language), text in rules.DEFAULT_TEMPLATES.items():
        assert rules.template_problems(kind, text) == [], (kind, language)
    assert {lang for _, lang in rules.DEFAULT_TEMPLATES} == {"en", "pl"}
    assert rules.fill("{school}: {names}", {"school": "M", "names": "{x}"}) == "M: {x}"


def test_a_weekly_campaign_is_due_from_its_weekday_and_reports_to_yesterday():
    week = [date(2025, 11, d) for d in (24, 25, 26, 27, 28)]

    assert rules.weekly_period(date(2025, 11, 26), "Thursday", week) is None
    period = rules.weekly_period(date(2025, 11, 27), "Thursday", week)
    assert period == rules.Period(
        "2025-W48", "w/c 24 November", date(2025, 11, 24), date(2025, 11, 26)
    )
    assert rules.weekly_period(date(2025, 11, 28), "Thursday", week).key == "2025-W48"
    assert rules.weekly_period(date(2025, 11, 29), "Thursday", week) is None  # Saturday
    assert rules.weekly_period(date(2025, 11, 24), "Monday", week) is None  # nothing yet


def test_a_half_term_campaign_is_due_for_two_weeks_after_it_ends():
    a1 = rules.Term("Autumn 1", date(2025, 9, 1), date(2025, 10, 24))
    a2 = rules.Term("Autumn 2", date(2025, 11, 3), date(2025, 12, 19))

    assert rules.ended_half_term(date(2025, 10, 24), [a1, a2]) is None
    assert rules.ended_half_term(date(2025, 10, 25), [a2, a1]) == (a1, None)
    assert rules.ended_half_term(date(2025, 11, 7), [a1, a2]) == (a1, None)
    assert rules.ended_half_term(date(2025, 11, 8), [a1, a2]) is None
    assert rules.ended_half_term(date(2025, 12, 22), [a1, a2]) == (a2, a1)
    assert rules.half_term_period(a1).key == "Autumn 1 2025-10-24"


def test_the_90_percent_line_is_inclusive_and_compared_exactly():
    line = Decimal(90)

    assert rules.at_or_below(rules.Standing(1, 90, 100), line)  # 90.0 in
    assert not rules.at_or_below(rules.Standing(1, 901, 1000), line)  # 90.1 out
    assert not rules.at_or_below(rules.Standing(1, 0, 0), line)  # nothing to judge
    # 179/199 = 89.95…% shows as 90.0% but is below the line
    assert rules.at_or_below(rules.Standing(1, 179, 199), line)
    assert rules.pct_text(179, 199) == "89.9%"


def test_improvement_is_measured_in_points_on_the_half_term_before():
    # 16/20 = 80 % before, 19/20 = 95 % now: 15 points
    s = rules.Standing(1, 19, 20, 16, 20)

    assert rules.improved_by(s, Decimal(15))
    assert not rules.improved_by(s, Decimal("15.1"))
    assert not rules.improved_by(rules.Standing(1, 19, 20), Decimal(1))  # no half-term before
    assert rules.audience("halfterm_improvement", [s], points=Decimal(5), min_possible=21) == []
    assert rules.audience("halfterm_improvement", [s], points=Decimal(5), min_possible=20) == [s]


def test_updates_go_to_everyone_with_sessions():
    standings = [rules.Standing(1, 10, 10), rules.Standing(2, 0, 0), rules.Standing(3, 1, 10)]

    assert [s.pupil_id for s in rules.audience("weekly_update", standings)] == [1, 3]
    assert [s.pupil_id for s in rules.audience("halfterm_low", standings)] == [3]
    with pytest.raises(ValueError):
        rules.audience("newsletter", standings)

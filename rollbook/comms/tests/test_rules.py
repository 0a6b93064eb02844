"""Pure outbox rules: hand-computed, no database, no clock."""

from datetime import UTC, date, datetime, timedelta

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

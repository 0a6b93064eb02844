"""Pure portal rules: upload sniffing and limits, colour bands, sign-in links, rate limits."""

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from types import SimpleNamespace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rollbook.portal import rules

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
BANDS = tuple(
    SimpleNamespace(at_least_pct=Decimal(p), label=label, colour=colour)
    for p, label, colour in ((96, "target", "green"), (92, "watch", "amber"), (0, "meet", "red"))
)


@pytest.mark.parametrize(
    ("head", "kind"),
    [
        (b"%PDF-1.7\n", rules.PDF),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", rules.JPEG),
        (b"\x89PNG\r\n\x1a\n\x00\x00", rules.PNG),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", rules.WEBP),
        (b"\x00\x00\x00\x18ftypheic\x00\x00", rules.HEIC),
        (b"<html><script>", None),
        (b"MZ\x90\x00", None),  # a Windows program
        (b"GIF89a", None),
        (b"", None),
    ],
)
def test_the_type_comes_from_the_first_bytes(head, kind):
    assert rules.sniff(head) == kind


def test_evidence_is_refused_when_empty_too_big_or_of_another_type():
    assert rules.check_evidence(b"%PDF-1.4", 10) == (rules.PDF, None)
    assert rules.check_evidence(b"%PDF-1.4", rules.MAX_EVIDENCE_BYTES) == (rules.PDF, None)
    assert rules.check_evidence(b"%PDF-1.4", rules.MAX_EVIDENCE_BYTES + 1)[1] == (
        "The selected file must be smaller than 5 MB"
    )
    assert rules.check_evidence(b"", 0)[1] == "The selected file is empty"
    assert "must be a photo" in rules.check_evidence(b"<svg", 10)[1]


@pytest.mark.parametrize(
    ("attended", "possible", "colour"),
    [
        (96, 100, "green"),  # exactly 96 %: green (at least)
        (9596, 10000, "amber"),  # 95.96 % shows as 96.0 % but is below the line
        (92, 100, "amber"),
        (91, 100, "red"),
        (0, 10, "red"),
    ],
)
def test_the_band_compares_the_exact_rate(attended, possible, colour):
    assert rules.band_for(Fraction(100 * attended, possible), BANDS).colour == colour


def test_no_band_without_figures_or_bands():
    assert rules.band_for(None, BANDS) is None
    assert rules.band_for(Fraction(50), ()) is None


@given(st.integers(0, 400), st.integers(1, 400))
def test_a_higher_rate_never_gets_a_lower_band(attended, possible):
    attended = min(attended, possible)
    order = ["red", "amber", "green"]
    rate = Fraction(100 * attended, possible)
    better = Fraction(100 * min(attended + 1, possible), possible)
    assert order.index(rules.band_for(better, BANDS).colour) >= order.index(
        rules.band_for(rate, BANDS).colour
    )


def test_a_link_works_once_and_until_it_expires():
    expires = NOW + rules.LINK_LIFETIME
    assert rules.link_usable(expires_at=expires, used_at=None, now=NOW)
    assert rules.link_usable(expires_at=expires, used_at=None, now=expires - timedelta(seconds=1))
    assert not rules.link_usable(expires_at=expires, used_at=None, now=expires)
    assert not rules.link_usable(expires_at=expires, used_at=NOW, now=NOW)
    assert timedelta(minutes=20) == rules.LINK_LIFETIME


def test_rate_limits_per_address_and_per_network_address():
    assert rules.may_send_link(recent_for_email=2, recent_for_ip=19)
    assert not rules.may_send_link(recent_for_email=3, recent_for_ip=0)
    assert not rules.may_send_link(recent_for_email=0, recent_for_ip=20)


def test_tokens_and_addresses_are_stored_as_hashes():
    assert rules.hash_token("abc") == (
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
    )
    assert rules.hash_email(" Mum@Example.org ", "k") == rules.hash_email("mum@example.org", "k")
    assert rules.hash_email("mum@example.org", "k") != rules.hash_email("mum@example.org", "j")


def test_moving_a_band_boundary_changes_the_colour():
    rate = Fraction(95)
    lowered = (SimpleNamespace(at_least_pct=Decimal(95), label="ok", colour="green"), *BANDS[1:])

    assert rules.band_for(rate, BANDS).colour == "amber"
    assert rules.band_for(rate, lowered).colour == "green"

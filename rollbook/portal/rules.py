"""Pure rules for the parent portal: sign-in links, rate limits, uploads, colour bands.

No ORM and no clock: callers pass `now` and plain values.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from fractions import Fraction

LINK_LIFETIME = timedelta(minutes=20)
# Per address and per network address, in a sliding window. Counted whether or not the
# address is known, so the limit itself says nothing about who has an account.
RATE_WINDOW = timedelta(minutes=15)
MAX_LINKS_PER_EMAIL = 3
MAX_LINKS_PER_IP = 20
MAX_EVIDENCE_BYTES = 5 * 1024 * 1024  # 5 MB: a phone photo or a scanned letter


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def hash_email(email: str, key: str) -> str:
    """Keyed, so the rate-limit table is not a list of addresses anyone can test guesses on."""
    return hmac.new(key.encode(), normalise_email(email).encode(), hashlib.sha256).hexdigest()


def link_usable(*, expires_at: datetime, used_at: datetime | None, now: datetime) -> bool:
    return used_at is None and now < expires_at


def may_send_link(*, recent_for_email: int, recent_for_ip: int) -> bool:
    """`recent_*`: earlier requests within RATE_WINDOW (this one not counted)."""
    return recent_for_email < MAX_LINKS_PER_EMAIL and recent_for_ip < MAX_LINKS_PER_IP


# --- Evidence uploads -------------------------------------------------------------------------


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extension: str
    label: str


PDF = FileKind("application/pdf", "pdf", "PDF")
JPEG = FileKind("image/jpeg", "jpg", "JPEG image")
PNG = FileKind("image/png", "png", "PNG image")
WEBP = FileKind("image/webp", "webp", "WebP image")
HEIC = FileKind("image/heic", "heic", "HEIC photo")
HEIC_BRANDS = (b"heic", b"heix", b"mif1", b"msf1", b"heim", b"heis")
ACCEPTED = "a photo (JPEG, PNG, WebP or HEIC) or a PDF"


def sniff(head: bytes) -> FileKind | None:
    """The file's real type from its first bytes; the name and the browser's claim are ignored."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp" and head[8:12] in HEIC_BRANDS:
        return HEIC
    return None


def check_evidence(head: bytes, size: int) -> tuple[FileKind | None, str | None]:
    """(kind, None) for an acceptable file, or (None, the problem in words for the parent)."""
    if size == 0:
        return None, "The selected file is empty"
    if size > MAX_EVIDENCE_BYTES:
        return (
            None,
            f"The selected file must be smaller than {MAX_EVIDENCE_BYTES // 1024 // 1024} MB",
        )
    kind = sniff(head)
    if kind is None:
        return None, f"The selected file must be {ACCEPTED}"
    return kind, None


# --- Colour bands (policy `bands`, seed 001) -------------------------------------------------


@dataclass(frozen=True)
class BandView:
    label: str
    colour: str
    at_least_pct: Decimal


def band_for(rate: Fraction | None, bands: Sequence) -> BandView | None:
    """The first band (listed highest first) whose threshold the exact rate reaches.

    Compared as exact fractions, never the rounded figure: 95.96 % is below a 96 % band.
    """
    if rate is None:
        return None
    for band in bands:
        if rate >= Fraction(band.at_least_pct):
            return BandView(band.label, band.colour, band.at_least_pct)
    return None


# GOV.UK tag colours for the policy's band colours; anything else is shown grey.
TAG_CLASS = {
    "green": "govuk-tag--green",
    "amber": "govuk-tag--orange",
    "orange": "govuk-tag--orange",
    "yellow": "govuk-tag--yellow",
    "red": "govuk-tag--red",
    "blue": "govuk-tag--blue",
}

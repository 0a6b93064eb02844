"""What the database keeps of a recovery code: a keyed hash, never the code itself.

django-otp stores static tokens as they are, so a copy of the database (a backup, a support
dump) would hand over every member of staff's second factor. Rollbook gives django-otp a
keyed hash instead (HMAC-SHA256 with a key derived from SECRET_KEY), cut to the 16
characters its column holds (64 bits), and hashes what a person types the same way before
django-otp compares. Codes are random (40 bits from django-otp's generator) and single-use,
so a keyed hash is enough; a slow password hash would add nothing but time. Changing
SECRET_KEY makes existing recovery codes stop working: staff then make new ones (or an
administrator resets their two-factor sign-in).
"""

from __future__ import annotations

from django.utils.crypto import salted_hmac

PURPOSE = "rollbook.accounts.recovery-code"
STORED_LENGTH = 16  # django-otp's StaticToken.token is a CharField(max_length=16)


def stored_form(code: str) -> str:
    """The value kept in StaticToken.token for `code` (already normalised: lower case, no
    spaces or hyphens)."""
    return salted_hmac(PURPOSE, code, algorithm="sha256").hexdigest()[:STORED_LENGTH]


def is_stored_form(token: str) -> bool:
    """True for a hashed token; django-otp's own (plain) tokens are 8 base32 characters."""
    return len(token) == STORED_LENGTH and all(c in "0123456789abcdef" for c in token)

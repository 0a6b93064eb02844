"""Parent accounts: a Django user linked to the school's contact records, and sign-in links.

A parent sees a pupil only through a `ParentLink` to a `pupils.Contact` that has parental
responsibility for that pupil (`pupils.PupilContact.parental_responsibility`). Rows are written
only by `rollbook.portal.actions`. Nothing is deleted: a link ends with `ended_at` and a reason;
a sign-in link is spent (`used_at`) and kept.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.pupils.models import Contact


class ParentAccount(models.Model):
    """The portal side of a user: the address sign-in links go to."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="parent_account"
    )
    email = models.EmailField(unique=True, help_text="Stored lower-case")
    created_at = models.DateTimeField()
    last_signed_in_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email


class ParentLink(models.Model):
    """This account speaks for this contact (the school's record of a parent or carer)."""

    account = models.ForeignKey(ParentAccount, on_delete=models.PROTECT, related_name="links")
    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="parent_links")
    created_at = models.DateTimeField()
    ended_at = models.DateTimeField(null=True, blank=True)
    end_reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["account", "contact"]
        constraints = [
            models.UniqueConstraint(
                fields=["account", "contact"], name="one_parent_link_per_account_contact"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account} as {self.contact}"


class SignInToken(models.Model):
    """An emailed sign-in link. Only the SHA-256 of the token is stored: a copy of the
    database cannot be used to sign in. Single use (`used_at`), short-lived (`expires_at`)."""

    account = models.ForeignKey(ParentAccount, on_delete=models.PROTECT, related_name="tokens")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"sign-in link for {self.account_id} at {self.created_at:%Y-%m-%d %H:%M}"


class SignInRequest(models.Model):
    """Every request for a link, known address or not, for rate limiting. The address is kept
    only as a keyed hash: unknown addresses people type are not stored."""

    email_hash = models.CharField(max_length=64)
    ip = models.GenericIPAddressField(null=True, blank=True)
    at = models.DateTimeField()
    sent = models.BooleanField(default=False)

    class Meta:
        ordering = ["-at"]
        indexes = [
            models.Index(fields=["email_hash", "at"], name="signin_request_email_at"),
            models.Index(fields=["ip", "at"], name="signin_request_ip_at"),
        ]

    def __str__(self) -> str:
        return f"sign-in request {self.at:%Y-%m-%d %H:%M}"

"""Chasing absence: contact attempts (calls, texts, home visits) and parent absence reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.pupils.models import Contact, Pupil


class ContactMethod(models.TextChoices):
    CALL = "call", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    HOME_VISIT = "home_visit", "Home visit"
    OTHER = "other", "Other"


class ContactOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    SPOKE_REASON = "spoke_reason", "Spoke to them \N{EN DASH} reason given"
    SPOKE_NO_REASON = "spoke_no_reason", "Spoke to them \N{EN DASH} no reason given"
    CHILD_SEEN = "child_seen", "Child seen (home visit)"
    OTHER = "other", "Other"


class ContactAttempt(models.Model):
    """One try to reach a pupil's family about an absence: who, how, when and what happened.

    Append-only: `absences.actions.log_contact_attempt` creates rows and nothing edits them.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="contact_attempts")
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_attempts",
        help_text="Blank: nobody in particular (e.g. a home visit with no answer)",
    )
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["pupil", "at", "id"]
        indexes = [models.Index(fields=["pupil", "at"], name="contact_attempt_pupil_at")]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.at:%Y-%m-%d %H:%M} {self.method}: {self.outcome}"

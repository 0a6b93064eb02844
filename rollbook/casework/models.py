"""Casework: one case per pupil at a time (grouped by family), with notes.

Rows change only through `rollbook.casework.actions`, each writing an `AuditEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rollbook.core.models import School
from rollbook.pupils.models import Family, Pupil


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    """Support and enforcement work on one pupil's attendance, from opening to closing."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cases")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cases")
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    stage = models.CharField(
        max_length=100, blank=True, help_text="From the latest policy stage alert"
    )
    next_review_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by_label = models.CharField(max_length=150, blank=True)
    opened_reason = models.TextField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(status="open"), name="one_open_case_per_pupil"
            )
        ]
        indexes = [models.Index(fields=["school", "status"], name="case_school_status")]

    def __str__(self) -> str:
        return f"Case for {self.pupil} ({self.status})"


class CaseNote(models.Model):
    """A note on a case. Safeguarding notes are shown to the DSL (and superusers) only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="case_notes")
    text = models.TextField()
    safeguarding = models.BooleanField(default=False)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "at"], name="case_note_pupil_at")]

    def __str__(self) -> str:
        return f"Note on {self.case_id} at {self.at:%Y-%m-%d %H:%M}"

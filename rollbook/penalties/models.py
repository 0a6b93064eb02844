"""Penalty notices: one row per parent, per child, per offence, and every step it took.

Rows change only through `rollbook.penalties.actions`, each writing an `AuditEvent` and a
`PenaltyStep`. Nothing is deleted: a notice ends paid, withdrawn, prosecuted or not pursued.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.casework.models import Case
from rollbook.core.models import School
from rollbook.penalties.rules import LABELS, Rate, Status, WarningKind
from rollbook.policy.models import Alert
from rollbook.pupils.models import Contact, Pupil

STATUS_CHOICES = [(s.value, LABELS[s]) for s in Status]
RATE_CHOICES = [(Rate.FIRST.value, "First notice"), (Rate.SECOND.value, "Second notice")]
WARNING_CHOICES = [
    (WarningKind.WARNING_LETTER.value, "Warning letter"),
    (WarningKind.NOTICE_TO_IMPROVE.value, "Notice to improve"),
]


class PenaltyNotice(models.Model):
    """A penalty notice for one parent and one child, from being considered to its end."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="penalty_notices")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="penalty_notices")
    parent = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="penalty_notices")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="penalty_notices"
    )
    alert = models.ForeignKey(
        Alert,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="penalty_notices",
        help_text="The alert that triggered the decision",
    )
    # The offence: the sessions of unauthorised absence counted, and the days they span.
    first_date = models.DateField()
    last_date = models.DateField(help_text="The offence date: the threshold was met on it")
    sessions_counted = models.PositiveSmallIntegerField()
    sessions = models.JSONField(default=list, blank=True, help_text="e.g. '2025-11-04 PM'")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES, default=Status.CONSIDERED)
    considered_on = models.DateField()
    warning_kind = models.CharField(max_length=20, choices=WARNING_CHOICES, blank=True)
    warned_on = models.DateField(null=True, blank=True)
    improve_by = models.DateField(
        null=True, blank=True, help_text="End of the improvement period of a notice to improve"
    )
    requested_on = models.DateField(null=True, blank=True)
    la_reference = models.CharField(max_length=60, blank=True)
    issued_on = models.DateField(null=True, blank=True)
    received_on = models.DateField(
        null=True, blank=True, help_text="The days to pay run from receipt"
    )
    rate = models.CharField(max_length=6, choices=RATE_CHOICES, blank=True)
    paid_on = models.DateField(null=True, blank=True)
    amount_paid = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Pounds")
    ended_on = models.DateField(null=True, blank=True)
    end_reason = models.TextField(blank=True)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-considered_on", "-id"]
        indexes = [
            models.Index(fields=["school", "status"], name="pn_school_status"),
            models.Index(fields=["pupil", "parent"], name="pn_pupil_parent"),
        ]

    def __str__(self) -> str:
        return f"Penalty notice {self.pk}: {self.parent} for {self.pupil} ({self.status})"

    @property
    def status_label(self) -> str:
        return LABELS[Status(self.status)]


class PenaltyStep(models.Model):
    """One step in a notice's history (append-only): the timeline and the page read these."""

    notice = models.ForeignKey(PenaltyNotice, on_delete=models.PROTECT, related_name="steps")
    status = models.CharField(max_length=12, choices=STATUS_CHOICES)
    on = models.DateField(help_text="The date the step happened (may be before it was recorded)")
    note = models.TextField(blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["on", "at", "id"]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.status} on {self.on}"

    @property
    def status_label(self) -> str:
        return LABELS[Status(self.status)]

"""Referrals to other services about a pupil's attendance, with their outcome.

Rows change only through `rollbook.referrals.actions`. Nothing is deleted: a referral is
closed with its outcome. Social-care referrals are read by the DSL (and a superuser) only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.core.models import School
from rollbook.pupils.models import Pupil
from rollbook.referrals import rules


class Referral(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="referrals")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="referrals")
    kind = models.CharField(max_length=20, choices=list(rules.KINDS.items()))
    made_on = models.DateField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by_label = models.CharField(max_length=150, blank=True)
    reason = models.TextField()
    agency_reference = models.CharField(
        max_length=60, blank=True, help_text="e.g. the LA's reference number (S002-102)"
    )
    status = models.CharField(
        max_length=10, choices=list(rules.STATUSES.items()), default=rules.OPEN
    )
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_off_at = models.DateTimeField(null=True, blank=True)
    outcome = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["-made_on", "-id"]
        indexes = [models.Index(fields=["pupil", "kind"], name="referral_pupil_kind")]

    def __str__(self) -> str:
        return f"Referral {self.pk}: {self.kind} for {self.pupil_id} ({self.status})"

    @property
    def kind_label(self) -> str:
        return rules.KINDS.get(self.kind, self.kind)

    @property
    def safeguarding(self) -> bool:
        return self.kind in rules.SAFEGUARDING_KINDS

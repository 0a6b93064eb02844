"""Awards given to pupils and prize draws among them. Written only through `actions.py`."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.core.models import School
from rollbook.pupils.models import Pupil


class Award(models.Model):
    """A pupil award for a period, e.g. 100 % for the Autumn term. The casework timeline and
    comms (positive messages) read these rows."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="awards")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="awards")
    reward_key = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    period_label = models.CharField(max_length=100)
    period_start = models.DateField()
    period_end = models.DateField()
    awarded_on = models.DateField()
    awarded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-awarded_on", "pupil_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "reward_key", "period_start", "period_end"],
                name="one_award_per_pupil_reward_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.period_label})"


class PrizeDraw(models.Model):
    """A draw among eligible pupils. The seed and the sorted eligible ids are kept, so the
    draw can be run again and give the same winners."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="prize_draws")
    reward_key = models.CharField(max_length=60)
    name = models.CharField(max_length=200)
    period_label = models.CharField(max_length=100)
    period_start = models.DateField()
    period_end = models.DateField()
    seed = models.BigIntegerField()
    eligible_count = models.PositiveIntegerField()
    eligible_ids = models.JSONField(default=list)
    winner_ids = models.JSONField(default=list)
    drawn_at = models.DateTimeField()
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-drawn_at", "-pk"]

    def __str__(self) -> str:
        return f"Prize draw: {self.name} ({self.period_label})"

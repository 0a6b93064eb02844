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


class Treat(models.Model):
    """A treat offered to a pupil for a period (004, S004-30: e.g. a place at a holiday club)
    for 100 % attendance or for sustained improvement. Written only through
    `actions.offer_treats`, which audits each offer; rows are never deleted."""

    class Reason(models.TextChoices):
        FULL_ATTENDANCE = "full_attendance", "100% attendance"
        SUSTAINED_IMPROVEMENT = "sustained_improvement", "Sustained improvement"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="treats")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="treats")
    reason = models.CharField(max_length=30, choices=Reason.choices)
    treat = models.CharField(max_length=200)
    period_label = models.CharField(max_length=100)
    period_start = models.DateField()
    period_end = models.DateField()
    offered_on = models.DateField()
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-offered_on", "pupil_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "reason", "treat", "period_start"],
                name="one_treat_offer_per_pupil_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.treat} ({self.period_label})"


class PersonalGoal(models.Model):
    """A personal attendance goal for a pupil, set by pastoral staff (003, S003-57): the
    year-to-date attendance to reach. Setting a new goal ends the current one (`ended_on`)
    rather than overwriting it, so the history stays. Written only through `actions.set_goal`."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="personal_goals")
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="personal_goals")
    target_pct = models.DecimalField(max_digits=5, decimal_places=2)
    note = models.CharField(max_length=300, blank=True)
    set_on = models.DateField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    ended_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-set_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=models.Q(ended_on__isnull=True),
                name="one_current_goal_per_pupil",
            )
        ]

    def __str__(self) -> str:
        return f"Goal {self.target_pct}%"

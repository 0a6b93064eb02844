"""Runs of scheduled reports: one row per (school, week) makes the weekly job idempotent."""

from __future__ import annotations

from django.db import models

from rollbook.core.models import School


class RunStatus(models.TextChoices):
    BUILDING = "building", "Building"
    SENT = "sent", "Sent"


class WeeklyReportRun(models.Model):
    """The weekly report for one school and week. The row is claimed before anything is sent."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="weekly_report_runs")
    week_start = models.DateField(help_text="Monday of the week reported on")
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.BUILDING)
    claimed_at = models.DateTimeField()
    built_at = models.DateTimeField(null=True, blank=True)
    sent_to = models.JSONField(default=list, blank=True, help_text="Email addresses sent to")

    class Meta:
        ordering = ["school", "-week_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "week_start"], name="one_weekly_report_per_week"
            )
        ]

    def __str__(self) -> str:
        return f"{self.school.name}: week of {self.week_start} ({self.status})"

"""Runs of scheduled reports: one row per (school, week) makes the weekly job idempotent."""

from __future__ import annotations

from django.conf import settings
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


class BuildStatus(models.TextChoices):
    QUEUED = "queued", "Waiting to start"
    BUILDING = "building", "Building"
    READY = "ready", "Ready"
    FAILED = "failed", "Failed"


class GovernorsReportBuild(models.Model):
    """One governors' report PDF, built in the background and kept for reuse.

    `data_version` fingerprints the data the report read (and the head's commentary), so a
    second request for the same school and period with nothing changed finds this row and
    reuses its PDF instead of building again.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="governors_reports")
    period_key = models.CharField(max_length=30)
    period_label = models.CharField(max_length=100)
    data_version = models.CharField(max_length=64)
    commentary = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        max_length=10, choices=BuildStatus.choices, default=BuildStatus.QUEUED
    )
    progress = models.PositiveSmallIntegerField(default=0, help_text="Per cent done")
    step = models.CharField(max_length=100, blank=True, help_text="What the build is doing")
    error = models.TextField(blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_at = models.DateTimeField()
    built_at = models.DateTimeField(null=True, blank=True)
    build_seconds = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["school", "-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "period_key", "data_version"],
                name="one_governors_pdf_per_version",
            )
        ]

    def __str__(self) -> str:
        return f"{self.school.name}: governors' report {self.period_label} ({self.status})"

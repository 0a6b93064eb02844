"""Marks: one per pupil x date x session, with every change kept as a revision."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.core.models import School, SessionChoice
from rollbook.pupils.models import Pupil
from rollbook.registers import codes


class Source(models.TextChoices):
    REGISTER = "register", "Register"
    OFFICE = "office", "Office"
    PARENT_REPORT = "parent_report", "Parent report"
    IMPORT = "import", "Import"
    LEAVE_REQUEST = "leave_request", "Leave request"
    BULK = "bulk", "Bulk coding"


class Mark(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="marks")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="marks")
    date = models.DateField()
    session = models.CharField(max_length=2, choices=SessionChoice.choices)
    code = models.CharField(max_length=2)
    minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    entered_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    version = models.PositiveIntegerField(
        default=1, help_text="Bumped on every change (optimistic concurrency)"
    )

    class Meta:
        ordering = ["date", "session"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "date", "session"], name="one_mark_per_pupil_session"
            )
        ]
        indexes = [models.Index(fields=["school", "date"], name="mark_school_date")]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.date} {self.session}: {self.code}"

    @property
    def definition(self) -> codes.CodeDefinition | None:
        return codes.definition(self.code, self.date)


class MarkRevision(models.Model):
    """One change to a mark: old -> new, who, when, why. Never updated or deleted."""

    mark = models.ForeignKey(Mark, on_delete=models.PROTECT, related_name="revisions")
    old_code = models.CharField(max_length=2)
    new_code = models.CharField(max_length=2)
    old_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    new_minutes_late = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=20, choices=Source.choices)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    changed_by_label = models.CharField(max_length=150, blank=True)
    changed_at = models.DateTimeField()
    reason = models.TextField()

    class Meta:
        ordering = ["mark", "changed_at", "id"]

    def __str__(self) -> str:
        return f"{self.mark_id}: {self.old_code} -> {self.new_code}"

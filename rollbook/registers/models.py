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


class Register(models.Model):
    """A class's register for one session: who submitted it and when (marks hold the codes)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="registers")
    registration_group = models.ForeignKey(
        "pupils.RegistrationGroup", on_delete=models.PROTECT, related_name="registers"
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=SessionChoice.choices)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()

    class Meta:
        ordering = ["date", "session", "registration_group__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["registration_group", "date", "session"],
                name="one_register_per_class_session",
            )
        ]
        indexes = [models.Index(fields=["school", "date"], name="register_school_date")]

    def __str__(self) -> str:
        return f"{self.registration_group} {self.date} {self.session}"


class RegisterChase(models.Model):
    """The office chased a class's missing register (one per class x session x person click)."""

    registration_group = models.ForeignKey(
        "pupils.RegistrationGroup", on_delete=models.CASCADE, related_name="+"
    )
    date = models.DateField()
    session = models.CharField(max_length=2, choices=SessionChoice.choices)
    chased_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+"
    )
    chased_at = models.DateTimeField()

    class Meta:
        ordering = ["-chased_at"]

    def __str__(self) -> str:
        return f"chase {self.registration_group} {self.date} {self.session}"

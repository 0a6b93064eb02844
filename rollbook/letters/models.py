"""Letter templates (versioned per school), the letters merged from them, and print batches.

Rows change only through `rollbook.letters.actions`, each writing an `AuditEvent`. Nothing is
deleted: a template edit adds a version, a letter is withdrawn with a reason.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.casework.models import Case
from rollbook.core.models import School
from rollbook.policy.models import PolicyAction
from rollbook.pupils.models import Family, Pupil


class Adaptation(models.TextChoices):
    """The circumstances a policy may adapt letters for (schema `Adjustments`)."""

    STANDARD = "", "Standard"
    LONG_TERM_ILLNESS = "long_term_illness", "Long-term illness"
    MEDICAL_PLAN = "medical_plan", "Medical plan"
    PART_TIME_TIMETABLE = "part_time_timetable", "Part-time timetable"


class LetterTemplate(models.Model):
    """One version of a school's text for a template key (and adaptation).

    The key matches the `template` of a policy stage action of kind letter. The newest
    version is the one used; letters keep the version they were merged from.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="letter_templates")
    key = models.CharField(max_length=60)
    adaptation = models.CharField(
        max_length=30, choices=Adaptation.choices, blank=True, default=Adaptation.STANDARD
    )
    version = models.PositiveIntegerField()
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text; a blank line starts a paragraph")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["school", "key", "adaptation", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "key", "adaptation", "version"],
                name="one_letter_template_version",
            )
        ]

    def __str__(self) -> str:
        extra = f" ({self.get_adaptation_display()})" if self.adaptation else ""
        return f"{self.key}{extra} v{self.version}"


class LetterStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    SENT = "sent", "Sent"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Letter(models.Model):
    """A letter to a pupil's family, merged once and frozen: later edits change nothing here."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="letters")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="letters")
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="letters"
    )
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="letters"
    )
    # UNIQUE: a stage's letter exists once, however often generation runs.
    policy_action = models.OneToOneField(
        PolicyAction, null=True, blank=True, on_delete=models.PROTECT, related_name="letter"
    )
    template = models.ForeignKey(LetterTemplate, on_delete=models.PROTECT, related_name="letters")
    template_key = models.CharField(max_length=60)
    adaptation = models.CharField(max_length=30, choices=Adaptation.choices, blank=True)
    template_version = models.PositiveIntegerField()
    stage_name = models.CharField(max_length=200, blank=True)
    # A letter sent once per period (the termly letter: "termly:2025:Autumn"); blank for stage
    # letters, which the one-to-one policy action keeps unique.
    period_key = models.CharField(max_length=60, blank=True)
    letter_date = models.DateField(help_text="The date printed on the letter")
    addressed_to = models.CharField(max_length=300)
    # Who signs (S003-15): the head by default, the Headship or SLT member who holds the
    # family on their caseload, or whoever is chosen for this letter.
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signatory_name = models.CharField(max_length=150, blank=True)
    signatory_title = models.CharField(max_length=100, blank=True)
    subject = models.CharField(max_length=200)
    html = models.TextField(help_text="The merged body, frozen")
    figures = models.JSONField(default=dict, help_text="The merge values used")
    chart = models.JSONField(default=dict, help_text="Attendance by half-term for the chart")
    pdf = models.BinaryField(blank=True, default=b"")
    pdf_rendered_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    created_at = models.DateTimeField()
    created_by_label = models.CharField(max_length=150, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-letter_date", "-id"]
        indexes = [
            models.Index(
                fields=["school", "status", "letter_date"], name="letter_school_status_day"
            )
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "template_key", "period_key"],
                condition=~models.Q(period_key=""),
                name="one_letter_per_pupil_period",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} ({self.pupil}, {self.letter_date})"

    @property
    def has_pdf(self) -> bool:
        return self.pdf_rendered_at is not None


class BatchStatus(models.TextChoices):
    QUEUED = "queued", "Being prepared"
    READY = "ready", "Ready"


class LetterBatch(models.Model):
    """A week's draft letters for printing: one combined PDF plus one PDF per family (a zip).

    The row is the job: queued until the background task stores the files.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="letter_batches")
    week_start = models.DateField(help_text="The Monday of the week")
    title = models.CharField(
        max_length=200, blank=True, help_text="What the batch holds, when not a week's drafts"
    )
    letters = models.ManyToManyField(Letter, related_name="batches")
    status = models.CharField(
        max_length=10, choices=BatchStatus.choices, default=BatchStatus.QUEUED
    )
    combined_pdf = models.BinaryField(blank=True, default=b"")
    families_zip = models.BinaryField(blank=True, default=b"")
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ready_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Letters for the week of {self.week_start}"

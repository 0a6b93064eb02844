"""Chasing absence: contact attempts (calls, texts, home visits) and parent absence reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.pupils.models import Contact, Pupil


class ContactMethod(models.TextChoices):
    CALL = "call", "Phone call"
    TEXT = "text", "Text message"
    EMAIL = "email", "Email"
    HOME_VISIT = "home_visit", "Home visit"
    OTHER = "other", "Other"


class ContactOutcome(models.TextChoices):
    NO_ANSWER = "no_answer", "No answer"
    LEFT_MESSAGE = "left_message", "Left a message"
    SPOKE_REASON = "spoke_reason", "Spoke to them \N{EN DASH} reason given"
    SPOKE_NO_REASON = "spoke_no_reason", "Spoke to them \N{EN DASH} no reason given"
    CHILD_SEEN = "child_seen", "Child seen (home visit)"
    OTHER = "other", "Other"


class ContactAttempt(models.Model):
    """One try to reach a pupil's family about an absence: who, how, when and what happened.

    Append-only: `absences.actions.log_contact_attempt` creates rows and nothing edits them.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="contact_attempts")
    contact = models.ForeignKey(
        Contact,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="contact_attempts",
        help_text="Blank: nobody in particular (e.g. a home visit with no answer)",
    )
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=20, choices=ContactMethod.choices)
    outcome = models.CharField(max_length=20, choices=ContactOutcome.choices)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["pupil", "at", "id"]
        indexes = [models.Index(fields=["pupil", "at"], name="contact_attempt_pupil_at")]

    def __str__(self) -> str:
        return f"{self.pupil_id} {self.at:%Y-%m-%d %H:%M} {self.method}: {self.outcome}"


# --- Parents' absence reports (the office inbox) -----------------------------------------------


class ReportReason(models.TextChoices):
    ILLNESS = "illness", "Illness"
    MEDICAL = "medical", "Medical or dental appointment"
    OTHER = "other", "Something else"


class ReportStatus(models.TextChoices):
    PENDING = "pending", "Waiting for the office"
    ACCEPTED = "accepted", "Accepted"
    QUERIED = "queried", "The office has a question"
    WITHDRAWN = "withdrawn", "Withdrawn"


def evidence_path(instance, filename: str) -> str:
    """A random name under a private prefix: the parent's file name is never used as a path.

    `filename` is already "<uuid>.<ext>" (set by the action from the sniffed type).
    """
    return f"evidence/absence-reports/{filename}"


class AbsenceReport(models.Model):
    """A parent tells the school a pupil will be (or is) absent: today or in the future.

    Written only by `absences.actions` (submit, accept, query, reply). Accepting writes the
    code on every school session of the report through `registers.actions.save_marks` with
    source "parent_report", which the register shows pre-filled and locked for teachers.
    """

    school = models.ForeignKey(
        "core.School", on_delete=models.PROTECT, related_name="absence_reports"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="absence_reports")
    reported_by = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="absence_reports"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    submitted_at = models.DateTimeField()
    first_date = models.DateField()
    first_session = models.CharField(max_length=2, default="AM")
    last_date = models.DateField()
    last_session = models.CharField(max_length=2, default="PM")
    reason = models.CharField(max_length=20, choices=ReportReason.choices)
    details = models.TextField(blank=True)
    evidence = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    evidence_type = models.CharField(max_length=40, blank=True, help_text="Sniffed, not declared")
    evidence_size = models.PositiveIntegerField(default=0)
    status = models.CharField(
        max_length=20, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    code = models.CharField(max_length=2, blank=True, help_text="The code the office recorded")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    sessions_coded = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_date__gte=models.F("first_date")),
                name="absence_report_ends_after_it_starts",
            )
        ]
        indexes = [models.Index(fields=["school", "status"], name="absence_report_school_status")]

    def __str__(self) -> str:
        return f"Absence report {self.pk}: {self.pupil_id} {self.first_date} to {self.last_date}"


class NoteAuthor(models.TextChoices):
    OFFICE = "office", "School office"
    PARENT = "parent", "Parent"


class ReportNote(models.Model):
    """The conversation on a report: the office's question, the parent's answer. Append-only."""

    report = models.ForeignKey(AbsenceReport, on_delete=models.PROTECT, related_name="notes")
    author = models.CharField(max_length=10, choices=NoteAuthor.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField()
    at = models.DateTimeField()

    class Meta:
        ordering = ["report", "at", "id"]

    def __str__(self) -> str:
        return f"{self.author} note on report {self.report_id}"

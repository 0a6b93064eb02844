"""Leave-of-absence requests (domain reference §6) and part-time timetables (§7).

Rows are written only by `rollbook.leave.actions`; the marks a decision sets live in
`registers.Mark` with source "leave_request" (locked for teachers on the register).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from rollbook.core.models import School, SessionChoice
from rollbook.pupils.models import Contact, Pupil


class Reason(models.TextChoices):
    EXCEPTIONAL = "exceptional", "Exceptional circumstances"
    PERFORMANCE = "performance", "Regulated performance or employment abroad"
    INTERVIEW = "interview", "Interview"
    STUDY = "study", "Study leave"
    MEDICAL = "medical", "Medical or dental appointment"
    HOLIDAY = "holiday", "Holiday"


class Via(models.TextChoices):
    OFFICE = "office", "Entered by the office"
    PORTAL = "portal", "Parent portal"


def evidence_path(instance, filename: str) -> str:
    """A random name under a private prefix ("<uuid>.<ext>", set from the sniffed type)."""
    return f"evidence/leave-requests/{filename}"


class Decision(models.TextChoices):
    PENDING = "pending", "Waiting for a decision"
    GRANTED = "granted", "Granted"
    GRANTED_IN_PART = "granted_in_part", "Granted in part"
    REFUSED = "refused", "Refused"


class LeaveRequest(models.Model):
    """A parent's request for leave in term time, for one pupil or several siblings."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="leave_requests")
    pupils = models.ManyToManyField(Pupil, related_name="leave_requests")
    requested_by = models.ForeignKey(
        Contact,
        on_delete=models.PROTECT,
        related_name="leave_requests",
        help_text="A parent with parental responsibility the pupils normally live with",
    )
    requested_on = models.DateField(help_text="The date the written request reached the school")
    first_date = models.DateField()
    first_session = models.CharField(
        max_length=2, choices=SessionChoice.choices, default=SessionChoice.AM
    )
    last_date = models.DateField()
    last_session = models.CharField(
        max_length=2, choices=SessionChoice.choices, default=SessionChoice.PM
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    reason_text = models.TextField(help_text="Why the leave has to be in term time")
    evidence = models.TextField(blank=True, help_text="Supporting evidence seen or attached")
    # A parent's upload from the portal (type sniffed from its first bytes, size-limited).
    evidence_file = models.FileField(upload_to=evidence_path, blank=True, max_length=200)
    evidence_type = models.CharField(max_length=40, blank=True)
    submitted_via = models.CharField(max_length=10, choices=Via.choices, default=Via.OFFICE)
    retrospective = models.BooleanField(
        default=False, help_text="Made after the first day of the leave"
    )
    decision = models.CharField(max_length=20, choices=Decision.choices, default=Decision.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_by_label = models.CharField(max_length=150, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    exceptional = models.BooleanField(
        default=False, help_text="The decider judged the circumstances exceptional (code C)"
    )
    granted_first_date = models.DateField(null=True, blank=True)
    granted_first_session = models.CharField(
        max_length=2, choices=SessionChoice.choices, blank=True
    )
    granted_last_date = models.DateField(null=True, blank=True)
    granted_last_session = models.CharField(max_length=2, choices=SessionChoice.choices, blank=True)
    granted_sessions = models.PositiveIntegerField(
        default=0, help_text="School sessions granted, per pupil"
    )
    decision_reason = models.TextField(blank=True, help_text="The reason for the decision")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-requested_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(last_date__gte=models.F("first_date")),
                name="leave_ends_after_it_starts",
            )
        ]
        indexes = [models.Index(fields=["school", "decision"], name="leave_school_decision")]

    def __str__(self) -> str:
        return f"Leave {self.first_date} to {self.last_date} ({self.get_decision_display()})"

    @property
    def is_decided(self) -> bool:
        return self.decision != Decision.PENDING


class PartTimeTimetable(models.Model):
    """A temporary part-time timetable agreed with a parent: sessions coded C2 (or X)."""

    school = models.ForeignKey(
        School, on_delete=models.PROTECT, related_name="part_time_timetables"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="part_time_timetables")
    start_date = models.DateField()
    end_date = models.DateField(help_text="Required: a part-time timetable is temporary")
    sessions = models.JSONField(
        default=list, help_text='Weekday sessions not attended, e.g. ["Mon PM", "Tue PM"]'
    )
    reason = models.TextField()
    review_date = models.DateField()
    last_reviewed_on = models.DateField(null=True, blank=True)
    agreed_with = models.ForeignKey(
        Contact, on_delete=models.PROTECT, related_name="part_time_timetables"
    )
    la_informed = models.BooleanField("LA informed", default=False)
    la_informed_on = models.DateField("LA informed on", null=True, blank=True)
    active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-active", "end_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="part_time_ends_after_it_starts",
            )
        ]

    def __str__(self) -> str:
        return f"Part-time timetable for {self.pupil} {self.start_date} to {self.end_date}"

"""Casework: one case per pupil at a time (grouped by family), with notes.

Rows change only through `rollbook.casework.actions`, each writing an `AuditEvent`.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rollbook.casework import rules
from rollbook.core.models import Role, School
from rollbook.pupils.models import Family, Pupil


class CaseStatus(models.TextChoices):
    OPEN = "open", "Open"
    CLOSED = "closed", "Closed"


class Case(models.Model):
    """Support and enforcement work on one pupil's attendance, from opening to closing."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cases")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cases")
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="cases"
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=CaseStatus.choices, default=CaseStatus.OPEN)
    stage = models.CharField(
        max_length=100, blank=True, help_text="From the latest policy stage alert"
    )
    next_review_on = models.DateField(null=True, blank=True)
    opened_at = models.DateTimeField()
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by_label = models.CharField(max_length=150, blank=True)
    opened_reason = models.TextField()
    closed_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    closed_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"], condition=Q(status="open"), name="one_open_case_per_pupil"
            )
        ]
        indexes = [models.Index(fields=["school", "status"], name="case_school_status")]

    def __str__(self) -> str:
        return f"Case for {self.pupil} ({self.status})"


class CaseNote(models.Model):
    """A note on a case. Safeguarding notes are shown to the DSL (and superusers) only."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="notes")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="case_notes")
    text = models.TextField()
    safeguarding = models.BooleanField(default=False)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["pupil", "at"], name="case_note_pupil_at")]

    def __str__(self) -> str:
        return f"Note on {self.case_id} at {self.at:%Y-%m-%d %H:%M}"


# --- Meetings, plans and contracts, tasks (seed 003's parent meeting form) ----------------------


class Meeting(models.Model):
    """A meeting with the parents, with the figures as they stood on the day (a frozen copy)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="meetings")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="meetings")
    held_on = models.DateField()
    # Blank on meetings recorded before it was asked (S000-7, S002-117).
    parent_attendance = models.CharField(
        max_length=20, choices=list(rules.PARENT_ATTENDANCE.items()), blank=True
    )
    attendees = models.TextField(help_text="One per line")
    # The absence report at the meeting: the academic year up to the day it was held.
    figures_from = models.DateField()
    possible = models.PositiveIntegerField(default=0)
    attended = models.PositiveIntegerField(default=0)
    authorised = models.PositiveIntegerField(default=0)
    unauthorised = models.PositiveIntegerField(default=0)
    # "Pupil B": the year group's pupils above the comparison line, summed (no names kept).
    comparison_above_pct = models.DecimalField(max_digits=5, decimal_places=2, default=96)
    peer_pupils = models.PositiveIntegerField(default=0)
    peer_possible = models.PositiveIntegerField(default=0)
    peer_attended = models.PositiveIntegerField(default=0)
    barriers = models.TextField()
    agreed_support = models.JSONField(default=list, blank=True)
    support_detail = models.TextField(blank=True, help_text="e.g. the walking-bus helper's name")
    monitoring_weeks = models.PositiveSmallIntegerField()
    target_pct = models.DecimalField(max_digits=5, decimal_places=2)
    review_on = models.DateField()
    notes = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["pupil", "held_on"], name="meeting_pupil_held")]

    def __str__(self) -> str:
        return f"Meeting about {self.pupil_id} on {self.held_on}"


class PlanKind(models.TextChoices):
    SUPPORT_PLAN = "support_plan", "Attendance support plan"
    CONTRACT = "contract", "Attendance contract"
    RETURN_PLAN = "return_plan", "Return plan after a long absence"


class PlanOutcome(models.TextChoices):
    PENDING = "pending", "Not reviewed yet"
    MET = "met", "Met"
    PARTLY_MET = "partly_met", "Partly met"
    NOT_MET = "not_met", "Not met"
    WITHDRAWN = "withdrawn", "Withdrawn"


class SupportPlan(models.Model):
    """An attendance support plan or a contract: what each side agrees, signed, then reviewed."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="plans")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="support_plans")
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="plans"
    )
    kind = models.CharField(max_length=20, choices=PlanKind.choices)
    support = models.JSONField(default=list, blank=True)
    support_detail = models.TextField(
        blank=True, help_text="e.g. the walking-bus helper's name, what breakfast club offers"
    )
    nurse_referral_on = models.DateField(
        null=True, blank=True, help_text="When the school nurse referral was (or will be) made"
    )
    commitments = models.TextField(help_text="What the school and the family each agree to do")
    key_adult = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Return plans: the member of staff the child goes to with worries",
    )
    signatories = models.TextField(help_text="One per line")
    starts_on = models.DateField()
    review_on = models.DateField()
    target_pct = models.DecimalField(max_digits=5, decimal_places=2)
    outcome = models.CharField(
        max_length=20, choices=PlanOutcome.choices, default=PlanOutcome.PENDING
    )
    outcome_note = models.TextField(blank=True)
    outcome_on = models.DateField(null=True, blank=True)
    outcome_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.pupil_id} from {self.starts_on}"


class TaskKind(models.TextChoices):
    REVIEW = "review", "Review"
    CALL = "call", "Phone call"
    HOME_VISIT = "home_visit", "Home visit"
    MEETING = "meeting", "Meeting"
    CONCERN = "concern", "Concern raised"
    SAFEGUARDING = "safeguarding", "Safeguarding (for the DSL now)"
    LEFT_SITE = "left_site", "Left school without permission (for the DSL now)"
    KEEP_IN_TOUCH = "keep_in_touch", "Keep in touch during a long absence"
    RETURN_PLAN = "return_plan", "Plan the return after a long absence"
    REINTEGRATION = "reintegration", "Welcome back after a long absence"
    OTHER = "other", "Other"


class CaseTask(models.Model):
    """Something a person must do on a day: a plan review, a call, a home visit. A concern
    about a pupil with no open case makes a task without a case (the lead decides)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="case_tasks")
    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    title = models.CharField(max_length=200)
    due_on = models.DateField()
    assigned_role = models.CharField(max_length=20, choices=Role.choices, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    meeting = models.ForeignKey(
        Meeting, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    plan = models.ForeignKey(
        SupportPlan, null=True, blank=True, on_delete=models.PROTECT, related_name="tasks"
    )
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_note = models.TextField(blank=True)
    # A task about a safeguarding concern: the DSL's (and a superuser's) only, like
    # safeguarding notes; nobody else's page or timeline fetches it.
    safeguarding = models.BooleanField(default=False)
    # Tasks made by a sweep (long absences) carry a key, so a second run makes nothing new.
    dedupe_key = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["school", "due_on"], name="case_task_school_due")]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "dedupe_key"],
                condition=~Q(dedupe_key=""),
                name="one_task_per_dedupe_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} (due {self.due_on})"


# --- Caseloads and the weekly procedure tracker ----------------------------------------------


class FamilyAssignment(models.Model):
    """A family on a member of staff's caseload, from one day until it is handed back."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="assignments")
    holder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="family_assignments"
    )
    caseload = models.CharField(max_length=40, blank=True, help_text="The policy's caseload key")
    assigned_on = models.DateField()
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    over_cap = models.BooleanField(default=False, help_text="Allocated past the cap, confirmed")
    ended_on = models.DateField(null=True, blank=True)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    ended_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-assigned_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"],
                condition=Q(ended_on__isnull=True),
                name="one_current_holder_per_family",
            )
        ]

    def __str__(self) -> str:
        return f"Family {self.family_id} with {self.holder_id} from {self.assigned_on}"


class Procedure(models.TextChoices):
    """Seed 003's weekly tracker columns for persistently absent pupils."""

    LETTER = "letter", "Letter"
    MEETING = "meeting", "Meeting / SAP"
    NOTICE = "notice", "Notice"
    CALL = "call", "Call"
    HOME_VISIT = "home_visit", "Home visit"


class ProcedureTick(models.Model):
    """One tick on the weekly tracker: pupil x week x procedure (one row each, ever)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="procedure_ticks")
    week_start = models.DateField(help_text="The Monday")
    procedure = models.CharField(max_length=20, choices=Procedure.choices)
    ticked_at = models.DateTimeField()
    ticked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Unticking keeps the row (nothing is deleted): cleared_at says it no longer counts.
    cleared_at = models.DateTimeField(null=True, blank=True)
    cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "week_start", "procedure"], name="one_tick_per_pupil_week_kind"
            )
        ]
        indexes = [models.Index(fields=["school", "week_start"], name="tick_school_week")]

    def __str__(self) -> str:
        return f"{self.procedure} for {self.pupil_id} in week of {self.week_start}"


# --- Barriers to attendance and the agencies involved -----------------------------------------


class CaseBarrier(models.Model):
    """A barrier behind a pupil's absence, one row per category on a case (rules.BARRIERS)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="barriers")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="case_barriers")
    category = models.CharField(max_length=20, choices=list(rules.BARRIERS.items()))
    note = models.TextField(blank=True)
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["case", "category"], name="one_barrier_per_category")
        ]

    def __str__(self) -> str:
        return f"{self.category} on case {self.case_id}"


class CaseAgency(models.Model):
    """An outside agency involved in a case, with the contact there (rules.AGENCIES).
    Children's social care rows are safeguarding information (the DSL's)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="agencies")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="case_agencies")
    agency = models.CharField(max_length=20, choices=list(rules.AGENCIES.items()))
    other_name = models.CharField(max_length=150, blank=True, help_text="For 'Other'")
    contact_name = models.CharField(max_length=150)
    contact_role = models.CharField(max_length=150, blank=True)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    since = models.DateField(null=True, blank=True, help_text="Involved since")
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["recorded_at", "id"]

    def __str__(self) -> str:
        return f"{self.agency} on case {self.case_id}"

    @property
    def safeguarding(self) -> bool:
        return self.agency in rules.SAFEGUARDING_AGENCIES

    @property
    def name(self) -> str:
        if self.agency == "other" and self.other_name:
            return self.other_name
        return self.get_agency_display()


class ConcernKind(models.TextChoices):
    CONCERN = "concern", "Concern raised"
    SAFEGUARDING = "safeguarding", "Safeguarding concern"
    LEFT_SITE = "left_site", "Left school without permission"


class Concern(models.Model):
    """Something a member of staff noticed about a pupil (S000-51, S002-120): it becomes a
    task for the case owner, or the attendance lead when there is no open case."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="concerns")
    case = models.ForeignKey(
        Case, null=True, blank=True, on_delete=models.PROTECT, related_name="concerns"
    )
    kind = models.CharField(max_length=20, choices=ConcernKind.choices)
    text = models.TextField(help_text="What they noticed")
    occurred_at = models.DateTimeField()
    raised_at = models.DateTimeField()
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    task = models.OneToOneField(
        CaseTask, null=True, blank=True, on_delete=models.PROTECT, related_name="concern"
    )
    # Safeguarding concerns are the DSL's: shown to the DSL (and to whoever raised it) only.
    safeguarding = models.BooleanField(default=False)

    class Meta:
        ordering = ["-raised_at", "-id"]
        indexes = [models.Index(fields=["pupil", "raised_at"], name="concern_pupil_raised")]

    def __str__(self) -> str:
        return f"{self.kind} about {self.pupil_id} at {self.raised_at:%Y-%m-%d %H:%M}"

"""A school's policy versions, the alerts monitoring raised, and the actions stages created."""

from __future__ import annotations

from functools import cached_property

from django.conf import settings
from django.db import models
from django.db.models import Q

from rollbook.core.models import Role, School
from rollbook.policy.kinds import ActionKind
from rollbook.pupils.models import Pupil


class SchoolPolicy(models.Model):
    """One version of a school's policy file. Exactly one version is active; none is deleted."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="policies")
    version = models.PositiveIntegerField()
    name = models.CharField(max_length=200)
    preset = models.CharField(max_length=60, blank=True)
    text = models.TextField(help_text="The policy as TOML")
    active = models.BooleanField(default=False)
    loaded_at = models.DateTimeField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    loaded_by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["school", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["school", "version"], name="one_policy_version_number"),
            models.UniqueConstraint(
                fields=["school"], condition=Q(active=True), name="one_active_policy"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school.name}: {self.name} v{self.version}"

    @cached_property
    def policy(self):
        from rollbook.policy.schema import parse_policy  # pydantic: only when a policy is read

        return parse_policy(self.text, f"policy v{self.version}")


class AlertStatus(models.TextChoices):
    OPEN = "open", "Open"
    DEFERRED = "deferred", "Deferred"
    DISMISSED = "dismissed", "Dismissed"
    DONE = "done", "Done"


KIND_LABELS = {
    "stage": "Policy stage",
    "penalty_notice_threshold": "Penalty-notice threshold",
    "continuous_unauthorised_absence": "10 days' continuous unauthorised absence",
    "cme_concern": "Children missing education check",
    "deletion_ground_i": "Deletion ground I",
    "persistent_absence": "Persistent absence",
    "severe_absence": "Severe absence",
    "weekday_pattern": "Same weekday",
    "next_to_holiday": "Next to holidays",
    "holiday_repeat": "Repeated term-time holiday",
    "siblings_absent_together": "Siblings absent together",
    "run_of_lates": "Run of lates",
    "sharp_drop": "Sharp drop",
    "unauthorised_holiday": "Unauthorised term-time holiday",
    "part_time_timetable": "Part-time timetable review",
    "part_time_overrun": "Part-time timetable past its end date",
    "part_time_unreviewed": "Part-time timetable not reviewed",
    "la_new_pupil_notice": "Tell the LA about a new pupil",
    "la_deletion_notice": "Tell the LA about a deletion",
    "failure_to_return": "Not back after leave of absence",
    "deletion_ground_h": "Deletion ground H (not back after leave)",
    "cme_place_not_taken_up": "Place not taken up (children missing education)",
}


class Alert(models.Model):
    """Something monitoring found about a pupil: a policy stage reached or a statutory trigger."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="alerts")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="alerts")
    kind = models.CharField(max_length=40)  # "stage" or a statutory kind
    stage_key = models.CharField(max_length=60, blank=True)
    academic_year = models.PositiveSmallIntegerField()
    raised_on = models.DateField(help_text="The monitoring date that raised it")
    met_on = models.DateField(null=True, blank=True)
    explanation = models.TextField()
    evidence = models.JSONField(
        default=list, blank=True, help_text="Sessions, e.g. '2025-11-04 PM'"
    )
    policy_version = models.PositiveIntegerField(null=True, blank=True)
    dedupe_key = models.CharField(max_length=120)
    status = models.CharField(max_length=10, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    defer_until = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-raised_on", "pupil__legal_surname"]
        constraints = [
            models.UniqueConstraint(fields=["school", "dedupe_key"], name="one_alert_per_episode")
        ]
        indexes = [models.Index(fields=["school", "status"], name="alert_school_status")]

    def __str__(self) -> str:
        return f"{self.pupil} {self.kind} {self.stage_key}".strip()

    @property
    def kind_label(self) -> str:
        return (
            self.stage_key.replace("_", " ").capitalize()
            if self.kind == "stage"
            else KIND_LABELS.get(self.kind, self.kind)
        )


class ActionStatus(models.TextChoices):
    OPEN = "open", "To do"
    DONE = "done", "Done"
    CANCELLED = "cancelled", "Cancelled"


class PolicyAction(models.Model):
    """A to-do or draft a stage created (a call, a letter, a meeting) until casework and comms take over."""

    alert = models.ForeignKey(Alert, on_delete=models.PROTECT, related_name="actions")
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="policy_actions")
    kind = models.CharField(
        max_length=20, choices=[(k.value, k.value.replace("_", " ")) for k in ActionKind]
    )
    text = models.CharField(max_length=300)
    role = models.CharField(max_length=20, choices=Role.choices)
    template = models.CharField(max_length=60, blank=True)
    due_on = models.DateField()
    status = models.CharField(
        max_length=10, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.text}"


class PolicyReadConfirmation(models.Model):
    """A member of staff confirming they have read one version of the school's policy (S001-4).

    Tied to the version: adopting a new version starts an empty list. Written only by
    `rollbook.policy.actions.confirm_policy_read`; never changed or deleted.
    """

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    policy = models.ForeignKey(
        SchoolPolicy, on_delete=models.PROTECT, related_name="read_confirmations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="policy_confirmations"
    )
    confirmed_at = models.DateTimeField()

    class Meta:
        ordering = ["policy", "confirmed_at"]
        constraints = [
            models.UniqueConstraint(fields=["policy", "user"], name="one_read_per_policy_version")
        ]

    def __str__(self) -> str:
        return f"{self.user} read {self.policy}"


class TierDirection(models.TextChoices):
    UP = "up", "Stepped up"
    DOWN = "down", "Stepped down"


class TierChange(models.Model):
    """One move of a pupil between the policy's support tiers (S001-49), up or down, kept for
    good: the pupil's tier is the newest row of the academic year. Monitoring records the
    moves it makes (no `by`); people record theirs through `actions.move_tier`."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="+")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="tier_changes")
    academic_year = models.PositiveSmallIntegerField()
    from_tier = models.CharField(max_length=60, blank=True)
    to_tier = models.CharField(max_length=60)
    direction = models.CharField(max_length=4, choices=TierDirection.choices)
    reason = models.TextField()
    on = models.DateField()
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    by_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["pupil", "at", "id"]
        indexes = [models.Index(fields=["school", "academic_year"], name="tier_school_year")]

    def __str__(self) -> str:
        return f"{self.pupil}: {self.from_tier or '-'} -> {self.to_tier} ({self.direction})"

    @property
    def automatic(self) -> bool:
        """Made by monitoring: a person's move always names them."""
        return self.by_id is None


class PublishedPolicyPdf(models.Model):
    """The published policy's PDF for one version (S001-6): rendered by a background task
    after the version is adopted, so the public URL never runs WeasyPrint in a request."""

    policy = models.OneToOneField(
        SchoolPolicy, on_delete=models.PROTECT, related_name="published_pdf"
    )
    pdf = models.BinaryField()
    rendered_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"PDF of {self.policy}"

"""The admission register, deletions from it, EHE notices and children-missing-education
concerns (domain reference §7; 2024 Regs, reg 9 for the deletion grounds).

Rows are written only by `rollbook.admissions.actions`, each write audited. Nothing is
deleted: a pupil's removal from the register sets `Pupil.leaving_date` and keeps a Deletion.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from rollbook.core.models import School
from rollbook.pupils.models import Pupil


class AdmissionEntry(models.Model):
    """A pupil's entry on the admission register and the LA's new-pupil notice."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="admission_entries")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="admission_entries")
    admitted_on = models.DateField(help_text="The first day on roll")
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    added_by_label = models.CharField(max_length=150, blank=True)
    previous_school = models.CharField(max_length=200, blank=True)
    la_notice_required = models.BooleanField(
        "LA notice required",
        default=True,
        help_text="Not at the start of the school's youngest year (unless the LA asks)",
    )
    la_notice_due_on = models.DateField("LA notice due on", null=True, blank=True)
    la_notified_on = models.DateField("LA notified on", null=True, blank=True)
    la_notified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    la_reference = models.CharField("LA reference", max_length=60, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-admitted_on", "pupil__legal_surname", "id"]
        verbose_name_plural = "admission entries"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "admitted_on"], name="one_admission_entry_per_admission"
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} admitted {self.admitted_on}"


class Ground(models.TextChoices):
    """The grounds for deleting a pupil from the admission register (2024 Regs, reg 9, as the
    domain reference lists them). Only H and I are lettered there; the others are named."""

    OTHER_SCHOOL = "other_school", "Registered at another school and no longer attending here"
    HOME_EDUCATION = "home_education", "Home educated: the parent has notified in writing"
    MOVED_AWAY = "moved_away", "Moved away"
    NOT_COMPULSORY_AGE = "not_compulsory_age", "No longer of compulsory school age"
    PERMANENTLY_EXCLUDED = "permanently_excluded", "Permanently excluded"
    MEDICALLY_UNFIT = "medically_unfit", "Medically unfit, no prospect of return before leaving age"
    DIED = "died", "Died"
    CUSTODY = "custody", "In custody for a long period"
    GROUND_H = "ground_h", "Ground H: not returned within 10 school days after granted leave"
    GROUND_I = "ground_i", "Ground I: 20 consecutive school days of absence coded G, N or O"


class DeletionStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed (not yet removed)"
    REMOVED = "removed", "Removed from the register"
    WITHDRAWN = "withdrawn", "Withdrawn"


class Deletion(models.Model):
    """A pupil's deletion from the admission register, with its legal ground and evidence."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="deletions")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="deletions")
    ground = models.CharField(max_length=30, choices=Ground.choices)
    status = models.CharField(
        max_length=10, choices=DeletionStatus.choices, default=DeletionStatus.PROPOSED
    )
    ground_met_on = models.DateField("date the ground was met")
    removed_on = models.DateField("date removed", null=True, blank=True)
    la_notified_on = models.DateField("LA notified on", null=True, blank=True)
    transition_point = models.BooleanField(
        default=False, help_text="At a standard transition point: no LA notice is needed"
    )
    destination_school = models.CharField(max_length=200, blank=True)
    destination_unknown = models.BooleanField(default=False)
    evidence = models.TextField(blank=True, help_text="Evidence that the ground is met")
    enquiries = models.TextField(blank=True, help_text="Enquiries made (Grounds H and I)")
    no_sickness_or_unavoidable_cause = models.BooleanField(default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recorded_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-ground_met_on", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=~Q(status="withdrawn"),
                name="one_live_deletion_per_pupil",
            ),
            models.CheckConstraint(
                condition=Q(removed_on__isnull=True) | Q(removed_on__gte=models.F("ground_met_on")),
                name="deletion_removed_after_ground_met",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pupil}: {self.get_ground_display()} ({self.get_status_display()})"


class EheNotice(models.Model):
    """A parent's written notice that their child will be educated at home from a date."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="ehe_notices")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="ehe_notices")
    received_on = models.DateField(help_text="The date the written notice reached the school")
    home_education_from = models.DateField()
    school_attendance_order = models.BooleanField(
        default=False, help_text="A school attendance order names this school"
    )
    la_notified_on = models.DateField("LA notified on", null=True, blank=True)
    notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = "EHE notice"

    def __str__(self) -> str:
        return f"EHE notice for {self.pupil} from {self.home_education_from}"


class CmeReason(models.TextChoices):
    UNEXPLAINED_ABSENCE = "unexplained_absence", "Continuous unexplained absence"
    PLACE_NOT_TAKEN_UP = "place_not_taken_up", "Allocated place not taken up"
    UNKNOWN_DESTINATION = "unknown_destination", "Left suddenly, destination unknown"
    FAILED_TO_RETURN = "failed_to_return", "Not back after leave of absence"
    OTHER = "other", "Other concern"


class CmeConcern(models.Model):
    """A concern that a child may be missing education, with the enquiries made."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="cme_concerns")
    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="cme_concerns")
    opened_on = models.DateField()
    reason = models.CharField(max_length=30, choices=CmeReason.choices)
    details = models.TextField(blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    opened_by_label = models.CharField(max_length=150, blank=True)
    referred_to_la_on = models.DateField("referred to the LA on", null=True, blank=True)
    la_reference = models.CharField("LA reference", max_length=60, blank=True)
    outcome = models.TextField(blank=True)
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-opened_on", "-id"]
        verbose_name = "CME concern"
        constraints = [
            models.UniqueConstraint(
                fields=["pupil"],
                condition=Q(closed_on__isnull=True),
                name="one_open_cme_concern_per_pupil",
            )
        ]

    def __str__(self) -> str:
        return f"CME concern for {self.pupil} from {self.opened_on}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def last_enquiry(self) -> Enquiry | None:
        """The latest enquiry (uses the prefetched enquiries when there are)."""
        enquiries = list(self.enquiries.all())
        return enquiries[-1] if enquiries else None


class EnquiryKind(models.TextChoices):
    CALL = "call", "Phone call to a contact"
    HOME_VISIT = "home_visit", "Home visit"
    LETTER = "letter", "Letter or email"
    SIBLINGS_SCHOOL = "siblings_school", "Siblings' school"
    LA_CME_OFFICER = "la_cme_officer", "With the LA's CME officer (joint enquiry)"
    OTHER = "other", "Other agency or enquiry"


class Enquiry(models.Model):
    """One dated enquiry made about a child who may be missing education."""

    concern = models.ForeignKey(CmeConcern, on_delete=models.PROTECT, related_name="enquiries")
    made_on = models.DateField()
    kind = models.CharField(max_length=20, choices=EnquiryKind.choices)
    details = models.TextField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    made_by_label = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["made_on", "id"]
        verbose_name_plural = "enquiries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.made_on}"

"""Pupils, their registration groups (classes), families and contacts."""

from __future__ import annotations

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q

from rollbook.core.models import School
from rollbook.pupils import rules


class RegistrationGroup(models.Model):
    """A class / registration group, e.g. '3B'. Teachers take its register."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="registration_groups")
    name = models.CharField(max_length=40)
    year_group = models.CharField(max_length=2, blank=True)
    teachers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="registration_groups"
    )

    class Meta:
        ordering = ["school", "name"]
        constraints = [
            models.UniqueConstraint(fields=["school", "name"], name="one_class_name_per_school")
        ]

    def __str__(self) -> str:
        return self.name


class Family(models.Model):
    """Siblings who share contacts; `reference` is the MIS family id where there is one."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="families")
    reference = models.CharField(max_length=40)

    class Meta:
        verbose_name_plural = "families"
        constraints = [
            models.UniqueConstraint(
                fields=["school", "reference"], name="one_family_reference_per_school"
            )
        ]

    def __str__(self) -> str:
        return f"Family {self.reference}"


class Gender(models.TextChoices):
    FEMALE = "F", "Female"
    MALE = "M", "Male"
    OTHER = "O", "Other"
    UNKNOWN = "U", "Not known"


class SenStatus(models.TextChoices):
    NONE = "N", "No special educational need"
    SUPPORT = "K", "SEN support"
    EHCP = "E", "Education, health and care plan"


class PupilQuerySet(models.QuerySet):
    def on_roll(self, first: date, last: date | None = None) -> PupilQuerySet:
        """Pupils on roll at any time between `first` and `last` (inclusive)."""
        last = last or first
        return self.filter(
            Q(leaving_date__isnull=True) | Q(leaving_date__gte=first), admission_date__lte=last
        )


class Pupil(models.Model):
    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="pupils")
    upn = models.CharField("UPN", max_length=13)
    legal_surname = models.CharField(max_length=100)
    legal_forename = models.CharField(max_length=100)
    preferred_surname = models.CharField(max_length=100, blank=True)
    preferred_forename = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField()
    gender = models.CharField(max_length=1, choices=Gender.choices, default=Gender.UNKNOWN)
    year_group = models.CharField(max_length=2)
    registration_group = models.ForeignKey(
        RegistrationGroup, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    admission_date = models.DateField()
    leaving_date = models.DateField(null=True, blank=True, help_text="Last day on roll")
    pupil_premium = models.BooleanField(default=False)
    fsm = models.BooleanField("free school meals", default=False)
    sen_status = models.CharField(
        "SEN status", max_length=1, choices=SenStatus.choices, default=SenStatus.NONE
    )
    eal = models.BooleanField("English as an additional language", default=False)
    cla = models.BooleanField("child looked after", default=False)
    cin = models.BooleanField("child in need", default=False)
    cp_plan = models.BooleanField("child protection plan", default=False)
    # Circumstances a policy may adjust for (adapted letters, left out of class challenges).
    medical_plan = models.BooleanField("individual healthcare plan", default=False)
    long_term_illness = models.BooleanField("long-term illness", default=False)
    # S002-68: illness is authorised (I) only with evidence seen. Set and cleared by the
    # office with a reason through `absences.actions.set_evidence_required` (audited).
    evidence_required = models.BooleanField("evidence required for illness", default=False)
    family = models.ForeignKey(
        Family, null=True, blank=True, on_delete=models.SET_NULL, related_name="pupils"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PupilQuerySet.as_manager()

    class Meta:
        ordering = ["legal_surname", "legal_forename"]
        constraints = [
            models.UniqueConstraint(fields=["school", "upn"], name="one_pupil_per_upn_per_school"),
            models.CheckConstraint(
                condition=Q(leaving_date__isnull=True)
                | Q(leaving_date__gte=models.F("admission_date")),
                name="pupil_leaves_after_admission",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        return f"{self.preferred_forename or self.legal_forename} {self.preferred_surname or self.legal_surname}"

    @property
    def has_ehcp(self) -> bool:
        return self.sen_status == SenStatus.EHCP

    def is_compulsory_school_age(self, on: date) -> bool:
        return rules.is_compulsory_school_age(self.date_of_birth, on)


class Contact(models.Model):
    """A parent or carer; siblings share contacts through `PupilContact` links."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="contacts")
    title = models.CharField(max_length=20, blank=True)
    forename = models.CharField(max_length=100)
    surname = models.CharField(max_length=100)
    mobile_phone = models.CharField(max_length=30, blank=True)
    home_phone = models.CharField(max_length=30, blank=True)
    work_phone = models.CharField(max_length=30, blank=True)
    email = models.EmailField(blank=True)
    preferred_language = models.CharField(max_length=40, default="English")
    pupils = models.ManyToManyField(Pupil, through="PupilContact", related_name="contacts")

    class Meta:
        ordering = ["surname", "forename"]

    def __str__(self) -> str:
        return f"{self.title} {self.forename} {self.surname}".strip()


class PupilContact(models.Model):
    pupil = models.ForeignKey(Pupil, on_delete=models.CASCADE, related_name="contact_links")
    contact = models.ForeignKey(Contact, on_delete=models.CASCADE, related_name="pupil_links")
    relationship = models.CharField(max_length=40)
    parental_responsibility = models.BooleanField(default=True)
    lives_with_pupil = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=1, help_text="1 is called first")

    class Meta:
        ordering = ["pupil", "priority"]
        constraints = [
            models.UniqueConstraint(fields=["pupil", "contact"], name="one_link_per_pupil_contact")
        ]

    def __str__(self) -> str:
        return f"{self.contact} ({self.relationship}) of {self.pupil}"


class PreviousAttendance(models.Model):
    """A year of attendance at a previous school, as its Common Transfer File gave it.

    Kept apart from Rollbook's own marks: those sessions were recorded by another school and
    never count in this school's statistics, but staff see them when a concern opens.
    """

    pupil = models.ForeignKey(Pupil, on_delete=models.PROTECT, related_name="previous_attendance")
    school_name = models.CharField(max_length=200, blank=True)
    school_urn = models.CharField(max_length=6, blank=True)
    school_la_estab = models.CharField(max_length=7, blank=True)
    academic_year = models.PositiveSmallIntegerField(help_text="2025 = 2025/26")
    start_date = models.DateField()
    marks = models.TextField(blank=True, help_text="One code per session from the start date")
    sessions_possible = models.PositiveIntegerField()
    sessions_authorised = models.PositiveIntegerField()
    sessions_unauthorised = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["pupil", "academic_year", "start_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["pupil", "school_la_estab", "academic_year", "start_date"],
                name="one_previous_year_per_school_and_start",
            )
        ]

    def __str__(self) -> str:
        return f"{self.pupil} at {self.school_name or self.school_la_estab} {self.academic_year}"

    @property
    def sessions_attended(self) -> int:
        return self.sessions_possible - self.sessions_authorised - self.sessions_unauthorised

    @property
    def rate(self) -> str:
        """Attendance as a percentage to one decimal place, as the pupil page shows ours."""
        if not self.sessions_possible:
            return "n/a"
        return f"{100 * self.sessions_attended / self.sessions_possible:.1f}%"


class ImportMapping(models.Model):
    """How one MIS export's columns map to Rollbook's, saved per school, source and kind.

    `mapping` is {rollbook_column: file_header} (see pupils/mapping.py); the next upload from
    the same source (matched ignoring case) starts from it.
    """

    class Kind(models.TextChoices):
        PUPILS = "pupils", "Pupils"
        MARKS = "marks", "Marks"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_mappings")
    source = models.CharField(max_length=60, help_text="For example, Arbor or SIMS")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    mapping = models.JSONField(default=dict)
    saved_at = models.DateTimeField()
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["school", "kind", "source"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "kind", "source"], name="one_import_mapping_per_source"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.kind} mapping"


class ImportRun(models.Model):
    """A CSV import from the browser, run by the worker so the page can show its progress.

    `text` is the file (pupils' personal data): it is cleared when the run ends, done or
    failed; a run still waiting for the worker keeps it until the worker takes it.
    Checking the rows is counted as it goes (`rows_checked`); saving happens in one
    transaction (all or nothing), so it shows as a single step.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        CHECKING = "checking", "Checking the rows"
        SAVING = "saving", "Saving"
        DONE = "done", "Imported"
        FAILED = "failed", "Not imported"

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="import_runs")
    kind = models.CharField(max_length=10, choices=ImportMapping.Kind.choices)
    source = models.CharField(max_length=60)
    file_name = models.CharField(max_length=200)
    mapping = models.JSONField(default=dict)
    text = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_checked = models.PositiveIntegerField(default=0)
    created = models.PositiveIntegerField(default=0)
    changed = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    problems = models.JSONField(default=list, blank=True, help_text="[line, message] pairs")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    requested_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} from {self.source} ({self.file_name})"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent_checked(self) -> int:
        return 100 * self.rows_checked // self.rows_total if self.rows_total else 0

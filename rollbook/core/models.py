"""Tenancy (School), the school-day calendar (terms, closures), staff roles and the audit log."""

from __future__ import annotations

from datetime import date, time

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models

from rollbook.core import calendar


class Phase(models.TextChoices):
    NURSERY = "nursery", "Nursery"
    PRIMARY = "primary", "Primary"
    MIDDLE = "middle", "Middle"
    SECONDARY = "secondary", "Secondary"
    ALL_THROUGH = "all_through", "All-through"
    SPECIAL = "special", "Special"


class School(models.Model):
    urn = models.CharField(
        "URN",
        max_length=6,
        unique=True,
        validators=[RegexValidator(r"^\d{6}$", "A URN is six digits.")],
    )
    name = models.CharField(max_length=200)
    phase = models.CharField(max_length=20, choices=Phase.choices, default=Phase.PRIMARY)
    local_authority = models.CharField("local authority", max_length=100, blank=True)
    la_code = models.CharField(
        "LA code",
        max_length=3,
        blank=True,
        validators=[RegexValidator(r"^\d{3}$", "An LA code is three digits.")],
    )
    estab = models.CharField(
        "establishment number",
        max_length=4,
        blank=True,
        help_text="The four digits after the LA code in the DfE number (used in CTF file names)",
        validators=[RegexValidator(r"^\d{4}$", "An establishment number is four digits.")],
    )
    # Register times come from the school's policy (copied here when a policy is adopted) so
    # that registers can read them without depending on the policy app.
    am_register_opens = models.TimeField(default=time(8, 45))
    pm_register_opens = models.TimeField(default=time(13, 15))
    register_minutes_open = models.PositiveSmallIntegerField(
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
        help_text="At most 30 (the legal maximum)",
    )
    chase_after_minutes = models.PositiveSmallIntegerField(default=15)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.urn})"

    def calendar(self, *, around: date | None = None) -> calendar.SchoolCalendar:
        """The school's calendar as plain values for the pure rules.

        `around`: only the term holding that day and that day's closures, which answers
        everything about that one day (the register page asks only that) for less reading.
        """
        terms, closures = self.terms.order_by("start_date"), self.closures.all()
        if around is not None:
            terms = terms.filter(start_date__lte=around, end_date__gte=around)
            closures = closures.filter(date=around)
        terms = tuple(calendar.TermDates(t.name, t.start_date, t.end_date) for t in terms)
        closures = tuple(
            calendar.ClosureDay(
                c.date, calendar.Session(c.session) if c.session else None, c.reason
            )
            for c in closures
        )
        return calendar.SchoolCalendar(terms=terms, closures=closures)


class AcademicYear(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="academic_years")
    start_year = models.PositiveSmallIntegerField(help_text="2025 for 2025/26")

    class Meta:
        ordering = ["school", "start_year"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "start_year"], name="one_year_label_per_school"
            )
        ]

    def __str__(self) -> str:
        return calendar.academic_year_label(self.start_year)


class Term(models.Model):
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="terms")
    academic_year = models.ForeignKey(AcademicYear, on_delete=models.CASCADE, related_name="terms")
    name = models.CharField(max_length=60)
    start_date = models.DateField()
    end_date = models.DateField()

    class Meta:
        ordering = ["school", "start_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gte=models.F("start_date")),
                name="term_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["school", "start_date"], name="one_term_per_start_date"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.academic_year}"


class SessionChoice(models.TextChoices):
    AM = "AM", "Morning"
    PM = "PM", "Afternoon"


class Closure(models.Model):
    """A day (or session) the school is closed to pupils, e.g. an INSET day: not a possible session."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    session = models.CharField(
        max_length=2, choices=SessionChoice.choices, blank=True, help_text="Blank: all day"
    )
    reason = models.CharField(max_length=200)

    class Meta:
        ordering = ["school", "date"]
        constraints = [
            models.UniqueConstraint(
                fields=["school", "date", "session"], name="one_closure_per_session"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.session or 'all day'}: {self.reason}"


class Role(models.TextChoices):
    TEACHER = "teacher", "Class teacher"
    OFFICE = "office", "Office / attendance officer"
    ATTENDANCE_LEAD = "attendance_lead", "Attendance lead"
    DSL = "dsl", "Designated safeguarding lead"
    SENCO = "senco", "SENCO"
    HEAD = "head", "Head teacher"
    GOVERNOR = "governor", "Governor"
    TRUST_ANALYST = "trust_analyst", "Trust / LA analyst"
    ADMIN = "admin", "System administrator"


class StaffRole(models.Model):
    """A role a user holds at a school; a user may hold several, at several schools."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_roles"
    )
    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="staff_roles")
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "school", "role"], name="one_role_grant")
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.school.name}"


class AuditEventIsAppendOnly(RuntimeError):
    """Raised by any attempt to change or delete an audit row through the ORM."""


class AuditEventQuerySet(models.QuerySet):
    """Refuses bulk changes: `update()` and `delete()` (and so `bulk_update()`) raise."""

    def update(self, **kwargs):
        raise AuditEventIsAppendOnly("audit rows are never updated")

    def delete(self):
        raise AuditEventIsAppendOnly("audit rows are never deleted")

    def _raw_delete(self, using):
        raise AuditEventIsAppendOnly("audit rows are never deleted")


class AuditEvent(models.Model):
    """A business event (register submitted, marks imported, school created): who, what, when, why.

    Append-only at the application level: `save()` only inserts (a loaded row cannot be saved
    again), and `delete()` and the queryset's `update()` / `delete()` raise. Raw SQL and the
    database itself are outside this guard; the PROTECT foreign keys stop cascades.
    """

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_label = models.CharField(
        max_length=150, blank=True, help_text="e.g. 'rollbook import marks' when no user"
    )
    school = models.ForeignKey(
        School, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events"
    )
    kind = models.CharField(max_length=60, db_index=True)
    object_type = models.CharField(max_length=60, blank=True)
    object_id = models.CharField(max_length=60, blank=True)
    pupil_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, **kwargs) -> None:
        if not self._state.adding or kwargs.get("force_update") or kwargs.get("update_fields"):
            raise AuditEventIsAppendOnly("audit rows are never updated")
        # An INSERT even when a pk is set: Django would otherwise UPDATE a row with that pk.
        super().save(**{**kwargs, "force_insert": True})

    def delete(self, *args, **kwargs):
        raise AuditEventIsAppendOnly("audit rows are never deleted")

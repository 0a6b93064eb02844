"""Pupil pages: the list and search, the attendance profile, and amending a mark (office only).

Each view fetches through `core.access` (404 outside the user's school, 403 inside it but not
allowed), reads through `pupils.profile`, and writes only through `registers.actions`.
Validation errors re-render with status 200 (see base.html); success redirects.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods
from django_htmx.http import HttpResponseClientRedirect
from django_htmx.middleware import HtmxDetails

from rollbook.absences.rules import reason_code
from rollbook.core import access, calendar
from rollbook.core.models import Role, School
from rollbook.privacy import rules as privacy_rules
from rollbook.pupils.models import Pupil
from rollbook.pupils.profile import SESSION_WORDS, pupil_profile
from rollbook.pupils.rules import is_compulsory_school_age
from rollbook.registers import codes
from rollbook.registers.actions import MarkError, change_mark
from rollbook.registers.models import Mark
from rollbook.registers.queries import pupil_tallies
from rollbook.registers.rules import Rate
from rollbook.registers.taking import EVIDENCE_TYPES, evidence_note

PAGE_SIZE = 50
LATE_CODES = ("L", "U")


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _partial(request: HtmxHttpRequest, template: str, name: str) -> str:
    """The page for a normal request; just the named partial for an htmx one."""
    wants_partial = request.htmx and not request.htmx.history_restore_request
    return f"{template}#{name}" if wants_partial else template


def _redirect(request: HtmxHttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


# --- The pupil list -------------------------------------------------------------------------


def readable_pupils(user, school: School) -> QuerySet[Pupil]:
    """Every pupil for office, DSL and SENCO; a teacher's own classes (maybe none yet);
    403 for anyone else, such as a governor."""
    roles = access.roles_at(user, school)
    if roles & access.PUPIL_READ_ROLES:
        return school.pupils.all()
    if Role.TEACHER not in roles and not school.registration_groups.filter(teachers=user).exists():
        raise PermissionDenied("Your role does not give you access to pupils' records.")
    return school.pupils.filter(registration_group__teachers=user)


class PupilSearchForm(forms.Form):
    q = forms.CharField(label="Name or UPN", required=False, max_length=100)
    left = forms.BooleanField(label="Include pupils who have left", required=False)


@dataclass(frozen=True)
class PupilRow:
    pupil_id: int
    name: str
    upn: str
    class_name: str
    year_group: str
    leaving_date: date | None
    attendance: Rate
    persistent_absence: bool


def search_pupils(pupils: QuerySet[Pupil], q: str, include_left: bool, today: date):
    """Each word of `q` must match a forename or surname (legal or preferred) or start the UPN."""
    if not include_left:
        pupils = pupils.filter(Q(leaving_date__isnull=True) | Q(leaving_date__gte=today))
    for word in q.split():
        pupils = pupils.filter(
            Q(legal_forename__icontains=word)
            | Q(legal_surname__icontains=word)
            | Q(preferred_forename__icontains=word)
            | Q(preferred_surname__icontains=word)
            | Q(upn__istartswith=word)
        )
    return pupils.select_related("registration_group").order_by(
        "legal_surname", "legal_forename", "id"
    )


def pupil_rows(school: School, pupils: list[Pupil], today: date) -> list[PupilRow]:
    """One row per pupil with the year-to-date attendance (one query for the whole page)."""
    year_start = date(calendar.academic_year_of(today), 8, 1)
    tallies = pupil_tallies(school, year_start, today, [p.pk for p in pupils])
    rows = []
    for p in pupils:
        t = tallies.get(p.pk)
        rows.append(
            PupilRow(
                pupil_id=p.pk,
                name=p.display_name,
                upn=p.upn,
                class_name=p.registration_group.name if p.registration_group else "",
                year_group=p.year_group,
                leaving_date=p.leaving_date if p.leaving_date and p.leaving_date < today else None,
                attendance=Rate(t.attendance_rate if t else None),
                persistent_absence=bool(t and t.persistent_absence),
            )
        )
    return rows


@require_GET
def pupil_list(request: HtmxHttpRequest) -> HttpResponse:
    school = access.require_school(request.user)
    pupils = readable_pupils(request.user, school)
    form = PupilSearchForm(request.GET)
    form.is_valid()  # both fields are optional; anything invalid is simply not used
    today, query, left = timezone.localdate(), *(form.cleaned_data.get(f) for f in ("q", "left"))
    found = search_pupils(pupils, query or "", bool(left), today)
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "query": query,
        "page": page,
        "rows": pupil_rows(school, list(page.object_list), today),
        "is_office": access.is_office(request.user, school),  # the import links
    }
    return render(request, _partial(request, "pupils/pupil_list.html", "results"), context)


# --- The profile ----------------------------------------------------------------------------


@require_GET
def pupil_detail(request: HtmxHttpRequest, pupil_id: int) -> HttpResponse:
    pupil = access.get_pupil_for_user(request.user, pupil_id)
    roles = access.roles_at(request.user, pupil.school)
    sensitive = bool(roles & access.PUPIL_READ_ROLES)  # CLA, CIN and CP flags
    profile = pupil_profile(pupil, timezone.localdate(), sensitive=sensitive)
    context = {
        "profile": profile,
        "can_amend": bool(roles & access.OFFICE_ROLES),
        "previous": list(pupil.previous_attendance.all()),
        "can_export_data": privacy_rules.may_export(roles),
        # S003-57: the goal pastoral staff set (rewards), its progress on the goal page.
        "goal": pupil.personal_goals.filter(ended_on__isnull=True).first(),
    }
    return render(request, "pupils/pupil_detail.html", context)


# --- Amending a mark ------------------------------------------------------------------------


def code_choices(day: date, date_of_birth: date) -> list[tuple[str, str]]:
    """The codes that may be recorded on `day` for a pupil born on `date_of_birth`."""
    compulsory = is_compulsory_school_age(date_of_birth, day)
    refused = codes.AgeRule.NON_COMPULSORY_ONLY if compulsory else codes.AgeRule.COMPULSORY_ONLY
    return [
        (d.code, f"{d.code}: {d.meaning}")
        for d in codes.CODES
        if d.valid_on(day) and d.age_rule is not refused
    ]


class AmendMarkForm(forms.Form):
    code = forms.ChoiceField(label="New code", error_messages={"required": "Choose a code"})
    minutes_late = forms.IntegerField(
        label="Minutes late (optional)",
        required=False,
        min_value=1,
        max_value=240,
        help_text="Only for L or U.",
        error_messages={"invalid": "Enter minutes late as a whole number, like 10"},
    )
    reason = forms.CharField(
        label="Why are you changing this mark?",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, 'Parent phoned at 10:15: ill with a temperature'.",
        error_messages={"required": "Enter the reason for the change"},
    )
    evidence = forms.ChoiceField(
        label="Evidence seen",
        required=False,
        choices=[("", "None"), *EVIDENCE_TYPES],
        help_text="Needed for M (an appointment), and for I when the pupil is flagged "
        "“evidence required”.",
        error_messages={"invalid_choice": "Choose the evidence you saw from the list"},
    )
    expected_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, mark: Mark, date_of_birth: date, evidence_required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.mark, self.evidence_required = mark, evidence_required
        choices = code_choices(mark.date, date_of_birth)
        self.fields["code"].choices = [("", "Choose a code"), *choices]
        self.initial.setdefault("expected_version", mark.version)

    def clean(self):
        data = super().clean()
        code, minutes = data.get("code"), data.get("minutes_late")
        if minutes is not None and code and code not in LATE_CODES:
            self.add_error("minutes_late", "Only give minutes late with L or U")
        elif code and (code, minutes) == (self.mark.code, self.mark.minutes_late):
            self.add_error("code", f"The mark is already {code}: choose a different code")
        elif code and "evidence" not in self.errors:
            # The same rule as the office's Today page (S002-69, S002-68).
            _, problem = reason_code(
                code=code,
                reason_key="",
                evidence=data.get("evidence", ""),
                evidence_required=self.evidence_required,
            )
            if problem:
                self.add_error(*problem)
        return data

    def change(self) -> dict:
        """change_mark's arguments: the evidence seen goes into the reason."""
        data = dict(self.cleaned_data)
        if note := evidence_note(data.pop("evidence", "")):
            data["reason"] = f"{data['reason']} ({note})"
        return data

    def refused(self, message: str) -> None:
        """change_mark said no. After a stale edit, show the mark now; saving again replaces it."""
        self.add_error(None, message[:1].upper() + message[1:] + ".")
        if self.cleaned_data.get("expected_version") != self.mark.version:
            self.data = self.data.copy()
            self.data["expected_version"] = str(self.mark.version)
            meaning = self.mark.definition.meaning if self.mark.definition else ""
            self.add_error(
                None,
                f"The mark is now {self.mark.code} ({meaning}). "
                "Save again to replace it with your code, or go back to keep it.",
            )


def _amendable_mark(user, pupil_id: int, mark_id: int) -> tuple[Pupil, Mark]:
    """The pupil (404/403 as for their page), then office roles only (403), then the mark."""
    pupil = access.get_pupil_for_user(user, pupil_id)
    if not access.is_office(user, pupil.school):
        raise PermissionDenied("Only the office and senior staff can change marks.")
    mark = Mark.objects.filter(pk=mark_id, pupil=pupil).first()
    if mark is None:
        raise Http404("No such mark.")
    return pupil, mark


def _describe(mark: Mark) -> str:
    return f"{mark.date:%A} {mark.date.day} {mark.date:%B %Y} {SESSION_WORDS[mark.session]}"


@require_http_methods(["GET", "POST"])
def amend_mark(request: HtmxHttpRequest, pupil_id: int, mark_id: int) -> HttpResponse:
    pupil, mark = _amendable_mark(request.user, pupil_id, mark_id)
    old = mark.code
    data = request.POST if request.method == "POST" else None
    form = AmendMarkForm(
        data,
        mark=mark,
        date_of_birth=pupil.date_of_birth,
        evidence_required=pupil.evidence_required,
    )
    if form.is_valid():
        try:
            change_mark(actor=request.user, mark=mark, **form.change())
        except MarkError as e:
            form.refused(str(e))
        else:
            messages.success(request, f"{_describe(mark)}: changed {old} to {mark.code}.")
            return _redirect(request, reverse("pupils:detail", args=[pupil.pk]))
    context = {"pupil": pupil, "mark": mark, "when": _describe(mark), "form": form}
    return render(request, _partial(request, "pupils/mark_amend.html", "amend-form"), context)

"""Bulk coding (office roles): choose who, when and which code, preview, then confirm.

Works without JavaScript: the preview carries the choices forward as hidden fields, and
"Show pupils" / "Change" post the choices back to the form page, which redisplays them
without validating. With htmx, changing the class in "Chosen pupils" swaps in its pupils.
The write is `register_actions.bulk_code`; the counts come from `bulk.preview_bulk_code`.
"""

from __future__ import annotations

from datetime import date, timedelta

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.middleware import HtmxDetails

from rollbook.core import access
from rollbook.core.models import School
from rollbook.pupils.rules import YEAR_GROUPS
from rollbook.registers import codes, taking
from rollbook.registers.actions import MarkError
from rollbook.registers.bulk import Scope, Sessions, preview_bulk_code, pupils_for
from rollbook.registers.register_actions import bulk_code

MAX_DAYS = 366
YEAR_LABELS = {"N1": "Nursery 1", "N2": "Nursery 2", "R": "Reception"}
SCOPES = [
    (Scope.CLASS, "A class"),
    (Scope.YEAR, "A year group"),
    (Scope.SCHOOL, "The whole school"),
    (Scope.PUPILS, "Chosen pupils from a class (for example, a trip list)"),
]
# The "who" fields each scope ignores (whatever was posted for them).
UNUSED = {
    Scope.CLASS: ("year_group", "pick_group", "pupils"),
    Scope.YEAR: ("group", "pick_group", "pupils"),
    Scope.SCHOOL: ("group", "year_group", "pick_group", "pupils"),
    Scope.PUPILS: ("group", "year_group"),
}
SESSION_CHOICES = [
    (Sessions.BOTH, "Mornings and afternoons"),
    (Sessions.AM, "Mornings only"),
    (Sessions.PM, "Afternoons only"),
]


class HtmxHttpRequest(HttpRequest):
    htmx: HtmxDetails


def _required(message: str) -> dict[str, str]:
    return {"required": message, "invalid_choice": message}


def _dates(message: str) -> dict[str, str]:
    return {"required": message, "invalid": message}


BULK_M = (
    "M is one pupil's appointment and needs the evidence seen: record it on the Today page "
    "or the register instead"
)


class BulkCodeForm(forms.Form):
    scope = forms.ChoiceField(
        label="Who are you coding?",
        choices=SCOPES,
        widget=forms.RadioSelect,
        error_messages=_required("Choose who you are coding"),
    )
    group = forms.TypedChoiceField(label="Class", coerce=int, required=False, empty_value=None)
    year_group = forms.ChoiceField(label="Year group", required=False)
    pick_group = forms.TypedChoiceField(
        label="Class to choose pupils from", coerce=int, required=False, empty_value=None
    )
    pupils = forms.TypedMultipleChoiceField(label="Pupils", coerce=int, required=False)
    first = forms.DateField(
        label="First day", error_messages=_dates("Enter the first day, like 27/03/2026")
    )
    last = forms.DateField(
        label="Last day", error_messages=_dates("Enter the last day, like 27/03/2026")
    )
    sessions = forms.ChoiceField(
        label="Sessions",
        choices=SESSION_CHOICES,
        widget=forms.RadioSelect,
        error_messages=_required("Choose mornings, afternoons or both"),
    )
    code = forms.ChoiceField(label="Code", error_messages=_required("Choose a code"))
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, 'Year 4 trip to the Science Museum'. It is kept with every mark.",
        error_messages={"required": "Enter the reason for coding these sessions"},
    )

    def __init__(self, school: School, today: date, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.school, self.today = school, today
        groups = [
            (str(pk), name) for pk, name in school.registration_groups.values_list("pk", "name")
        ]
        self.group_names = dict(groups)
        self.fields["group"].choices = self.fields["pick_group"].choices = [
            ("", "Choose a class"),
            *groups,
        ]
        years = set(school.pupils.values_list("year_group", flat=True))
        self.fields["year_group"].choices = [("", "Choose a year group")] + [
            (y, YEAR_LABELS.get(y, f"Year {y}")) for y in YEAR_GROUPS if y in years
        ]
        self.fields["code"].choices = [("", "Choose a code")] + [
            (c, f"{c}: {codes.current(c).meaning}") for c in codes.CURRENT_CODES
        ]
        self.picked_group = self._raw("pick_group")
        self.fields["pupils"].choices = self._picker(school, today, self.picked_group)

    @classmethod
    def redisplay(cls, school: School, today: date, data) -> BulkCodeForm:
        """The choices posted back as an unbound form: shown again, not yet validated."""
        initial = {name: data.get(name, "") for name in cls.base_fields}
        return cls(school, today, initial=initial | {"pupils": data.getlist("pupils")})

    @staticmethod
    def _picker(school: School, today: date, group_id: str) -> list[tuple[str, str]]:
        """The class's pupils on roll at some time within a year either side of today."""
        if not group_id:
            return []
        year = timedelta(days=MAX_DAYS)
        pupils = school.pupils.on_roll(today - year, today + year)
        pupils = pupils.filter(registration_group_id=group_id)
        return [
            (str(p.pk), p.display_name)
            for p in pupils.order_by("legal_surname", "legal_forename", "id")
        ]

    def _raw(self, name: str) -> str:
        """A posted class id as it was sent ("" unless it is a number)."""
        value = str((self.data if self.is_bound else self.initial).get(name) or "")
        return value if value.isdigit() else ""

    @property
    def pupil_options(self) -> list[tuple[str, str, bool]]:
        """(value, name, checked) for the pupil checkboxes."""
        chosen = {str(v) for v in (self["pupils"].value() or ())}
        return [(value, name, value in chosen) for value, name in self.fields["pupils"].choices]

    @property
    def picked_group_name(self) -> str:
        return self.group_names.get(self.picked_group, "")

    def clean(self):
        data = super().clean()
        scope, first, last, code = (data.get(k) for k in ("scope", "first", "last", "code"))
        for name in UNUSED.get(scope, ()):  # e.g. ticked pupils left over when coding a class
            self._errors.pop(name, None)
            data[name] = [] if name == "pupils" else None
        if scope == Scope.CLASS and not data.get("group"):
            self.add_error("group", "Choose a class")
        if scope == Scope.YEAR and not data.get("year_group"):
            self.add_error("year_group", "Choose a year group")
        if scope == Scope.PUPILS and not data.get("pick_group"):
            self.add_error("pick_group", "Choose the class the pupils are in")
        elif scope == Scope.PUPILS and not data.get("pupils"):
            self.add_error("pupils", "Choose at least one pupil")
        if first and last and last < first:
            self.add_error("last", "The last day must be the same as or after the first day")
        elif first and last and (last - first).days >= MAX_DAYS:
            self.add_error("last", "Code at most a year at a time")
        if code == taking.APPOINTMENT:  # S002-69: M needs the evidence seen, pupil by pupil
            self.add_error("code", BULK_M)
        only = {"/": Sessions.AM, "\\": Sessions.PM}.get(code)
        if only and data.get("sessions") != only:
            when = "mornings" if only == Sessions.AM else "afternoons"
            self.add_error("sessions", f"{code} is for {when} only: choose {when} only")
        return data

    def chosen_pupils(self):
        d = self.cleaned_data
        group = d["group"] if d["scope"] == Scope.CLASS else d["pick_group"]
        return list(
            pupils_for(
                self.school,
                Scope(d["scope"]),
                d["first"],
                d["last"],
                group_id=group,
                year_group=d["year_group"],
                pupil_ids=tuple(d["pupils"]),
            )
        )

    @property
    def who(self) -> str:
        d = self.cleaned_data
        return {
            Scope.CLASS: f"Class {self.group_names.get(str(d['group']), '')}",
            Scope.YEAR: dict(self.fields["year_group"].choices).get(d["year_group"], ""),
            Scope.SCHOOL: "The whole school",
            Scope.PUPILS: f"{len(d['pupils'])} chosen from {self.group_names.get(str(d['pick_group']), '')}",
        }[Scope(d["scope"])]

    @property
    def hidden_values(self) -> list[tuple[str, str]]:
        """Every choice as (name, value) pairs, for the preview's confirm and change forms."""
        pairs = []
        for name in self.fields:
            value = self.cleaned_data.get(name)
            values = value if isinstance(value, list) else [value]
            pairs += [
                (name, v.isoformat() if isinstance(v, date) else str(v))
                for v in values
                if v not in (None, "")
            ]
        return pairs


def _partial(request: HtmxHttpRequest, template: str, name: str) -> str:
    return f"{template}#{name}" if request.htmx else template


@require_http_methods(["GET", "POST"])
def bulk_form(request: HtmxHttpRequest) -> HttpResponse:
    """The form: empty on GET; on POST ("Show pupils", "Change", htmx) the choices again."""
    school = access.require_office(request.user)
    today = timezone.localdate()
    if request.method == "POST":
        form = BulkCodeForm.redisplay(school, today, request.POST)
    else:
        form = BulkCodeForm(school, today, initial={"sessions": Sessions.BOTH})
    template = _partial(request, "registers/bulk_form.html", "pupil-picker")
    return render(request, template, {"form": form})


@require_POST
def bulk_preview(request: HtmxHttpRequest) -> HttpResponse:
    school = access.require_office(request.user)
    form = BulkCodeForm(school, timezone.localdate(), request.POST)
    if not form.is_valid():
        return render(request, "registers/bulk_form.html", {"form": form})
    d = form.cleaned_data
    preview = preview_bulk_code(
        pupils=form.chosen_pupils(),
        school_calendar=school.calendar(),
        first=d["first"],
        last=d["last"],
        sessions=Sessions(d["sessions"]),
        code=d["code"],
    )
    return render(request, "registers/bulk_preview.html", {"form": form, "preview": preview})


@require_POST
def bulk_confirm(request: HtmxHttpRequest) -> HttpResponse:
    school = access.require_office(request.user)
    form = BulkCodeForm(school, timezone.localdate(), request.POST)
    if form.is_valid():
        d, pupils = form.cleaned_data, form.chosen_pupils()
        try:
            result = bulk_code(
                actor=request.user,
                pupils=pupils,
                first=d["first"],
                last=d["last"],
                sessions=Sessions(d["sessions"]).sessions,
                code=d["code"],
                reason=d["reason"],
            )
        except MarkError as e:
            form.add_error(None, str(e)[:1].upper() + str(e)[1:] + ".")
        else:
            messages.success(request, _saved_message(d["code"], len(pupils), result))
            return redirect("bulk:form")
    return render(request, "registers/bulk_form.html", {"form": form})


def _saved_message(code: str, pupils: int, result) -> str:
    sessions = result.created + result.changed + result.unchanged
    return (
        f"{code} saved for {sessions} session{'s' * (sessions != 1)} "
        f"({pupils} pupil{'s' * (pupils != 1)}): {result.created} new, "
        f"{result.changed} changed, {result.unchanged} already {code}."
    )

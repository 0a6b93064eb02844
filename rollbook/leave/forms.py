"""Forms for leave requests and part-time timetables. Checks across fields live in rules.py;
the action re-checks everything (a form is only the first line)."""

from __future__ import annotations

from django import forms
from django.db.models import Prefetch

from rollbook.core.models import SessionChoice
from rollbook.leave import rules
from rollbook.leave.models import Decision, Reason
from rollbook.pupils.models import Contact, PupilContact

DATE_HELP = "For example, 2026-12-01"


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        children = ", ".join(link.pupil.display_name for link in obj.pupil_links.all())
        return f"{obj} ({children})" if children else str(obj)


class PupilChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        group = obj.registration_group.name if obj.registration_group else "no class"
        return f"{obj.display_name} ({group})"


def _contacts(school):
    return school.contacts.prefetch_related(
        Prefetch("pupil_links", queryset=PupilContact.objects.select_related("pupil"))
    )


class RangeMixin:
    def clean(self):
        data = super().clean()
        first, last = data.get("first_date"), data.get("last_date")
        if first and last:
            problem = rules.check_range(
                first, data.get("first_session") or "AM", last, data.get("last_session") or "PM"
            )
            if problem:
                self.add_error("last_date", problem)
        return data


class LeaveRequestForm(RangeMixin, forms.Form):
    pupils = PupilChoiceField(queryset=None, help_text="Brothers and sisters can share one request")
    requested_by = ContactChoiceField(
        queryset=Contact.objects.none(),
        label="Requested by",
        help_text="A parent with parental responsibility the pupils normally live with",
    )
    requested_on = forms.DateField(label="Date the request was received", help_text=DATE_HELP)
    first_date = forms.DateField(label="First day of leave", help_text=DATE_HELP)
    first_session = forms.ChoiceField(
        label="Leave starts in the", choices=SessionChoice.choices, initial="AM"
    )
    last_date = forms.DateField(label="Last day of leave", help_text=DATE_HELP)
    last_session = forms.ChoiceField(
        label="Leave ends after the", choices=SessionChoice.choices, initial="PM"
    )
    reason = forms.ChoiceField(label="Reason", choices=Reason.choices, widget=forms.RadioSelect)
    reason_text = forms.CharField(
        label="Why the leave has to be in term time", widget=forms.Textarea(attrs={"rows": 3})
    )
    evidence = forms.CharField(
        label="Supporting evidence", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].queryset = school.pupils.filter(
            leaving_date__isnull=True
        ).select_related("registration_group")
        self.fields["requested_by"].queryset = _contacts(school)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label="Decision",
        choices=[c for c in Decision.choices if c[0] != Decision.PENDING],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label="Reason for the decision",
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It is printed in the letter to the parent",
    )
    exceptional = forms.BooleanField(
        label="I judge the circumstances exceptional (coded C)", required=False
    )
    granted_first_date = forms.DateField(
        label="First day granted", required=False, help_text="Only when granting in part"
    )
    granted_first_session = forms.ChoiceField(
        label="Granted from the", choices=SessionChoice.choices, initial="AM", required=False
    )
    granted_last_date = forms.DateField(
        label="Last day granted", required=False, help_text="Only when granting in part"
    )
    granted_last_session = forms.ChoiceField(
        label="Granted until the end of the",
        choices=SessionChoice.choices,
        initial="PM",
        required=False,
    )

    def __init__(self, *args, reason_category: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.reason_category = reason_category

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == Decision.GRANTED_IN_PART:
            for name in ("granted_first_date", "granted_last_date"):
                if not data.get(name):
                    self.add_error(name, "Enter the dates granted")
        if (
            decision in (Decision.GRANTED, Decision.GRANTED_IN_PART)
            and self.reason_category == Reason.HOLIDAY
            and not data.get("exceptional")
        ):
            self.add_error(
                "decision",
                "A holiday cannot be authorised: refuse it, or tick exceptional circumstances",
            )
        return data

    def granted(self):
        data = self.cleaned_data
        if data["decision"] != Decision.GRANTED_IN_PART:
            return None
        return (
            data["granted_first_date"],
            data.get("granted_first_session") or "AM",
            data["granted_last_date"],
            data.get("granted_last_session") or "PM",
        )


class TakenForm(RangeMixin, forms.Form):
    first_date = forms.DateField(label="First day away", help_text=DATE_HELP)
    first_session = forms.ChoiceField(label="From the", choices=SessionChoice.choices)
    last_date = forms.DateField(label="Last day away", help_text=DATE_HELP)
    last_session = forms.ChoiceField(label="Until the end of the", choices=SessionChoice.choices)


class PartTimeForm(forms.Form):
    pupil = forms.ModelChoiceField(queryset=None)
    agreed_with = ContactChoiceField(
        queryset=Contact.objects.none(),
        label="Agreed with",
        help_text="A parent with parental responsibility the pupil normally lives with",
    )
    start_date = forms.DateField(label="Start date", help_text=DATE_HELP)
    end_date = forms.DateField(label="End date", help_text="Required: the timetable is temporary")
    sessions = forms.MultipleChoiceField(
        label="Sessions the pupil will not attend",
        choices=[(s, s) for s in rules.WEEKDAY_SESSIONS],
        widget=forms.CheckboxSelectMultiple,
    )
    reason = forms.CharField(label="Reason", widget=forms.Textarea(attrs={"rows": 3}))
    review_date = forms.DateField(label="Review date", help_text=DATE_HELP)
    la_informed = forms.BooleanField(label="The local authority has been told", required=False)
    la_informed_on = forms.DateField(label="Date the LA was told", required=False)

    def __init__(self, *args, school, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupil"].queryset = school.pupils.filter(leaving_date__isnull=True)
        self.fields["agreed_with"].queryset = _contacts(school)

    def clean(self):
        data = super().clean()
        start, end, review = data.get("start_date"), data.get("end_date"), data.get("review_date")
        if start and end and end < start:
            self.add_error("end_date", "The end date must be on or after the start date")
        elif start and end and review and not start <= review <= end:
            self.add_error("review_date", "The review date must fall between the start and end")
        if data.get("la_informed") and not data.get("la_informed_on"):
            self.add_error("la_informed_on", "Enter the date the LA was told")
        return data

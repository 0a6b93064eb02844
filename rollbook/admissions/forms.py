"""Registration-duty forms: parsing only (the actions and rules enforce the law)."""

from __future__ import annotations

from django import forms

from rollbook.admissions.models import CmeReason, EnquiryKind, Ground

_DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})
_TEXT = forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"})
_AREA = forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"})
_SELECT = forms.Select(attrs={"class": "govuk-select"})
_CHECK = forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"})


class LaNotifiedForm(forms.Form):
    notified_on = forms.DateField(label="Date the LA was told", widget=_DATE)
    reference = forms.CharField(
        label="LA reference (optional)", required=False, max_length=60, widget=_TEXT
    )


class DeletionForm(forms.Form):
    ground = forms.ChoiceField(
        label="Ground (2024 Regs, reg 9)", choices=Ground.choices, widget=_SELECT
    )
    ground_met_on = forms.DateField(label="Date the ground was met", widget=_DATE)
    removed_on = forms.DateField(label="Date of removal (never backdated)", widget=_DATE)
    la_notified_on = forms.DateField(
        label="Date the LA was told of the deletion", required=False, widget=_DATE
    )
    transition_point = forms.BooleanField(
        label="At a standard transition point (no LA notice needed)", required=False, widget=_CHECK
    )
    destination_school = forms.CharField(
        label="Destination school (if known)", required=False, max_length=200, widget=_TEXT
    )
    destination_unknown = forms.BooleanField(
        label="Destination not known (opens a CME concern)", required=False, widget=_CHECK
    )
    evidence = forms.CharField(label="Evidence the ground is met", required=False, widget=_AREA)
    enquiries = forms.CharField(
        label="Enquiries made (grounds H and I)", required=False, widget=_AREA
    )
    no_sickness_or_unavoidable_cause = forms.BooleanField(
        label=(
            "No reasonable grounds to think the absence is caused by sickness or an "
            "unavoidable cause (grounds H and I)"
        ),
        required=False,
        widget=_CHECK,
    )


class EheForm(forms.Form):
    received_on = forms.DateField(label="Date the written notice was received", widget=_DATE)
    home_education_from = forms.DateField(label="Home education from", widget=_DATE)
    school_attendance_order = forms.BooleanField(
        label="A school attendance order names this school", required=False, widget=_CHECK
    )
    notes = forms.CharField(label="Notes (optional)", required=False, widget=_AREA)


class CmeOpenForm(forms.Form):
    opened_on = forms.DateField(label="Date opened", widget=_DATE)
    reason = forms.ChoiceField(label="Reason", choices=CmeReason.choices, widget=_SELECT)
    details = forms.CharField(label="Details (optional)", required=False, widget=_AREA)


class EnquiryForm(forms.Form):
    made_on = forms.DateField(label="Date of the enquiry", widget=_DATE)
    kind = forms.ChoiceField(label="Enquiry", choices=EnquiryKind.choices, widget=_SELECT)
    details = forms.CharField(label="What was done and found", widget=_AREA)
    la_reference = forms.CharField(
        label="LA reference (for a referral to the LA's CME officer)",
        required=False,
        max_length=60,
        widget=_TEXT,
    )


class CmeCloseForm(forms.Form):
    closed_on = forms.DateField(label="Date closed", widget=_DATE)
    outcome = forms.CharField(label="Outcome (where the child is now)", widget=_AREA)


class PeriodForm(forms.Form):
    first = forms.DateField(label="From", widget=_DATE)
    last = forms.DateField(label="To", widget=_DATE)

    def clean(self):
        data = super().clean()
        first, last = data.get("first"), data.get("last")
        if first and last and last < first:
            raise forms.ValidationError("The end of the period must be on or after its start.")
        if first and last and (last - first).days > 400:
            raise forms.ValidationError("Choose a period of at most a year.")
        return data

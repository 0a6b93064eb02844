"""Referral forms: parsing only (the actions enforce the rules)."""

from __future__ import annotations

from django import forms

from rollbook.referrals import rules

_DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class RecordForm(forms.Form):
    kind = forms.ChoiceField(
        label="Referred to", widget=forms.Select(attrs={"class": "govuk-select"})
    )
    made_on = forms.DateField(label="Date of the referral", widget=_DATE)
    reason = forms.CharField(
        label="Reason and background",
        widget=forms.Textarea(attrs={"rows": 4, "class": "govuk-textarea"}),
    )
    agency_reference = forms.CharField(
        label="Their reference (optional)",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )

    def __init__(self, *args, safeguarding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [
            (k, rules.KINDS[k]) for k in rules.kinds_for(safeguarding=safeguarding)
        ]


class CloseForm(forms.Form):
    referral = forms.IntegerField(widget=forms.HiddenInput)
    outcome = forms.CharField(
        label="Outcome", widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"})
    )
    outcome_on = forms.DateField(label="Date of the outcome", widget=_DATE)


class SignOffForm(forms.Form):
    referral = forms.IntegerField(widget=forms.HiddenInput)

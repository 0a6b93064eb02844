"""Forms for two-factor sign-in and the audit log's filters: parsing only, no side effects."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

INPUT = "govuk-input"


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        error_messages={"required": "Enter the code"},
        widget=forms.TextInput(
            attrs={
                "class": f"{INPUT} govuk-input--width-10",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
                "autocapitalize": "none",
            }
        ),
    )


class PasswordForm(forms.Form):
    password = forms.CharField(
        label="Your password",
        strip=False,
        error_messages={"required": "Enter your password"},
        widget=forms.PasswordInput(attrs={"class": INPUT, "autocomplete": "current-password"}),
    )


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Why are you resetting it?",
        help_text="For example: 'Lost phone, confirmed in person on 23 November'",
        max_length=500,
        error_messages={"required": "Enter why you are resetting their two-factor sign-in"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )


class AuditFilterForm(forms.Form):
    kind = forms.ChoiceField(label="Event", required=False)
    actor = forms.ModelChoiceField(
        label="Who", required=False, queryset=get_user_model().objects.none(), empty_label="Anyone"
    )
    pupil = forms.CharField(
        label="Pupil (name or UPN)",
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": f"{INPUT} govuk-input--width-20"}),
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date", "class": INPUT})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date", "class": INPUT})
    )

    def __init__(self, *args, kinds: list[str], actors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "Any event"), *((k, k) for k in kinds)]
        self.fields["kind"].widget.attrs["class"] = "govuk-select"
        self.fields["actor"].queryset = actors
        self.fields["actor"].widget.attrs["class"] = "govuk-select"

    def clean(self):
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The end date must be on or after the start date")
        return data

    def summary(self) -> dict:
        """The filters used, as plain values (for the export's own audit row)."""
        data = self.cleaned_data
        return {
            "kind": data.get("kind") or "",
            "actor": data["actor"].get_username() if data.get("actor") else "",
            "pupil": data.get("pupil") or "",
            "date_from": data["date_from"].isoformat() if data.get("date_from") else "",
            "date_to": data["date_to"].isoformat() if data.get("date_to") else "",
        }

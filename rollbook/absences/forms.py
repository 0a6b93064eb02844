"""The office's answers to a parent's absence report."""

from __future__ import annotations

from django import forms

from rollbook.absences import rules


class AcceptForm(forms.Form):
    code = forms.ChoiceField(
        label="Code to record",
        choices=rules.ACCEPT_CODES,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        error_messages={"required": "Choose the code to record"},
    )
    note = forms.CharField(
        label="Note to the parent (optional)",
        required=False,
        max_length=rules.MAX_DETAILS,
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 2}),
    )


class QueryForm(forms.Form):
    question = forms.CharField(
        label="Your question to the parent",
        help_text="For example: please send the appointment letter. They see it when they sign in.",
        max_length=rules.MAX_DETAILS,
        error_messages={"required": "Write the question for the parent"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )

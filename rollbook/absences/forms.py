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
    evidence = forms.ChoiceField(
        label="Evidence seen",
        required=False,
        choices=[("", "None"), *rules.EVIDENCE_TYPES],
        help_text="Needed for M, and for I when the pupil needs evidence for illness.",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        error_messages={"invalid_choice": "Choose the evidence you saw from the list"},
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


class EvidenceRequiredForm(forms.Form):
    """Set or clear a pupil's "evidence required" flag (S002-68), always with a reason."""

    required = forms.TypedChoiceField(
        label="Does this pupil need evidence for illness?",
        choices=[("yes", "Yes: illness is recorded as I only with evidence seen"), ("no", "No")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        error_messages={"required": "Choose yes or no", "invalid_choice": "Choose yes or no"},
    )
    reason = forms.CharField(
        label="Reason",
        help_text="For example: agreed at the attendance panel on 3 October.",
        max_length=500,
        error_messages={"required": "Enter the reason"},
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )

"""Letter forms: parsing only (the actions enforce the rules)."""

from __future__ import annotations

from django import forms

from rollbook.letters import rules
from rollbook.letters.defaults import CLASS_LETTER_LABELS
from rollbook.letters.models import Adaptation, LetterStatus


class LetterFilterForm(forms.Form):
    status = forms.ChoiceField(
        label="Status",
        required=False,
        choices=[("", "Any status"), *LetterStatus.choices],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    week = forms.ChoiceField(
        label="When",
        required=False,
        choices=[("", "Any time"), ("this", "This week")],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )


class SendForm(forms.Form):
    confirm = forms.BooleanField(
        label="I have posted this letter or handed it to the family",
        error_messages={"required": "Confirm that the letter has gone to the family."},
    )


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label="Why withdraw this letter?",
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        error_messages={"required": "Give a reason for withdrawing the letter."},
    )


class BatchForm(forms.Form):
    week = forms.DateField(
        label="Week beginning",
        widget=forms.DateInput(
            attrs={"type": "date", "class": "govuk-input govuk-input--width-10"}
        ),
        error_messages={"required": "Choose the week to print."},
    )


class TemplateForm(forms.Form):
    adaptation = forms.ChoiceField(
        choices=Adaptation.choices, required=False, widget=forms.HiddenInput
    )
    subject = forms.CharField(
        label="Subject",
        max_length=200,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    body = forms.CharField(
        label="Letter",
        widget=forms.Textarea(attrs={"rows": 22, "class": "govuk-textarea"}),
        help_text="Plain text. Leave a blank line between paragraphs.",
    )

    def _check(self, name: str) -> str:
        text = self.cleaned_data[name]
        problems = rules.placeholder_problems(text)
        if problems:
            raise forms.ValidationError(problems)
        return text

    def clean_subject(self) -> str:
        return self._check("subject")

    def clean_body(self) -> str:
        return self._check("body")


class ClassLetterForm(forms.Form):
    group = forms.ModelChoiceField(
        label="Class",
        queryset=None,
        empty_label="Choose a class",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Choose the class.", "invalid_choice": "Choose the class."},
    )
    key = forms.ChoiceField(
        label="Letter",
        choices=list(CLASS_LETTER_LABELS.items()),
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={"required": "Choose the letter."},
    )

    def __init__(self, *args, groups, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups


class SignatoryForm(forms.Form):
    signer = forms.TypedChoiceField(
        label="Signed by",
        coerce=int,
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={
            "required": "Choose who signs the letter.",
            "invalid_choice": "Choose who signs the letter.",
        },
    )
    title = forms.CharField(
        label="Their title on the letter",
        max_length=100,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
        error_messages={"required": "Give the signer's title, e.g. Headteacher."},
    )

    def __init__(self, *args, signers: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["signer"].choices = [("", "Choose")] + [(pk, name) for pk, name in signers]

"""Penalty-notice forms: parsing only (the actions enforce the rules)."""

from __future__ import annotations

from django import forms

from rollbook.penalties.rules import LABELS, Status, WarningKind

_DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})
_TEXT = forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"})

DECISION_CHOICES = [
    (WarningKind.WARNING_LETTER.value, "Send a warning letter"),
    (WarningKind.NOTICE_TO_IMPROVE.value, "Send a notice to improve"),
    ("request", "Ask the local authority to issue a penalty notice"),
    ("not_pursued", "Do not pursue a penalty notice"),
]


class _Parents(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return str(obj)


class DecideForm(forms.Form):
    choice = forms.ChoiceField(label="Decision", choices=DECISION_CHOICES, widget=forms.RadioSelect)
    parents = _Parents(
        label="Parents (one notice each)",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the parent or parents the decision is about."},
    )
    on = forms.DateField(label="Date of the decision", widget=_DATE)
    improve_by = forms.DateField(
        label="Improvement expected by (a notice to improve)", required=False, widget=_DATE
    )
    reason = forms.CharField(
        label="Reason (needed when a notice is not pursued)", required=False, widget=_TEXT
    )
    override_reason = forms.CharField(
        label="Reason to ask the LA before the earlier stages are on record (a last resort)",
        required=False,
        widget=_TEXT,
    )

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parents"].queryset = parents


class ConsiderForm(forms.Form):
    parents = _Parents(
        label="Parents (one notice each)",
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose the parent or parents."},
    )
    first_date = forms.DateField(label="First day of the offence period", widget=_DATE)
    last_date = forms.DateField(label="Last day (the offence date)", widget=_DATE)
    note = forms.CharField(label="Why consider a notice", required=False, widget=_TEXT)

    def __init__(self, *args, parents, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parents"].queryset = parents


class StepForm(forms.Form):
    notice = forms.IntegerField(widget=forms.HiddenInput)
    to = forms.ChoiceField(
        label="Next step",
        choices=[(s.value, LABELS[s]) for s in Status if s is not Status.CONSIDERED],
        widget=forms.RadioSelect,
    )
    on = forms.DateField(label="Date it happened", widget=_DATE)
    warning_kind = forms.ChoiceField(
        label="Warning sent (for Warned)",
        required=False,
        choices=[
            ("", "-"),
            (WarningKind.WARNING_LETTER.value, "Warning letter"),
            (WarningKind.NOTICE_TO_IMPROVE.value, "Notice to improve"),
        ],
        widget=forms.Select(attrs={"class": "govuk-select"}),
    )
    improve_by = forms.DateField(label="Improvement expected by", required=False, widget=_DATE)
    la_reference = forms.CharField(
        label="LA reference",
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-20"}),
    )
    received_on = forms.DateField(
        label="Received by the parent on (for Issued; the days to pay run from it)",
        required=False,
        widget=_DATE,
    )
    reason = forms.CharField(
        label="Reason or note (needed for Withdrawn and Not pursued)", required=False, widget=_TEXT
    )
    override_reason = forms.CharField(
        label="Reason to ask the LA before the earlier stages are on record (a last resort)",
        required=False,
        widget=_TEXT,
    )

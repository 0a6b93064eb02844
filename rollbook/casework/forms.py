"""Case forms: parsing only (the actions enforce the rules)."""

from __future__ import annotations

from django import forms

from rollbook.casework import rules


class TimelineFilterForm(forms.Form):
    kind = forms.MultipleChoiceField(
        label="Show only",
        required=False,
        choices=list(rules.KINDS.items()),
        widget=forms.CheckboxSelectMultiple,
    )


class OpenCaseForm(forms.Form):
    reason = forms.CharField(label="Why open a case?", widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label="Owner", queryset=None, required=False)

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class AssignCaseForm(forms.Form):
    owner = forms.ModelChoiceField(label="Owner", queryset=None)
    next_review_on = forms.DateField(
        label="Next review", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, owners, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners


class CloseCaseForm(forms.Form):
    reason = forms.CharField(label="Why close the case?", widget=forms.Textarea(attrs={"rows": 3}))


class NoteForm(forms.Form):
    text = forms.CharField(label="Note", widget=forms.Textarea(attrs={"rows": 4}))
    safeguarding = forms.BooleanField(
        label="Safeguarding: only the DSL will be able to read this note", required=False
    )


class CaseloadFilterForm(forms.Form):
    mine = forms.BooleanField(label="My cases only", required=False)
    owner = forms.ModelChoiceField(label="Owner", queryset=None, required=False)
    stage = forms.ChoiceField(label="Stage", required=False)

    def __init__(self, *args, owners, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners
        self.fields["stage"].choices = [("", "Any stage"), *((s, s) for s in stages)]

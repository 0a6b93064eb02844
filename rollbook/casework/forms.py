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


# --- Meetings, plans and tasks ------------------------------------------------------------------

_DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")  # what type=date reads
PLAN_CHOICES = [
    ("", "No plan or contract"),
    ("support_plan", "Attendance support plan"),
    ("contract", "Attendance contract"),
]


class MeetingForm(forms.Form):
    """Seed 003's parent meeting form (its Appendix 1 is not published: these are the fields
    the protocol names). The figures and chart are worked out, not typed."""

    held_on = forms.DateField(label="Date of the meeting", widget=_DATE)
    attendees = forms.CharField(
        label="Who attended (one per line)", widget=forms.Textarea(attrs={"rows": 3})
    )
    barriers = forms.CharField(label="Barriers discussed", widget=forms.Textarea(attrs={"rows": 4}))
    support = forms.MultipleChoiceField(
        label="Support agreed",
        required=False,
        choices=list(rules.SUPPORT.items()),
        widget=forms.CheckboxSelectMultiple(attrs={"class": "govuk-checkboxes__input"}),
    )
    support_detail = forms.CharField(
        label="Support details (e.g. the walking-bus helper, the nurse referral date)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    monitoring_weeks = forms.IntegerField(
        label="Monitoring period (weeks)", min_value=1, max_value=52, initial=6
    )
    target_pct = forms.DecimalField(
        label="Attendance target (%)", min_value=1, max_value=100, decimal_places=2, initial=96
    )
    review_on = forms.DateField(
        label="Review date (leave blank for the end of the monitoring period)",
        required=False,
        widget=_DATE,
    )
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    plan_kind = forms.ChoiceField(label="Plan or contract", choices=PLAN_CHOICES, required=False)
    commitments = forms.CharField(
        label="What the school and the family each agree to do",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    signatories = forms.CharField(
        label="Who signs (one per line; leave blank for those who attended)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PlanOutcomeForm(forms.Form):
    plan = forms.ModelChoiceField(label="Plan", queryset=None)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[
            ("met", "Met"),
            ("partly_met", "Partly met"),
            ("not_met", "Not met"),
            ("withdrawn", "Withdrawn"),
        ],
    )
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = plans


class TaskDoneForm(forms.Form):
    task = forms.ModelChoiceField(label="Task", queryset=None)
    note = forms.CharField(label="Note", required=False)

    def __init__(self, *args, tasks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["task"].queryset = tasks


# --- Caseloads ----------------------------------------------------------------------------------


class AllocateForm(forms.Form):
    holder = forms.ModelChoiceField(label="Give the family to", queryset=None)
    caseload = forms.ChoiceField(label="Caseload", required=False)
    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, holders, caseloads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["holder"].queryset = holders
        self.fields["caseload"].choices = caseloads or [("", "No caps in the policy")]


class HandBackForm(forms.Form):
    reason = forms.CharField(label="Why hand the family back?")


class DayForm(forms.Form):
    on = forms.DateField(label="Show the tasks for", required=False, widget=_DATE)

"""Case forms: parsing only (the actions enforce the rules)."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

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


class BarrierForm(forms.Form):
    category = forms.ChoiceField(
        label="Barrier",
        choices=[("", "Choose a barrier"), *rules.BARRIERS.items()],
    )
    note = forms.CharField(
        label='What you found (needed for "Other")',
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AgencyForm(forms.Form):
    agency = forms.ChoiceField(label="Agency")
    other_name = forms.CharField(label='Agency name (for "Other")', required=False, max_length=150)
    contact_name = forms.CharField(label="Contact name", max_length=150)
    contact_role = forms.CharField(label="Their role", required=False, max_length=150)
    phone = forms.CharField(label="Phone", required=False, max_length=40)
    email = forms.EmailField(label="Email", required=False)
    since = forms.DateField(
        label="Involved since", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, safeguarding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].choices = [
            ("", "Choose an agency"),
            *rules.agencies_for(safeguarding=safeguarding).items(),
        ]


class StageForm(forms.Form):
    stage = forms.ChoiceField(label="Move the case to")
    reason = forms.CharField(
        label="Why (e.g. no engagement)", widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, stages, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", "Choose a stage"), *((s, s) for s in stages)]


class ConcernForm(forms.Form):
    text = forms.CharField(
        label="What did you notice?",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    safeguarding = forms.BooleanField(
        label="This is a safeguarding concern: send it to the DSL now (only the DSL will see it)",
        required=False,
    )


class LeftSiteForm(forms.Form):
    left_at = forms.TimeField(
        label="Time they left (today)", widget=forms.TimeInput(attrs={"type": "time"})
    )
    text = forms.CharField(
        label="What happened (optional)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
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
    ("return_plan", "Return plan after a long absence"),
]


class MeetingForm(forms.Form):
    """Seed 003's parent meeting form (its Appendix 1 is not published: these are the fields
    the protocol names). The figures and chart are worked out, not typed."""

    held_on = forms.DateField(label="Date of the meeting", widget=_DATE)
    parent_attendance = forms.ChoiceField(
        label="Did the parents attend?",
        choices=list(rules.PARENT_ATTENDANCE.items()),
        widget=forms.RadioSelect,
        initial="attended",
    )
    attendees = forms.CharField(
        label="Who attended (one per line)", widget=forms.Textarea(attrs={"rows": 3})
    )
    barriers = forms.CharField(
        label="Barriers discussed (not needed if the parents did not come)",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
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
    nurse_referral_on = forms.DateField(
        label="School nurse referral date (if the school nurse is part of the plan)",
        required=False,
        widget=_DATE,
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
    key_adult = forms.ModelChoiceField(
        label="Key adult the child can go to with worries (return plans)",
        queryset=None,
        required=False,
    )

    def __init__(self, *args, staff=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["key_adult"].queryset = (
            staff if staff is not None else get_user_model().objects.none()
        )

    def clean(self):
        data = super().clean()
        if data.get("nurse_referral_on") and not data.get("plan_kind"):
            self.add_error(
                "nurse_referral_on", "The referral date goes on a plan: choose a plan or contract."
            )
        return data


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
    note = forms.CharField(label="Outcome", required=False)
    safeguarding_concern = forms.BooleanField(
        label="The outcome is a safeguarding concern: send it to the DSL now (only the DSL "
        "will see the outcome)",
        required=False,
    )

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

from django import forms

from rollbook.policy.models import AlertStatus

DECISIONS = [
    (AlertStatus.DONE, "Dealt with"),
    (AlertStatus.DEFERRED, "Look again later"),
    (AlertStatus.DISMISSED, "Dismiss (no action needed)"),
]


class DecisionForm(forms.Form):
    status = forms.ChoiceField(label="Decision", choices=DECISIONS, widget=forms.RadioSelect)
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Kept in the audit log, e.g. a known bereavement.",
    )
    defer_until = forms.DateField(
        label="Look again on", required=False, help_text="For example, 2026-12-01"
    )

    def clean(self):
        data = super().clean()
        if data.get("status") == AlertStatus.DEFERRED and not data.get("defer_until"):
            self.add_error("defer_until", "Enter the date to look at this again")
        return data


class FilterForm(forms.Form):
    kind = forms.CharField(required=False)
    status = forms.ChoiceField(
        required=False,
        choices=[
            ("open", "Open"),
            ("deferred", "Deferred"),
            ("done", "Done"),
            ("dismissed", "Dismissed"),
            ("all", "All"),
        ],
    )


class TierMoveForm(forms.Form):
    to_tier = forms.ChoiceField(
        label="Move to tier",
        widget=forms.Select(attrs={"class": "govuk-select"}),
        error_messages={
            "required": "Choose the tier.",
            "invalid_choice": "Choose one of the policy's tiers.",
        },
    )
    reason = forms.CharField(
        label="Why (kept in the pupil's history)",
        widget=forms.Textarea(attrs={"rows": 3, "class": "govuk-textarea"}),
        error_messages={"required": "Give the reason for the move."},
    )

    def __init__(self, *args, tiers: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_tier"].choices = [("", "Choose"), *((t, t) for t in tiers)]

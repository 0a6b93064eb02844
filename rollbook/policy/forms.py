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

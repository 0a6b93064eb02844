"""The subject access export form."""

from __future__ import annotations

from django import forms


class ExportForm(forms.Form):
    request_reference = forms.CharField(
        label="Subject access request reference or date received",
        max_length=200,
        help_text="For example, SAR-2026-004 or 'letter received 3 November 2026'",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-!-width-two-thirds"}),
    )
    identity_checked = forms.BooleanField(
        label="I have checked the identity of the person asking and their right to this data",
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )
    include_safeguarding = forms.BooleanField(
        label="Include the safeguarding records listed above",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "govuk-checkboxes__input"}),
    )

    def __init__(self, *args, may_include_safeguarding: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_include_safeguarding:
            # Only the DSL sees the choice: for everyone else safeguarding records are withheld.
            del self.fields["include_safeguarding"]
        self.fields["request_reference"].error_messages["required"] = (
            "Enter the reference or date of the subject access request"
        )
        self.fields["identity_checked"].error_messages["required"] = (
            "Confirm that you have checked the requester's identity"
        )

    @property
    def wants_safeguarding(self) -> bool:
        return bool(self.cleaned_data.get("include_safeguarding"))

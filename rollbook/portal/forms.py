"""Portal forms. Field checks only: the rules (absences.rules, leave.rules) and the actions
re-check everything. Error messages follow the GOV.UK pattern ("Enter ...", "Select ...")."""

from __future__ import annotations

from django import forms

from rollbook.absences import rules as report_rules
from rollbook.absences.models import ReportReason
from rollbook.leave import rules as leave_rules
from rollbook.leave.models import Reason
from rollbook.portal import rules

DATE_HINT = "Choose the day on the calendar, or type it like 27/11/2026"
EVIDENCE_HINT = (
    f"Optional. {rules.ACCEPTED[0].upper()}{rules.ACCEPTED[1:]}, smaller than "
    f"{rules.MAX_EVIDENCE_BYTES // 1024 // 1024} MB. For example, an appointment letter."
)


class DateInput(forms.DateInput):
    input_type = "date"  # the phone's own date picker; typed yyyy-mm-dd without one

    def __init__(self):
        super().__init__(attrs={"class": "govuk-input govuk-input--width-10"}, format="%Y-%m-%d")


class SignInForm(forms.Form):
    email = forms.EmailField(
        label="Email address",
        help_text="The address the school has for you",
        max_length=254,
        error_messages={
            "required": "Enter your email address",
            "invalid": "Enter an email address in the correct format, like name@example.com",
        },
        widget=forms.EmailInput(
            attrs={"class": "govuk-input", "autocomplete": "email", "spellcheck": "false"}
        ),
    )


class ChildrenField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, obj):
        return obj.display_name


def _children_field(label: str) -> ChildrenField:
    return ChildrenField(
        queryset=None,
        label=label,
        error_messages={"required": "Select at least one child"},
    )


class EvidenceField(forms.FileField):
    def __init__(self):
        super().__init__(
            label="Upload evidence",
            required=False,
            error_messages={"empty": "The selected file is empty"},
            help_text=EVIDENCE_HINT,
            widget=forms.FileInput(
                attrs={
                    "class": "govuk-file-upload",
                    "accept": ".pdf,.jpg,.jpeg,.png,.webp,.heic,application/pdf,image/*",
                }
            ),
        )

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if upload:
            head = upload.read(16)
            upload.seek(0)
            _, problem = rules.check_evidence(head, upload.size)
            if problem:
                raise forms.ValidationError(problem)
        return upload


class ReportForm(forms.Form):
    pupils = _children_field("Who will be absent?")
    first_date = forms.DateField(
        label="First day of absence",
        help_text=DATE_HINT,
        widget=DateInput(),
        error_messages={"required": "Enter the first day", "invalid": "Enter a real date"},
    )
    first_session = forms.ChoiceField(
        label="Absent from",
        choices=(("AM", "The start of the day"), ("PM", "The afternoon")),
        initial="AM",
        widget=forms.RadioSelect,
    )
    last_date = forms.DateField(
        label="Last day of absence",
        help_text="The same as the first day if it is one day",
        widget=DateInput(),
        error_messages={"required": "Enter the last day", "invalid": "Enter a real date"},
    )
    last_session = forms.ChoiceField(
        label="Absent until",
        choices=(("PM", "The end of the day"), ("AM", "Lunchtime")),
        initial="PM",
        widget=forms.RadioSelect,
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=ReportReason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason for the absence"},
    )
    details = forms.CharField(
        label="Details",
        required=False,
        max_length=report_rules.MAX_DETAILS,
        help_text="Optional for illness and appointments. For example, the time of the appointment.",
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )
    evidence = EvidenceField()

    def __init__(self, *args, children, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["pupils"].queryset = children
        if len(children) == 1:
            self.fields["pupils"].initial = [children[0].pk]

    def clean(self):
        data = super().clean()
        if all(data.get(k) for k in ("first_date", "last_date", "reason")):
            problem = report_rules.check_report(
                today=self.today,
                first=data["first_date"],
                first_session=data.get("first_session") or "AM",
                last=data["last_date"],
                last_session=data.get("last_session") or "PM",
                reason=data["reason"],
                details=data.get("details", ""),
            )
            if problem:
                self.add_error(*problem)
        return data


class ReplyForm(forms.Form):
    text = forms.CharField(
        label="Your reply",
        max_length=report_rules.MAX_DETAILS,
        error_messages={"required": "Enter your reply"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 3}),
    )


class LeaveForm(forms.Form):
    pupils = _children_field("Which children is the request for?")
    first_date = forms.DateField(
        label="First day of leave",
        help_text=DATE_HINT,
        widget=DateInput(),
        error_messages={"required": "Enter the first day", "invalid": "Enter a real date"},
    )
    last_date = forms.DateField(
        label="Last day of leave",
        widget=DateInput(),
        error_messages={"required": "Enter the last day", "invalid": "Enter a real date"},
    )
    reason = forms.ChoiceField(
        label="Reason",
        choices=Reason.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the reason for the leave"},
    )
    reason_text = forms.CharField(
        label="Why does the leave have to be in term time?",
        max_length=2000,
        error_messages={"required": "Tell us why the leave has to be in term time"},
        widget=forms.Textarea(attrs={"class": "govuk-textarea", "rows": 4}),
    )
    evidence = EvidenceField()

    def __init__(self, *args, children, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["pupils"].queryset = children
        if len(children) == 1:
            self.fields["pupils"].initial = [children[0].pk]

    def clean(self):
        data = super().clean()
        first, last = data.get("first_date"), data.get("last_date")
        if first and last:
            if problem := leave_rules.check_range(first, "AM", last, "PM"):
                self.add_error("last_date", problem)
            elif first < self.today:
                self.add_error("first_date", "The first day must be today or in the future")
        return data

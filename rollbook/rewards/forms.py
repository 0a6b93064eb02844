from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from django import forms

from rollbook.policy.schema import Reward


class AwardForm(forms.Form):
    """Which pupil award, over the period holding `as_of`; a draw's seed and winner count."""

    reward = forms.ChoiceField(label="Award", error_messages={"required": "Choose an award"})
    as_of = forms.DateField(label="Period up to", required=False)
    seed = forms.IntegerField(
        label="Seed (leave blank for a new draw; enter a recorded seed to repeat one)",
        required=False,
        min_value=0,
        max_value=2**53,
    )
    winners = forms.IntegerField(
        label="Number of winners", initial=1, min_value=1, max_value=50, required=False
    )

    def __init__(self, *args, rewards: list[Reward], **kwargs):
        super().__init__(*args, **kwargs)
        self.rewards = {r.key: r for r in rewards}
        self.fields["reward"].choices = [(r.key, r.name) for r in rewards]

    @property
    def chosen(self) -> Reward:
        return self.rewards[self.cleaned_data["reward"]]


class QualifyingForm(forms.Form):
    """The qualifying lists: periods up to a date, an optional line and an optional cap on lates."""

    as_of = forms.DateField(label="Periods up to", required=False)
    at_least = forms.DecimalField(
        label="Attendance line (%), inclusive",
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        error_messages={"invalid": "Enter the attendance line as a number from 0 to 100"},
    )
    max_lates = forms.IntegerField(
        label="Most lates allowed (blank: lates not counted; 0: no lates)",
        required=False,
        min_value=0,
        max_value=200,
        error_messages={"invalid": "Enter the most lates allowed as a whole number"},
    )


class ImproversForm(forms.Form):
    """The improvers list: which periods to compare and the rise needed."""

    as_of = forms.DateField(label="Up to", required=False)
    compare = forms.ChoiceField(
        label="Compare",
        required=False,
        choices=[
            ("half_term", "This half-term with the one before"),
            ("term", "This term with the one before"),
            ("four_weeks", "The last 4 school weeks with the 4 before"),
        ],
    )
    points = forms.DecimalField(
        label="Rise needed (percentage points), inclusive",
        required=False,
        min_value=Decimal("0.01"),
        max_value=100,
        decimal_places=2,
        error_messages={"invalid": "Enter the rise needed as a number of percentage points"},
    )
    min_possible = forms.IntegerField(
        label="Fewest possible sessions in each period",
        required=False,
        min_value=1,
        max_value=400,
        error_messages={"invalid": "Enter the fewest possible sessions as a whole number"},
    )


class AssemblyForm(forms.Form):
    """The assembly sheet: which period (the one holding `as_of`)."""

    kind = forms.ChoiceField(
        label="Period",
        required=False,
        choices=[("week", "Week"), ("half_term", "Half-term"), ("term", "Term"), ("year", "Year")],
    )
    as_of = forms.DateField(label="Up to", required=False)


class TreatListForm(forms.Form):
    """Which half-term (the one holding `as_of`) and how many rises in a row count as sustained."""

    as_of = forms.DateField(label="Half-term holding", required=False)
    rises = forms.IntegerField(
        label="Sustained improvement: half-terms rising in a row",
        required=False,
        min_value=1,
        max_value=5,
        error_messages={"invalid": "Enter the number of half-terms rising in a row, from 1 to 5"},
    )


class TreatOfferForm(TreatListForm):
    """Record a treat offered to some of the pupils on one of the treat lists."""

    reason = forms.ChoiceField(
        label="List",
        choices=[
            ("full_attendance", "100% attendance"),
            ("sustained_improvement", "Sustained improvement"),
        ],
        error_messages={"required": "Choose which list the treat is for"},
    )
    treat = forms.CharField(
        label="Treat",
        max_length=200,
        error_messages={"required": "Enter the treat offered, for example a holiday-club place"},
    )
    pupils = forms.TypedMultipleChoiceField(
        label="Pupils offered the treat",
        coerce=int,
        error_messages={
            "required": "Choose at least one pupil",
            "invalid_choice": "A pupil chosen is not on this list",
        },
    )

    def __init__(self, *args, eligible: Iterable[int] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["pupils"].choices = [(pk, str(pk)) for pk in sorted(eligible)]


class GoalForm(forms.Form):
    """A pupil's personal attendance goal (year-to-date %), set by pastoral staff."""

    target_pct = forms.DecimalField(
        label="Goal: attendance this school year (%)",
        min_value=Decimal("0.01"),
        max_value=100,
        decimal_places=2,
        error_messages={
            "required": "Enter the goal as a percentage, for example 95",
            "invalid": "Enter the goal as a number from 0.01 to 100",
        },
    )
    note = forms.CharField(label="Note for the pupil (optional)", max_length=300, required=False)

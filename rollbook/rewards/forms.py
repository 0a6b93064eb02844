from __future__ import annotations

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

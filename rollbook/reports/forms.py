from __future__ import annotations

from django import forms


class CommentaryForm(forms.Form):
    """The head's words for seed 000's impact review, printed in the governors' PDF."""

    done = forms.CharField(label="What we did", required=False, max_length=2000)
    impact = forms.CharField(label="The impact", required=False, max_length=2000)
    next_steps = forms.CharField(label="Next steps", required=False, max_length=2000)


class PeriodForm(forms.Form):
    """`?period=` on a report page: one of the periods the page offers (blank: the first)."""

    period = forms.ChoiceField(label="Period", required=False)

    def __init__(self, data, *, periods, years=None):
        super().__init__(data)
        self.periods = list(periods)
        self.fields["period"].choices = [(p.key, p.label) for p in self.periods]
        self.fields["period"].error_messages["invalid_choice"] = "Choose a period from the list"
        self.years = list(years or ())
        if years is not None:  # `?year=`: one year group, or blank for all of them
            self.fields["year"] = forms.ChoiceField(
                label="Year group",
                required=False,
                choices=[("", "All year groups"), *((y, f"Year {y}") for y in self.years)],
                error_messages={"invalid_choice": "Choose a year group from the list"},
            )

    def chosen(self):
        """The period asked for, or the first one when nothing (or nothing valid) was asked."""
        self.is_valid()  # a bad field is left out of cleaned_data; the others still count
        key = self.cleaned_data.get("period")
        return next((p for p in self.periods if p.key == key), self.periods[0])

    def chosen_year(self) -> str:
        self.is_valid()
        return self.cleaned_data.get("year", "")

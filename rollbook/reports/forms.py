from __future__ import annotations

from django import forms


class CommentaryForm(forms.Form):
    """The head's words for seed 000's impact review, printed in the governors' PDF."""

    done = forms.CharField(label="What we did", required=False, max_length=2000)
    impact = forms.CharField(label="The impact", required=False, max_length=2000)
    next_steps = forms.CharField(label="Next steps", required=False, max_length=2000)

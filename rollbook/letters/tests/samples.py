"""Sample letters for the authorisation matrix's world (built through actions).

The world's policy has one stage with a letter action, and monitoring has raised it for the
sample pupil on Friday 20 November 2026, so generation drafts one letter per school.
"""

from __future__ import annotations

from datetime import date

from rollbook.letters.actions import create_batch, generate_stage_letters
from rollbook.letters.models import Letter, LetterBatch
from rollbook.letters.rules import week_of

FRIDAY = date(2026, 11, 20)


def add_letter_samples(pupil) -> None:
    """A draft stage letter for the pupil and a (queued) print batch holding it."""
    generate_stage_letters(school=pupil.school, today=FRIDAY, actor_label="matrix")
    create_batch(actor=None, school=pupil.school, week=week_of(FRIDAY))


def sample_letter_id(side) -> int:
    return Letter.objects.filter(school=side.school).earliest("pk").pk


def sample_batch_id(side) -> int:
    return LetterBatch.objects.filter(school=side.school).earliest("pk").pk

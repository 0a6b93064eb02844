"""Background jobs for letters: thin tasks that load by id and call one action (house style 3.6).

The state lives in the database (a letter without a PDF, a queued batch), so a task run twice,
or late, does the work once.
"""

from __future__ import annotations

from django.tasks import task

from rollbook.core.models import School
from rollbook.letters import actions
from rollbook.letters.models import LetterBatch


@task
def render_letter_pdfs(school_id: int) -> int:
    return actions.render_pending_pdfs(school=School.objects.get(pk=school_id))


@task
def build_letter_batch(batch_id: int) -> bool:
    return actions.build_batch(batch=LetterBatch.objects.get(pk=batch_id))

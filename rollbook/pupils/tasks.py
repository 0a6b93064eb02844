"""Background jobs for pupils: thin tasks that load by id and call one action.

The state lives in the database (an `ImportRun` that is still queued), so a task run twice
does the work once.
"""

from __future__ import annotations

from django.tasks import task

from rollbook.pupils import import_runs


@task
def run_import_task(run_id: int) -> bool:
    return import_runs.run_import(run_id)

"""The support app's task for the job worker (django-tasks; docs/jobs.md): a province's radar or
outcomes computed for parameters never asked before (``prepared._queue``), so that the page
answers at once and shows them a moment later."""
from __future__ import annotations

from django_tasks import task


@task()
def prepare_analysis(kind: str, unit_id: int, key: str) -> bool:
    from .prepared import compute_and_store
    return compute_and_store(kind, unit_id, key)

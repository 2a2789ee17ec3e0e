"""Tasks whose worker died: retry them, or fail them after MAX_ATTEMPTS.

django-tasks' database backend marks a task RUNNING when a worker claims it and never looks at it
again if that worker is killed. Every worker therefore calls :func:`recover_abandoned` when it
starts and before each claim: a RUNNING task whose last worker is not alive
(:mod:`chungtay.jobs.liveness`) goes back to READY — or, after MAX_ATTEMPTS claims, to FAILED.
Nothing is lost by this: a task's writes happen in one transaction, which the database rolled
back when the worker's connection died.

A task module may register what its own records should say (:func:`on_interrupted`): the import
job, for example, says "interrupted, retrying (attempt 2/3)" on its page, and notices when the
killed worker had in fact committed (then the job is done, not retried).
"""
from __future__ import annotations

import logging
from typing import Callable

from django.db import transaction
from django.utils import timezone
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import liveness

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 3
RETRY, FAILED, DONE = "retry", "failed", "done"
# task path -> hook(args, kwargs, attempts, gave_up) -> RETRY | FAILED | DONE
_HOOKS: dict[str, Callable] = {}


def on_interrupted(task):
    """Decorator: ``@on_interrupted(my_task)`` registers ``hook(*args, attempts=, gave_up=, **kwargs)``."""
    def register(fn):
        _HOOKS[task.module_path] = fn
        return fn
    return register


def _hook_for(result: DBTaskResult):
    try:
        result.task                    # imports the task's module, which registers its hook
    except Exception:                  # noqa: BLE001 - a task that no longer exists
        return None
    return _HOOKS.get(result.task_path)


def abandoned() -> list[DBTaskResult]:
    running = DBTaskResult.objects.filter(status=TaskResultStatus.RUNNING).only("id", "worker_ids", "task_path")
    return [r for r in running if not liveness.alive(r.worker_ids[-1] if r.worker_ids else "")]


def recover_abandoned() -> list[tuple[str, str]]:
    """Retry or fail the RUNNING tasks whose worker is gone; [(task id, outcome)]."""
    done = []
    for r in abandoned():
        with transaction.atomic():
            row = (DBTaskResult.objects.select_for_update().filter(pk=r.pk, status=TaskResultStatus.RUNNING)
                   .first())
            if row is None or row.worker_ids != r.worker_ids:
                continue                       # another worker recovered it meanwhile
            attempts = len(row.worker_ids)
            gave_up = attempts >= MAX_ATTEMPTS
            hook = _hook_for(row)
            outcome = FAILED if gave_up else RETRY
            if hook is not None:
                outcome = hook(*row.args_kwargs["args"], attempts=attempts, gave_up=gave_up,
                               **row.args_kwargs["kwargs"]) or outcome
            now = timezone.now()
            if outcome == RETRY:
                row.status = TaskResultStatus.READY
            elif outcome == DONE:
                row.status, row.finished_at = TaskResultStatus.SUCCESSFUL, now
            else:
                row.status, row.finished_at = TaskResultStatus.FAILED, now
                row.exception_class_path = "chungtay.jobs.recovery.Interrupted"
                row.traceback = f"the worker stopped during the task {attempts} times"
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
        log.warning("task %s: worker %s gone, %s (attempt %s/%s)", row.pk, row.worker_ids[-1], outcome,
                    attempts, MAX_ATTEMPTS)
        liveness.forget_dead(row.worker_ids[-1])
        done.append((str(row.pk), outcome))
    return done


def worker_of(task_id: str) -> tuple[str | None, str | None]:
    """(status, last worker id) of a task, for pages that explain a job's state."""
    row = DBTaskResult.objects.filter(pk=task_id).values_list("status", "worker_ids").first() if task_id else None
    if row is None:
        return None, None
    return row[0], (row[1][-1] if row[1] else None)

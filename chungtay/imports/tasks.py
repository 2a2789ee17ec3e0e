"""The import as a background task (django-tasks, run by ``chungtay worker``: docs/jobs.md).

``run_import_job`` runs one ImportJob; :func:`interrupted` says on the job what happened when the
worker running it died; :func:`cleanup` is the worker's housekeeping for imports.
"""
from __future__ import annotations

import shutil
import time
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django_tasks import task
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from chungtay.jobs import progress as job_progress
from chungtay.jobs import recovery

from . import actions
from .models import ImportJob

ORPHAN_UPLOADS_AFTER = timedelta(hours=1)


@task(takes_context=True)
def run_import_job(context, job_id: int) -> str:
    job = actions.run_job(job_id, attempt=context.attempt)
    return job.status


@recovery.on_interrupted(run_import_job)
def interrupted(job_id: int, *, attempts: int, gave_up: bool) -> str:
    """The worker running this job died (attempt ``attempts``): retry it, or fail it."""
    job = ImportJob.objects.select_for_update().filter(pk=job_id).first()
    if job is None:
        return recovery.FAILED
    if job.finished:
        return recovery.DONE
    if actions.finish_if_committed(job):   # killed after its commit: the data are in, the job is done
        return recovery.DONE
    job_progress.side_path(f"import-{job.pk}").unlink(missing_ok=True)    # progress of the rolled-back try
    job.interruptions += 1
    if gave_up:
        actions.give_up(job)
        return recovery.FAILED
    job.status, job.progress = ImportJob.QUEUED, 0
    job.message = actions.retry_message(job.interruptions, attempts + 1)
    job.save(update_fields=["status", "progress", "message", "interruptions"])
    return recovery.RETRY


def cleanup() -> dict:
    """Upload folders and progress files no unfinished job needs; jobs left running by a task
    that ended (e.g. the database failed while the result was being saved)."""
    done = {"folders": 0, "jobs_failed": 0}
    running = list(ImportJob.objects.filter(status__in=ImportJob.RUNNING).exclude(task_id=""))
    ended = {str(pk) for pk in DBTaskResult.objects.filter(
        pk__in=[j.task_id for j in running], status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED],
    ).values_list("id", flat=True)}
    for job in (j for j in running if j.task_id in ended):
        if not actions.finish_if_committed(job):
            actions.give_up(job, system_error=True)
        done["jobs_failed"] += 1
    root = Path(settings.DATA_DIR) / "imports"
    if root.is_dir():
        needed = set()
        for files in ImportJob.objects.filter(status__in=ImportJob.RUNNING).values_list("files", flat=True):
            needed.update(Path(f["path"]).parts[1] for f in files if len(Path(f["path"]).parts) > 2)
        old = time.time() - ORPHAN_UPLOADS_AFTER.total_seconds()
        for d in root.iterdir():
            if d.name not in needed and d.stat().st_mtime < old:
                shutil.rmtree(d, ignore_errors=True) if d.is_dir() else d.unlink(missing_ok=True)
                done["folders"] += 1
    running = {f"import-{pk}" for pk in ImportJob.objects.filter(status__in=ImportJob.RUNNING).values_list("pk", flat=True)}
    side = job_progress.side_path("x").parent
    for p in side.iterdir():
        if p.name not in running and p.stat().st_mtime < time.time() - 60:
            p.unlink(missing_ok=True)
    return done


__all__ = ["run_import_job", "interrupted", "cleanup"]

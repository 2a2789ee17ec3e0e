"""What the worker cleans up, every HOUSEKEEPING_EVERY seconds and when it starts (docs/jobs.md).

* task rows of django-tasks that finished more than KEEP_TASK_RESULTS_DAYS ago;
* lock files of dead workers;
* every FRESHEN_EVERY seconds, what an app registers in FRESHENERS: figures kept computed that a
  write has made stale (the prepared radar and outcomes of a province, ``support/prepared.py``) and
  the national snapshot when one is due (``analysis/snapshot.py``);
* whatever each kind of job registers in CLEANUPS (imports: upload folders no running job needs —
  normally deleted when their job ends — once they are ORPHAN_UPLOADS_AFTER old, and stale
  progress files).
"""
from __future__ import annotations

import logging
from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks_db.compat import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from . import liveness

log = logging.getLogger(__name__)
HOUSEKEEPING_EVERY = 600                 # seconds
KEEP_TASK_RESULTS_DAYS = 30
CLEANUPS = ["chungtay.imports.tasks.cleanup", "chungtay.jobs.tasks.cleanup"]
FRESHEN_EVERY = 15                       # seconds
FRESHENERS = ["chungtay.support.prepared.refresh_stale", "chungtay.analysis.snapshot.refresh_if_due"]


def run() -> dict:
    done = {}
    cutoff = timezone.now() - timedelta(days=KEEP_TASK_RESULTS_DAYS)
    done["task_results"] = DBTaskResult.objects.filter(
        Q(status=TaskResultStatus.SUCCESSFUL) | Q(status=TaskResultStatus.FAILED), finished_at__lt=cutoff).delete()[0]
    for path in liveness.folder().glob("*.lock"):
        liveness.forget_dead(path.stem)
    for name in CLEANUPS:
        try:
            done[name] = import_string(name)()
        except Exception:                # noqa: BLE001 - one cleanup failing must not stop the worker
            log.exception("housekeeping %s failed", name)
    return done


def freshen() -> dict:
    done = {}
    for name in FRESHENERS:
        try:
            done[name] = import_string(name)()
        except Exception:                # noqa: BLE001 - one refresher failing must not stop the worker
            log.exception("freshen %s failed", name)
    return done

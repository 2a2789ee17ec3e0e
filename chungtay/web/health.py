"""``/healthz``: a health check for monitoring (no log-in, no personal data, never cached).

200 ``{"status": "ok", "database": "ok", "worker": "ok" | "stale"}`` when the database answers;
503 ``{"status": "error", "database": "unreachable", "worker": "unknown"}`` when it does not.

The worker (``chungtay worker``, the process that runs imports) is "stale" when no worker process
is alive (none holds its lock file in ``<data folder>/jobs/workers/``: the web app and the worker
must share the data folder) or when an import has waited longer than
``CHUNGTAY_WORKER_STALE_SECONDS`` (default 300) without being started. A stale
worker does not make the check fail (the pages still work; imports wait): monitoring should alert on
``"worker": "stale"`` separately. See docs/deploy.md, "Health check".
"""
from __future__ import annotations

import os
from datetime import timedelta

from django.db import Error as DatabaseError
from django.db import connection
from django.http import JsonResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe


def stale_after() -> timedelta:
    try:
        seconds = int(os.environ.get("CHUNGTAY_WORKER_STALE_SECONDS", "300"))
    except ValueError:
        seconds = 300
    return timedelta(seconds=max(seconds, 1))


def workers_alive() -> int:
    """How many ``chungtay worker`` processes hold their lock now (chungtay/jobs/liveness.py)."""
    from chungtay.jobs.liveness import running_workers
    return len(running_workers())


def worker_state(now=None) -> str:
    from chungtay.imports.models import ImportJob
    if not workers_alive():
        return "stale"
    cutoff = (now or timezone.now()) - stale_after()
    if ImportJob.objects.filter(status=ImportJob.QUEUED, started_at__isnull=True, created_at__lt=cutoff).exists():
        return "stale"
    return "ok"


@never_cache
@require_safe
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        worker = worker_state()
    except DatabaseError:
        try:
            connection.close()          # the next request opens a fresh connection
        except DatabaseError:
            pass
        return JsonResponse({"status": "error", "database": "unreachable", "worker": "unknown"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok", "worker": worker})

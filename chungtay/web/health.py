"""``/healthz``: a health check for monitoring (no log-in, no personal data, never cached).

200 ``{"status": "ok", "database": "ok", "worker": "ok" | "stale"}`` when the database answers;
503 ``{"status": "error", "database": "unreachable", "worker": "unknown"}`` when it does not.

The worker (``chungtay worker``, the process that runs imports) is "stale" when a job has waited
longer than ``CHUNGTAY_WORKER_STALE_SECONDS`` (default 300) without being started, or when the
worker records a heartbeat (:func:`worker_heartbeat`) and its last one is older than that. A stale
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


def worker_heartbeat():
    """The worker's last heartbeat (an aware datetime), or None when the worker records none.

    Looks for ``last_heartbeat()`` in the worker module, so the check follows whatever the worker
    provides without depending on it."""
    try:
        from chungtay.imports import worker as worker_module     # noqa: PLC0415 - optional
    except ImportError:
        return None
    beat = getattr(worker_module, "last_heartbeat", None)
    return beat() if callable(beat) else None


def worker_state(now=None) -> str:
    from chungtay.imports.models import ImportJob
    now = now or timezone.now()
    cutoff = now - stale_after()
    if ImportJob.objects.filter(status=ImportJob.QUEUED, started_at__isnull=True, created_at__lt=cutoff).exists():
        return "stale"
    beat = worker_heartbeat()
    if beat is not None and beat < cutoff:
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

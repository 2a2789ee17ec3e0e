"""The demo's data load as a job of the worker (``chungtay demo`` / ``make demo``; docs/jobs.md).

``chungtay demo`` migrates, queues a :class:`DemoLoad` (unless the demo is already loaded) and
starts the web app with its development worker at once. The worker generates the synthetic
province and loads it (``households.demo.setup_demo``: ~1–2 minutes for 129,000 households);
meanwhile every page of the app answers with the status page "Đang nạp dữ liệu mẫu" and its
progress (:class:`DemoGate`, which ``chungtay serve`` puts in front of the app outside production).

Restart-safe: the population is loaded in one transaction (a killed load leaves nothing), the
steps after it (accounts, the loaded years' rounds, the Kon Tum plan) skip what exists, and a
killed worker's load is retried by the next worker (three tries), as every job is. Starting
``chungtay demo`` again while a load is queued or interrupted does not queue a second one.
``chungtay demo --no-serve`` (and ``--no-worker``) load in the terminal instead, as before.
"""
from __future__ import annotations

import logging
import time

from django.db import DatabaseError, transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from .hooks import pause_point
from .models import DemoLoad
from .progress import Progress, read_side

log = logging.getLogger(__name__)

# (start of a log line of households.demo, percent reached when it is printed)
STEPS = [("Generating", 2, "Đang tạo dân cư mẫu (giả lập)"), ("Loading", 25, "Đang ghi vào cơ sở dữ liệu"),
         ("villages", 30, "Đã ghi các thôn"), ("households", 40, "Đã ghi các hộ"),
         ("members", 55, "Đã ghi nhân khẩu"), ("assessments", 80, "Đã ghi kết quả rà soát, đang tổng hợp"),
         ("review rounds", 92, "Đã ghi các kỳ rà soát"), ("plan", 97, "Đã ghi kế hoạch mẫu")]
DONE_MESSAGE = "Đã nạp xong dữ liệu mẫu"


def demo_loaded() -> bool:
    from django.contrib.auth import get_user_model

    from chungtay.households.models import Household
    return Household.objects.exists() and get_user_model().objects.filter(username="chutich").exists()


def ensure_queued(households: int, seed: int) -> DemoLoad | None:
    """The unfinished load (queued or interrupted), or a new one queued; None when the demo is
    loaded already (then its cheap, idempotent extras run here)."""
    with transaction.atomic():
        job = DemoLoad.objects.filter(status__in=DemoLoad.RUNNING_STATES).first()
        if job is not None:
            return job
        if demo_loaded():
            from chungtay.households.demo import setup_demo
            setup_demo(households=households, seed=seed, log=lambda m: None)
            return None
        job = DemoLoad.objects.create(households=households, seed=seed, message="Đang chờ tiến trình xử lý nền")
        from .tasks import load_demo
        job.task_id = str(load_demo.enqueue(job.pk).id)
        job.save(update_fields=["task_id"])
    return job


def run_load(pk: int, attempt: int = 1) -> DemoLoad | None:
    claimed = DemoLoad.objects.filter(pk=pk, status=DemoLoad.QUEUED).update(
        status=DemoLoad.RUNNING, attempt=attempt, progress=1, message=STEPS[0][2],
        started_at=Coalesce("started_at", Value(timezone.now())))
    job = DemoLoad.objects.filter(pk=pk).first()
    if job is None or not claimed:
        return job
    # The load holds the database's write lock for a minute or two: progress goes to a side file
    # (DATA_DIR/jobs/progress/demo-<id>), which the status page reads.
    progress = Progress(lambda p, m: None, f"demo-{pk}")
    progress.side(True)
    t0 = time.perf_counter()

    def step(message: str) -> None:
        text = message.strip()
        for start, percent, vi in STEPS:
            if start in text.split("(")[0]:
                progress(percent, vi)
                break
        if "assessments" in text:
            pause_point("demo-loading")     # tests only: inside the load's transaction, before the commit

    from chungtay.households.demo import setup_demo
    try:
        setup_demo(households=job.households, seed=job.seed, log=step)
    except Exception as e:  # noqa: BLE001 - the job must end, and say so
        log.exception("demo load %s failed", pk)
        progress.side(False)
        return _finish(job, DemoLoad.FAILED, f"Lỗi khi nạp dữ liệu mẫu ({type(e).__name__}), chưa ghi gì: "
                                             "hãy chạy lại “chungtay demo”")
    progress.side(False)
    print(f"demo ready in {time.perf_counter() - t0:.0f}s (loaded by the worker)", flush=True)
    return _finish(job, DemoLoad.DONE, DONE_MESSAGE)


def _finish(job: DemoLoad, status: str, message: str) -> DemoLoad:
    job.status, job.progress, job.message, job.finished_at = status, 100, message[:200], timezone.now()
    job.save(update_fields=["status", "progress", "message", "finished_at"])
    return job


def interrupted(pk: int, *, attempts: int, gave_up: bool) -> str:
    from . import files, recovery
    from .progress import side_path
    job = DemoLoad.objects.select_for_update().filter(pk=pk).first()
    if job is None:
        return recovery.FAILED
    side_path(f"demo-{pk}").unlink(missing_ok=True)
    if job.finished:
        return recovery.DONE
    job.interruptions += 1
    if gave_up:
        job.save(update_fields=["interruptions"])
        _finish(job, DemoLoad.FAILED, f"Không hoàn thành: bị gián đoạn {job.interruptions} lần, chưa ghi gì — "
                                      "hãy chạy lại “chungtay demo”")
        return recovery.FAILED
    job.status, job.progress, job.message = DemoLoad.QUEUED, 0, files.retry_message(attempts + 1)
    job.save(update_fields=["status", "progress", "message", "interruptions"])
    return recovery.RETRY


def latest() -> DemoLoad | None:
    return DemoLoad.objects.order_by("-created_at", "-id").first()


def describe(job: DemoLoad, lang: str = "vi") -> dict:
    from . import liveness, recovery
    progress, message, note, waiting = job.progress, job.message, "", False
    if job.finished:
        return {"progress": progress, "message": message, "note": "", "waiting": False}
    side = read_side(f"demo-{job.pk}") if job.status == DemoLoad.RUNNING else None
    if side is not None:
        progress, message = side
    if job.interruptions:
        note = files_retry(job.interruptions + 1, lang)
    task_status, worker = recovery.worker_of(job.task_id)
    dead = job.status == DemoLoad.RUNNING and task_status == "RUNNING" and bool(worker) and not liveness.alive(worker)
    if dead:
        note = ("Interrupted – waiting to retry" if lang == "en"
                else "Bị gián đoạn – đang chờ thử lại (dữ liệu chưa ghi được gì)")
    if job.status == DemoLoad.QUEUED or dead:
        waiting = not liveness.running_workers()
    return {"progress": progress, "message": message, "note": note, "waiting": waiting}


def files_retry(attempt: int, lang: str) -> str:
    from .files import retry_message
    return retry_message(attempt, lang)


class DemoGate:
    """WSGI wrapper (development ``chungtay serve``): while the demo's data load is not done, every
    page answers with its status page (``/jobs/demo/``, HTTP 503); static files and the health
    endpoint pass. Once a load is found done (or none exists) the gate opens for good: one small
    query per request until then, none after."""

    PASS = ("/static/", "/healthz")

    def __init__(self, app):
        self.app, self.open = app, False

    def __call__(self, environ, start_response):
        if not self.open and not environ.get("PATH_INFO", "/").startswith(self.PASS):
            try:
                job = latest()
            except DatabaseError:             # not migrated yet: let the app answer
                job = None
            finally:
                from django.db import close_old_connections
                close_old_connections()
            if job is None or job.status == DemoLoad.DONE:
                self.open = True
            elif environ.get("PATH_INFO") != "/jobs/demo/":
                environ = dict(environ, PATH_INFO="/jobs/demo/", QUERY_STRING="")
        return self.app(environ, start_response)

"""The worker loop behind ``chungtay worker`` (docs/jobs.md).

It claims READY tasks of django-tasks' database backend one at a time (the library's own
claim: a locked SELECT on PostgreSQL, an exclusive transaction on SQLite, so several workers
never run the same task) and runs them with the library's ``Worker.run_task``. Before every
claim it recovers the tasks of dead workers (:mod:`.recovery`); every HOUSEKEEPING_EVERY seconds
it cleans up (:mod:`.housekeeping`).

Stopping: SIGTERM/SIGINT finish the running task, then exit (a second signal exits at once —
which is safe too: a job writes in one transaction). ``--parent PID``: exit when that process is
gone (``chungtay serve`` starts its development worker so).
"""
from __future__ import annotations

import logging
import os
import signal
import sys
import time

from django.db import DatabaseError, OperationalError, close_old_connections
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands.db_worker import Worker as LibraryWorker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from . import housekeeping, liveness, recovery

log = logging.getLogger("chungtay.jobs")


class Worker:
    def __init__(self, worker_id: str, *, interval: float = 1.0, parent: int | None = None):
        self.id, self.interval, self.parent = worker_id, interval, parent
        self.running, self.busy = True, False
        self.library = LibraryWorker(queue_names=["*"], interval=interval, batch=False,
                                     backend_name=DEFAULT_TASK_BACKEND_ALIAS, startup_delay=False, max_tasks=None,
                                     worker_id=worker_id, excluded_queue_names=[])
        self.next_housekeeping = self.next_freshen = 0.0

    # --- one step at a time (tests use these directly) ---------------------------------
    def claim(self) -> DBTaskResult | None:
        ready = DBTaskResult.objects.ready().filter(backend_name=DEFAULT_TASK_BACKEND_ALIAS)
        try:
            with exclusive_transaction(ready.db):
                task = ready.get_locked()
                if task is not None:
                    task.claim(self.id)
                return task
        except OperationalError as e:
            if is_locked_database_exception(e):
                return None
            raise

    def run_ready(self) -> int:
        """Recover, then run every READY task; the number run."""
        n = 0
        while self.running:
            recovery.recover_abandoned()
            task = self.claim()
            if task is None:
                return n
            self.busy = True
            try:
                self.library.run_task(task)
            finally:
                self.busy = False
            n += 1
        return n

    def housekeeping(self, force: bool = False) -> None:
        if force or time.monotonic() >= self.next_housekeeping:
            self.next_housekeeping = time.monotonic() + housekeeping.HOUSEKEEPING_EVERY
            try:
                housekeeping.run()
            except Exception:           # noqa: BLE001
                log.exception("housekeeping failed")

    def freshen(self) -> None:
        if time.monotonic() >= self.next_freshen:
            self.next_freshen = time.monotonic() + housekeeping.FRESHEN_EVERY
            housekeeping.freshen()

    # --- the loop --------------------------------------------------------------------------
    def loop(self, burst: bool = False) -> None:
        self.housekeeping(force=True)
        last_error = None
        while self.running:
            close_old_connections()
            if burst:
                self.run_ready()
                return
            try:
                self.run_ready()
                last_error = None
            except DatabaseError as e:     # the database is down or not migrated yet: wait, try again
                if str(e) != last_error:
                    log.warning("worker %s: database error, retrying: %s", self.id, e)
                last_error = str(e)
                time.sleep(min(30.0, self.interval * 5))
            self.housekeeping()
            if self.running:
                self.freshen()
            close_old_connections()
            if self.parent and os.getppid() != self.parent:
                log.warning("worker %s: parent %s is gone, stopping", self.id, self.parent)
                return
            time.sleep(self.interval)

    def stop(self, signum, frame) -> None:
        if not self.busy:
            raise SystemExit(0)
        if not self.running:        # second signal during a task: stop now, as if killed (the task is
            os._exit(1)             # retried by the next worker; its transaction is rolled back)
        log.warning("worker %s: %s — stopping after the current task", self.id, signal.strsignal(signum))
        self.running = False


def main(*, burst: bool = False, interval: float = 1.0, parent: int | None = None, quiet: bool = False) -> int:
    """Run a worker until stopped (``burst``: until the queue is empty)."""
    if not logging.getLogger().handlers and not log.handlers:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s",
                            stream=sys.stderr)
    log.setLevel(logging.WARNING if quiet else logging.INFO)
    with liveness.WorkerLock() as worker_id:
        w = Worker(worker_id, interval=interval, parent=parent)
        for sig in (signal.SIGTERM, signal.SIGINT):
            signal.signal(sig, w.stop)
        log.info("worker %s started (pid %s)", worker_id, os.getpid())
        try:
            w.loop(burst=burst)
        finally:
            log.info("worker %s stopped", worker_id)
    return 0

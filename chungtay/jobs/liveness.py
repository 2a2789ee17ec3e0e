"""Is the worker that claimed a task still running?

Every worker holds an exclusive lock (``flock``) on its own file ``DATA_DIR/jobs/workers/<id>.lock``
for as long as it lives. The operating system releases the lock when the process ends, however it
ends (SIGKILL, power cut of the process, OOM killer), so "the file exists and is locked" means the
worker is alive — at once, with no heartbeat to write and no timeout to guess. The web process
and the workers share DATA_DIR (the uploaded files are there too).
"""
from __future__ import annotations

import os
import socket
import uuid
from pathlib import Path

from django.conf import settings

try:                                     # POSIX
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except OSError:
            return False
except ImportError:                      # Windows
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False


def folder() -> Path:
    d = Path(settings.DATA_DIR) / "jobs" / "workers"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def new_worker_id() -> str:
    return f"{socket.gethostname()[:24]}-{os.getpid()}-{uuid.uuid4().hex[:8]}"


class WorkerLock:
    """Held by a running worker: ``with WorkerLock() as wid: …``."""

    def __init__(self, worker_id: str | None = None):
        self.id = worker_id or new_worker_id()
        self.path = folder() / f"{self.id}.lock"
        self.fd: int | None = None

    def __enter__(self) -> str:
        # lock a temporary name, then rename: nobody can see the final name unlocked
        tmp = self.path.with_suffix(".new")
        fd = os.open(tmp, os.O_CREAT | os.O_RDWR | os.O_TRUNC, 0o600)
        if not _try_lock(fd):
            os.close(fd)
            raise RuntimeError(f"worker id {self.id} is in use")
        os.write(fd, str(os.getpid()).encode())
        os.replace(tmp, self.path)
        self.fd = fd
        return self.id

    def __exit__(self, *exc) -> None:
        if self.fd is not None:
            self.path.unlink(missing_ok=True)
            os.close(self.fd)        # releases the lock
            self.fd = None


def alive(worker_id: str) -> bool:
    """True when the worker ``worker_id`` still holds its lock."""
    if not worker_id or "/" in worker_id or "\\" in worker_id or worker_id.startswith("."):
        return False
    path = folder() / f"{worker_id}.lock"
    try:
        fd = os.open(path, os.O_RDWR)
    except FileNotFoundError:
        return False
    try:
        return not _try_lock(fd)
    finally:
        os.close(fd)                 # (releases the lock this check may have taken)


def forget_dead(worker_id: str) -> None:
    """Remove the lock file of a worker found dead (housekeeping)."""
    if not alive(worker_id):
        (folder() / f"{worker_id}.lock").unlink(missing_ok=True)


def running_workers() -> list[str]:
    """The ids of the workers alive now (the job page says when there is none)."""
    return [p.stem for p in sorted(folder().glob("*.lock")) if alive(p.stem)]

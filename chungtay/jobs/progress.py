"""Progress of a running job, kept where the web process reads it: the job's database row.

The job calls ``progress(percent, message)`` as often as it likes; a thread of the worker with its
own database connection writes the latest value to the row at most every FLUSH_EVERY seconds.

One exception, stated plainly: on SQLite a job that writes in one long transaction holds the
database's only write lock, so nobody (not even this thread) can update the row until it commits.
During that phase (:meth:`Progress.side_file`) the thread writes the value to a small file
``DATA_DIR/jobs/progress/<name>`` instead (mode 0600, replaced atomically), and the web process
reads it from there (:func:`read_side`). The file is deleted when the phase ends.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, connections

FLUSH_EVERY = 0.5


def side_path(name: str) -> Path:
    d = Path(settings.DATA_DIR) / "jobs" / "progress"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d / name


def read_side(name: str) -> tuple[int, str] | None:
    try:
        text = side_path(name).read_text(encoding="utf-8")
        p, _, msg = text.partition("\t")
        return int(p), msg
    except (OSError, ValueError):
        return None


class Progress:
    """``progress = Progress(write_row, name)``; call it with (percent, message); ``close()`` at the end.

    ``write_row(percent, message)`` updates the row (run in the writer thread, which closes its
    own connection when done).
    """

    def __init__(self, write_row, name: str):
        self.write_row, self.name = write_row, name
        self.latest: tuple[int, str] | None = None
        self._written: tuple[int, str] | None = None
        self._side = False
        self._wake = threading.Event()
        self._stop = False
        self._thread = threading.Thread(target=self._loop, name=f"progress-{name}", daemon=True)
        self._thread.start()

    def __call__(self, percent, message: str = "") -> None:
        self.latest = (int(percent), str(message)[:200])
        self._wake.set()

    @contextmanager
    def side_file(self):
        """While the job holds SQLite's write lock, write progress to the side file instead."""
        self._side = connection.vendor == "sqlite"
        try:
            yield
        finally:
            self._side = False
            side_path(self.name).unlink(missing_ok=True)

    def _loop(self) -> None:
        try:
            while True:
                self._wake.wait()
                self._wake.clear()
                value = self.latest
                if value is not None and value != self._written:
                    self._flush(value)
                if self._stop:
                    return
                self._wake.wait(FLUSH_EVERY)        # at most two writes a second
        finally:
            connections.close_all()                 # this thread's connection only

    def _flush(self, value) -> None:
        if self._side:
            path = side_path(self.name)
            tmp = path.with_suffix(".tmp")
            fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(f"{value[0]}\t{value[1]}")
            os.replace(tmp, path)
        else:
            try:
                self.write_row(*value)
            except DatabaseError:
                return                               # busy: the next value will be written
        self._written = value

    def close(self) -> None:
        self._stop = True
        self._wake.set()
        self._thread.join(timeout=35)
        side_path(self.name).unlink(missing_ok=True)

"""Progress of a running job, kept where the web process reads it — not in the worker's memory.

The job calls ``progress(percent, message)`` as often as it likes. Outside a transaction the value
goes to the job's database row (at most every FLUSH_EVERY seconds, and at once when the message
changes). Inside the job's one write transaction the row cannot be used: the update would only
become visible at commit (and on SQLite nobody else may write while the job holds the write lock).
During that phase (``progress.side(True)`` … ``progress.side(False)``) the value goes to a small file
``DATA_DIR/jobs/progress/<name>`` instead (mode 0600, replaced atomically), which the web process
reads (:func:`read_side`); the file is deleted when the phase ends. Web and worker share DATA_DIR
anyway: the uploaded files are there.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError

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
    """``progress = Progress(write_row, name)``; ``write_row(percent, message)`` updates the row."""

    def __init__(self, write_row, name: str):
        self.write_row, self.name = write_row, name
        self.latest: tuple[int, str] = (0, "")
        self._side = False
        self._last_write = 0.0
        self._last_message = None

    def __call__(self, percent, message: str = "") -> None:
        self.latest = value = (max(0, min(100, int(percent))), str(message)[:200])
        now = time.monotonic()
        if now - self._last_write < FLUSH_EVERY and value[1] == self._last_message:
            return
        self._last_write, self._last_message = now, value[1]
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
            except DatabaseError:          # busy for too long: the next value will be written
                pass

    def side(self, on: bool) -> None:
        """Turn the side file on just before the job's write transaction, off after it ends."""
        self._side, self._last_message = on, None
        if not on:
            self.clear()

    def clear(self) -> None:
        side_path(self.name).unlink(missing_ok=True)

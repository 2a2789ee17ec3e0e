"""In development, ``chungtay serve`` (and so ``chungtay demo`` / ``make demo``) runs a worker beside
the web app: a child process ``chungtay worker --parent <pid>``, stopped with the server. Production
mode never does: there the worker is its own service (docs/jobs.md)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from contextlib import contextmanager


@contextmanager
def alongside(enabled: bool = True):
    if not enabled:
        yield None
        return
    proc = subprocess.Popen([sys.executable, "-m", "chungtay", "worker", "--parent", str(os.getpid()), "--quiet"])
    previous = signal.getsignal(signal.SIGTERM)

    def _terminate(signum, frame):        # `kill <server>` stops the worker too
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, _terminate)
    try:
        yield proc
    finally:
        signal.signal(signal.SIGTERM, previous)
        if proc.poll() is None:
            proc.terminate()              # a job in progress gets 5 s to finish; if killed, its
            try:                          # transaction rolls back and the next worker retries it
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()

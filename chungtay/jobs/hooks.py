"""A pause point for the tests that kill a worker in the middle of a job (tests/test_worker_*.py).

With ``CHUNGTAY_JOB_PAUSE_AT=<stage>`` in its environment, a worker that reaches ``pause_point(stage)``
writes ``CHUNGTAY_JOB_PAUSE_FILE`` (when set) and waits there — up to ten minutes — so that the test
can kill it at a known point (e.g. "applying": inside the import's write transaction, after every
row was written and before the commit). Ignored in production mode.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from chungtay.env import is_production

PAUSE_SECONDS = 600


def pause_point(stage: str) -> None:
    if os.environ.get("CHUNGTAY_JOB_PAUSE_AT") != stage or is_production():
        return
    marker = os.environ.get("CHUNGTAY_JOB_PAUSE_FILE")
    if marker:
        Path(marker).write_text(f"{os.getpid()} {stage}\n", encoding="utf-8")
    time.sleep(PAUSE_SECONDS)

"""The demo's data load as a job of the worker (chungtay.jobs.demo): while it runs every page of
the served app shows "Đang nạp dữ liệu mẫu" with its progress (HTTP 503); a worker SIGKILLed inside
the load's transaction leaves no household, the page says it was interrupted, and the next worker
loads it; then the app opens. On the database of the run (SQLite, or PostgreSQL with DATABASE_URL)."""
from __future__ import annotations

import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from contextlib import contextmanager

import pytest

from tests.installations import ROOT, free_port, installation
from tests.test_worker_kill import kill_when_paused, start_worker

pytestmark = pytest.mark.xdist_group("worker")
HOUSEHOLDS = 300

QUEUE = """
import django
django.setup()
from chungtay.jobs.demo import ensure_queued
job = ensure_queued(%d, 20161231)
print(job.pk if job else 0)
""" % HOUSEHOLDS


def empty_installation(data_dir):
    """A migrated installation with no demo data (its own SQLite file or PostgreSQL database)."""
    return installation(Path(data_dir), "demojob", 0, load_demo=False)


@contextmanager
def served_without_worker(inst):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chungtay", "serve", "--port", str(port), "--no-worker"],
                            env=inst.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(300):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2)
                break
            except (OSError, urllib.error.HTTPError):
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)


def get(url) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode()


def households(inst) -> int:
    return inst.sql("SELECT COUNT(*) FROM households_household")[0][0]


def load_row(inst, pk) -> tuple:
    return inst.sql("SELECT status, attempt, interruptions, message FROM jobs_demoload WHERE id = ?", pk)[0]


def test_the_demo_load_is_a_job_the_pages_follow_and_a_killed_load_is_retried(tmp_path):
    with empty_installation(tmp_path / "data") as inst:
        pk = int(inst.run("-c", QUEUE).stdout.decode().split()[-1])
        assert pk > 0
        assert int(inst.run("-c", QUEUE).stdout.decode().split()[-1]) == pk      # started again: the same load
        with served_without_worker(inst) as base:
            status, page = get(base + "/login/")
            assert status == 503 and "Đang nạp dữ liệu mẫu…" in page
            assert "Chưa có tiến trình xử lý nền nào đang chạy" in page           # no worker yet
            assert get(base + "/healthz")[0] == 200                                # monitoring still answers

            proc, marker = start_worker(inst, tmp_path, pause_at="demo-loading")
            deadline = time.monotonic() + 120
            while not marker.exists():
                assert time.monotonic() < deadline and proc.poll() is None, "the worker never paused"
                time.sleep(0.05)
            status, page = get(base + "/households/")        # the worker's progress, from its side file
            assert status == 503 and "Đã ghi kết quả rà soát, đang tổng hợp" in page and "80%" in page
            kill_when_paused(proc, marker)      # inside the load's transaction: every row written, no commit
            assert households(inst) == 0                                           # nothing half-loaded
            assert load_row(inst, pk)[:2] == ("running", 1)
            status, page = get(base + "/")
            assert status == 503 and "Bị gián đoạn – đang chờ thử lại" in page

            proc, _ = start_worker(inst, tmp_path, burst=True)
            assert proc.wait(300) == 0, proc.stderr.read().decode()[-2000:]
            assert load_row(inst, pk) == ("done", 2, 1, "Đã nạp xong dữ liệu mẫu")
            assert households(inst) > HOUSEHOLDS
            assert inst.sql("SELECT COUNT(*) FROM auth_user WHERE username IN ('xa', 'chutich', 'tinh')")[0][0] == 3
            status, page = get(base + "/login/")                                   # the app is open
            assert status == 200 and "Đang nạp dữ liệu mẫu" not in page
        assert int(inst.run("-c", QUEUE).stdout.decode().split()[-1]) == 0      # loaded: nothing queued again

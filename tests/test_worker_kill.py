"""A real `chungtay worker` process killed with SIGKILL in the middle of an import — while it
validates, and inside its write transaction after every row was written — leaves no partial data
and no uploaded file behind: the next worker retries the job (attempt 2/3), and after three
interruptions the job ends as failed, saying so. On the database of the run (SQLite by default,
PostgreSQL with DATABASE_URL)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.installations import ROOT, installation
from tests.test_import_support import good_rows, write_xlsx

pytestmark = pytest.mark.xdist_group("worker")
PREFIX = "00550"

CREATE_JOB = """
import os, sys, django
django.setup()
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from chungtay.imports import actions
user = get_user_model().objects.get(username="xa")
commune = user.assignments.get().unit
with open(sys.argv[1], "rb") as fh:
    job = actions.create_job(user, commune, [SimpleUploadedFile("danh_sach.xlsx", fh.read())])
print(job.pk)
"""


@pytest.fixture(scope="module")
def inst(tmp_path_factory):
    with installation(tmp_path_factory.mktemp("worker"), "worker", 300) as inst:
        yield inst


@pytest.fixture(scope="module")
def workbook(inst, tmp_path_factory):
    commune = inst.sql("SELECT a.unit_id FROM accounts_assignment a JOIN auth_user u ON u.id = a.user_id "
                       "WHERE u.username = 'xa'")[0][0]
    codes = [r[0] for r in inst.sql("SELECT code FROM units_unit WHERE parent_id = ? AND level = 'village' "
                                    "ORDER BY code", commune)]
    return write_xlsx(tmp_path_factory.mktemp("wb") / "danh_sach.xlsx", good_rows(codes[0], codes[1], prefix=PREFIX))


def new_job(inst, workbook) -> int:
    return int(inst.run("-c", CREATE_JOB, str(workbook)).stdout.decode().split()[-1])


def job_row(inst, pk) -> dict:
    cols = ["status", "attempt", "interruptions", "message", "error_total", "files", "progress"]
    row = inst.sql(f"SELECT {', '.join(cols)} FROM imports_importjob WHERE id = ?", pk)[0]
    return dict(zip(cols, row))


def start_worker(inst, tmp_path, pause_at: str | None = None, burst: bool = False) -> tuple[subprocess.Popen, Path]:
    marker = tmp_path / f"paused-{time.monotonic_ns()}"
    env = dict(inst.env)
    if pause_at:
        env.update(CHUNGTAY_JOB_PAUSE_AT=pause_at, CHUNGTAY_JOB_PAUSE_FILE=str(marker))
    args = [sys.executable, "-m", "chungtay", "worker", "--interval", "0.2"] + (["--burst"] if burst else [])
    proc = subprocess.Popen(args, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    return proc, marker


def kill_when_paused(proc, marker: Path) -> None:
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
        assert time.monotonic() < deadline, "the worker never reached the pause point"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    assert proc.returncode == -signal.SIGKILL


def households(inst) -> int:
    return inst.sql("SELECT COUNT(*) FROM households_household WHERE code LIKE ?", PREFIX + "%")[0][0]


def members(inst) -> int:
    return inst.sql("SELECT COUNT(*) FROM households_member m JOIN households_household h ON h.id = m.household_id "
                    "WHERE h.code LIKE ?", PREFIX + "%")[0][0]


def upload_files(inst, job) -> list[Path]:
    import json
    files = job["files"] if isinstance(job["files"], list) else json.loads(job["files"])
    return [inst.data_dir / f["path"] for f in files if (inst.data_dir / f["path"]).exists()]


def test_a_job_killed_while_validating_and_while_writing_is_retried_and_then_done(inst, workbook, tmp_path):
    pk = new_job(inst, workbook)
    job = job_row(inst, pk)
    assert job["status"] == "queued" and len(upload_files(inst, job)) == 1
    # the files are the app user's alone
    folder = upload_files(inst, job)[0].parent
    assert folder.stat().st_mode & 0o777 == 0o700 and upload_files(inst, job)[0].stat().st_mode & 0o777 == 0o600

    proc, marker = start_worker(inst, tmp_path, pause_at="validating")
    kill_when_paused(proc, marker)
    assert job_row(inst, pk)["status"] == "validating"          # what the killed worker left

    proc, marker = start_worker(inst, tmp_path, pause_at="applying")
    kill_when_paused(proc, marker)           # inside the write transaction, every row written, not committed
    job = job_row(inst, pk)
    assert (job["status"], job["attempt"], job["interruptions"]) == ("applying", 2, 1)
    assert job["message"] == "Đang ghi"
    assert households(inst) == 0 and members(inst) == 0        # nothing half-written
    assert len(upload_files(inst, job)) == 1                   # kept for the retry

    proc, _ = start_worker(inst, tmp_path, burst=True)
    assert proc.wait(120) == 0, proc.stderr.read().decode()[-2000:]
    job = job_row(inst, pk)
    assert (job["status"], job["attempt"], job["interruptions"], job["progress"]) == ("done", 3, 2, 100)
    assert households(inst) == 3 and members(inst) == 7
    assert upload_files(inst, job) == [] and not folder.exists()


def test_a_job_interrupted_three_times_fails_and_says_so(inst, workbook, tmp_path):
    before = households(inst), members(inst)
    pk = new_job(inst, workbook)
    folder = upload_files(inst, job_row(inst, pk))[0].parent
    for stage in ("applying", "validating", "applying"):
        proc, marker = start_worker(inst, tmp_path, pause_at=stage)
        kill_when_paused(proc, marker)
    proc, _ = start_worker(inst, tmp_path, burst=True)
    assert proc.wait(120) == 0, proc.stderr.read().decode()[-2000:]
    job = job_row(inst, pk)
    assert (job["status"], job["attempt"], job["interruptions"], job["error_total"]) == ("failed", 3, 3, 1)
    assert job["message"].startswith("Không hoàn thành: bị gián đoạn 3 lần")
    assert (households(inst), members(inst)) == before
    assert not folder.exists()
    # no task is left claimed by a dead worker
    assert inst.sql("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")[0][0] == 0

"""A real `chungtay worker` killed with SIGKILL while it builds a prepared file — with half the file
written, and after the complete file was renamed but before its row said so — leaves no part file
and no job stuck: the next worker retries (attempt 2/3) or records the complete file as done; after
three interruptions the job ends as failed and says so. On the database of the run (SQLite by
default, PostgreSQL with DATABASE_URL)."""
from __future__ import annotations

import json
import zipfile

import pytest

from tests.installations import installation
from tests.test_worker_kill import kill_when_paused, start_worker

pytestmark = pytest.mark.xdist_group("worker")

ASK = """
import sys, django
django.setup()
from django.contrib.auth import get_user_model
from chungtay.jobs import files
from chungtay.units.models import Unit
user = get_user_model().objects.get(username="tinh")
province = Unit.objects.get(system="2025", level="province", code="51")
print(files.request_file(user, "reports.posting_lists_zip", province, {"year": 2025}).pk)
"""

DESCRIBE = """
import sys, json, django
django.setup()
from chungtay.jobs import files
from chungtay.jobs.models import PreparedFile
print(json.dumps(files.describe(PreparedFile.objects.get(pk=int(sys.argv[1])))))
"""


@pytest.fixture(scope="module")
def inst(tmp_path_factory):
    with installation(tmp_path_factory.mktemp("files"), "files", 300) as inst:
        yield inst


def ask(inst) -> int:
    return int(inst.run("-c", ASK).stdout.decode().split()[-1])


def row(inst, pk) -> dict:
    cols = ["status", "attempt", "interruptions", "message", "token", "size"]
    return dict(zip(cols, inst.sql(f"SELECT {', '.join(cols)} FROM jobs_preparedfile WHERE id = ?", pk)[0]))


def stored(inst) -> list[str]:
    d = inst.data_dir / "files"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def describe(inst, pk) -> dict:
    return json.loads(inst.run("-c", DESCRIBE, str(pk)).stdout.decode().strip().splitlines()[-1])


def test_killed_half_way_and_after_the_rename_the_file_is_retried_then_done(inst, tmp_path):
    pk = ask(inst)
    token = row(inst, pk)["token"]

    proc, marker = start_worker(inst, tmp_path, pause_at="file-half")
    kill_when_paused(proc, marker)
    job = row(inst, pk)
    assert (job["status"], job["attempt"]) == ("running", 1)
    assert stored(inst) == [f"{token}.part"]                  # half a file, under its temporary name only
    state = describe(inst, pk)                               # what the page says meanwhile
    assert state["note"] == "Bị gián đoạn (máy chủ khởi động lại) – đang chờ thử lại" and state["waiting"]

    proc, marker = start_worker(inst, tmp_path, pause_at="file-renamed")
    kill_when_paused(proc, marker)            # the complete file is renamed; the row does not say so yet
    job = row(inst, pk)
    assert (job["status"], job["attempt"], job["interruptions"]) == ("running", 2, 1)
    assert stored(inst) == [f"{token}.zip"]                  # the killed first try's part file is gone

    proc, _ = start_worker(inst, tmp_path, burst=True)
    assert proc.wait(120) == 0, proc.stderr.read().decode()[-2000:]
    job = row(inst, pk)
    assert (job["status"], job["attempt"], job["interruptions"]) == ("done", 2, 2)
    path = inst.data_dir / "files" / f"{token}.zip"
    assert stored(inst) == [path.name] and path.stat().st_mode & 0o777 == 0o600
    assert job["size"] == path.stat().st_size
    names = zipfile.ZipFile(path).namelist()                 # a whole, readable archive
    assert names and all(n.endswith("-2025.pdf") for n in names)
    assert inst.sql("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")[0][0] == 0


def test_a_file_interrupted_three_times_fails_and_says_so(inst, tmp_path):
    pk = ask(inst)
    for _ in range(3):
        proc, marker = start_worker(inst, tmp_path, pause_at="file-half")
        kill_when_paused(proc, marker)
    proc, _ = start_worker(inst, tmp_path, burst=True)
    assert proc.wait(120) == 0, proc.stderr.read().decode()[-2000:]
    job = row(inst, pk)
    assert (job["status"], job["attempt"], job["interruptions"]) == ("failed", 3, 3)
    assert job["message"] == "Không hoàn thành: bị gián đoạn 3 lần — hãy yêu cầu tạo lại tệp"
    assert not any(n.startswith(job["token"]) for n in stored(inst))     # no part file, no file
    assert inst.sql("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")[0][0] == 0

"""What happens to a job whose worker died, decided by the next worker (chungtay.jobs.recovery),
and what its page says — in Vietnamese, and in English when switched. In-process, on the test
database; the real SIGKILLed worker is tests/test_worker_kill.py."""
from __future__ import annotations

import os
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from chungtay.accounts.models import AuditEvent
from chungtay.imports import actions, tasks
from chungtay.imports.models import ImportJob
from chungtay.jobs import housekeeping, liveness, recovery
from chungtay.jobs.worker import Worker


@pytest.fixture(autouse=True)
def own_data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path         # worker locks, uploads and progress files of this test only


@pytest.fixture
def job(commune_officer, my_commune):
    return actions.create_job(commune_officer, my_commune, [SimpleUploadedFile("ds.xlsx", b"PK\x03\x04 not real")])


def claim_by_dead_worker(job) -> DBTaskResult:
    """As if a worker claimed the job's task, started it and was then killed."""
    task = Worker("dead-worker-1").claim()
    assert task is not None and str(task.pk) == job.task_id
    ImportJob.objects.filter(pk=job.pk).update(status="applying", attempt=1)
    return task


def test_a_task_of_a_live_worker_is_left_alone(job):
    with liveness.WorkerLock() as worker_id:
        assert Worker(worker_id).claim() is not None
        assert recovery.recover_abandoned() == []
    assert recovery.recover_abandoned() == [(job.task_id, recovery.RETRY)]    # its lock is gone with it


def test_a_job_whose_worker_died_is_queued_again_and_says_so(client, commune_officer, job):
    claim_by_dead_worker(job)
    assert recovery.recover_abandoned() == [(job.task_id, recovery.RETRY)]
    job.refresh_from_db()
    assert (job.status, job.interruptions) == ("queued", 1)
    assert DBTaskResult.objects.get(pk=job.task_id).status == "READY"
    assert actions.upload_dir().joinpath(job.files[0]["path"].split("/")[1]).is_dir()     # kept for the retry
    client.force_login(commune_officer)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Bị gián đoạn (máy chủ khởi động lại) – đang thử lại (lần 2/3)" in page
    client.cookies["chungtay_lang"] = "en"
    data = client.get(reverse("imports:job_json", args=[job.pk])).json()
    assert data["note"] == "Interrupted (the server restarted) – retrying (attempt 2/3)"
    assert data["status_label"] == "Queued" and not data["finished"]


def test_after_three_interruptions_the_job_fails_and_its_files_are_deleted(client, commune_officer, job):
    for attempt in (1, 2, 3):
        Worker(f"dead-worker-{attempt}").claim()
        assert recovery.recover_abandoned() == [(job.task_id, recovery.FAILED if attempt == 3 else recovery.RETRY)]
    job.refresh_from_db()
    assert (job.status, job.interruptions, job.error_total) == ("failed", 3, 1)
    assert job.message == "Không hoàn thành: bị gián đoạn 3 lần, chưa ghi gì — hãy nhập lại"
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"
    assert not any((actions.upload_dir().parent / f["path"]).exists() for f in job.files)
    assert Worker("w").claim() is None                        # nothing left to run
    client.force_login(commune_officer)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Không hoàn thành: bị gián đoạn 3 lần" in page and "Không nhập được — chưa ghi gì" in page
    client.cookies["chungtay_lang"] = "en"
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Not completed: interrupted 3 times, nothing was written" in page


def test_a_worker_killed_after_its_commit_leaves_a_done_job_not_a_retry(job, my_commune):
    claim_by_dead_worker(job)
    counts = {"households": {"created": 3, "updated": 0, "unchanged": 0}}
    AuditEvent.objects.create(actor=job.user, action="import.apply", object_type="import", object_id=f"job:{job.pk}",
                              unit=my_commune, changes={"files": ["ds.xlsx"], "counts": counts, "rows": {"Ho": 3}})
    assert recovery.recover_abandoned() == [(job.task_id, recovery.DONE)]
    job.refresh_from_db()
    assert (job.status, job.counts, job.interruptions) == ("done", counts, 0)
    assert DBTaskResult.objects.get(pk=job.task_id).status == "SUCCESSFUL"
    assert not any((actions.upload_dir().parent / f["path"]).exists() for f in job.files)


def test_the_page_says_when_no_worker_is_running(client, commune_officer, job):
    client.force_login(commune_officer)
    url = reverse("imports:job_json", args=[job.pk])
    assert client.get(url).json()["waiting"] is True
    assert "Chưa có tiến trình xử lý nền nào đang chạy" in client.get(reverse("imports:job", args=[job.pk])).content.decode()
    with liveness.WorkerLock():
        assert client.get(url).json()["waiting"] is False


def test_a_job_claimed_twice_runs_once(job):
    """The claim on the job row (queued → validating) keeps a second run from starting."""
    ImportJob.objects.filter(pk=job.pk).update(status="validating")
    assert actions.run_job(job.pk).status == "validating"


def test_housekeeping_deletes_uploads_no_job_needs_once_an_hour_old(job, tmp_path):
    root = actions.upload_dir()
    kept = root / job.files[0]["path"].split("/")[1]
    fresh, old = root / "fresh-orphan", root / "old-orphan"
    for d in (fresh, old):
        d.mkdir()
        (d / "0.xlsx").write_bytes(b"x")
    hour_ago = time.time() - tasks.ORPHAN_UPLOADS_AFTER.total_seconds() - 5
    for d in (old, kept):
        os.utime(d, (hour_ago, hour_ago))
    housekeeping.run()
    assert kept.is_dir() and fresh.is_dir() and not old.exists()
    # once the job has ended its folder is not needed any more (normally deleted at the end already)
    ImportJob.objects.filter(pk=job.pk).update(status="failed")
    housekeeping.run()
    assert not kept.exists()


def test_uploads_are_readable_by_the_app_user_only(job):
    path = actions.upload_dir().parent / job.files[0]["path"]
    assert actions.upload_dir().stat().st_mode & 0o777 == 0o700
    assert path.parent.stat().st_mode & 0o777 == 0o700 and path.stat().st_mode & 0o777 == 0o600


def test_a_job_done_after_an_interruption_says_so_in_the_users_language(client, commune_officer, job):
    ImportJob.objects.filter(pk=job.pk).update(status="done", progress=100, message="Đã nhập xong", attempt=2,
                                               interruptions=1, counts={})
    client.force_login(commune_officer)
    page = client.get(reverse("imports:job", args=[job.pk])).content.decode()
    assert "Đã bị gián đoạn 1 lần trước đó; đây là lần thử thứ 2" in page and "Đã nhập xong" in page
    client.cookies["chungtay_lang"] = "en"
    data = client.get(reverse("imports:job_json", args=[job.pk])).json()
    assert data["note"] == "Interrupted 1 time(s) before; this was attempt 2" and data["message"] == "Imported"


def test_housekeeping_fails_a_job_whose_task_ended_without_recording_it(job):
    """E.g. the database failed while the worker saved the result: the job must not stay 'running'."""
    ImportJob.objects.filter(pk=job.pk).update(status="applying")
    DBTaskResult.objects.filter(pk=job.task_id).update(status="FAILED")
    housekeeping.run()
    job.refresh_from_db()
    assert (job.status, job.message) == ("failed", actions.SYSTEM_ERROR)
    assert not any((actions.upload_dir().parent / f["path"]).exists() for f in job.files)

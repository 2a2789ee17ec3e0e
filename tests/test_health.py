"""``/healthz`` for monitoring: no log-in, JSON without personal data, 503 when the database is
unreachable, the worker reported stale when jobs wait (docs/deploy.md, "Health check")."""
from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError
from django.test import Client
from django.utils import timezone

from chungtay.imports.models import ImportJob
from chungtay.web import health

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(settings, tmp_path):
    """A live worker as the health check sees it: a process holding its lock (here: this one)."""
    from chungtay.jobs.liveness import WorkerLock
    settings.DATA_DIR = tmp_path
    with WorkerLock() as wid:
        yield wid


def test_it_answers_ok_without_login_or_cookies(worker):
    r = Client().get("/healthz")
    assert r.status_code == 200
    assert r["Content-Type"] == "application/json"
    assert r.json() == {"status": "ok", "database": "ok", "worker": "ok"}
    assert "no-cache" in r["Cache-Control"] or "max-age=0" in r["Cache-Control"]
    assert not r.cookies, "a health check must not start a session"


def test_it_holds_no_personal_data(commune_officer):
    from chungtay.households.models import Member
    r = Client().get("/healthz")
    body = r.content.decode()
    assert set(r.json()) == {"status", "database", "worker"}
    names = list(Member.objects.values_list("full_name", flat=True)[:50])
    assert names and not any(n in body for n in names)


def test_it_answers_503_when_the_database_is_unreachable(monkeypatch):
    def down(self, *a, **k):
        raise OperationalError("could not connect to server")
    from django.db.backends.base.base import BaseDatabaseWrapper
    monkeypatch.setattr(BaseDatabaseWrapper, "cursor", down)
    r = Client(raise_request_exception=False).get("/healthz")
    assert r.status_code == 503
    assert r.json() == {"status": "error", "database": "unreachable", "worker": "unknown"}
    assert b"could not connect" not in r.content


def test_it_reports_a_stale_worker_when_a_job_waits_too_long(worker, commune_officer, my_commune):
    job = ImportJob.objects.create(user=commune_officer, commune=my_commune, files=[])
    assert Client().get("/healthz").json()["worker"] == "ok"          # just queued: fine
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - health.stale_after() - timedelta(seconds=5))
    r = Client().get("/healthz")
    assert r.status_code == 200 and r.json() == {"status": "ok", "database": "ok", "worker": "stale"}
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.VALIDATING, started_at=timezone.now())
    assert Client().get("/healthz").json()["worker"] == "ok"          # picked up: fine again


def test_it_reports_a_stale_worker_when_none_is_running(settings, tmp_path):
    from chungtay.jobs.liveness import WorkerLock
    settings.DATA_DIR = tmp_path
    assert Client().get("/healthz").json() == {"status": "ok", "database": "ok", "worker": "stale"}
    with WorkerLock():
        assert Client().get("/healthz").json()["worker"] == "ok"
    assert Client().get("/healthz").json()["worker"] == "stale"       # it stopped


def test_it_refuses_writes():
    assert Client().post("/healthz").status_code == 405

"""A province's radar or outcomes for choices never asked before (another year, one kind of support)
are not computed in the request: the page answers at once (202, in Vietnamese, reloading itself),
the job worker computes them once however many reads come meanwhile, and the next read shows them —
the same figures as computed live. A download waits for them; a worker that does not answer within
``QUEUED_FOR`` seconds is not waited for."""
import datetime as dt

import pytest
from django.utils import timezone

from chungtay.support import prepared
from chungtay.support.models import PreparedAnalysis
from chungtay.support.radar import compute_outcomes, compute_radar, radar_for
from tests.support_helpers import run_worker
from tests.test_prepared_radar import _same_radar


@pytest.fixture
def province(my_commune):
    return my_commune.parent


def _queued():
    from django_tasks_db.models import DBTaskResult
    return DBTaskResult.objects.filter(task_path="chungtay.support.tasks.prepare_analysis", status="READY").count()


def test_a_new_year_is_computed_by_the_worker_and_then_shown(client, province_officer, province, monkeypatch,
                                                               django_capture_on_commit_callbacks):
    client.force_login(province_officer)
    url = f"/support/radar/?unit={province.pk}&year=2024"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.get(url)
        again = client.get(url)                               # a second read meanwhile: no second task
    for r in (first, again):
        page = r.content.decode()
        assert r.status_code == 202 and r["Retry-After"] == "3" and 'http-equiv="refresh"' in page
        assert "Hệ thống đang tính trong nền" in page
    assert _queued() == 1
    row = PreparedAnalysis.objects.get(kind="radar", unit=province, params="latest=2025&year=2024")
    assert row.stamp == prepared.QUEUED
    assert run_worker() == 1
    row.refresh_from_db()
    assert row.stamp == prepared.stamp(province)
    monkeypatch.setattr(prepared, "_compute", lambda *a: pytest.fail("the shown page computed the figures"))
    shown = client.get(url)
    assert shown.status_code == 200 and "Hệ thống đang tính" not in shown.content.decode()
    monkeypatch.undo()
    _same_radar(radar_for(province_officer, province, 2024, 2025), compute_radar(None, province, 2024, 2025))


def test_outcomes_of_one_kind_too(client, province_officer, province, django_capture_on_commit_callbacks):
    client.force_login(province_officer)
    url = f"/support/outcomes/?unit={province.pk}&kind=livestock"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    assert run_worker() == 1
    r = client.get(url)
    assert r.status_code == 200
    row = PreparedAnalysis.objects.get(kind="outcomes", unit=province, params__contains="kind=livestock")
    o = prepared._outcomes_in(row.payload)
    assert o == compute_outcomes(None, province, 2023, 2025, "", "livestock", 2025)


def test_a_download_waits_and_a_silent_worker_is_not_waited_for(client, province_officer, province,
                                                                django_capture_on_commit_callbacks):
    client.force_login(province_officer)
    r = client.get(f"/support/radar/?unit={province.pk}&year=2023&format=csv&list=persistent")
    assert r.status_code == 200 and r["Content-Type"].startswith("text/csv")
    url = f"/support/radar/?unit={province.pk}&year=2022"
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(url).status_code == 202
    PreparedAnalysis.objects.filter(params="latest=2025&year=2022").update(
        computed_at=timezone.now() - dt.timedelta(seconds=prepared.QUEUED_FOR + 1))   # the worker never came
    assert client.get(url).status_code == 200                  # computed in the request rather than never
    assert PreparedAnalysis.objects.get(params="latest=2025&year=2022").stamp == prepared.stamp(province)


def test_a_commune_is_computed_in_the_request(client, commune_officer, my_commune):
    client.force_login(commune_officer)
    assert client.get(f"/support/radar/?unit={my_commune.pk}&year=2024").status_code == 200
    assert not PreparedAnalysis.objects.filter(unit=my_commune).exists()

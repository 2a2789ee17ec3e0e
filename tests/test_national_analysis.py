"""The national page (analysis app, issue 13): DuckDB over a Parquet snapshot the worker builds gives
the figures the province pages give (the test world's households all live in one province), the
page waits for the worker and then says as of when, and a snapshot is rebuilt only when the data
changed and the hour has passed."""
import datetime as dt

import pyarrow.parquet as pq
import pytest
from django.test import TestCase
from django.utils import timezone

from chungtay.analysis import national, snapshot
from chungtay.analysis.models import NationalFigure, Snapshot
from chungtay.core.radar_sql import RULES
from chungtay.households.models import Household
from chungtay.support import actions
from chungtay.support.radar import compute_outcomes, compute_radar
from tests.support_helpers import facts, run_worker

URL = "/analysis/national/"


@pytest.fixture
def data_dir(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    return tmp_path


@pytest.fixture
def supported(commune_officer, my_commune):
    """Supports to a few poor households of 2024 (so that the outcomes count someone)."""
    hhs = list(Household.objects.filter(commune=my_commune, assessments__year=2023, assessments__category="poor",
                                        assessments__is_current=True).order_by("id")[:12])
    for hh in hhs:
        actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2024, 3, 1)))
    return hhs


def _built() -> Snapshot:
    with TestCase.captureOnCommitCallbacks(execute=False):
        snap = snapshot.start()
    return snapshot.build(snap.pk)


def _figure(kind, params) -> dict:
    snap = snapshot.latest()
    row = NationalFigure.objects.create(snapshot=snap, kind=kind, params=national.key(**params), queued_at=timezone.now())
    assert national.compute(row.pk)
    row.refresh_from_db()
    return row.payload


def test_the_nation_counts_what_the_province_pages_list(data_dir, supported, my_commune):
    province = my_commune.parent
    snap = _built()
    assert snap.status == Snapshot.READY and snap.years[-1] == 2025 and snap.assessments > 0 and snap.supports == 12
    got = _figure(NationalFigure.RADAR, {"year": 2025, "latest": 2025})
    want = compute_radar(None, province, 2025, 2025)
    assert got["latest_year"] == 2025
    assert got["counts"] == {rule: len(getattr(want, rule)) for rule in RULES}
    assert got["by_province"] == {province.code: {r: n for r, n in got["counts"].items() if n}}
    assert got["counts"]["unsupported"] > 0 and got["counts"]["persistent"] > 0


def test_the_nation_outcomes_are_the_province_outcomes(data_dir, supported, my_commune):
    province = my_commune.parent
    _built()
    got = _figure(NationalFigure.OUTCOMES, {"first": 2024, "last": 2025, "programme": "", "kind": "", "latest": 2025})
    want = compute_outcomes(None, province, 2024, 2025, "", "", 2025)
    for name in ("supported", "eligible", "decided", "pending", "escaped", "stayed_1_n", "stayed_1", "repoverty_n",
                 "repoverty", "value_vnd"):
        assert got[name] == getattr(want, name), name
    assert got["supported"] == 12 and got["eligible"] > 0
    assert "escaped_ids" not in got                     # counts only are kept


def test_the_snapshot_holds_codes_not_people(data_dir, supported):
    snap = _built()
    root = snapshot.path_of(snap)
    names = {c for f in root.rglob("*.parquet") for c in pq.read_schema(f).names}
    assert "household_code" in names and not {"head_name", "name", "id_number", "full_name", "description"} & names
    assert not list(data_dir.glob("analysis/*.part"))
    text = b"".join(f.read_bytes() for f in root.rglob("*.parquet"))
    head = Household.objects.order_by("id").first().members.order_by("id").first()
    assert head.full_name.encode() not in text


def test_the_page_waits_for_the_worker_then_says_as_of_when(data_dir, client, admin_user, supported):
    client.force_login(admin_user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.get(URL)
    assert r.status_code == 202 and r["Retry-After"] and "Chưa có bản chụp dữ liệu toàn quốc" in r.content.decode()
    assert Snapshot.objects.filter(status=Snapshot.BUILDING).count() == 1
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert client.get(URL).status_code == 202        # asked once: no second snapshot
        assert run_worker() >= 1                          # the snapshot, then the page's default figures
    assert Snapshot.objects.filter(status=Snapshot.BUILDING).count() == 0
    r = client.get(URL)
    page = r.content.decode()
    assert r.status_code == 200, page[:500]
    snap = snapshot.latest()
    local = timezone.localtime(snap.started_at)
    assert f"{local:%H:%M %d/%m/%Y}" in page and 'id="radar-by-province"' in page
    assert 'data-figure="supported">12<' in page and "Có số liệu tạm tính" not in page
    row = NationalFigure.objects.get(snapshot=snap, kind="radar")
    row.payload.update(provisional=5, rows=10)            # a tenth of the year's results not yet recognised
    row.save(update_fields=["payload"])
    page = client.get(URL).content.decode()
    assert "Có số liệu tạm tính" in page and "5 / 10" in page
    csv = client.get(URL + "?format=csv")
    lines = csv.content.decode("utf-8-sig").splitlines()
    assert csv["Content-Type"].startswith("text/csv") and lines[0].startswith("province_code,province,persistent,")
    assert len(lines) == 3 and lines[2].startswith(",Toàn quốc,") and lines[1].split(",")[2:7] == lines[2].split(",")[2:7]
    # another choice: asked of the worker, then shown
    with TestCase.captureOnCommitCallbacks(execute=True):
        r = client.get(URL + "?from=2025&to=2025&kind=cash")
    assert r.status_code == 202 and "đang được tính trong nền" in r.content.decode()
    assert run_worker() == 1
    assert client.get(URL + "?from=2025&to=2025&kind=cash").status_code == 200


def test_only_the_nation_sees_it(data_dir, client, province_officer, commune_officer, django_user_model):
    assert client.get(URL).status_code == 302                     # signed out: the sign-in page
    for user in (province_officer, commune_officer):
        client.force_login(user)
        assert client.get(URL).status_code == 404
        assert "Toàn quốc</a>" not in client.get("/support/radar/").content.decode()
    assert not Snapshot.objects.exists()
    from chungtay.accounts.models import Assignment
    central = django_user_model.objects.create(username="tw-front")      # the Front's Central Committee
    Assignment.objects.create(user=central, unit=None, role="front_committee")
    client.force_login(central)
    assert "Toàn quốc</a>" in client.get("/support/").content.decode()
    assert client.get(URL).status_code == 202 and Snapshot.objects.exists()


def test_a_snapshot_is_rebuilt_only_when_the_data_changed_and_the_hour_passed(data_dir, commune_officer, supported):
    now = timezone.now()
    with TestCase.captureOnCommitCallbacks(execute=False):
        assert snapshot.refresh_if_due(now) == 1                  # none yet
        assert snapshot.refresh_if_due(now) == 0                  # one is being built
        assert snapshot.start(now) is None                        # two workers at once: one build
    first = snapshot.build(Snapshot.objects.get().pk)
    later = now + dt.timedelta(seconds=snapshot.EVERY + 1)
    assert snapshot.refresh_if_due(now + dt.timedelta(seconds=60)) == 0
    assert snapshot.refresh_if_due(later) == 0                    # nothing changed
    first.refresh_from_db()
    assert first.checked_at == later
    hh = supported[0]
    actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2025, 3, 1)))
    assert snapshot.refresh_if_due(later + dt.timedelta(seconds=60)) == 0     # checked less than an hour ago
    with TestCase.captureOnCommitCallbacks(execute=False):
        assert snapshot.refresh_if_due(later + dt.timedelta(seconds=snapshot.EVERY + 1)) == 1
    second = snapshot.build(Snapshot.objects.get(status=Snapshot.BUILDING).pk)
    assert second.supports == 13
    first.refresh_from_db()
    assert first.status == Snapshot.REPLACED and snapshot.path_of(first).is_dir()      # the one before is kept
    with TestCase.captureOnCommitCallbacks(execute=False):
        third = snapshot.build(snapshot.start().pk)
    assert not snapshot.path_of(first).exists() and snapshot.path_of(second).is_dir() and snapshot.path_of(third).is_dir()


def test_a_database_without_supports_gives_figures(data_dir, db):
    snap = _built()
    assert snap.supports == 0 and not (snapshot.path_of(snap) / "supports").exists()
    got = _figure(NationalFigure.OUTCOMES, {"first": 2024, "last": 2025, "programme": "", "kind": "", "latest": None})
    assert got["supported"] == 0 and got["latest_year"] == 2025
    got = _figure(NationalFigure.RADAR, {"year": 2025, "latest": None})
    assert got["counts"]["unsupported"] > 0 and got["counts"]["pledges"] == 0


def test_a_figure_that_cannot_be_computed_says_so(data_dir, client, admin_user, supported):
    snap = _built()
    (snapshot.path_of(snap) / "pledges.parquet").write_bytes(b"not parquet")
    client.force_login(admin_user)
    with TestCase.captureOnCommitCallbacks(execute=True):
        client.get(URL)
    run_worker()
    r = client.get(URL)
    assert r.status_code == 202 and "Không tính được số liệu cho lựa chọn này" in r.content.decode()
    assert NationalFigure.objects.filter(kind="radar").exclude(message="").exists()


def test_a_new_snapshot_links_the_files_that_did_not_change(data_dir, commune_officer, supported):
    from chungtay.snapshots import export
    first = _built()
    assert first.reused == 0
    root1 = snapshot.path_of(first)
    files = sorted(p.relative_to(root1) for p in root1.rglob("*.parquet") if p.parent != root1)
    hh = supported[0]
    actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2025, 3, 1)))     # a new partition
    actions.record_support(commune_officer, hh, facts(hh, date=dt.date(2024, 4, 1)))     # a changed one
    second = _built()
    root2 = snapshot.path_of(second)
    assert second.reused == len(files) - 1 and second.supports == 14
    changed = root2 / "supports" / "year=2024"
    assert all((root2 / f).stat().st_ino == (root1 / f).stat().st_ino for f in files
               if not str(f).startswith("supports/year=2024"))
    assert all(p.stat().st_ino != (root1 / p.relative_to(root2)).stat().st_ino for p in changed.rglob("*.parquet"))
    fresh = data_dir / "fresh"
    written = export(fresh)
    assert sorted(p.relative_to(fresh) for p in written) == sorted(
        p.relative_to(root2) for p in root2.rglob("*.parquet") if p.parent != root2)
    for p in written:                                   # linked or written again: what a fresh export writes
        assert pq.read_table(p).equals(pq.read_table(root2 / p.relative_to(fresh))), p

"""The Parquet snapshot the national figures are computed from, and when the worker refreshes it.

A snapshot is the analysts' export (``chungtay.snapshots.export``: current periodic results by year
and province, supports by year and province) plus two files the export leaves out because analysts
outside do not need them: ``pledges.parquet`` (pledge id, household code, year, commune and
province codes) and ``gone.parquet`` (the codes of households that moved away, merged or died
out). Codes, categories and counts only. It is written to ``DATA_DIR/analysis/<id>.part`` and
renamed to ``DATA_DIR/analysis/<id>`` when whole, so a reader never sees half a snapshot.

When (:func:`refresh_if_due`, a freshener of the worker, every ``FRESHEN_EVERY`` seconds):

- no snapshot is ready or being built: build one now;
- the newest was started at least ``EVERY`` seconds ago and the data has changed since
  (:func:`stamp`; it is computed at most once every ``EVERY`` seconds): build a new one;
- a build that has run longer than ``GIVE_UP_AFTER`` is taken as lost (its worker died; the task's
  recovery also marks it failed) and the next check starts a new one.

So the national figures are at most ``EVERY`` seconds plus one build behind the database
(docs/analysis.md gives the build time measured), and the page says as of when.
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import shutil
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from .models import Snapshot

log = logging.getLogger("chungtay.analysis")
EVERY = 3600                 # seconds between two snapshots, at most (when the data has changed)
GIVE_UP_AFTER = 6 * 3600     # a snapshot still "building" after this is taken as lost


def folder() -> Path:
    d = Path(settings.DATA_DIR) / "analysis"
    d.mkdir(mode=0o700, parents=True, exist_ok=True)
    return d


def path_of(snap: Snapshot) -> Path:
    return folder() / str(snap.pk)


def latest() -> Snapshot | None:
    """The newest snapshot ready to be read."""
    return Snapshot.objects.filter(status=Snapshot.READY).order_by("-id").first()


def stamp() -> str:
    """What moves with every write the national figures depend on: the year summaries (every writer
    of periodic results rewrites those of its villages), the supports and pledges (append-only:
    their largest id), the households that ended, the recognised review rounds (they turn
    provisional results final)."""
    from chungtay.households.completeness import FINAL_STATES
    from chungtay.households.models import Household, YearSummary
    from chungtay.reviews.models import ReviewRound
    from chungtay.support.models import Pledge, Support
    s = YearSummary.objects.aggregate(n=Count("id"), m=Max("id"))
    sup = Support.objects.aggregate(m=Max("id"))["m"]
    pl = Pledge.objects.aggregate(m=Max("id"))["m"]
    ended = Household.objects.filter(~Q(status="active")).count()
    final = ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, state__in=FINAL_STATES).count()
    return f"s{s['n']}.{s['m'] or 0}/p{sup or 0}/g{pl or 0}/e{ended}/r{final}"


def refresh_if_due(now: dt.datetime | None = None) -> int:
    """Start a snapshot when one is due (module docstring); 1 if one was started, else 0."""
    now = now or timezone.now()
    building = Snapshot.objects.filter(status=Snapshot.BUILDING).order_by("-id").first()
    if building is not None:
        if now - building.started_at < dt.timedelta(seconds=GIVE_UP_AFTER):
            return 0
        Snapshot.objects.filter(pk=building.pk).update(status=Snapshot.FAILED, message="lost (no answer in time)")
    last = latest()
    if last is not None:
        since = max(last.started_at, last.checked_at or last.started_at)
        if now - since < dt.timedelta(seconds=EVERY):
            return 0
        if stamp() == last.stamp:
            Snapshot.objects.filter(pk=last.pk).update(checked_at=now)
            return 0
    return int(start(now) is not None)


def start(now: dt.datetime | None = None) -> Snapshot | None:
    """A new snapshot, built by the worker (tasks.build_snapshot); None when another worker or page
    started one at the same moment."""
    try:
        with transaction.atomic():
            snap = Snapshot.objects.create(started_at=now or timezone.now())
    except IntegrityError:
        return None
    from .tasks import build_snapshot
    transaction.on_commit(lambda: build_snapshot.enqueue(snap.pk))
    return snap


def part_stamps() -> dict[str, str]:
    """What moves with every write to one file of the export: "assessments/<year>/<province id>" — the
    partition's year summaries (count, largest id), its recognised rounds and how many of its
    communes have results of a later year (both decide which rows are provisional,
    ``completeness.final_communes``); "supports/<year>/<province id>" — the partition's current
    supports (count) and largest id (a correction adds a row and retires one, in any partition)."""
    from chungtay.households.completeness import FINAL_STATES
    from chungtay.households.models import YearSummary
    from chungtay.reviews.models import ReviewRound
    from chungtay.support.models import Support
    latest, province_of = {}, {}
    for c, p, y in YearSummary.objects.values_list("commune_id", "province_id").annotate(m=Max("year")).order_by():
        latest[c] = max(latest.get(c, 0), y)
        province_of[c] = p
    final: dict[tuple, int] = {}
    for y, c in (ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, state__in=FINAL_STATES)
                 .values_list("year", "commune_id")):
        final[(y, province_of.get(c))] = final.get((y, province_of.get(c)), 0) + 1
    out = {}
    for y, p, n, m in (YearSummary.objects.values_list("year", "province_id").annotate(n=Count("id"), m=Max("id"))
                       .order_by()):
        later = sum(1 for c, ly in latest.items() if ly > y and province_of[c] == p)
        out[f"assessments/{y}/{p}"] = f"{n}.{m}/r{final.get((y, p), 0)}/l{later}"
    for y, p, n, m in (Support.objects.values_list("year", "province_id")
                       .annotate(n=Count("id", filter=Q(is_current=True)), m=Max("id")).order_by()):
        out[f"supports/{y}/{p}"] = f"{n}.{m}"
    return out


PLEDGES = pa.schema([("pledge_id", pa.int64()), ("household_code", pa.string()), ("year", pa.int16()),
                     ("commune_code", pa.string()), ("province_code", pa.string())])
GONE = pa.schema([("household_code", pa.string())])


def build(pk: int) -> Snapshot | None:
    """Write the snapshot ``pk`` and mark it ready (the older ones replaced: their files are
    deleted, but for the one before, which a computation may still be reading)."""
    snap = Snapshot.objects.filter(pk=pk, status=Snapshot.BUILDING).first()
    if snap is None:
        return None
    from django.db import connection

    from chungtay.snapshots import export
    t = time.perf_counter()
    st = stamp()                  # before reading: a write during the build moves the stamp, so the next check rebuilds
    part = folder() / f"{pk}.part"
    shutil.rmtree(part, ignore_errors=True)
    parts = part_stamps()
    before = latest()
    reused = []

    def reuse(kind: str, year: int, province_id: int, path: Path) -> bool:
        """Link the file of the snapshot before when its partition has not changed since."""
        k = f"{kind}/{year}/{province_id}"
        if before is None or before.parts.get(k) != parts.get(k):
            return False
        old = path_of(before) / path.relative_to(part)
        try:
            os.link(old, path)
        except OSError:            # gone, or another file system: export it again
            return False
        reused.append(k)
        return True
    files = export(part, reuse=reuse)
    with connection.cursor() as cur:
        cur.execute("SELECT p.id, h.code, p.year, c.code, pr.code FROM support_pledge p "
                    "JOIN households_household h ON h.id = p.household_id JOIN units_unit c ON c.id = p.commune_id "
                    "JOIN units_unit pr ON pr.id = p.province_id ORDER BY p.id")
        rows = cur.fetchall()
        pq.write_table(pa.table([pa.array(c, f.type) for c, f in zip(zip(*rows), PLEDGES)] if rows
                                else [pa.array([], f.type) for f in PLEDGES], schema=PLEDGES), part / "pledges.parquet")
        cur.execute("SELECT code FROM households_household WHERE status <> 'active' ORDER BY code")
        gone = [r[0] for r in cur.fetchall()]
        pq.write_table(pa.table([pa.array(gone, pa.string())], schema=GONE), part / "gone.parquet")
    counts = {"assessments": 0, "supports": 0}
    held = set()
    for f in files:
        counts["supports" if f.name == "supports.parquet" else "assessments"] += pq.read_metadata(f).num_rows
        if f.name == "assessments.parquet":
            held.add(int(f.parent.parent.name.removeprefix("year=")))
    final = path_of(snap)
    shutil.rmtree(final, ignore_errors=True)
    part.rename(final)
    with transaction.atomic():
        n = Snapshot.objects.filter(pk=pk, status=Snapshot.BUILDING).update(
            status=Snapshot.READY, finished_at=timezone.now(), stamp=st, seconds=round(time.perf_counter() - t, 3),
            years=sorted(held), parts=parts, reused=len(reused), **counts)
        if not n:                  # taken as lost meanwhile: its files go
            shutil.rmtree(final, ignore_errors=True)
            return None
        older = list(Snapshot.objects.filter(status=Snapshot.READY, id__lt=pk).order_by("-id").values_list("id", flat=True))
        Snapshot.objects.filter(id__in=older).update(status=Snapshot.REPLACED)
    sweep(keep={pk, *older[:1]})
    log.info("analysis snapshot %s: %s results, %s supports, %s of %s files unchanged, %.1f s", pk,
             counts["assessments"], counts["supports"], len(reused), len(files), time.perf_counter() - t)
    snap.refresh_from_db()
    return snap


def sweep(keep: set[int]) -> None:
    """Delete the files of every snapshot but ``keep`` (and but those being built)."""
    building = set(Snapshot.objects.filter(status=Snapshot.BUILDING).values_list("id", flat=True))
    for p in folder().iterdir():
        stem = p.name.removesuffix(".part")
        if stem.isdigit() and int(stem) not in keep | building:
            shutil.rmtree(p, ignore_errors=True)


def failed(pk: int, message: str) -> None:
    Snapshot.objects.filter(pk=pk, status=Snapshot.BUILDING).update(status=Snapshot.FAILED, message=message[:300])
    shutil.rmtree(folder() / f"{pk}.part", ignore_errors=True)

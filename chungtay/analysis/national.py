"""The nation's radar (its five lists counted by province) and outcomes of support, computed by DuckDB
over the newest snapshot (:mod:`.snapshot`) and kept per snapshot and parameters
(:class:`NationalFigure`). A read answers from the kept figures; figures never computed for the
snapshot and parameters are asked of the worker (the page says so and reloads itself), so no
request ever scans the nation. Only counts are kept: the lists themselves stay on the province pages.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass, fields

from django.db import IntegrityError, transaction
from django.utils import timezone

from chungtay.core import radar_sql as rs

from . import snapshot as snaps
from .models import NationalFigure, Snapshot

log = logging.getLogger("chungtay.analysis")
RETRY_AFTER = dt.timedelta(minutes=15)   # a figure asked this long ago and never computed is asked again
THREADS = 2                  # DuckDB threads: the worker shares the machine with the web server
MEMORY = "2GB"               # DuckDB's memory limit (it spills to disk beyond it)


def key(**kw) -> str:
    return "&".join(f"{k}={kw[k]}" for k in sorted(kw))


def parse(k: str) -> dict:
    out = {}
    for part in k.split("&"):
        name, _, v = part.partition("=")
        out[name] = (None if v == "None" else int(v)) if name in ("year", "latest", "first", "last") else v
    return out


@dataclass
class Answer:
    snapshot: Snapshot | None       # None: no snapshot yet (one is being built)
    payload: dict | None            # None: being computed (or failed)
    failed: bool = False            # the computation failed (the log says why); asked again later


def _get(kind: str, params: dict) -> Answer:
    snap = snaps.latest()
    if snap is None:
        if not Snapshot.objects.filter(status=Snapshot.BUILDING).exists():
            snaps.start()
        return Answer(None, None)
    k = key(**params)
    row = NationalFigure.objects.filter(snapshot=snap, kind=kind, params=k).first()
    if row is not None and row.computed_at is None and timezone.now() - row.queued_at > RETRY_AFTER:
        NationalFigure.objects.filter(pk=row.pk, computed_at=None).delete()
        row = None
    if row is None:
        try:
            with transaction.atomic():
                row = NationalFigure.objects.create(snapshot=snap, kind=kind, params=k, queued_at=timezone.now())
        except IntegrityError:          # another read asked at the same moment
            return Answer(snap, None)
        from .tasks import compute_national_figure
        transaction.on_commit(lambda: compute_national_figure.enqueue(row.pk))
        return Answer(snap, None)
    return Answer(snap, row.payload if row.computed_at else None, failed=bool(row.message))


def radar(year: int, latest: int | None) -> Answer:
    """The radar for the reference ``year`` from the results of ``latest`` (None: the newest year
    of the snapshot)."""
    return _get(NationalFigure.RADAR, {"year": year, "latest": latest})


def outcomes(first: int, last: int, programme: str = "", kind: str = "", latest: int | None = None) -> Answer:
    """The outcomes of the supports of ``first … last`` counting the results up to ``latest``."""
    return _get(NationalFigure.OUTCOMES, {"first": first, "last": last, "programme": programme, "kind": kind,
                                          "latest": latest})


# --------------------------------------------------------------------------- the worker's part

def connect():
    import duckdb
    return duckdb.connect(config={"threads": THREADS, "memory_limit": MEMORY})


_NONE = "(SELECT {} WHERE FALSE)"
# a table of the export with no file (a database without supports, or without results): no rows
NO_ASSESSMENTS = _NONE.format(", ".join(
    ["NULL::VARCHAR AS household_code", "NULL::SMALLINT AS year", "NULL::VARCHAR AS category",
     "NULL::VARCHAR AS standard", "NULL::VARCHAR AS area", "NULL::VARCHAR AS basis", "NULL::BIGINT AS income",
     "NULL::VARCHAR AS commune_code", "NULL::VARCHAR AS province_code", "NULL::BOOLEAN AS provisional"]
    + [f"NULL::BOOLEAN AS dep_{i}" for i in range(1, 13)]))
NO_SUPPORTS = _NONE.format(", ".join(
    ["NULL::VARCHAR AS household_code", "NULL::SMALLINT AS year", "NULL::VARCHAR AS kind", "NULL::BIGINT AS value_vnd",
     "NULL::VARCHAR AS status", "NULL::VARCHAR AS part_code", "NULL::VARCHAR AS commune_code",
     "NULL::VARCHAR AS province_code"]))


def tables(snap: Snapshot, latest: int | None = None) -> rs.Tables:
    root = snaps.path_of(snap)
    t = rs.export_tables(root, pledges=f"read_parquet('{root / 'pledges.parquet'}')",
                         gone=f"read_parquet('{root / 'gone.parquet'}')")
    if not any(root.glob("year=*/province=*/*.parquet")):
        t.assessments = NO_ASSESSMENTS
    if not any(root.glob("supports/year=*/province=*/*.parquet")):
        t.supports = NO_SUPPORTS
    if latest is not None:
        t.assessments = f"(SELECT * FROM {t.assessments} WHERE year <= {int(latest)})"
    return t


def _provisional(con, t: rs.Tables, year: int | None) -> dict:
    if year is None:
        return {"rows": 0, "provisional": 0}
    n, p = con.execute(f"SELECT count(*), count(*) FILTER (WHERE provisional) FROM {t.assessments} "
                       f"WHERE year = {int(year)}").fetchone()
    return {"rows": int(n), "provisional": int(p)}


def compute_radar(con, snap: Snapshot, params: dict) -> dict:
    t = tables(snap)
    r = rs.radar(con, t, None, params["year"], params["latest"])
    return {"year": r.year, "latest_year": r.latest_year, "counts": r.counts(),
            "by_province": rs.by_province(con, t, r), **_provisional(con, t, r.latest_year)}


def compute_outcomes(con, snap: Snapshot, params: dict) -> dict:
    t = tables(snap, params["latest"])
    o = rs.outcomes(con, t, params["first"], params["last"], None, params["kind"], params["programme"])
    out = {f.name: getattr(o, f.name) for f in fields(o) if f.name not in ("escaped_ids", "repoverty_ids", "effect")}
    top = con.execute(f"SELECT max(year) FROM {t.assessments}").fetchone()[0]
    return {**out, "latest_year": None if top is None else int(top), **_provisional(con, t, top)}


COMPUTE = {NationalFigure.RADAR: compute_radar, NationalFigure.OUTCOMES: compute_outcomes}


def compute(pk: int) -> bool:
    """The worker's task: compute the figure ``pk`` (True when stored)."""
    row = NationalFigure.objects.select_related("snapshot").filter(pk=pk).first()
    if row is None or row.computed_at is not None:
        return False
    if not snaps.path_of(row.snapshot).is_dir():      # replaced twice since it was asked: the next read asks again
        row.delete()
        return False
    t = time.perf_counter()
    con = connect()
    try:
        payload = COMPUTE[row.kind](con, row.snapshot, parse(row.params))
    except Exception as e:             # noqa: BLE001 - the page says it could not be computed
        log.exception("national figure %s failed", pk)
        NationalFigure.objects.filter(pk=pk).update(message=f"{type(e).__name__}: {e}"[:300])
        return False
    finally:
        con.close()
    NationalFigure.objects.filter(pk=pk).update(payload=payload, computed_at=timezone.now(),
                                                seconds=round(time.perf_counter() - t, 3))
    return True


def prepare_defaults(snap: Snapshot, today_year: int) -> None:
    """Queue the figures the national page opens with (the worker, right after a snapshot)."""
    ys = snap.years                   # the review years the snapshot holds
    if not ys:
        return
    for kind, params in ((NationalFigure.RADAR, {"year": today_year, "latest": None}),
                         (NationalFigure.OUTCOMES, {"first": ys[-1] - 2, "last": ys[-1], "programme": "", "kind": "",
                                                    "latest": None})):
        row, _ = NationalFigure.objects.get_or_create(snapshot=snap, kind=kind, params=key(**params),
                                                      defaults={"queued_at": timezone.now()})
        if row.computed_at is None:
            compute(row.pk)

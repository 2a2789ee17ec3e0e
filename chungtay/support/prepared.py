"""Prepared radar and outcomes of a province (issue 10, part 8: the support pages within 300 ms).

A province's radar and outcomes read the history of every poor household and every support of
the province: about a second of work on the demo province. They are kept computed
(:class:`PreparedAnalysis`), one row per province, page (radar / outcomes) and parameters, with
the *stamp* of the data they came from:

- the year summaries of the province (count and largest id): every writer of periodic results
  deletes and re-inserts the summary rows of its villages in its own transaction
  (``households.summary.refresh``), so the largest id moves with every result written;
- the supports of the province (largest id: the ledger is append-only, a correction or a
  cancellation is a new row);
- the pledges of the province (largest id: a pledge is never edited or deleted);
- the households of the province that ended (moved away, merged, died out: a count).

A read computes the stamp (four indexed aggregates, a few milliseconds) and answers from the row
when the stamp matches. When it has moved (something was written since), a *page* answers at once
with the figures it has, says that they are being recomputed and as of when, and reloads itself: the
worker is asked once (``asked_at``) and recomputes them within seconds; if it has not answered
within ``QUEUED_FOR`` seconds the next read computes them itself. A CSV download and the API
(``wait=True``) compute them in the request instead: never stale. The worker also refreshes every
row read in the last ``KEEP_FRESH_DAYS`` days whose stamp has moved, every ``FRESHEN_EVERY``
seconds (:func:`refresh_stale`, ``jobs/housekeeping.py``), so that after a write the next read is
normally current; the demo loader prepares the default pages of its provinces
(:func:`prepare_defaults`).

Communes and villages are computed live (tens of milliseconds). The figures of a unit do not
depend on who asks: the views let a user ask only for a unit inside their area
(``unit_for_user``), and inside it every user's scoped rows are the unit's rows; the rows hold
counts and household ids only, like the pages.
"""
from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import asdict, fields

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from chungtay.core import outcomes as oc
from chungtay.core import radar as rc
from chungtay.core.effects import EffectResult
from chungtay.households.models import Household, YearSummary
from chungtay.units.models import Unit

from .models import Pledge, PreparedAnalysis, Support

log = logging.getLogger("chungtay.support")
KEEP_FRESH_DAYS = 14          # rows read more recently than this are kept fresh by the worker
# ... but at most once every FRESHEN_AFTER seconds each, unless a read asked for it: during the review
# season a save every few seconds moved the province's stamp, and recomputing its radar and outcomes
# every 15 s kept 0.15 of a core busy (docs/load.md); a read of a stale row shows it marked and asks
# the worker at once (_ask_refresh)
FRESHEN_AFTER = 300
LEVELS = (Unit.PROVINCE,)


def prepared(unit) -> bool:
    return unit.level in LEVELS


def stamp(unit) -> str:
    s = YearSummary.objects.filter(province=unit).aggregate(n=Count("id"), m=Max("id"))
    sup = Support.objects.filter(province=unit).aggregate(m=Max("id"))["m"]
    pl = Pledge.objects.filter(province=unit).aggregate(m=Max("id"))["m"]
    ended = Household.objects.filter(province=unit).filter(~Q(status="active")).count()
    return f"s{s['n']}.{s['m'] or 0}/p{sup or 0}/g{pl or 0}/e{ended}"


# --------------------------------------------------------------------------- (de)coding

WIDTH = {"persistent": 2, "unsupported": 2, "fell_back": 3, "pledges": 3}


def _columns(rows, width: int) -> list[list]:
    """Rows as columns (JSON of a few lists of numbers and short words reads several times faster
    than of one list per row)."""
    return [[r[i] for r in rows] for i in range(width)]


def _radar_out(r: rc.Radar) -> dict:
    d = {"latest_year": r.latest_year, "year": r.year,
         "fell_back_by_year": {str(k): v for k, v in r.fell_back_by_year.items()}}
    for name, width in WIDTH.items():
        d[name] = _columns(getattr(r, name), width)
    combos: dict[tuple, int] = {}        # (blocking indicators, fitting kinds) → its number: a few dozen
    d["near_escape"] = [[h for h, *_ in r.near_escape], [c for _, c, *_ in r.near_escape],
                        [combos.setdefault((b, k), len(combos)) for _, _, b, k in r.near_escape]]
    d["combos"] = [[list(b), list(k)] for b, k in combos]
    return d


def _radar_in(d: dict) -> rc.Radar:
    combos = [(tuple(b), tuple(k)) for b, k in d["combos"]]
    h, c, i = d["near_escape"]
    return rc.Radar(
        latest_year=d["latest_year"], year=d["year"],
        fell_back_by_year={int(k): v for k, v in d["fell_back_by_year"].items()},
        **{name: list(zip(*d[name])) for name in WIDTH},
        near_escape=[(h, c, *combos[i]) for h, c, i in zip(h, c, i)])


def _outcomes_out(o: oc.Outcomes) -> dict:
    d = {f.name: getattr(o, f.name) for f in fields(o) if f.name != "effect"}
    d["effect"] = None if o.effect is None else asdict(o.effect)
    return d


def _outcomes_in(d: dict) -> oc.Outcomes:
    effect = d.get("effect")
    return oc.Outcomes(**{**d, "effect": None if effect is None else EffectResult(**effect)})


CODECS = {PreparedAnalysis.RADAR: (_radar_out, _radar_in), PreparedAnalysis.OUTCOMES: (_outcomes_out, _outcomes_in)}


# --------------------------------------------------------------------------- reads

def _params(**kw) -> str:
    return "&".join(f"{k}={kw[k]}" for k in sorted(kw))


def _compute(kind: str, unit, params: dict):
    from . import radar as reads
    if kind == PreparedAnalysis.RADAR:
        return reads.compute_radar(None, unit, params["year"], params.get("latest", reads.DEFAULT))
    return reads.compute_outcomes(None, unit, params["first"], params["last"], params["programme"], params["kind"],
                                  params.get("through", reads.DEFAULT))


def _store(kind: str, unit, key: str, st: str, value, seconds: float, read: bool) -> None:
    now = timezone.now()
    values = {"stamp": st, "payload": CODECS[kind][0](value), "computed_at": now, "seconds": round(seconds, 3),
              "asked_at": None}
    if read:
        values["read_at"] = now
    try:
        with transaction.atomic():
            n = PreparedAnalysis.objects.filter(kind=kind, unit=unit, params=key).update(**values)
            if not n:
                PreparedAnalysis.objects.create(kind=kind, unit=unit, params=key, **{"read_at": now, **values})
    except IntegrityError:         # another request or the worker stored the same figures at the same moment
        pass


QUEUED = "queued"            # the stamp of a row whose first computation waits for the worker
QUEUED_FOR = 60              # seconds: after this a read stops waiting for the worker and computes


def _queue(kind: str, unit, key: str, row) -> bool:
    """Ask the worker for figures never computed for these parameters (a page answers at once and
    refreshes): a ``QUEUED`` row, written once for every concurrent read, then the task. False when
    the worker was asked more than ``QUEUED_FOR`` seconds ago and has not answered (the read computes)."""
    now = timezone.now()
    if row is not None:
        return row.stamp == QUEUED and now - row.computed_at < dt.timedelta(seconds=QUEUED_FOR)
    try:
        with transaction.atomic():
            PreparedAnalysis.objects.create(kind=kind, unit=unit, params=key, stamp=QUEUED, payload={},
                                            computed_at=now, read_at=now)
    except IntegrityError:         # another read queued it (or the worker stored it) at the same moment
        return True
    from .tasks import prepare_analysis
    transaction.on_commit(lambda: prepare_analysis.enqueue(kind, unit.pk, key))
    return True


def _ask_refresh(kind: str, unit, key: str, row) -> bool:
    """The stamp of ``row`` has moved: ask the worker once to recompute it. True while the worker has
    been asked less than ``QUEUED_FOR`` seconds ago (the page shows the figures it has), False when
    it has not answered in that time (the read computes)."""
    now = timezone.now()
    if row.asked_at is not None:
        return now - row.asked_at < dt.timedelta(seconds=QUEUED_FOR)
    if PreparedAnalysis.objects.filter(pk=row.pk, asked_at=None).update(asked_at=now):
        from .tasks import prepare_analysis
        transaction.on_commit(lambda: prepare_analysis.enqueue(kind, unit.pk, key))
    return True


def _compute_and_keep(kind: str, unit, key: str, st: str, read: bool):
    """(the figures computed now, whether they were stored): stored only when nothing was written
    meanwhile, so that a row's figures always belong to its stamp."""
    t = time.perf_counter()
    value = _compute(kind, unit, _parse(key))
    kept = stamp(unit) == st
    if kept:
        _store(kind, unit, key, st, value, time.perf_counter() - t, read=read)
    return value, kept


def _get(kind: str, unit, params: dict, wait: bool = True):
    """The figures; with ``wait=False`` None when they were never computed for these parameters
    (the worker is asked for them: the page says so and refreshes), and the figures computed before
    the latest write, with ``stale_since`` = when they were computed, while the worker recomputes them."""
    key = _params(**params)
    st = stamp(unit)
    row = (PreparedAnalysis.objects.filter(kind=kind, unit=unit, params=key)
           .only("stamp", "payload", "read_at", "computed_at", "asked_at").first())
    if row is not None and row.stamp == st:
        now = timezone.now()
        if now - row.read_at > dt.timedelta(hours=1):        # one write an hour at most, not one per read
            PreparedAnalysis.objects.filter(pk=row.pk).update(read_at=now)
        return CODECS[kind][1](row.payload)
    if not wait and (row is None or row.stamp == QUEUED) and _queue(kind, unit, key, row):
        return None
    if not wait and row is not None and row.stamp != QUEUED and _ask_refresh(kind, unit, key, row):
        value = CODECS[kind][1](row.payload)
        value.stale_since = row.computed_at        # the page says so, and as of when, and reloads itself
        return value
    return _compute_and_keep(kind, unit, key, st, read=True)[0]


def radar(unit, year: int, latest: int | None, wait: bool = True) -> rc.Radar | None:
    """The radar for the reference ``year`` from the results of ``latest`` (the results year is part
    of the row's parameters: recognising a round, which changes the default results year but not
    the stamp, never serves the figures of the other year). ``wait``: see :func:`_get`."""
    return _get(PreparedAnalysis.RADAR, unit, {"year": year, "latest": latest}, wait)


def outcomes(unit, first: int, last: int, programme: str = "", kind: str = "",
             through: int | None = None, wait: bool = True) -> oc.Outcomes | None:
    """The outcomes counting the results up to ``through`` (None: every year)."""
    return _get(PreparedAnalysis.OUTCOMES, unit, {"first": first, "last": last, "programme": programme, "kind": kind,
                                                  "through": through}, wait)


def compute_and_store(kind: str, unit_id: int, key: str) -> bool:
    """The worker's task (``support/tasks.py``): compute the figures of a queued row and store them,
    unless they are already there for the current stamp."""
    unit = Unit.objects.filter(pk=unit_id).first()
    if unit is None or kind not in CODECS:
        return False
    st = stamp(unit)
    if PreparedAnalysis.objects.filter(kind=kind, unit=unit, params=key, stamp=st).exists():
        return False
    return _compute_and_keep(kind, unit, key, st, read=False)[1]     # not kept: the next read computes again


# --------------------------------------------------------------------------- the worker

def _parse(key: str) -> dict:
    out = {}
    for part in key.split("&"):
        k, _, v = part.partition("=")
        out[k] = (None if v == "None" else int(v)) if k in ("year", "first", "last", "latest", "through") else v
    return out


def refresh_stale(limit: int = 50, budget: float = 10.0) -> int:
    """Recompute the rows read in the last KEEP_FRESH_DAYS days whose stamp has moved, each at most
    every FRESHEN_AFTER seconds unless a read asked for it (the most recently read first; no new one
    after ``budget`` seconds, so that jobs wait little); how many.
    Called by the worker every FRESHEN_EVERY seconds (jobs.housekeeping)."""
    start = time.perf_counter()
    now = timezone.now()
    since, recent = now - dt.timedelta(days=KEEP_FRESH_DAYS), now - dt.timedelta(seconds=FRESHEN_AFTER)
    done, stamps = 0, {}
    for row in (PreparedAnalysis.objects.filter(read_at__gte=since).select_related("unit")
                .only("kind", "unit", "params", "stamp", "computed_at", "asked_at").order_by("-read_at")[:limit]):
        if row.computed_at > recent and row.asked_at is None:
            continue          # computed in the last FRESHEN_AFTER seconds and nobody asked: later
        st = stamps.get(row.unit_id) or stamps.setdefault(row.unit_id, stamp(row.unit))
        if row.stamp == st:
            continue
        if time.perf_counter() - start > budget:
            break
        done += _compute_and_keep(row.kind, row.unit, row.params, st, read=False)[1]
    if done:
        log.info("prepared analyses refreshed: %s", done)
    return done


def default_outcome_params(latest: int, through: int | None = None) -> dict:
    """The outcomes page's parameters when opened from the menu (views_radar.outcomes): ``latest``
    is the default results year, ``through`` the results year counted (the same, when known)."""
    return {"first": latest - 2, "last": latest, "programme": "", "kind": "", "through": through}


def prepare_defaults(units, today: dt.date | None = None) -> int:
    """Compute the radar and the outcomes of these provinces as their pages open by default (the
    demo loader, after a bulk load): from the newest final results year; how many."""
    from . import radar as reads
    year = (today or dt.date.today()).year
    n = 0
    for unit in units:
        if not prepared(unit):
            continue
        latest = reads.results_year(None, unit).year
        radar(unit, year, latest)
        outcomes(unit, **default_outcome_params(latest or year, latest))
        n += 2
    return n

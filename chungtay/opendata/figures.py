"""The published figures: recognised province-years, their tables, suppressed (docs/opendata.md).

**Unit of publication: a province and a year.** A province's figures of a year — the province
row and one row per commune — are published when every commune of the province that takes part
in that year's review has its periodic review round of the year *recognised* by the commune
chairman (state ``recognised`` or ``locked``; the demo's loaded years have recognised rounds
"nhập từ số liệu lịch sử"). A commune takes part when it has results of the year, a periodic
round of the year, or results of the year before and none later (it has not entered them yet).
Publishing a province only whole means its table never changes as communes are recognised one
by one, so an earlier version cannot be subtracted from a later one to recover a small count.
The country row is published when every province holding results that year is published.

Figures are the current periodic results (YearSummary, the drill-down's source), summed per
commune with one GROUP BY; villages are not published (a village has tens of households: most
cells would be suppressed, and the village lists are posted publicly by law anyway).
The tables are cached (``CACHE_SECONDS``), keyed by the recognised rounds: a recognition shows
at once, a later correction of a recognised round's result within ``CACHE_SECONDS``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import Count, Max, Sum

from chungtay.core import fmt
from chungtay.households.models import YearSummary
from chungtay.reviews.models import ReviewRound
from chungtay.units.models import Unit

from . import suppress

FINAL = (ReviewRound.RECOGNISED, ReviewRound.LOCKED)
CACHE_SECONDS = 300
COUNTRY = "VN"
SUMS = {"households": "total", "poor": "poor", "near_poor": "near_poor", "em_households": "em_total",
        "em_poor": "em_poor"}


@dataclass
class Row:
    code: str
    name: str
    level: str                              # country, province, commune
    parent_code: str
    values: dict[str, int]                  # the five counts (suppressed ones included: never shown)
    marks: dict[str, str]                   # count -> "<5" | "x"
    communes: int = 0                       # communes taking part (province, country)
    communes_recognised: int = 0
    unit_id: int | None = None

    def shown(self, m: str) -> int | None:
        return None if m in self.marks else self.values[m]

    def rate(self, num: str, den: str) -> float | None:
        """A rate only when both of its counts are shown (it would give the hidden one away)."""
        if num in self.marks or den in self.marks or not self.values[den]:
            return None
        return round(100.0 * self.values[num] / self.values[den], 2)

    def rate_hidden(self, num: str, den: str) -> bool:
        return num in self.marks or den in self.marks

    @property
    def rates(self) -> dict[str, float | None]:
        return {"poverty_rate": self.rate("poor", "households"),
                "near_poverty_rate": self.rate("near_poor", "households"),
                "em_poverty_rate": self.rate("em_poor", "em_households"),
                "em_share_of_poor": self.rate("em_poor", "poor")}

    @property
    def rate_marks(self) -> dict[str, str]:
        pairs = {"poverty_rate": ("poor", "households"), "near_poverty_rate": ("near_poor", "households"),
                 "em_poverty_rate": ("em_poor", "em_households"), "em_share_of_poor": ("em_poor", "poor")}
        return {k: "x" for k, (a, b) in pairs.items() if self.rate_hidden(a, b)}


@dataclass
class Pending:
    """A province with results of the year whose figures are not published yet."""
    code: str
    name: str
    communes: int
    communes_recognised: int
    unit_id: int


@dataclass
class YearTables:
    year: int
    country: Row | None
    provinces: dict[int, Row]               # province id -> row (published provinces only)
    communes: dict[int, list[Row]]          # province id -> its commune rows
    pending: list[Pending] = field(default_factory=list)


# --- which province-years are published -------------------------------------------------------

def _fingerprint() -> str:
    agg = ReviewRound.objects.filter(kind=ReviewRound.PERIODIC).aggregate(m=Max("id"), n=Count("id"))
    final = ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, state__in=FINAL).count()
    return f"{agg['m'] or 0}.{agg['n']}.{final}"


def _may_cache() -> bool:
    """Never keep what an open transaction sees (it may be rolled back)."""
    from django.db import connection
    return not connection.in_atomic_block


def _cached(what: str, compute):
    key = f"opendata:v1:{_fingerprint()}:{what}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if _may_cache():
            cache.set(key, value, CACHE_SECONDS)
    return value


def _status(year: int) -> dict[int, tuple[int, int, set[int]]]:
    """{province id: (communes taking part, communes recognised, communes with results)}."""
    rows = YearSummary.objects.filter(year__in=[year - 1, year])
    now: dict[int, set[int]] = {}
    before: dict[int, set[int]] = {}
    for y, p, c in rows.values_list("year", "province_id", "commune_id").distinct().order_by():
        (now if y == year else before).setdefault(p, set()).add(c)
    rounds: dict[int, str] = {}
    round_province: dict[int, int] = {}
    for c, p, state in ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, year=year).values_list(
            "commune_id", "province_id", "state"):
        rounds[c], round_province[c] = state, p
    with_results = set().union(*now.values()) if now else set()
    waiting = {c for cs in before.values() for c in cs} - with_results - set(rounds)
    later = set(YearSummary.objects.filter(year__gt=year, commune_id__in=waiting)
                .values_list("commune_id", flat=True).distinct().order_by()) if waiting else set()
    out = {}
    for p in set(now) | set(before) | set(round_province.values()):
        taking = set(now.get(p, ())) | {c for c in before.get(p, ()) if c in waiting and c not in later} | \
            {c for c, rp in round_province.items() if rp == p}
        recognised = sum(1 for c in taking if rounds.get(c) in FINAL)
        out[p] = (len(taking), recognised, set(now.get(p, ())))
    return out


def _candidate_years() -> list[int]:
    return sorted(set(ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, state__in=FINAL)
                      .values_list("year", flat=True).distinct().order_by()), reverse=True)


def catalogue() -> dict[int, dict[int, tuple[int, int, set[int]]]]:
    """{year: {province id: (taking part, recognised, communes with results)}} for every year
    with a recognised round, newest first."""
    return _cached("catalogue", lambda: {y: _status(y) for y in _candidate_years()})


def _published(st) -> bool:
    taking, recognised, results = st
    return bool(results) and taking == recognised


def published_years(province_id: int | None = None, commune_id: int | None = None) -> list[int]:
    """Years with published figures: the country's (any province published), a province's, or a
    commune's (its province published and the commune has results), newest first."""
    out = []
    for y, provinces in catalogue().items():
        if province_id is None:
            ok = any(_published(st) for st in provinces.values())
        else:
            st = provinces.get(province_id)
            ok = bool(st) and _published(st) and (commune_id is None or commune_id in st[2])
        if ok:
            out.append(y)
    return out


# --- the tables of a year ---------------------------------------------------------------------

def year_tables(year: int) -> YearTables:
    return _cached(f"year:{int(year)}", lambda: _build(int(year)))


def _build(year: int) -> YearTables:
    status = catalogue().get(year) or {}
    published = sorted(p for p, st in status.items() if _published(st))
    units = Unit.objects.in_bulk(list(status))
    agg = {m: Sum(col) for m, col in SUMS.items()}
    per: dict[int, list[dict]] = {}
    if published:
        for r in (YearSummary.objects.filter(year=year, province_id__in=published)
                  .values("province_id", "commune_id").annotate(**agg).order_by()):
            per.setdefault(r["province_id"], []).append(r)
    communes = Unit.objects.in_bulk([r["commune_id"] for rs in per.values() for r in rs])
    provinces: dict[int, Row] = {}
    commune_rows: dict[int, list[Row]] = {}
    all_nodes: list[suppress.Node] = []
    all_marks: dict = {}
    for p in published:
        rs = per.get(p, [])
        kids = [suppress.Node(r["commune_id"], p, {m: int(r[m] or 0) for m in SUMS}) for r in rs]
        top = suppress.Node(p, None, {m: sum(k.values[m] for k in kids) for m in SUMS})
        result = suppress.protect([top] + kids)
        all_nodes += [top] + kids
        all_marks.update(result)
        pu = units[p]
        taking, recognised, _ = status[p]
        provinces[p] = Row(pu.code, pu.name, "province", COUNTRY, top.values, suppress.marks(result, p),
                           taking, recognised, unit_id=p)
        rows = [Row(communes[k.key].code, communes[k.key].name, "commune", pu.code, k.values,
                    suppress.marks(result, k.key), unit_id=k.key) for k in kids]
        rows.sort(key=lambda r: fmt.sort_key(r.name))
        commune_rows[p] = rows
    country = None
    if published and len(published) == len(status):
        # every province is published: the country row, hiding only its own counts if needed
        top = suppress.Node(COUNTRY, None, {m: sum(provinces[p].values[m] for p in published) for m in SUMS})
        nodes = [top] + [suppress.Node(n.key, COUNTRY if n.parent is None else n.parent, n.values)
                         for n in all_nodes]
        result = suppress.protect(nodes, fixed=all_marks, may_hide=lambda key: key == COUNTRY)
        country = Row(COUNTRY, "Cả nước", "country", "", top.values, suppress.marks(result, COUNTRY),
                      sum(st[0] for st in status.values()), sum(st[1] for st in status.values()))
    pending = [Pending(units[p].code, units[p].name, st[0], st[1], p) for p, st in status.items()
               if not _published(st) and p in units]
    pending.sort(key=lambda x: fmt.sort_key(x.name))
    return YearTables(year, country, provinces, commune_rows, pending)

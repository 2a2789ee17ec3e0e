"""Alkire–Foster analysis of a unit's assessments (chungtay.core.measures) for the web page.

:func:`load` reads the prepared figures (chungtay.prepared: households per deprivation pattern,
ethnic minority, area and head's ethnic group, per child unit; FGT sums per area), kept up to
date at every write, and gives them to the core as a weighted matrix (``weight`` = households):
a few thousand rows for a whole province instead of one per household, with the same figures
(tests/test_prepared_analysis.py compares them with :func:`load_live`, one row per household).
Only the poor households with an income are read one by one, for the list of those one step
from leaving poverty. The arithmetic lives in the pure core.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connection
from django.db.models import Q

from chungtay.core import measures
from chungtay.core.standards import Standard, standard_for_year
from chungtay.households.models import Assessment
from chungtay.households.stats import GROUPING
from chungtay.units.models import Unit

GROUPS = {"all": ("Tất cả các hộ", "All households"), "ethnic_minority": ("Hộ DTTS", "Ethnic-minority households"),
          "kinh": ("Hộ không DTTS", "Not ethnic-minority")}


@dataclass
class Rows:
    standard: Standard
    ids: np.ndarray
    deps: np.ndarray           # (n, d) uint8
    income: np.ndarray         # float, nan where score A was used
    urban: np.ndarray
    em: np.ndarray
    child: np.ndarray          # child unit id
    category: np.ndarray
    ethnicity: np.ndarray      # the head's ethnic group (today's record)
    weight: np.ndarray | None = None     # households per row (None: one each)
    fgt: object = None                   # prepared FGTResult (None: from ``income``)
    poor: object = None                  # prepared loads: () -> Rows of the poor households with an income


def _select(unit: Unit) -> tuple[str, str]:
    select, child = GROUPING[(unit.system, unit.level)]
    return select, child or "village"


def load(user, unit: Unit, year: int, group: str = "all") -> Rows:
    """The unit's figures of ``year`` from the prepared tables (see the module docstring)."""
    from django.db.models import Sum

    from chungtay.prepared.models import DeprivationCount, IncomeGap
    std = standard_for_year(year)
    d = len(std.indicators)
    select, child = _select(unit)
    where = {"year": year, f"{select}_id": unit.id}
    if group in ("ethnic_minority", "kinh"):
        where["ethnic_minority"] = group == "ethnic_minority"
    qs = (DeprivationCount.objects.for_user(user).filter(**where)
          .values_list(f"{child}_id", "pattern", "ethnic_minority", "urban", "head_ethnicity")
          .annotate(total=Sum("n")).order_by())
    sql, params = qs.query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        data = cur.fetchall()
    if not data:
        return _empty(std, d)
    t = list(zip(*data))
    pattern = np.asarray(t[1], dtype=np.int64)
    deps = ((pattern[:, None] >> np.arange(d)) & 1).astype(np.uint8)
    g = IncomeGap.objects.for_user(user).filter(**where).aggregate(n=Sum("n"), q=Sum("q"), g1=Sum("gap1"),
                                                                    g2=Sum("gap2"))
    fgt = None
    if g["n"]:
        fgt = measures.FGTResult(n=g["n"], q=g["q"], inclusive=True,
                                 P={0: g["q"] / g["n"], 1: g["g1"] / g["n"], 2: g["g2"] / g["n"]}, line=None)
    return Rows(std, np.arange(len(data)), deps, np.full(len(data), np.nan), np.asarray(t[3], dtype=bool),
                np.asarray(t[2], dtype=bool), np.asarray(t[0]), np.full(len(data), "", dtype=object),
                np.asarray(t[4], dtype=object), weight=np.asarray(t[5], dtype=np.float64), fgt=fgt,
                poor=lambda: _poor(user, unit, year, group, std))     # read only for the detailed analysis


def _empty(std, d) -> Rows:
    z = np.zeros(0)
    return Rows(std, z, np.zeros((0, d), np.uint8), z, z.astype(bool), z.astype(bool), z, z.astype(object),
                z.astype(object))


def _poor(user, unit: Unit, year: int, group: str, std) -> Rows:
    """Poor households with an income, one row each (the list of those one step from leaving)."""
    select, child = _select(unit)
    d = len(std.indicators)
    qs = Assessment.objects.for_user(user).filter(year=year, kind="periodic", is_current=True, category="poor",
                                                  income__isnull=False, **{f"{select}_id": unit.id})
    if group in ("ethnic_minority", "kinh"):
        qs = qs.filter(ethnic_minority=group == "ethnic_minority")
    # Only households that can be one step away: a deprivation count from which one removal can
    # leave poverty, or an income within the gap of the lowest line to exceed (the standard's own
    # escape tables; near_escape then decides exactly).
    t = measures.escape_tables(std, "income")
    counts = sorted(set(np.argwhere(t["need"] == 1)[:, 1].tolist()))
    finite = t["bound"][np.isfinite(t["bound"])]
    near = Q(deprivation_count__in=counts)
    if finite.size:
        near |= Q(income__gte=int((1 - measures.DEFAULT_INCOME_GAP - 1e-9) * float(finite.min())))
    qs = qs.filter(near)
    cols = ["household_id", "income", "area", "ethnic_minority", f"{child}_id", "category"] + \
        [f"dep_{i}" for i in range(1, d + 1)]
    sql, params = qs.order_by("household_id").values_list(*cols).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        data = cur.fetchall()
    if not data:
        return _empty(std, d)
    t = list(zip(*data))
    return Rows(std, np.asarray(t[0]), np.asarray(t[6:], dtype=np.uint8).T.copy(), np.asarray(t[1], dtype=np.float64),
                np.asarray(t[2]) == "urban", np.asarray(t[3], dtype=bool), np.asarray(t[4]),
                np.asarray(t[5], dtype=object), np.full(len(data), "", dtype=object))


def load_live(user, unit: Unit, year: int, group: str = "all") -> Rows:
    """One row per household, straight from the results (the reference recount of :func:`load`)."""
    std = standard_for_year(year)
    d = len(std.indicators)
    select, child = GROUPING[(unit.system, unit.level)]
    child = child or "village"
    qs = Assessment.objects.for_user(user).filter(year=year, kind="periodic", is_current=True,
                                                  **{f"{select}_id": unit.id})
    if group == "ethnic_minority":
        qs = qs.filter(ethnic_minority=True)
    elif group == "kinh":
        qs = qs.filter(ethnic_minority=False)
    from django.db.models import OuterRef, Subquery

    from chungtay.households.models import Member
    head = Member.objects.filter(household=OuterRef("household_id"), relation="head").values("ethnicity")[:1]
    qs = qs.annotate(head_ethnicity=Subquery(head))
    cols = ["household_id", "income", "area", "ethnic_minority", f"{child}_id", "category", "head_ethnicity"] + \
        [f"dep_{i}" for i in range(1, d + 1)]
    # Raw rows of the scoped query: the ORM's per-value converters would cost seconds here.
    sql, params = qs.order_by().values_list(*cols).query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        data = cur.fetchall()
    if not data:
        z = np.zeros(0)
        return Rows(std, z, np.zeros((0, d), np.uint8), z, z.astype(bool), z.astype(bool), z, z.astype(object),
                    z.astype(object))
    t = list(zip(*data))
    return Rows(std, np.asarray(t[0]), np.asarray(t[7:], dtype=np.uint8).T.copy(),
                np.asarray([np.nan if v is None else v for v in t[1]], dtype=np.float64),
                np.asarray(t[2]) == "urban", np.asarray(t[3], dtype=bool), np.asarray(t[4]),
                np.asarray(t[5], dtype=object), np.asarray([v or "?" for v in t[6]], dtype=object))


def analyse(rows: Rows, weights=None, k: float | None = None, detail: bool = True) -> dict:
    std = rows.standard
    codes = list(std.indicator_codes)
    if not len(rows.ids):
        return {"n": 0}
    s = rows.weight
    res = measures.af(rows.deps, weights=weights, k=k, sample_weight=s, indicators=codes)
    n = int(s.sum()) if s is not None else len(rows.ids)
    if not detail:
        return {"n": n, "af": res}
    by_child = measures.af_by(rows.deps, rows.child, weights=weights, k=k, sample_weight=s, indicators=codes)
    by_em = measures.af_by(rows.deps, np.where(rows.em, "ethnic_minority", "kinh"), weights=weights, k=k,
                           sample_weight=s, indicators=codes)
    by_ethnicity = measures.af_by(rows.deps, rows.ethnicity, weights=weights, k=k, sample_weight=s,
                                  indicators=codes)
    by_area = measures.af_by(rows.deps, np.where(rows.urban, "urban", "rural"), weights=weights, k=k,
                             sample_weight=s, indicators=codes)
    if rows.poor is not None:       # prepared: FGT summed at each write, the poor households read one by one
        near = []
        p = rows.poor()
        if len(p.ids):
            near = measures.near_escape(p.income, p.urban, p.deps, std, ids=p.ids, indicators=codes)
        return {"n": n, "af": res, "by_child": by_child, "by_em": by_em, "by_area": by_area, "fgt": rows.fgt,
                "by_ethnicity": by_ethnicity, "near": near}
    has_income = ~np.isnan(rows.income)
    line = np.where(rows.urban, std.lines["poverty"].urban, std.lines["poverty"].rural)
    fgt = measures.fgt(rows.income[has_income], line[has_income], inclusive=True) if has_income.any() else None
    near = []
    if has_income.any():
        near = measures.near_escape(rows.income[has_income], rows.urban[has_income], rows.deps[has_income], std,
                                    ids=rows.ids[has_income], indicators=codes)
    return {"n": n, "af": res, "by_child": by_child, "by_em": by_em, "by_area": by_area, "fgt": fgt,
            "by_ethnicity": by_ethnicity,
            "near": near}

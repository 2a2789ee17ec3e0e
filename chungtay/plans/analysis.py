"""Alkire–Foster analysis of a unit's assessments (chungtay.core.measures) for the web page.

:func:`load` reads the prepared figures (chungtay.prepared: households per deprivation pattern,
ethnic minority, area and head's ethnic group, per child unit; FGT sums per area), kept up to
date at every write, and gives them to the core as a weighted matrix (``weight`` = households):
a few thousand rows for a whole province instead of one per household, with the same figures
(tests/test_prepared_analysis.py compares them with :func:`load_live`, one row per household).
The list of poor households one step from leaving poverty is prepared too
(``EscapeCandidate``, in the list's order): a page reads the rows it shows and a count. For a
2025 province whose whole area the user sees, the histogram by commune is read as prepared
(``ProvinceDeprivation``) instead of being grouped from the village rows. The arithmetic lives in
the pure core.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import connection

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
    near: object = None                  # prepared loads: (limit) -> (first ``limit`` NearEscape, how many)


def _select(unit: Unit) -> tuple[str, str]:
    select, child = GROUPING[(unit.system, unit.level)]
    return select, child or "village"


def load(user, unit: Unit, year: int, group: str = "all", detail: bool = True) -> Rows:
    """The unit's figures of ``year`` from the prepared tables (see the module docstring).
    ``detail=False``: the households per deprivation pattern only (enough for ``analyse(...,
    detail=False)``: the comparison year), a few hundred rows."""
    from django.db.models import Sum

    from chungtay.accounts.access import scope_for
    from chungtay.prepared.models import DeprivationCount, IncomeGap, ProvinceDeprivation
    std = standard_for_year(year)
    d = len(std.indicators)
    select, child = _select(unit)
    where = {"year": year, f"{select}_id": unit.id}
    em = {"ethnic_minority": group == "ethnic_minority"} if group in ("ethnic_minority", "kinh") else {}
    whole_province = (unit.system, unit.level) == (Unit.SYSTEM_2025, Unit.PROVINCE) and scope_for(user).covers(unit)
    if whole_province:          # summed by commune at each write
        qs = ProvinceDeprivation.objects.filter(unit=unit, year=year, **em)
    else:
        qs = DeprivationCount.objects.for_user(user).filter(**where, **em)
    if not detail:
        qs = qs.values_list("pattern").annotate(total=Sum("n"))
    elif whole_province:
        qs = qs.values_list("child_id", "pattern", "ethnic_minority", "urban", "head_ethnicity", "n")
    else:
        qs = (qs.values_list(f"{child}_id", "pattern", "ethnic_minority", "urban", "head_ethnicity")
              .annotate(total=Sum("n")))
    sql, params = qs.order_by().query.sql_with_params()
    with connection.cursor() as cur:
        cur.execute(sql, params)
        data = cur.fetchall()
    if not data:
        return _empty(std, d)
    if not detail:
        data = [(0, p, False, False, "", n) for p, n in data]
    t = list(zip(*data))
    pattern = np.asarray(t[1], dtype=np.int64)
    deps = ((pattern[:, None] >> np.arange(d)) & 1).astype(np.uint8)
    g = IncomeGap.objects.for_user(user).filter(**where, **em).aggregate(n=Sum("n"), q=Sum("q"), g1=Sum("gap1"),
                                                                          g2=Sum("gap2"))
    fgt = None
    if g["n"]:
        fgt = measures.FGTResult(n=g["n"], q=g["q"], inclusive=True,
                                 P={0: g["q"] / g["n"], 1: g["g1"] / g["n"], 2: g["g2"] / g["n"]}, line=None)
    return Rows(std, np.arange(len(data)), deps, np.full(len(data), np.nan), np.asarray(t[3], dtype=bool),
                np.asarray(t[2], dtype=bool), np.asarray(t[0]), np.full(len(data), "", dtype=object),
                # text, not object, dtype: grouping sorts it in C (the labels are the same str)
                np.asarray(t[4], dtype=str), weight=np.asarray(t[5], dtype=np.float64), fgt=fgt,
                near=lambda limit: _near(user, unit, year, group, std, limit))   # read only for the detailed page


def _empty(std, d) -> Rows:
    z = np.zeros(0)
    return Rows(std, z, np.zeros((0, d), np.uint8), z, z.astype(bool), z.astype(bool), z, z.astype(object),
                z.astype(object))


def _near(user, unit: Unit, year: int, group: str, std, limit: int | None) -> tuple[list, int]:
    """The first ``limit`` (all when None) households one step from leaving poverty and how many
    there are, from the prepared list (its order is near_escape's: both routes first, then the
    income gap's share of the line, then the household); each row's figures are then worked out
    by near_escape itself from the stored income, area and deprivations."""
    from chungtay.prepared.models import EscapeCandidate
    select, _ = _select(unit)
    qs = EscapeCandidate.objects.for_user(user).filter(year=year, **{f"{select}_id": unit.id})
    if group in ("ethnic_minority", "kinh"):
        qs = qs.filter(ethnic_minority=group == "ethnic_minority")
    rows = qs.order_by("-both", "share", "household_id").values_list("household_id", "income", "urban", "pattern")
    data = list(rows if limit is None else rows[:limit])
    total = len(data) if limit is None or len(data) < limit else qs.count()
    if not data:
        return [], total
    d = len(std.indicators)
    t = list(zip(*data))
    pattern = np.asarray(t[3], dtype=np.int64)
    deps = ((pattern[:, None] >> np.arange(d)) & 1).astype(np.uint8)
    near = measures.near_escape(np.asarray(t[1], dtype=np.float64), np.asarray(t[2], dtype=bool), deps, std,
                                ids=np.asarray(t[0]), indicators=list(std.indicator_codes))
    return near, total


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


def analyse(rows: Rows, weights=None, k: float | None = None, detail: bool = True,
            near_limit: int | None = None) -> dict:
    """The page's figures; ``near`` holds the first ``near_limit`` (all when None) households one
    step from leaving poverty and ``near_total`` how many there are."""
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
    if rows.near is not None:       # prepared: FGT summed and the near-escape list kept at each write
        near, total = rows.near(near_limit)
        return {"n": n, "af": res, "by_child": by_child, "by_em": by_em, "by_area": by_area, "fgt": rows.fgt,
                "by_ethnicity": by_ethnicity, "near": near, "near_total": total}
    has_income = ~np.isnan(rows.income)
    line = np.where(rows.urban, std.lines["poverty"].urban, std.lines["poverty"].rural)
    fgt = measures.fgt(rows.income[has_income], line[has_income], inclusive=True) if has_income.any() else None
    near = []
    if has_income.any():
        near = measures.near_escape(rows.income[has_income], rows.urban[has_income], rows.deps[has_income], std,
                                    ids=rows.ids[has_income], indicators=codes)
    return {"n": n, "af": res, "by_child": by_child, "by_em": by_em, "by_area": by_area, "fgt": fgt,
            "by_ethnicity": by_ethnicity, "near": near[:near_limit], "near_total": len(near)}

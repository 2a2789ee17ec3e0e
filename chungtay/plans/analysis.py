"""Alkire–Foster analysis of a unit's assessments (chungtay.core.measures) for the web page.

Rows come from the scoped Assessment queryset as plain columns (one query) and go to numpy;
the arithmetic lives in the pure core.
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


def load(user, unit: Unit, year: int, group: str = "all") -> Rows:
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
    res = measures.af(rows.deps, weights=weights, k=k, indicators=codes)
    if not detail:
        return {"n": len(rows.ids), "af": res}
    by_child = measures.af_by(rows.deps, rows.child, weights=weights, k=k, indicators=codes)
    by_em = measures.af_by(rows.deps, np.where(rows.em, "ethnic_minority", "kinh"), weights=weights, k=k,
                           indicators=codes)
    by_ethnicity = measures.af_by(rows.deps, rows.ethnicity, weights=weights, k=k, indicators=codes)
    by_area = measures.af_by(rows.deps, np.where(rows.urban, "urban", "rural"), weights=weights, k=k,
                             indicators=codes)
    has_income = ~np.isnan(rows.income)
    line = np.where(rows.urban, std.lines["poverty"].urban, std.lines["poverty"].rural)
    fgt = measures.fgt(rows.income[has_income], line[has_income], inclusive=True) if has_income.any() else None
    near = []
    if has_income.any():
        near = measures.near_escape(rows.income[has_income], rows.urban[has_income], rows.deps[has_income], std,
                                    ids=rows.ids[has_income], indicators=codes)
    return {"n": len(rows.ids), "af": res, "by_child": by_child, "by_em": by_em, "by_area": by_area, "fgt": fgt,
            "by_ethnicity": by_ethnicity,
            "near": near}

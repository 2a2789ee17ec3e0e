"""Poor households one step from leaving poverty under the standard's own rule (split from
:mod:`chungtay.core.measures`, which still exports these names).

:func:`escape_arrays` gives the figures of every listed household as columns (what the
prepared list of the web page stores at each write); :func:`near_escape` builds one
:class:`NearEscape` per household, optionally for the first ``limit`` only (a page shows 60
of thousands). Pure Python + numpy.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, NamedTuple, Sequence

import numpy as np

from .measures import DEFAULT_INCOME_GAP, _as_columns, _np, _py, _rows0
from .standards import CATEGORIES, Standard

@dataclass(frozen=True)
class NearEscape:
    """A poor household and what would take it out of poverty under the standard's own rule.

    ``gap`` = line − value: the household leaves poverty by income once its income is *above*
    ``line`` (the rules say "poor when I ≤ line"), i.e. with any amount more than ``gap``.
    """
    index: int                           # row position (0-based)
    id: Any                              # from ``ids`` (None if not given)
    value: float                         # income (VND/person/month) or score A
    deprivation_count: int
    deprived: tuple[str, ...]
    deprivations_to_remove: int | None   # fewest deprivations that must go; None: income only
    removable: tuple[str, ...]           # when one is enough: any one of these (else empty)
    category_after_deprivation: str | None
    line: float | None                   # the line the value must exceed; None: income cannot
    gap: float | None                    # line − value (≥ 0)
    gap_share: float | None              # gap / line (0.05 = 5 % of the line)
    category_after_income: str | None
    one_deprivation: bool                # removing any one of ``removable`` leaves poverty
    small_gap: bool                      # gap ≤ income_gap × line

    @property
    def routes(self) -> tuple[str, ...]:
        return tuple(r for r, ok in (("deprivation", self.one_deprivation), ("income", self.small_gap)) if ok)

    def to_dict(self) -> dict:
        d = {k: getattr(self, k) for k in self.__dataclass_fields__}
        d["deprived"], d["removable"] = list(self.deprived), list(self.removable)
        d["gap_percent"] = None if self.gap_share is None else 100 * self.gap_share
        d["routes"] = list(self.routes)
        return d


def _urban(area, n: int) -> np.ndarray:
    a = _np(area)
    if a.ndim == 0:
        a = np.full(n, a.item())
    if a.dtype == np.bool_:
        return a
    from .classify import AREA_ALIASES
    from .fmt import nfc
    out = np.zeros(len(a), dtype=bool)
    uniq, inv = np.unique(a.astype(str), return_inverse=True)
    for i, v in enumerate(uniq):
        key = nfc(v).lower()
        if key not in AREA_ALIASES:
            raise ValueError(f"unknown area {v!r} (use rural/urban, nông thôn/thành thị, or a bool 'urban' array)")
        if AREA_ALIASES[key] == "urban":
            out[inv == i] = True
    return out


_TABLES: dict = {}


def escape_tables(standard: Standard, basis: str = "income") -> dict:
    """:func:`_escape_tables`, worked out once per standard object and basis (read-only arrays)."""
    key = (id(standard), basis)
    hit = _TABLES.get(key)
    if hit is not None and hit[0] is standard:
        return hit[1]
    t = _escape_tables(standard, basis)
    for a in t.values():
        a.flags.writeable = False
    _TABLES[key] = (standard, t)
    return t


def _escape_tables(standard: Standard, basis: str = "income") -> dict:
    """The standard's rule as small lookup tables over (area, deprivation count D, value band).

    Bands: the sorted distinct lines of an area split values into ``value ≤ L0``, ``L0 < value
    ≤ L1``, …, ``value > L_last``; every rule only compares "value ≤ line", so the category is
    constant in a band and is computed once per band with :func:`chungtay.core.classify.classify`
    (the reference engine). Returns ``lines`` (2 × m), ``category`` (2 × (d+1) × (m+1) codes),
    ``need`` (deprivations to remove, −1 if impossible), ``after_dep``, ``bound`` (line to exceed,
    nan if impossible) and ``after_inc``.
    """
    from .classify import classify
    if basis not in ("income", "score_a"):
        raise ValueError("basis must be 'income' or 'score_a'")
    rules = standard.rules if basis == "income" else standard.score_rules
    if rules is None:
        raise ValueError(f"standard {standard.code} has no confirmed score A thresholds")
    codes = standard.indicator_codes
    d = len(codes)
    used = sorted({r.income_at_most for r in rules if r.income_at_most})
    areas = ("rural", "urban")

    def limit(line, area):
        return standard.lines[line].value(area) if basis == "income" else standard.score_threshold(line, area)

    lines = [sorted({float(limit(ln, a)) for ln in used}) for a in areas]
    m = max(len(x) for x in lines)
    lines = np.array([x + [x[-1]] * (m - len(x)) if x else [math.inf] * m for x in lines], dtype=np.float64) \
        if m else np.zeros((2, 0))
    poor_code = CATEGORIES.index("poor")
    cat = np.zeros((2, d + 1, m + 1), dtype=np.int8)
    for ai, area in enumerate(areas):
        for r in range(m + 1):
            value = lines[ai, r] if r < m else (lines[ai, m - 1] + 1 if m else 0.0)
            for D in range(d + 1):
                kw = {"income": value} if basis == "income" else {"score_a": value}
                c = classify(standard, area=area, deprived=codes[:D], **kw)
                cat[ai, D, r] = CATEGORIES.index(c.category)
    need = np.full(cat.shape, -1, dtype=np.int16)
    after_dep = np.full(cat.shape, -1, dtype=np.int8)
    bound = np.full(cat.shape, np.nan)
    after_inc = np.full(cat.shape, -1, dtype=np.int8)
    for ai in range(2):
        for D in range(d + 1):
            for r in range(m + 1):
                if cat[ai, D, r] != poor_code:
                    continue
                for D2 in range(D - 1, -1, -1):
                    if cat[ai, D2, r] != poor_code:
                        need[ai, D, r], after_dep[ai, D, r] = D - D2, cat[ai, D2, r]
                        break
                for r2 in range(r + 1, m + 1):
                    if cat[ai, D, r2] != poor_code:
                        bound[ai, D, r], after_inc[ai, D, r] = lines[ai, r2 - 1], cat[ai, D, r2]
                        break
    return {"lines": lines, "category": cat, "need": need, "after_dep": after_dep, "bound": bound,
            "after_inc": after_inc}


class EscapeArrays(NamedTuple):
    """The listed households in listing order, one entry per household (see :func:`escape_arrays`)."""
    rows: np.ndarray          # row positions (0-based) in the input
    value: np.ndarray         # income or score A
    D: np.ndarray             # deprivation count
    need: np.ndarray          # fewest deprivations to remove (≤ 0: impossible)
    bound: np.ndarray         # the line to exceed (nan: income cannot)
    gap: np.ndarray
    share: np.ndarray         # gap / bound (nan when bound is nan)
    one_deprivation: np.ndarray
    small_gap: np.ndarray
    after_dep: np.ndarray     # category code after removing deprivations (−1: none)
    after_inc: np.ndarray     # category code after the income rises (−1: none)
    names: list               # indicator codes of ``cols``
    cols: list                # the deprivation columns (full length, by input row)

    @property
    def order_share(self) -> np.ndarray:
        """The second sort key: the gap share, +inf where income cannot take it out."""
        return np.where(np.isfinite(self.share), self.share, np.inf)


def escape_arrays(income, area, deprivations, standard: Standard, *, income_gap: float = DEFAULT_INCOME_GAP,
                  indicators: Sequence[str] | None = None, basis: str = "income",
                  all_poor: bool = False) -> EscapeArrays:
    """The households :func:`near_escape` lists, as columns in its order (no objects built)."""
    expected = (f"deprivations must be the {len(standard.indicators)} indicators of standard "
                f"{standard.code}: {', '.join(standard.indicator_codes)}")
    if isinstance(deprivations, np.ndarray) and deprivations.ndim == 2 \
            and deprivations.shape[1] != len(standard.indicators):
        raise ValueError(f"{expected} (the matrix has {deprivations.shape[1]} columns)")
    names, cols, n = _as_columns(deprivations, list(indicators if indicators is not None
                                                    else standard.indicator_codes))
    if sorted(names) != sorted(standard.indicator_codes):
        raise ValueError(expected)
    if not (0 <= income_gap):
        raise ValueError("income_gap must not be negative")
    value = np.asarray(_np(income), dtype=np.float64).ravel()
    if len(value) != n:
        raise ValueError(f"{len(value)} incomes for {n} households")
    bad = np.flatnonzero(~np.isfinite(value) | (value < 0))
    if len(bad):
        raise ValueError(f"{basis} must be a non-negative number (rows {_rows0(bad)})")
    urban = _urban(area, n)
    if len(urban) != n:
        raise ValueError(f"{len(urban)} areas for {n} households")
    t = escape_tables(standard, basis)
    D = np.zeros(n, dtype=np.int16)
    for col in cols:
        D += col.astype(np.int16, copy=False)
    ai = urban.astype(np.intp)
    lines = t["lines"]
    band = np.where(urban, np.searchsorted(lines[1], value, side="left"),
                    np.searchsorted(lines[0], value, side="left"))
    cat = t["category"][ai, D, band]
    poor = np.flatnonzero(cat == CATEGORIES.index("poor"))
    a_p, D_p, b_p, v_p = ai[poor], D[poor], band[poor], value[poor]
    need = t["need"][a_p, D_p, b_p]
    bound = t["bound"][a_p, D_p, b_p]
    with np.errstate(invalid="ignore"):
        gap = bound - v_p
        share = gap / bound
    one_dep = need == 1
    small = np.isfinite(bound) & (share <= income_gap + 1e-12)
    keep = np.ones(len(poor), bool) if all_poor else (one_dep | small)
    order_share = np.where(np.isfinite(share), share, np.inf)
    idx = np.flatnonzero(keep)
    idx = idx[np.lexsort((poor[idx], order_share[idx], ~(one_dep[idx] & small[idx])))]
    return EscapeArrays(poor[idx], v_p[idx], D_p[idx], need[idx], bound[idx], gap[idx], share[idx], one_dep[idx],
                        small[idx], t["after_dep"][a_p[idx], D_p[idx], b_p[idx]],
                        t["after_inc"][a_p[idx], D_p[idx], b_p[idx]], names, cols)


def near_escape(income, area, deprivations, standard: Standard, *, income_gap: float = DEFAULT_INCOME_GAP,
                ids=None, indicators: Sequence[str] | None = None, basis: str = "income",
                all_poor: bool = False, limit: int | None = None) -> list[NearEscape]:
    """Poor households one step from leaving poverty, most promising first.

    "One step" (applying the standard's own first-match rule, income unchanged for the first,
    deprivations unchanged for the second):

    - **one deprivation**: removing any single one of its deprivations makes the household not
      poor. Under 2021–2025 (poor = I ≤ line and D ≥ 3) that is exactly D = 3 (leaving poverty
      takes D − 2 removals, and becomes near-poor); under 2016–2020 it is D = 3 in the second
      income tier (line < I ≤ near-poverty line); the first tier (I ≤ line) cannot leave poverty
      by deprivations at all.
    - **small income gap**: the income it must exceed to stop being poor is at most
      ``income_gap`` (default 10 %) of that line away. The line is the rule's: 2021–2025 the
      poverty line; 2016–2020 the poverty line for a first-tier household with D < 3, but the
      near-poverty line for one with D ≥ 3 (above the poverty line it would still be poor).

    Order ("least support needed first"): households with both routes, then by the income gap
    as a share of the line (a household with only the deprivation route sorts by its income gap
    too, which is then above ``income_gap``), then by row. ``all_poor=True`` lists every poor
    household (with ``deprivations_to_remove`` and ``gap``) in the same order.

    ``area``: bool array (True = urban) or rural/urban strings; ``deprivations``: as for
    :func:`af`, columns in the standard's indicators (by default all of them, legal order).
    ``limit``: build only the first ``limit`` households of that order (the same objects as
    the full list's first ones).
    """
    e = escape_arrays(income, area, deprivations, standard, income_gap=income_gap, indicators=indicators,
                      basis=basis, all_poor=all_poor)
    id_list = None if ids is None else _np(ids)
    cat_names = np.asarray(CATEGORIES, dtype=object)
    out = []
    count = len(e.rows) if limit is None else min(len(e.rows), max(0, int(limit)))
    for i in range(count):
        row = int(e.rows[i])
        deprived = tuple(c for c, col in zip(e.names, e.cols) if col[row])
        nd = int(e.need[i])
        fin = bool(np.isfinite(e.bound[i]))
        ad, ainc = e.after_dep[i], e.after_inc[i]
        out.append(NearEscape(
            index=row, id=None if id_list is None else _py(id_list[row]), value=float(e.value[i]),
            deprivation_count=int(e.D[i]), deprived=deprived,
            deprivations_to_remove=nd if nd > 0 else None,
            removable=deprived if nd == 1 else (),
            category_after_deprivation=str(cat_names[ad]) if ad >= 0 else None,
            line=float(e.bound[i]) if fin else None, gap=float(e.gap[i]) if fin else None,
            gap_share=float(e.share[i]) if fin else None,
            category_after_income=str(cat_names[ainc]) if ainc >= 0 else None,
            one_deprivation=bool(e.one_deprivation[i]), small_gap=bool(e.small_gap[i])))
    return out


__all__ = ["EscapeArrays", "NearEscape", "escape_arrays", "escape_tables", "near_escape"]

"""Vectorised classification: the same rule list as :func:`classify`, over columns.

Categories come back as small integers indexing :data:`CATEGORIES` so that tens of
millions of rows fit in memory; ``np.asarray(CATEGORIES)[codes]`` gives the names.
"""
from __future__ import annotations

import numpy as np

from .standards import CATEGORIES, Standard, StandardError

UNSET = -1


def deprivation_count(matrix: np.ndarray) -> np.ndarray:
    """Row sums of a (n, d) 0/1 matrix, or of a list of 0/1 columns."""
    if isinstance(matrix, (list, tuple)):
        out = np.zeros(len(matrix[0]) if matrix else 0, dtype=np.int16)
        for col in matrix:
            out += col.astype(np.int16, copy=False)
        return out
    return matrix.sum(axis=1, dtype=np.int16)


def classify_arrays(standard: Standard, urban: np.ndarray, income: np.ndarray | None,
                    score_a: np.ndarray | None, deprivations: np.ndarray) -> np.ndarray:
    """Category codes (int8) for every row.

    ``urban``: bool array; ``income``/``score_a``: float arrays with NaN where absent
    (exactly one of the two must be present per row — validate before calling);
    ``deprivations``: int array of deprivation counts (see :func:`deprivation_count`).
    """
    n = len(urban)
    out = np.full(n, UNSET, dtype=np.int8)
    urban = np.asarray(urban, dtype=bool)
    passes = []
    if income is not None:
        income = np.asarray(income, dtype=np.float64)
        passes.append(("income", ~np.isnan(income), income, standard.rules))
    if score_a is not None:
        score_a = np.asarray(score_a, dtype=np.float64)
        has_score = ~np.isnan(score_a)
        if income is not None:
            has_score &= np.isnan(income)
        if has_score.any():
            if standard.score_rules is None:
                raise StandardError(f"standard {standard.code} has no confirmed score A thresholds")
            passes.append(("score_a", has_score, score_a, standard.score_rules))
    for basis, rows, value, rules in passes:
        todo = rows.copy()
        for rule in rules:
            m = todo.copy()
            if rule.income_at_most is not None:
                if basis == "income":
                    ln = standard.lines[rule.income_at_most]
                    limit = np.where(urban, ln.urban, ln.rural)
                else:
                    limit = np.where(urban, standard.score_threshold(rule.income_at_most, "urban"),
                                     standard.score_threshold(rule.income_at_most, "rural"))
                m &= value <= limit
            if rule.deprivations_at_least is not None:
                m &= deprivations >= rule.deprivations_at_least
            out[m] = CATEGORIES.index(rule.category)
            todo &= ~m
    return out


def category_names(codes: np.ndarray) -> np.ndarray:
    return np.asarray(CATEGORIES, dtype=object)[codes]

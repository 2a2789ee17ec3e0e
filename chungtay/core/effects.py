"""Effect of support by exact matching: the average effect on the treated (ATT).

Pure Python + numpy + pyarrow (no Django), so a researcher can use it from a notebook::

    >>> from chungtay.core.effects import support_effect
    >>> r = support_effect(treated=[1, 1, 0, 0, 1], outcome=[1, 0, 0, 1, 1],
    ...                    strata={"commune": ["A", "A", "A", "A", "B"]})
    >>> r.att, r.n_matched_treated, r.unmatched_treated
    (0.0, 2, 1)

Method (docs/measures.md, "Effect of support"): rows are grouped into strata by the exact values
of the strata columns. In a stratum s holding both groups, the treated mean ȳ_t,s is compared
with the control mean ȳ_c,s; the ATT is the treated-count-weighted average of the differences,

    ATT = Σ_s n_t,s (ȳ_t,s − ȳ_c,s) / Σ_s n_t,s        (s over strata holding both groups)

Treated rows in strata without a control are *unmatched* and left out (reported). With sampling
weights every count is a sum of weights and every mean a weighted mean; a group "is present" when
its weight sum is positive.

``att_se`` is an approximate standard error, conditional on the treated rows' strata (their
composition is taken as fixed, which is what the ATT describes) and assuming independent rows:
Var = Σ_s (n_t,s / N)² (v_t,s + v_c,s), v = the variance of a (weighted) mean of 0/1 outcomes,
Σ w²(y − ȳ)² / (Σ w)² × m / (m − 1) for m ≥ 2 rows (= s²/m without weights); a group of one
row counts as the largest possible variance, 1/4.

Everything is vectorised (one ``bincount`` over stratum × group); 10 million rows take seconds
(``benchmarks/bench_support_effect.py``).
"""
from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from .fmt import sort_key

# keys of each stratum object besides the strata columns themselves
STRATUM_KEYS = ("n_treated", "n_control", "treated_rate", "control_rate")
RESULT_KEYS = ("n_treated", "n_control", "n_matched_treated", "unmatched_treated", "treated_rate",
               "control_rate", "att", "att_se", "strata")


class EffectInputError(ValueError):
    """Bad input; ``problems`` lists every problem found (all columns, all rows) at once."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else
                         f"{len(problems)} problems:\n  " + "\n  ".join(problems))


@dataclass
class EffectResult:
    strata_columns: list[str]
    weighted: bool
    n_treated: int | float
    n_control: int | float
    n_matched_treated: int | float
    unmatched_treated: int | float
    treated_rate: float | None
    control_rate: float | None
    att: float | None
    att_se: float | None
    strata: list[dict] = field(default_factory=list)

    @property
    def n_strata_matched(self) -> int:
        return sum(1 for s in self.strata if s["treated_rate"] is not None and s["control_rate"] is not None)

    def to_dict(self) -> dict:
        return {k: getattr(self, k) for k in RESULT_KEYS}


# --------------------------------------------------------------------------- input checks

def _arrow(x, name: str, keep_dictionary: bool = False) -> pa.Array:
    if isinstance(x, pa.ChunkedArray):
        x = x.combine_chunks() if x.num_chunks != 1 else x.chunk(0)
    elif not isinstance(x, pa.Array):
        if hasattr(x, "to_numpy") and hasattr(x, "dtype") and not isinstance(x, np.ndarray):   # pandas
            x = pa.array(x, from_pandas=True)
        else:
            x = x if isinstance(x, (list, tuple)) else np.asarray(x)
            try:
                x = pa.array(x)
            except (pa.ArrowInvalid, pa.ArrowTypeError):         # a list mixing numbers and text
                x = pa.array([None if v is None else str(v) for v in x], pa.string())
    if isinstance(x.type, pa.DictionaryType) and not (keep_dictionary and _is_text(x.type.value_type)):
        x = x.cast(x.type.value_type)
    return x


def _is_text(t) -> bool:
    return pa.types.is_string(t) or pa.types.is_large_string(t)


def _rows(idx: np.ndarray, first_row: int, values=None, limit: int = 10) -> str:
    shown = idx[:limit]
    if values is None:
        parts = [str(int(i) + first_row) for i in shown]
    else:
        parts = [f"{int(i) + first_row} ({_show(v)})" for i, v in zip(shown, values)]
    more = f" and {len(idx) - limit} more" if len(idx) > limit else ""
    return ("row " if len(idx) == 1 else "rows ") + ", ".join(parts) + more


def _show(v) -> str:
    """A cell's value for a message: numbers as numbers (2, not '2.0'), text quoted."""
    if isinstance(v, str):
        try:
            x = float(v.strip())
        except ValueError:
            return repr(v)
        if not math.isfinite(x):
            return repr(v)
        v = x
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _numbers(x: pa.Array) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(float64 values, empty mask, non-numeric mask) of a column of numbers or text."""
    n = len(x)
    t = x.type
    if pa.types.is_null(t):
        return np.full(n, np.nan), np.ones(n, bool), np.zeros(n, bool)
    if pa.types.is_boolean(t) or pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_decimal(t):
        vals = np.array(x.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        return vals, np.isnan(vals), np.zeros(n, bool)
    if not _is_text(t):
        raise EffectInputError([f"unsupported column type {t}"])
    s = pc.utf8_trim_whitespace(x)
    empty = np.asarray(pc.fill_null(pc.equal(s, ""), True).to_numpy(zero_copy_only=False), dtype=bool)
    s = pc.if_else(pa.array(empty), pa.scalar(None, s.type), s)
    try:
        vals = np.array(s.cast(pa.float64()).to_numpy(zero_copy_only=False), dtype=np.float64)
        bad = np.zeros(n, bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):      # some cell is not a number: find them
        vals = np.full(n, np.nan)
        bad = np.zeros(n, bool)
        for i, v in enumerate(s.to_pylist()):
            if v is None:
                continue
            try:
                vals[i] = float(v.replace(" ", ""))
            except ValueError:
                bad[i] = True
    vals[empty] = np.nan
    return vals, empty, bad


def _zero_one(x, name: str, n: int, first_row: int, problems: list[str]) -> np.ndarray | None:
    a = _arrow(x, name)
    if len(a) != n:
        problems.append(f"{name}: {len(a)} values for {n} rows")
        return None
    if a.null_count == 0 and (pa.types.is_integer(a.type) or pa.types.is_boolean(a.type)):
        v = a.to_numpy(zero_copy_only=False)
        if v.dtype == np.bool_ or ((v == 0) | (v == 1)).all():
            return v.astype(np.int8)
    vals, empty, bad = _numbers(a)
    wrong = bad | (~empty & ~np.isnan(vals) & (vals != 0) & (vals != 1)) | (np.isnan(vals) & ~empty & ~bad)
    ok = True
    if empty.any():
        problems.append(f"column {name}: empty at {_rows(np.flatnonzero(empty), first_row)} (must be 0 or 1)")
        ok = False
    if wrong.any():
        idx = np.flatnonzero(wrong)
        shown = pc.take(a, pa.array(idx[:10])).to_pylist()
        problems.append(f"column {name}: value must be 0 or 1 at {_rows(idx, first_row, shown)}")
        ok = False
    return vals.astype(np.int8) if ok else None


def _weights(x, name: str, n: int, first_row: int, problems: list[str]) -> np.ndarray | None:
    a = _arrow(x, name)
    if len(a) != n:
        problems.append(f"{name}: {len(a)} values for {n} rows")
        return None
    vals, empty, bad = _numbers(a)
    bad |= ~empty & ~np.isfinite(vals) & ~np.isnan(vals)        # inf
    bad |= ~empty & np.isnan(vals)                              # "nan" written in a cell
    ok = True
    if bad.any():
        idx = np.flatnonzero(bad)
        problems.append(f"column {name}: not a finite number at "
                        f"{_rows(idx, first_row, pc.take(a, pa.array(idx[:10])).to_pylist())}")
        ok = False
    if empty.any():
        problems.append(f"column {name}: empty at {_rows(np.flatnonzero(empty), first_row)} (every row needs a weight)")
        ok = False
    neg = np.flatnonzero(vals < 0)
    if len(neg):
        problems.append(f"column {name}: negative weight at {_rows(neg, first_row, vals[neg[:10]].tolist())} "
                        "(weights cannot be negative)")
        ok = False
    if ok and not vals.sum() > 0:
        problems.append(f"column {name}: the weights sum to zero")
        ok = False
    return vals if ok else None


# --------------------------------------------------------------------------- strata encoding

def _encode(x, name: str, n: int, first_row: int, problems: list[str]):
    """(codes 0..L-1 per row in the sort order of the values, the L values) or None."""
    a = _arrow(x, name, keep_dictionary=True)
    if len(a) != n:
        problems.append(f"{name}: {len(a)} values for {n} rows")
        return None
    t = a.type
    if not (pa.types.is_integer(t) or pa.types.is_floating(t) or pa.types.is_boolean(t) or _is_text(t)
            or isinstance(t, pa.DictionaryType)):
        a = a.cast(pa.string())
        t = a.type
    empty_msg = (f"column {name}: empty at {{}} (every row needs a value in each strata column: fill it in, "
                 "e.g. with 'unknown', or leave those rows out)")
    if _is_text(t) or isinstance(t, pa.DictionaryType):
        # the work is on the distinct values: NFC, trimmed, "" = empty; "Thôn 1 " and "Thôn 1" are one stratum
        enc = a if isinstance(t, pa.DictionaryType) else a.dictionary_encode()
        raw = enc.dictionary.to_pylist()
        norm = [None if v is None else unicodedata.normalize("NFC", v).strip() for v in raw]
        labels = sorted({v for v in norm if v}, key=sort_key)
        rank = {v: i for i, v in enumerate(labels)}
        remap = np.array([rank.get(v, -1) for v in norm] + [-1], dtype=np.int64)   # last: a null index
        idx = enc.indices
        idx = np.asarray(idx.fill_null(len(raw)).to_numpy(zero_copy_only=False) if idx.null_count
                         else idx.to_numpy(zero_copy_only=False))
        codes = remap[idx]
        empty = codes < 0
        if empty.any():
            problems.append(empty_msg.format(_rows(np.flatnonzero(empty), first_row)))
            return None
        return codes, labels
    empty = pc.fill_null(pc.is_nan(a), True) if pa.types.is_floating(t) else pc.is_null(a)
    empty = np.asarray(empty.to_numpy(zero_copy_only=False), dtype=bool)
    if empty.any():
        problems.append(empty_msg.format(_rows(np.flatnonzero(empty), first_row)))
        return None
    if pa.types.is_boolean(t):
        v = np.asarray(a.to_numpy(zero_copy_only=False), dtype=np.int64)
        present = np.bincount(v, minlength=2) > 0
        labels = [b for b, p in zip((False, True), present) if p]
        return (v - (0 if present[0] else 1)), labels
    v = np.asarray(a.to_numpy(zero_copy_only=False))
    if pa.types.is_integer(t) and n:
        if v.dtype == np.uint64 and int(v.max()) >= 2 ** 63:
            uniq, codes = np.unique(v, return_inverse=True)
            return codes.ravel().astype(np.int64, copy=False), [int(u) for u in uniq]
        v = v.astype(np.int64, copy=False)
        lo, hi = int(v.min()), int(v.max())
        if hi - lo < max(1 << 22, 2 * n):              # small range: no sort
            off = v - v.dtype.type(lo)
            present = np.bincount(off, minlength=hi - lo + 1) > 0
            remap = np.cumsum(present) - 1
            return remap[off], [int(u) + lo for u in np.flatnonzero(present)]
    uniq, codes = np.unique(v, return_inverse=True)
    return codes.ravel().astype(np.int64, copy=False), [u.item() for u in uniq]


def _combine(encoded: list[tuple[np.ndarray, list]]) -> tuple[np.ndarray, list[list]]:
    """One code per row for the stratum (codes in lexicographic order of the values), and for each
    stratum the tuple of its values (as a list of columns)."""
    code, s = encoded[0][0], len(encoded[0][1])
    n = len(code)
    steps = []
    for c, labels in encoded[1:]:
        k = len(labels)
        comb = code * k + c
        size = s * k
        if size <= max(1 << 22, 2 * n):
            present = np.bincount(comb, minlength=size) > 0
            uniq = np.flatnonzero(present)
            code = (np.cumsum(present) - 1)[comb]
        else:
            uniq, code = np.unique(comb, return_inverse=True)
            code = code.ravel()
        steps.append((uniq, k))
        s = len(uniq)
    # back from each stratum to its value in every column
    cur = np.arange(s, dtype=np.int64)
    per_col = []
    for uniq, k in reversed(steps):
        comb = uniq[cur]
        per_col.append(comb % k)
        cur = comb // k
    per_col.append(cur)
    per_col.reverse()
    values = [[labels[i] for i in col.tolist()] for col, (_, labels) in zip(per_col, encoded)]
    return code, values


# --------------------------------------------------------------------------- the estimator

def support_effect(treated, outcome, strata: Mapping[str, Any] | pa.Table, *, columns: Sequence[str] | None = None,
                   weights=None, first_row: int = 0, names: tuple[str, str, str] = ("treated", "outcome", "weights")
                   ) -> EffectResult:
    """Exact-matching ATT of a 0/1 ``treated`` on a 0/1 ``outcome`` within ``strata``.

    ``treated``, ``outcome``, ``weights``: one value per row (lists, numpy, pyarrow, pandas).
    ``strata``: a mapping column name → values, or a pyarrow Table (``columns`` picks the strata
    columns; default all, in order). Strata values keep their type (int, float, bool, text);
    strata are sorted by their values, first column first (text in Vietnamese natural order).
    ``weights``: non-negative sampling weights; counts become sums of weights (floats).
    ``first_row``: the number of the first row in error messages (0 = positions; the command
    passes 2, the spreadsheet row of the first data row). ``names``: how messages call the
    treated, outcome and weight columns.

    Raises :class:`EffectInputError` (a ``ValueError``) listing every problem at once.
    """
    if isinstance(strata, pa.Table):
        cols = list(columns) if columns is not None else strata.column_names
        data = {c: strata.column(c) for c in cols}
    else:
        cols = list(columns) if columns is not None else list(strata.keys())
        data = {c: strata[c] for c in cols}
    if not cols:
        raise EffectInputError(["give at least one strata column"])
    clash = [c for c in cols if c in STRATUM_KEYS]
    if clash:
        raise EffectInputError([f"strata column(s) {', '.join(clash)} clash with the output keys "
                                f"{', '.join(STRATUM_KEYS)}: rename them"])
    dup = sorted({c for c in cols if cols.count(c) > 1})
    if dup:
        raise EffectInputError([f"strata column(s) repeated: {', '.join(dup)}"])
    problems: list[str] = []
    t_arr = _arrow(treated, names[0])
    n = len(t_arr)
    if n == 0:
        raise EffectInputError(["no rows"])
    t = _zero_one(t_arr, names[0], n, first_row, problems)
    y = _zero_one(outcome, names[1], n, first_row, problems)
    w = _weights(weights, names[2], n, first_row, problems) if weights is not None else None
    encoded = [_encode(data[c], c, n, first_row, problems) for c in cols]
    if problems:
        raise EffectInputError(problems)

    code, values = _combine(encoded)
    s = len(values[0])
    idx = code * 2 + t                                  # stratum × (control 0, treated 1)
    rows = np.bincount(idx, minlength=2 * s).reshape(s, 2)
    if w is None:
        cnt = rows
        ysum = np.bincount(idx, weights=y, minlength=2 * s).reshape(s, 2)
        w2, w2y = cnt.astype(np.float64), ysum
    else:
        wy = w * y
        cnt = np.bincount(idx, weights=w, minlength=2 * s).reshape(s, 2)
        ysum = np.bincount(idx, weights=wy, minlength=2 * s).reshape(s, 2)
        w2 = np.bincount(idx, weights=w * w, minlength=2 * s).reshape(s, 2)
        w2y = np.bincount(idx, weights=w * wy, minlength=2 * s).reshape(s, 2)
    present = cnt > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(present, ysum / np.where(present, cnt, 1), np.nan)
        # variance of each group's (weighted) mean of 0/1 outcomes
        ss = w2y * (1 - 2 * mean) + mean * mean * w2
        var = np.where(rows >= 2, ss / (cnt.astype(np.float64) ** 2) * rows / np.maximum(rows - 1, 1), 0.25)
    both = present[:, 0] & present[:, 1]
    nt = cnt[:, 1]
    n_matched = nt[both].sum()
    if both.any():
        frac = nt[both] / n_matched
        att = float(np.sum(nt[both] * (mean[both, 1] - mean[both, 0])) / n_matched)
        treated_rate = float(np.sum(frac * mean[both, 1]))
        control_rate = float(np.sum(frac * mean[both, 0]))
        att_se = float(math.sqrt(np.sum(frac ** 2 * (var[both, 1] + var[both, 0]))))
    else:
        att = treated_rate = control_rate = att_se = None

    num = int if w is None else float
    keys = (*cols, *STRATUM_KEYS)
    rates = [[None if x != x else x for x in mean[:, j].tolist()] for j in (1, 0)]        # nan → None
    counts = [cnt[:, j].tolist() for j in (1, 0)]                  # ints without weights, else floats
    strata_out = [dict(zip(keys, row)) for row in zip(*values, *counts, *rates)]
    return EffectResult(
        strata_columns=cols, weighted=w is not None,
        n_treated=num(nt.sum()), n_control=num(cnt[:, 0].sum()),
        n_matched_treated=num(n_matched), unmatched_treated=num(nt[~both].sum()),
        treated_rate=treated_rate, control_rate=control_rate, att=att, att_se=att_se, strata=strata_out)


def support_effect_table(table: pa.Table, treated: str, outcome: str, strata: Sequence[str],
                         weight: str | None = None, first_row: int = 0) -> EffectResult:
    """:func:`support_effect` on the named columns of a pyarrow Table (what the command runs)."""
    missing = [c for c in [treated, outcome, *strata, *([weight] if weight else [])] if c not in table.column_names]
    if missing:
        raise EffectInputError([f"missing column(s): {', '.join(dict.fromkeys(missing))} "
                                f"(the file has: {', '.join(table.column_names)})"])
    for role, c in (("treated", treated), ("outcome", outcome)):
        if c in strata:
            raise EffectInputError([f"the {role} column {c} cannot also be a strata column"])
    if treated == outcome:
        raise EffectInputError([f"the treated and outcome columns are the same ({treated})"])
    return support_effect(table.column(treated), table.column(outcome), table, columns=list(strata),
                          weights=table.column(weight) if weight else None, first_row=first_row,
                          names=(treated, outcome, weight or "weights"))


_WHOLE = re.compile(r"-?(0|[1-9][0-9]{0,17})")


def codes_from_file(col: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    """A strata column as read from a file, with integers where the values are integers.

    Text whose every non-empty value is a whole number written without leading zeros becomes
    int64 ("3" → 3; but "00123" stays text, a code); a float column whose every value is whole
    becomes int64 (Excel stores every number as a float: 3.0 → 3). Other text comes back
    dictionary-encoded (the same values), anything else unchanged.
    Empty cells stay empty (null) so that the check can name their rows.
    """
    t = col.type
    if _is_text(t):              # decided on the distinct values (a few), then one take over the rows
        enc = col.dictionary_encode()
        if isinstance(enc, pa.ChunkedArray):
            enc = enc.unify_dictionaries().combine_chunks() if enc.num_chunks else pa.array([], t).dictionary_encode()
        words = [None if v is None else v.strip() for v in enc.dictionary.to_pylist()]
        given = [v for v in words if v]
        if not given or not all(_WHOLE.fullmatch(v) for v in given):
            return enc                           # text: dictionary-encoded already (support_effect takes it)
        ints = pa.array([int(v) if v else None for v in words], pa.int64())
        return ints.take(enc.indices)
    if pa.types.is_floating(t):
        f = pc.if_else(pc.is_nan(col), pa.scalar(None, t), col)
        valid = f.drop_null()
        if len(valid) and pc.all(pc.and_(pc.equal(pc.floor(valid), valid),
                                        pc.less(pc.abs(valid), 2.0 ** 53))).as_py():
            return f.cast(pa.int64())
    return col


__all__ = ["EffectInputError", "EffectResult", "RESULT_KEYS", "STRATUM_KEYS", "codes_from_file",
           "support_effect", "support_effect_table"]

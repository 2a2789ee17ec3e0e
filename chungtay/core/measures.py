"""Poverty measures: Alkire–Foster (H, A, M0), FGT income measures, change over time, and the
"one step from leaving poverty" list.

Pure Python + numpy (no Django, no pyarrow needed), so a researcher can use it from a notebook::

    >>> import numpy as np
    >>> from chungtay.core.measures import af
    >>> g = np.array([[0, 0, 0, 0], [0, 1, 0, 1], [1, 1, 1, 1], [0, 1, 0, 0]], dtype=np.int8)
    >>> r = af(g, k=2 / 4, indicators=["income", "education", "health", "water"])
    >>> r.H, r.A, r.M0
    (0.5, 0.75, 0.375)

Definitions (``/work/shared/domain/statistics.md``, Alkire & Foster 2011):

- n units (households, or persons when ``sample_weight`` is household size), indicators j with
  weights w_j normalised so that Σ w_j = 1, deprivations g_ij ∈ {0, 1}, score c_i = Σ_j w_j g_ij.
- A unit is **poor when c_i ≥ k** (and c_i > 0), with k ∈ (0, 1] a fraction of the weights' sum.
  The comparison allows 1e-9 of rounding, so ``k=0.3`` with 10 equal weights is "3 of 10" even
  though 3 × 0.1 < 0.3 in binary floating point.
- H = q / n; A = Σ_poor c_i / q; M0 = H × A = Σ_j w_j h_j(k); uncensored headcount h_j = share
  deprived in j; censored headcount h_j(k) = share poor *and* deprived in j; contribution of j =
  w_j h_j(k) / M0 (a fraction; they sum to 1).
- Default: the legal count rule — equal weights and k = 3 / d (D ≥ 3 of 10 or 12 indicators).
- Undefined values are ``nan`` (A and contributions when nobody is poor), ``None`` in JSON.

Everything is vectorised: with d ≤ 16 indicators each row's deprivation pattern is packed into
one small integer and a single ``bincount`` over (group, pattern) gives every figure exactly,
so 27 million rows take about a second (``benchmarks/bench_measures.py``).
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping, NamedTuple, Sequence

import numpy as np

from .standards import Standard

LEGAL_CUTOFF = 3          # D ≥ 3 deprivations (both 2016–2020 and 2021–2025)
TOLERANCE = 1e-9          # of the normalised score, for c_i ≥ k
DEFAULT_INCOME_GAP = 0.10  # near_escape: an income gap of at most 10 % of the line

_CHUNK = 1 << 16          # rows per block when packing patterns (fits in cache)
_BINCOUNT_CHUNK = 1 << 22
_MAX_PATTERN_BITS = 16
_MAX_BINS = 1 << 24       # groups × 2^d above this: direct per-indicator counting


# --------------------------------------------------------------------------- input helpers

def _as_columns(data, indicators: Sequence[str] | None) -> tuple[list[str], list[np.ndarray], int]:
    """(indicator codes, one 1-D 0/1 array per indicator, n) from a matrix or a table.

    A 2-D array (or nested list, read as rows) is units × indicators; a dict of arrays, a
    pyarrow Table or a pandas DataFrame is read by column name (``indicators`` picks them).
    """
    if isinstance(data, np.ndarray):
        if data.ndim != 2:
            raise ValueError(f"the deprivation matrix must be 2-D (units × indicators), got {data.ndim}-D")
        checked = data.size and (data.dtype == np.bool_ or (
            np.issubdtype(data.dtype, np.integer) and data.max() <= 1
            and (np.issubdtype(data.dtype, np.unsignedinteger) or data.min() >= 0)))
        cols = [data[:, j] for j in range(data.shape[1])]   # views: no copy
        names = list(indicators) if indicators is not None else [f"d{j + 1}" for j in range(len(cols))]
        if len(names) != len(cols):
            raise ValueError(f"{len(names)} indicator codes for a matrix of {len(cols)} columns")
    elif hasattr(data, "column_names") or isinstance(data, Mapping) or (
            hasattr(data, "columns") and hasattr(data, "__getitem__")):
        if hasattr(data, "column_names"):                                   # pyarrow.Table
            available = list(data.column_names)
        elif isinstance(data, Mapping):
            available = list(data.keys())
        else:                                                               # pandas.DataFrame
            available = list(data.columns)
        names = list(indicators) if indicators is not None else available
        missing = [c for c in names if c not in available]
        if missing:
            raise ValueError(f"missing indicator column(s): {', '.join(map(str, missing))}")
        cols = [_np(data[c]) for c in names]
        checked = False
    else:
        return _as_columns(np.asarray(data), indicators)
    if not cols:
        raise ValueError("no indicators")
    if len(set(names)) != len(names):
        raise ValueError(f"duplicate indicator codes: {sorted({c for c in names if names.count(c) > 1})}")
    n = len(cols[0])
    if n == 0:
        raise ValueError("no units (empty matrix)")
    out = []
    for name, col in zip(names, cols):
        if col.ndim != 1 or len(col) != n:
            raise ValueError(f"indicator {name}: expected a column of {n} values")
        out.append(col if checked else _check01(name, col))   # one pass over a whole 0/1 matrix
    return names, out, n


def _np(col) -> np.ndarray:
    if hasattr(col, "to_numpy") and not isinstance(col, np.ndarray):
        try:
            return np.asarray(col.to_numpy(zero_copy_only=False))   # pyarrow
        except TypeError:
            return np.asarray(col.to_numpy())                      # pandas
    return np.asarray(col)


def _check01(name: str, col: np.ndarray) -> np.ndarray:
    if col.dtype == np.bool_:
        return col
    if np.issubdtype(col.dtype, np.integer):
        if len(col) and (col.max() > 1 or (np.issubdtype(col.dtype, np.signedinteger) and col.min() < 0)):
            bad = np.flatnonzero((col != 0) & (col != 1))
            raise ValueError(f"indicator {name}: values must be 0 or 1 (rows {_rows0(bad)})")
        return col
    if np.issubdtype(col.dtype, np.floating) or col.dtype == object:
        try:
            f = col.astype(np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"indicator {name}: values must be 0 or 1") from None
        bad = np.flatnonzero((f != 0) & (f != 1))      # NaN is bad too
        if len(bad):
            raise ValueError(f"indicator {name}: values must be 0 or 1 (rows {_rows0(bad)})")
        return f.astype(np.int8)
    raise ValueError(f"indicator {name}: values must be 0 or 1, got {col.dtype}")


def _rows0(idx: np.ndarray, limit: int = 10) -> str:
    s = ", ".join(str(int(i)) for i in idx[:limit])
    return s + (f" and {len(idx) - limit} more" if len(idx) > limit else "") + " (0-based)"


def _weights(weights, names: list[str]) -> np.ndarray:
    d = len(names)
    if weights is None:
        return np.ones(d, dtype=np.float64)
    if isinstance(weights, Mapping):
        unknown = set(weights) - set(names)
        if unknown:
            raise ValueError(f"weights for unknown indicator(s): {sorted(unknown)}")
        missing = [c for c in names if c not in weights]
        if missing:
            raise ValueError(f"no weight for indicator(s): {', '.join(missing)}")
        weights = [weights[c] for c in names]
    w = np.asarray(weights, dtype=np.float64).ravel()
    if len(w) != d:
        raise ValueError(f"{len(w)} weights for {d} indicators")
    if not np.isfinite(w).all():
        raise ValueError("weights must be finite numbers")
    if (w < 0).any():
        raise ValueError(f"weights must not be negative: {w.tolist()}")
    if w.sum() <= 0:
        raise ValueError("the weights sum to zero")
    return w


def _cutoff(k, d: int) -> float:
    if k is None:
        return min(1.0, LEGAL_CUTOFF / d)
    k = float(k)
    if not (0 < k <= 1):
        raise ValueError(f"k must be in (0, 1] (a fraction of the weights' sum; for 'k of d' "
                         f"indicators use k/d), got {k}")
    return k


def _sample_weight(sample_weight, n: int) -> np.ndarray | None:
    if sample_weight is None:
        return None
    s = np.asarray(_np(sample_weight), dtype=np.float64).ravel()
    if len(s) != n:
        raise ValueError(f"sample_weight has {len(s)} values for {n} units")
    bad = np.flatnonzero(~np.isfinite(s) | (s < 0))
    if len(bad):
        raise ValueError(f"sample_weight must be finite and not negative (rows {_rows0(bad)})")
    if not s.sum() > 0:
        raise ValueError("the sample weights sum to zero")
    return s


def encode_groups(groups, n: int | None = None) -> tuple[np.ndarray, list]:
    """(codes 0..G-1 per row, label of each code). Labels are sorted (text in natural order).

    Small-range integers are used directly (no sort): province or commune codes cost one
    subtraction. pyarrow arrays are dictionary-encoded (hash, no sort). Anything else goes
    through ``np.unique`` (fine for a province; for the nation prefer integer codes).
    """
    if hasattr(groups, "dictionary_encode"):                 # pyarrow Array / ChunkedArray
        if groups.null_count:
            raise ValueError(f"groups: {groups.null_count} empty value(s)")
        enc = groups.dictionary_encode()
        if hasattr(enc, "combine_chunks"):
            enc = enc.combine_chunks()
        idx = np.asarray(enc.indices.to_numpy(zero_copy_only=False))
        labels = enc.dictionary.to_pylist()
        order = sorted(range(len(labels)), key=lambda i: _sort_key(labels[i]))
        remap = np.empty(len(labels), dtype=np.int32)
        remap[order] = np.arange(len(labels), dtype=np.int32)
        codes, labels = remap[idx], [labels[i] for i in order]
    else:
        g = _np(groups)
        if g.ndim != 1:
            raise ValueError("groups must be one value per unit")
        is_bool = g.dtype == np.bool_
        if is_bool:
            g = g.view(np.uint8)
        if np.issubdtype(g.dtype, np.integer) and len(g):
            lo, hi = int(g.min()), int(g.max())
            if hi - lo < 1 << 20:
                small = np.int16 if hi - lo < 1 << 15 else np.int32
                if g.dtype.itemsize <= 2 or g.dtype == np.int32:
                    codes = g.astype(small if g.dtype.itemsize <= 2 and small == np.int16 else np.int32)
                    if lo:
                        codes -= lo          # in a type wide enough: no overflow
                else:                        # 64-bit or uint32: subtract first, in the input's type
                    codes = (g - np.asarray(lo, dtype=g.dtype)).astype(small)
                labels = list(range(lo, hi + 1))
                present = np.bincount(codes, minlength=len(labels)) > 0
                if not present.all():            # gaps in the codes: renumber the present ones
                    remap = (np.cumsum(present) - 1).astype(codes.dtype)
                    codes = remap[codes]
                    labels = [x for x, p in zip(labels, present) if p]
                if is_bool:
                    labels = [bool(x) for x in labels]
            else:
                uniq, codes = np.unique(g, return_inverse=True)
                labels = uniq.tolist()
        else:
            if g.dtype == object and any(v is None or (isinstance(v, float) and math.isnan(v))
                                         for v in set(g.tolist())):
                raise ValueError("groups: empty value(s)")
            uniq, codes = np.unique(g, return_inverse=True)
            labels = uniq.tolist()
            order = sorted(range(len(labels)), key=lambda i: _sort_key(labels[i]))
            if order != list(range(len(labels))):    # "Thôn 2" before "Thôn 10"
                remap = np.empty(len(labels), dtype=np.int32)
                remap[order] = np.arange(len(labels), dtype=np.int32)
                codes, labels = remap[codes], [labels[i] for i in order]
    if n is not None and len(codes) != n:
        raise ValueError(f"groups has {len(codes)} values for {n} units")
    return np.asarray(codes).ravel(), labels


def _sort_key(v):
    """Numbers first, then text in natural order ("Thôn 2" < "Thôn 10", "9" < "10")."""
    if isinstance(v, (int, float)):
        return (0, v, (), "")
    parts = tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", str(v)) if p)
    return (1, 0, parts, str(v))


def _nan_to_none(x):
    if isinstance(x, float) and math.isnan(x):
        return None
    return x


def _num(x):
    """int when integral (counts without sample weights), else float; nan → None."""
    if isinstance(x, (np.integer,)):
        return int(x)
    x = float(x)
    if math.isnan(x):
        return None
    return int(x) if x.is_integer() and abs(x) < 2 ** 53 else x


# --------------------------------------------------------------------------- Alkire–Foster

@dataclass(frozen=True)
class AFResult:
    """Alkire–Foster figures for one population. Shares are fractions (0.375, not 37.5 %)."""
    n: float                        # units (Σ sample weights)
    q: float                        # poor units
    H: float
    A: float                        # nan when q = 0
    M0: float
    k: float                        # cutoff, fraction of the weights' sum
    weights: dict[str, float]       # normalised: Σ = 1
    uncensored: dict[str, float]
    censored: dict[str, float]
    contribution: dict[str, float]  # fraction of M0; nan when M0 = 0

    @property
    def indicators(self) -> list[str]:
        return list(self.weights)

    def to_dict(self) -> dict:
        return {"n": _num(self.n), "q": _num(self.q), "H": _nan_to_none(self.H), "A": _nan_to_none(self.A),
                "M0": _nan_to_none(self.M0), "k": self.k,
                "indicators": {c: {"weight": self.weights[c], "uncensored": _nan_to_none(self.uncensored[c]),
                                   "censored": _nan_to_none(self.censored[c]),
                                   "contribution": _nan_to_none(self.contribution[c])}
                               for c in self.weights}}


class Decomposition(dict):
    """``{group: result}`` plus the whole population (``total``), each group's population share
    (n_l / n) and :meth:`contribution` to the total (n_l/n · X_l ÷ X).

    Additive decomposability: X = Σ_l (n_l/n) X_l for M0, H (not A), P0, P1, P2.
    """

    def __init__(self, groups: dict, total, share: dict):
        super().__init__(groups)
        self.total = total
        self.share = share

    def contribution(self, measure: str = "M0") -> dict:
        tot = getattr(self.total, measure)
        if not tot or math.isnan(tot):
            return {g: math.nan for g in self}
        return {g: (self.share[g] * getattr(r, measure) / tot if self.share[g] else 0.0)
                for g, r in self.items()}

    def to_dict(self, measures: Iterable[str] = ("M0",)) -> dict:
        contrib = {m: self.contribution(m) for m in measures}
        out = {}
        for g, r in self.items():
            d = r.to_dict()
            d["population_share"] = _nan_to_none(self.share[g])
            for m in measures:
                d[f"contribution_to_{m}"] = _nan_to_none(contrib[m][g])
            out[str(g)] = d
        return out


def af(matrix, weights=None, k: float | None = None, sample_weight=None, *,
       indicators: Sequence[str] | None = None) -> AFResult:
    """Alkire–Foster measures of one population.

    ``matrix``: (n, d) 0/1 array (bool/int8/uint8 best; the row-major layout is read in
    cache-sized blocks without copying), or a table of columns (dict of arrays, pyarrow Table,
    pandas DataFrame; ``indicators`` picks and orders the columns). ``weights``: sequence or
    dict by code, any positive scale (normalised to Σ = 1); default equal. ``k``: fraction of
    the weights' sum in (0, 1]; default the legal 3 of d. ``sample_weight``: per-row weight,
    e.g. household size for person-level figures (n becomes Σ weights).
    """
    names, cols, n = _as_columns(matrix, indicators)
    w = _weights(weights, names)
    kk = _cutoff(k, len(names))
    s = _sample_weight(sample_weight, n)
    acc = _accumulate(cols, None, 1, w, kk, s)
    return _result(acc, 0, names, w, kk)


def af_by(matrix, groups, weights=None, k: float | None = None, sample_weight=None, *,
          indicators: Sequence[str] | None = None) -> Decomposition:
    """:func:`af` for each value of ``groups`` (child unit, ethnic group, urban/rural, …).

    Returns a :class:`Decomposition`: ``{group: AFResult}`` with ``.total`` (everyone),
    ``.share[g]`` = n_g / n and ``.contribution()[g]`` = (n_g/n)·M0_g ÷ M0.
    """
    names, cols, n = _as_columns(matrix, indicators)
    w = _weights(weights, names)
    kk = _cutoff(k, len(names))
    s = _sample_weight(sample_weight, n)
    codes, labels = encode_groups(groups, n)
    acc = _accumulate(cols, codes, len(labels), w, kk, s)
    return _decomposition(acc, labels, names, w, kk)


def _decomposition(acc: dict, labels: list, names, w: np.ndarray, k: float) -> Decomposition:
    present = acc["rows"] > 0
    tot = {key: v.sum(axis=0, keepdims=True) for key, v in acc.items()}
    total = _result(tot, 0, names, w, k)
    res = {labels[g]: _result(acc, g, names, w, k) for g in np.flatnonzero(present)}
    share = {g: (r.n / total.n if total.n else math.nan) for g, r in res.items()}
    return Decomposition(res, total, share)


def _result(acc: dict, g: int, names, w: np.ndarray, k: float) -> AFResult:
    W = w.sum()
    n, q, score = acc["n"][g], acc["q"][g], acc["score"][g]
    unc, cen = acc["unc"][g], acc["cen"][g]
    nan = math.nan
    H = q / n if n else nan
    A = score / (q * W) if q else nan
    M0 = score / (n * W) if n else nan
    wn = w / W
    return AFResult(
        n=_count(n), q=_count(q), H=float(H), A=float(A), M0=float(M0), k=k,
        weights={c: float(x) for c, x in zip(names, wn)},
        uncensored={c: float(u / n) if n else nan for c, u in zip(names, unc)},
        censored={c: float(x / n) if n else nan for c, x in zip(names, cen)},
        contribution={c: float(wj * x / score) if score else nan for c, wj, x in zip(names, w, cen)},
    )


def _count(x):
    x = float(x)
    return int(x) if x.is_integer() else x


def _accumulate(cols: list[np.ndarray], codes: np.ndarray | None, G: int, w: np.ndarray, k: float,
                s: np.ndarray | None, method: str | None = None) -> dict[str, np.ndarray]:
    """Per group: rows, n (Σ s), q, score (Σ_poor s·raw score), unc and cen (G × d sums)."""
    d, n = len(cols), len(cols[0])
    if method is None:    # the histogram pays off unless it is much larger than the data
        bins = G << d
        method = "pattern" if d <= _MAX_PATTERN_BITS and bins <= min(_MAX_BINS, max(1 << 16, 4 * n)) \
            else "direct"
    fn = _accumulate_patterns if method == "pattern" else _accumulate_direct
    return fn(cols, codes, G, w, k, s)


def _poor(raw: np.ndarray, w: np.ndarray, k: float) -> np.ndarray:
    W = w.sum()
    return (raw >= (k - TOLERANCE) * W) & (raw > 0)


def _raw_scores(bits_cols: Iterable[np.ndarray], w: np.ndarray, size: int) -> np.ndarray:
    """Σ_j w_j g_j in a fixed order (the same in both methods, so both agree to the last bit)."""
    raw = np.zeros(size, dtype=np.float64)
    for wj, col in zip(w, bits_cols):
        raw += wj * col
    return raw


def _accumulate_patterns(cols, codes, G, w, k, s):
    hist, rows = pattern_counts(cols, codes, G, s)
    if codes is None:
        rows[0] = len(cols[0])
    return _from_patterns(hist, rows, w, k, len(cols))


def pattern_counts(cols, codes, G: int, s=None) -> tuple[np.ndarray, np.ndarray]:
    """(G × 2^d histogram of deprivation patterns, rows per group): everything AF needs, and
    additive, so a file can be counted a piece at a time (:class:`AFStream`)."""
    d, n = len(cols), len(cols[0])
    P = 1 << d
    ptype = np.uint8 if d <= 8 else np.uint16
    pattern = np.empty(n, dtype=ptype)
    tmp = np.empty(_CHUNK, dtype=ptype)
    for a in range(0, n, _CHUNK):
        b = min(n, a + _CHUNK)
        out, t = pattern[a:b], tmp[:b - a]
        out[:] = 0
        for j, col in enumerate(cols):
            np.copyto(t, col[a:b], casting="unsafe")
            if j:
                t <<= j
            out |= t
    bins = G * P
    hist = np.zeros(bins, dtype=np.float64)
    rows = np.zeros(G, dtype=np.int64)
    for a in range(0, n, _BINCOUNT_CHUNK):
        b = min(n, a + _BINCOUNT_CHUNK)
        if codes is None:
            key = pattern[a:b]
        else:
            key = codes[a:b].astype(np.int64) * P + pattern[a:b]
            rows += np.bincount(codes[a:b], minlength=G)
        hist += np.bincount(key, weights=None if s is None else s[a:b], minlength=bins)
    return hist.reshape(G, P), rows


def _from_patterns(hist, rows, w, k, d):
    P = 1 << d
    p = np.arange(P, dtype=np.int64)
    bits = [((p >> j) & 1).astype(np.float64) for j in range(d)]
    raw = _raw_scores(bits, w, P)
    poor = _poor(raw, w, k).astype(np.float64)
    B = np.stack(bits, axis=1)                                   # (P, d)
    return {"rows": rows, "n": hist.sum(axis=1), "q": hist @ poor, "score": hist @ (raw * poor),
            "unc": hist @ B, "cen": hist @ (B * poor[:, None])}


class AFStream:
    """:func:`af` (``by=False``) or :func:`af_by` (``by=True``) of a population given a piece at a
    time, with the same result to the last bit, in memory of one piece: the pieces' pattern counts
    (whole numbers, exact in any order) are added up and turned into measures once at the end.
    Without sample weights only (weighted sums would depend on the order of addition).

    ``add(cols, groups)`` takes one piece's 0/1 columns (checked, in the order of ``names``) and,
    with ``by``, its group values (as :func:`encode_groups` takes them). :meth:`result` is None when
    :func:`af` would not count patterns for this population (too many groups × patterns): the
    caller then computes it whole."""

    def __init__(self, names: Sequence[str], weights=None, k: float | None = None, by: bool = False):
        self.names = list(names)
        self.w = _weights(weights, self.names)
        self.k = _cutoff(k, len(self.names))
        self.by = by
        self.index: dict = {}                       # group label -> row of the counts
        self.hist = np.zeros((0 if by else 1, 1 << len(self.names)), np.int64)
        self.rows = np.zeros(0 if by else 1, np.int64)
        self.n = 0

    def add(self, cols: list[np.ndarray], groups=None) -> None:
        d = len(self.names)
        if d > _MAX_PATTERN_BITS:
            raise ValueError(f"AFStream counts patterns of at most {_MAX_PATTERN_BITS} indicators")
        n = len(cols[0])
        if n == 0:
            return
        self.n += n
        if not self.by:
            hist, _ = pattern_counts(cols, None, 1)
            self.hist += hist.astype(np.int64)
            self.rows[0] += n
            return
        codes, labels = encode_groups(groups, n)
        hist, rows = pattern_counts(cols, codes, len(labels))
        new = [g for g in labels if g not in self.index]
        if new:
            for g in new:
                self.index[g] = len(self.index)
            self.hist = np.vstack([self.hist, np.zeros((len(new), self.hist.shape[1]), np.int64)])
            self.rows = np.concatenate([self.rows, np.zeros(len(new), np.int64)])
        at = np.array([self.index[g] for g in labels], np.int64)
        self.hist[at] += hist.astype(np.int64)
        self.rows[at] += rows

    def result(self):
        d = len(self.names)
        G = len(self.rows)
        if self.n == 0:
            raise ValueError("no units (empty matrix)")
        if (G << d) > min(_MAX_BINS, max(1 << 16, 4 * self.n)):
            return None
        labels = sorted(self.index, key=_sort_key) if self.by else [None]
        order = [self.index[g] for g in labels] if self.by else [0]
        acc = _from_patterns(self.hist[order].astype(np.float64), self.rows[order], self.w, self.k, d)
        if not self.by:
            return _result(acc, 0, self.names, self.w, self.k)
        return _decomposition(acc, labels, self.names, self.w, self.k)


def _accumulate_direct(cols, codes, G, w, k, s):
    d, n = len(cols), len(cols[0])
    out = {"rows": np.zeros(G, np.int64), "n": np.zeros(G), "q": np.zeros(G), "score": np.zeros(G),
           "unc": np.zeros((G, d)), "cen": np.zeros((G, d))}
    step = 1 << 20
    for a in range(0, n, step):
        b = min(n, a + step)
        c = np.zeros(b - a, np.int32) if codes is None else codes[a:b]
        sw = None if s is None else s[a:b]
        raw = _raw_scores((col[a:b] for col in cols), w, b - a)
        poor = _poor(raw, w, k)
        out["rows"] += np.bincount(c, minlength=G)
        out["n"] += np.bincount(c, weights=sw, minlength=G)
        cp, swp = c[poor], None if sw is None else sw[poor]
        out["q"] += np.bincount(cp, weights=swp, minlength=G)
        out["score"] += np.bincount(cp, weights=raw[poor] if sw is None else raw[poor] * swp, minlength=G)
        for j, col in enumerate(cols):
            g = col[a:b].astype(bool)
            out["unc"][:, j] += np.bincount(c[g], weights=None if sw is None else sw[g], minlength=G)
            gp = g & poor
            out["cen"][:, j] += np.bincount(c[gp], weights=None if sw is None else sw[gp], minlength=G)
    return out


def legal_k(standard: Standard) -> float:
    """The legal cutoff as an AF k: deprivation cutoff / number of indicators (3/10, 3/12)."""
    return standard.deprivation_cutoff / len(standard.indicators)


# --------------------------------------------------------------------------- FGT

@dataclass(frozen=True)
class FGTResult:
    """Foster–Greer–Thorbecke measures P_α = (1/n) Σ_{poor} ((z − y_i)/z)^α."""
    n: float
    q: float
    inclusive: bool                 # poor when y ≤ z (official Vietnamese rule) instead of y < z
    P: dict[float, float] = field(default_factory=dict)
    line: float | None = None       # None when each row has its own line

    @property
    def P0(self) -> float:
        return self.P[0]

    @property
    def P1(self) -> float:
        return self.P[1]

    @property
    def P2(self) -> float:
        return self.P[2]

    def to_dict(self) -> dict:
        d = {"n": _num(self.n), "q": _num(self.q), "line": self.line, "inclusive": self.inclusive}
        d.update({f"P{a:g}": _nan_to_none(v) for a, v in self.P.items()})
        return d


def _fgt_inputs(income, line, sample_weight, alpha):
    y = np.asarray(_np(income), dtype=np.float64).ravel()
    if len(y) == 0:
        raise ValueError("no incomes")
    bad = np.flatnonzero(~np.isfinite(y))
    if len(bad):
        raise ValueError(f"income must be a number (rows {_rows0(bad)})")
    z = np.asarray(_np(line), dtype=np.float64)
    if z.ndim > 1 or (z.ndim == 1 and len(z) != len(y)):
        raise ValueError("line must be one number or one per unit")
    if not np.isfinite(z).all() or (z <= 0).any():
        raise ValueError("the line must be a positive number")
    alphas = tuple(alpha) if isinstance(alpha, (list, tuple)) else (alpha,)
    if any(a < 0 for a in alphas):
        raise ValueError("alpha must not be negative")
    return y, z, _sample_weight(sample_weight, len(y)), alphas


def _fgt_sums(y, z, s, alphas, inclusive, codes, G):
    """Per group: rows, n, q and Σ s·gap^α over the poor, in blocks of 1M rows (bounded memory)."""
    rows, n, q = np.zeros(G, np.int64), np.zeros(G), np.zeros(G)
    sums = {a: np.zeros(G) for a in alphas}
    step = 1 << 20
    for a0 in range(0, len(y), step):
        b0 = min(len(y), a0 + step)
        yy = y[a0:b0]
        zz = z if z.ndim == 0 else z[a0:b0]
        sw = None if s is None else s[a0:b0]
        c = np.zeros(b0 - a0, np.int32) if codes is None else codes[a0:b0]
        poor = (yy <= zz) if inclusive else (yy < zz)
        cp, yp = c[poor], yy[poor]
        zp = zz if zz.ndim == 0 else zz[poor]
        sp = None if sw is None else sw[poor]
        gap = (zp - yp) / zp
        rows += np.bincount(c, minlength=G)
        n += np.bincount(c, weights=sw, minlength=G)
        q += np.bincount(cp, weights=sp, minlength=G)
        for a in alphas:
            v = gap ** a if a else None
            if sp is not None:
                v = sp if v is None else v * sp
            sums[a] += np.bincount(cp, weights=v, minlength=G)
    return rows, n, q, sums


def fgt(income, line, alpha=(0, 1, 2), inclusive: bool = False, sample_weight=None) -> FGTResult:
    """FGT measures of income against ``line`` (a number, or one per unit: rural/urban lines).

    ``inclusive=False`` is the FGT literature (poor when y < z); ``True`` is the official
    Vietnamese rule (y ≤ z). Only P0 can differ: a unit exactly on the line has a gap of 0.
    """
    y, z, s, alphas = _fgt_inputs(income, line, sample_weight, alpha)
    _rows, n, q, sums = _fgt_sums(y, z, s, alphas, inclusive, None, 1)
    return _fgt_result(n[0], q[0], {a: v[0] for a, v in sums.items()}, inclusive, z)


def fgt_by(income, line, groups, alpha=(0, 1, 2), inclusive: bool = False, sample_weight=None) -> Decomposition:
    """:func:`fgt` per group; ``.total``, ``.share`` and ``.contribution("P0")`` as for AF."""
    y, z, s, alphas = _fgt_inputs(income, line, sample_weight, alpha)
    codes, labels = encode_groups(groups, len(y))
    rows, n, q, sums = _fgt_sums(y, z, s, alphas, inclusive, codes, len(labels))
    total = _fgt_result(n.sum(), q.sum(), {a: v.sum() for a, v in sums.items()}, inclusive, z)
    res = {labels[g]: _fgt_result(n[g], q[g], {a: v[g] for a, v in sums.items()}, inclusive, z)
           for g in np.flatnonzero(rows > 0)}
    share = {g: (r.n / total.n if total.n else math.nan) for g, r in res.items()}
    return Decomposition(res, total, share)


def _fgt_result(n, q, sums, inclusive, z) -> FGTResult:
    P = {a: (float(v / n) if n else math.nan) for a, v in sums.items()}
    line = float(z) if z.ndim == 0 else None
    return FGTResult(n=_count(n), q=_count(q), inclusive=inclusive, P=P, line=line)


# --------------------------------------------------------------------------- change over time

class Change(NamedTuple):
    absolute: float               # X2 − X1 (for shares: × 100 = percentage points)
    annualised_absolute: float    # (X2 − X1) / (t2 − t1)
    annualised_relative: float    # 100 × ((X2/X1)^(1/(t2−t1)) − 1), percent per year; nan if X1 = 0


def change(x1, x2, t1, t2) -> Change:
    """Change of a measure between years t1 < t2 (statistics.md). Works on numbers or arrays."""
    years = t2 - t1
    if np.any(np.asarray(years) <= 0):
        raise ValueError(f"t2 must be after t1 (got {t1} → {t2})")
    x1a, x2a = np.asarray(x1, dtype=np.float64), np.asarray(x2, dtype=np.float64)
    absolute = x2a - x1a
    with np.errstate(divide="ignore", invalid="ignore"):
        rel = np.where(x1a > 0, 100 * (np.power(np.where(x1a > 0, x2a / np.where(x1a > 0, x1a, 1), 1.0),
                                                1 / years) - 1), np.nan)
    if absolute.ndim == 0:
        return Change(float(absolute), float(absolute / years), float(rel))
    return Change(absolute, absolute / years, rel)


def af_change(r1: AFResult, r2: AFResult, t1, t2) -> dict:
    """:func:`change` of H, A, M0 and of each indicator's censored and uncensored headcount."""
    if list(r1.weights) != list(r2.weights):
        raise ValueError("the two results have different indicators")
    out: dict[str, Any] = {m: change(getattr(r1, m), getattr(r2, m), t1, t2) for m in ("H", "A", "M0")}
    for part in ("censored", "uncensored"):
        a, b = getattr(r1, part), getattr(r2, part)
        out[part] = {c: change(a[c], b[c], t1, t2) for c in a}
    return out


def _py(v):
    return v.item() if hasattr(v, "item") else v


_ESCAPE = ("EscapeArrays", "NearEscape", "escape_arrays", "escape_tables", "near_escape")


def __getattr__(name: str):
    """The "one step from leaving poverty" part lives in :mod:`chungtay.core.escape`; its names
    are still importable from here."""
    if name in _ESCAPE:
        from . import escape
        return getattr(escape, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["AFResult", "AFStream", "Change", "Decomposition", "FGTResult", "LEGAL_CUTOFF", "NearEscape", "af",
           "af_by", "af_change", "change", "encode_groups", "escape_tables", "fgt", "fgt_by", "legal_k", "pattern_counts",
           "near_escape"]

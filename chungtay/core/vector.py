"""Vectorised classification: the same rule list as :func:`classify`, over columns.

Categories come back as small integers indexing :data:`CATEGORIES` so that tens of
millions of rows fit in memory; ``np.asarray(CATEGORIES)[codes]`` gives the names.

How it works (the rules stay data; nothing here knows a line or a category by name):

1. *Compile* the standard's rule list into a look-up table (once per standard object,
   then cached). The limits that any rule can test (each line, or score A threshold, in
   each area) are merged into one sorted list ``T``; the deprivation cut-offs into a
   sorted list ``C``. For a value ``v`` let ``b = #{t in T : v > t}`` and for a count
   ``d`` let ``e = #{c in C : d >= c}``. Then ``v <= L`` exactly when
   ``b <= #{t in T : t < L}`` and ``d >= c_j`` exactly when ``e > j``, so every rule
   condition is a function of ``(urban, b, e)``. Walking the rules first-match for every
   such triple (a few dozen) gives the table.
2. *Run* over cache-sized blocks (``BLOCK`` rows): one float64 comparison per distinct
   limit, everything else in uint8, then one byte look-up (``bytes.translate``) writes
   the category codes. The largest limit is tested as ``v <= t`` and the others as
   ``v > t``, so a NaN value (every comparison false) gets a key no number can have and
   the table sends it to ``UNSET`` (or, when a score A column is given, marks it for the
   score rules) without a separate NaN test. No per-rule limit arrays, no masks copied,
   no scattering. With fewer than two limits, or more keys than one byte holds, a
   simpler form of the same table is used.

3. *Or run compiled* (:mod:`chungtay.core._kernel`, numba): the same table and key in one
   pass over each row, for long arrays where loading numba pays for itself (see
   :func:`use_kernel`). What remains between either form and the memory-bandwidth bound is
   in docs/benchmarks.md ("Classification engine").

The comparisons are the same float64 ``<=``/``>=`` as the single-household engine makes,
so values exactly on a line, fractions, infinities and negative values all land where
:func:`chungtay.core.classify.classify` puts them (``tests/test_engines_agree.py``).
"""
from __future__ import annotations

import math
import os
from bisect import bisect_left

import numpy as np

from .standards import AREAS, CATEGORIES, Standard, StandardError

UNSET = -1
MARK = -2              # internal: "no income on this row" while a score A column waits
BLOCK = 3 << 14        # 49,152 rows a block: its inputs and temporaries (~0.8 MB) stay in L2

KERNEL_CHUNK = 1 << 20   # rows per call of the compiled kernel (its float64 copy of other dtypes: 8 MB)
# Below this many rows the numpy form is used unless numba is already loaded: importing
# numba and loading the cached kernels costs ~0.35 s once a process; they save ~1 ns a row.
KERNEL_MIN_ROWS = 300_000_000
KERNEL_MODES = ("auto", "numpy", "compiled")

_U8 = np.uint8
_plans: dict[int, tuple[Standard, dict]] = {}   # id(standard) -> (standard, {basis: plan})


class _Plan:
    """One rule list (income or score A) of one standard, compiled to look-up tables.

    ``table`` is indexed by ``b + k1 * (urban + 2 * e)`` (``b`` = limits exceeded, ``e`` =
    cut-offs met). The fast tables (``lut``/``lut_mark``, 256 bytes for ``bytes.translate``)
    are indexed by ``bp + K * (urban + 2 * e + 2 * E1 * y)`` where ``y = [v <= largest
    limit]`` and ``bp`` counts the other limits exceeded: a NaN value (every comparison
    false) then has a key of its own, so no separate NaN test is needed."""

    __slots__ = ("thresholds", "cutoffs", "k1", "table", "lut", "lut_mark", "lut_simple")

    def __init__(self, thresholds, cutoffs, table_of):
        self.thresholds, self.cutoffs = thresholds, cutoffs
        K, e1 = len(thresholds), len(cutoffs) + 1
        self.k1 = K + 1
        self.table = np.array([table_of(u, b, e) for e in range(e1) for u in (0, 1) for b in range(K + 1)],
                              dtype=np.int8)
        self.lut_simple = _pad(self.table) if len(self.table) <= 256 else None
        self.lut = self.lut_mark = None
        if K >= 2 and 4 * K * e1 <= 256:
            fast, mark = np.full(256, UNSET, np.int8), np.full(256, UNSET, np.int8)
            for u in (0, 1):
                for e in range(e1):
                    q = u + 2 * e
                    for bp in range(K):                                  # v <= largest limit: b = bp
                        fast[bp + K * (q + 2 * e1)] = table_of(u, bp, e)
                    fast[K - 1 + K * q] = table_of(u, K, e)              # v above every limit
                    mark[K * q] = MARK                                   # NaN: nothing true
            mark[fast != UNSET] = fast[fast != UNSET]
            self.lut, self.lut_mark = _pad(fast), _pad(mark)


def _pad(table: np.ndarray) -> bytes:
    return table.view(_U8).tobytes() + bytes(256 - len(table))


def _limit(standard: Standard, basis: str, line: str, area: str) -> float:
    if basis == "income":
        return float(standard.lines[line].value(area))
    x = standard.score_threshold(line, area)
    if x is None:
        raise StandardError(f"standard {standard.code}: score rule refers to line {line!r} "
                            "which has no score A threshold")
    return float(x)


def _compile(standard: Standard, basis: str) -> _Plan:
    cached = _plans.get(id(standard))
    if cached is not None and cached[0] is standard and basis in cached[1]:
        return cached[1][basis]
    rules = standard.rules if basis == "income" else standard.score_rules
    limits = {}
    for rule in rules:
        if rule.income_at_most is not None:
            for area in AREAS:
                limits[rule.income_at_most, area] = _limit(standard, basis, rule.income_at_most, area)
    thresholds = sorted({x for x in limits.values() if not math.isnan(x)})
    cutoffs = sorted({r.deprivations_at_least for r in rules
                      if r.deprivations_at_least is not None and r.deprivations_at_least == r.deprivations_at_least})

    def table_of(u: int, b: int, e: int) -> int:
        """First rule met by a row of area ``u`` exceeding ``b`` limits and meeting ``e`` cut-offs."""
        area = AREAS[u]                           # urban False -> "rural", True -> "urban"
        for rule in rules:
            if rule.income_at_most is not None:
                lim = limits[rule.income_at_most, area]
                # v <= lim  <=>  b(v) <= #{t < lim}; a NaN limit is never met
                if math.isnan(lim) or b > bisect_left(thresholds, lim):
                    continue
            c = rule.deprivations_at_least
            if c is not None and (c != c or e <= cutoffs.index(c)):
                continue
            return CATEGORIES.index(rule.category)
        return UNSET

    plan = _Plan(thresholds, cutoffs, table_of)
    if cached is None or cached[0] is not standard:
        if len(_plans) >= 64:
            _plans.clear()
        cached = _plans[id(standard)] = (standard, {})
    cached[1][basis] = plan
    return plan


class _Buffers:
    def __init__(self, size: int):
        self.key = np.empty(size, dtype=_U8)
        self.tmp = np.empty(size, dtype=bool)


def _block(plan: _Plan, value: np.ndarray, urban: np.ndarray, deprivations: np.ndarray,
           out: np.ndarray, buf: _Buffers, missing: bool):
    """Category codes of one block into ``out``; rows whose value is NaN get UNSET.
    With ``missing`` the positions of those rows are returned (None if there are none)."""
    m = len(value)
    key, tmp = buf.key[:m], buf.tmp[:m]
    t8 = tmp.view(_U8)
    T = plan.thresholds
    if plan.lut is not None:
        # key = bp + K * (urban + 2 * e + 2 * E1 * y), uint8, < 256 by construction
        np.less_equal(value, T[-1], tmp)                  # y (the first read of the values)
        np.multiply(t8, 2 * (len(plan.cutoffs) + 1), key)
        for c in plan.cutoffs:
            np.greater_equal(deprivations, c, tmp)
            np.add(key, t8, key)
            np.add(key, t8, key)
        np.add(key, urban, key)                           # bool -> 0/1 whatever its bytes
        np.multiply(key, len(T), key)
        for t in T[:-1]:
            np.greater(value, t, tmp)
            np.add(key, t8, key)
        out[:] = np.frombuffer(key.tobytes().translate(plan.lut_mark if missing else plan.lut), dtype=np.int8)
        if not missing or out.min() != MARK:
            return None
        miss = np.flatnonzero(out == MARK)
        out[miss] = UNSET
        return miss
    # general form: key = b + k1 * (urban + 2 * e); NaN rows found by their own test
    nan_here = math.isnan(value.max())
    if plan.lut_simple is None:
        k = urban.astype(np.int32)
        for c in plan.cutoffs:
            k += 2 * (deprivations >= c)
        k *= plan.k1
        for t in T:
            k += value > t
        np.take(plan.table, k, out=out)
    else:
        np.multiply(urban, plan.k1, key, dtype=_U8)
        for c in plan.cutoffs:
            np.greater_equal(deprivations, c, tmp)
            np.multiply(t8, 2 * plan.k1, t8)
            np.add(key, t8, key)
        for t in T:
            np.greater(value, t, tmp)
            np.add(key, t8, key)
        out[:] = np.frombuffer(key.tobytes().translate(plan.lut_simple), dtype=np.int8)
    if not nan_here:
        return None
    miss = np.flatnonzero(np.isnan(value))
    out[miss] = UNSET
    return miss if missing else None


def _as_rows(x, n: int) -> np.ndarray:
    x = np.asarray(x)
    return np.broadcast_to(x, (n,)) if x.ndim == 0 else x


def _float64(x: np.ndarray) -> np.ndarray:
    return x if x.dtype == np.float64 else np.asarray(x, dtype=np.float64)


_kernel_module = None


def _load_kernel():
    """The compiled kernels (:mod:`chungtay.core._kernel`), or None where numba is missing."""
    global _kernel_module
    if _kernel_module is None:
        try:
            from . import _kernel
        except ImportError:
            _kernel_module = False
        else:
            _kernel_module = _kernel
    return _kernel_module or None


def use_kernel(rows: int, mode: str | None = None) -> bool:
    """Whether ``rows`` rows run through the compiled kernel.

    ``mode`` (default: the environment variable ``CHUNGTAY_VECTOR_KERNEL``, else "auto"):
    "numpy" never, "compiled" always (numba must be installed), "auto" when numba is
    installed and either ``rows >= KERNEL_MIN_ROWS`` or the kernel is already loaded."""
    mode = mode or os.environ.get("CHUNGTAY_VECTOR_KERNEL") or "auto"
    if mode not in KERNEL_MODES:
        raise ValueError(f"kernel mode {mode!r}: expected one of {', '.join(KERNEL_MODES)}")
    if mode == "numpy":
        return False
    if mode == "compiled":
        if _load_kernel() is None:
            raise RuntimeError("the compiled kernel needs numba, which is not installed")
        return True
    if _kernel_module is None and rows < KERNEL_MIN_ROWS:
        return False
    return _load_kernel() is not None


def _compiled_fits(plan: _Plan, urban: np.ndarray, deprivations: np.ndarray) -> bool:
    return plan.lut is not None and deprivations.dtype.kind in "biuf" and urban.dtype == np.bool_


def _run_compiled(plan: _Plan, value: np.ndarray, urban: np.ndarray, deprivations: np.ndarray,
                  out: np.ndarray, missing: bool):
    """The compiled kernel over one chunk; as :func:`_block`, the positions of rows without
    a value are returned when ``missing`` (None if there are none)."""
    T = plan.thresholds
    lut = np.frombuffer(plan.lut_mark if missing else plan.lut, dtype=np.int8)
    marked = _kernel_module.classify_lut(value, urban.view(_U8), deprivations, tuple(T[:-1]), T[-1],
                                         tuple(int(c) for c in plan.cutoffs), len(T), len(plan.cutoffs) + 1,
                                         lut, out, MARK)
    if not marked:
        return None
    miss = np.flatnonzero(out == MARK)
    out[miss] = UNSET
    return miss


def classify_arrays(standard: Standard, urban: np.ndarray, income: np.ndarray | None,
                    score_a: np.ndarray | None, deprivations: np.ndarray,
                    kernel: str | None = None) -> np.ndarray:
    """Category codes (int8) for every row.

    ``urban``: bool array; ``income``/``score_a``: float arrays with NaN where absent
    (exactly one of the two must be present per row — validate before calling);
    ``deprivations``: int array of deprivation counts (see :func:`deprivation_count`).
    Rows with neither value get ``UNSET`` (-1). ``kernel``: see :func:`use_kernel`; both
    forms give the same codes.
    """
    n = len(urban)
    out = np.empty(n, dtype=np.int8)
    if n == 0:
        return out
    urban = _as_rows(np.asarray(urban, dtype=bool), n)
    deprivations = _as_rows(deprivations, n)
    if income is not None:
        income = _as_rows(income, n)
    if score_a is not None:
        score_a = _as_rows(score_a, n)

    def plan(basis: str) -> _Plan:
        if basis == "score_a" and standard.score_rules is None:
            raise StandardError(f"standard {standard.code} has no confirmed score A thresholds")
        return _compile(standard, basis)

    if income is None and score_a is None:
        out.fill(UNSET)
        return out
    if income is None:
        basis, primary, secondary = "score_a", score_a, None
        if standard.score_rules is None:
            if not np.isnan(_float64(score_a)).all():
                plan("score_a")                   # raises
            out.fill(UNSET)
            return out
    else:
        basis, primary, secondary = "income", income, score_a
    first = plan(basis)
    compiled = use_kernel(n, kernel) and _compiled_fits(first, urban, deprivations)
    step = KERNEL_CHUNK if compiled else BLOCK
    buf = None if compiled else _Buffers(min(n, BLOCK))
    for a in range(0, n, step):
        b = min(n, a + step)
        o = out[a:b]
        if compiled:
            miss = _run_compiled(first, _float64(primary[a:b]), urban[a:b], deprivations[a:b], o,
                                 secondary is not None)
        else:
            miss = _block(first, _float64(primary[a:b]), urban[a:b], deprivations[a:b], o, buf,
                          secondary is not None)
        if miss is None:
            continue
        s = _float64(secondary[a:b][miss])
        has = ~np.isnan(s)
        if not has.any():
            continue
        rows = miss[has]
        codes = np.empty(len(rows), dtype=np.int8)
        _block(plan("score_a"), s[has], urban[a:b][rows], deprivations[a:b][rows], codes, _Buffers(len(rows)), False)
        o[rows] = codes
    return out


def deprivation_count(matrix: np.ndarray, kernel: str | None = None) -> np.ndarray:
    """Row sums of a (n, d) 0/1 matrix, or of a list of 0/1 columns (int16).
    ``kernel``: see :func:`use_kernel`."""
    if isinstance(matrix, (list, tuple)):
        return _count_columns(matrix)
    if (isinstance(matrix, np.ndarray) and matrix.ndim == 2 and matrix.dtype.itemsize == 1
            and matrix.dtype.kind in "biu" and matrix.flags.c_contiguous):
        d = matrix.shape[1]
        if d % 4 == 0 and 0 < d <= 252 and use_kernel(len(matrix), kernel):
            out = np.empty(len(matrix), dtype=np.int16)
            raw = matrix.view(_U8) if matrix.dtype.kind == "b" else matrix
            _kernel_module.row_sums(raw, raw.view(np.uint32), out)
            return out
        if matrix.shape[1] % 2 == 0 and matrix.shape[1] <= 254:
            return _count_bytes(matrix)
    return matrix.sum(axis=1, dtype=np.int16)


def _or_all(raw: np.ndarray) -> int:
    """OR of every byte of a contiguous uint8 array (folded to one byte)."""
    whole = len(raw) // 8 * 8
    seen = int(np.bitwise_or.reduce(raw[:whole].view(np.uint64))) if whole else 0
    if whole < len(raw):
        seen |= int(np.bitwise_or.reduce(raw[whole:]))
    for s in (32, 16, 8):
        seen |= seen >> s
    return seen & 0xFF


def _count_bytes(matrix: np.ndarray) -> np.ndarray:
    """Row sums of a C-contiguous (n, d) matrix of one-byte values, d even, in blocks.

    Where every byte of a block is 0 or 1 (one OR over the block tells), the d bytes of a
    row are added as d/4 uint32 (or d/2 uint16) words, lane by lane with no carries, and
    one multiplication adds the lanes; any other block is summed as before."""
    n, d = matrix.shape
    out = np.empty(n, dtype=np.int16)
    wide = d % 4 == 0
    word = np.uint32 if wide else np.uint16
    spread = word(0x01010101 if wide else 0x0101)
    shift = 24 if wide else 8
    for a in range(0, n, BLOCK):
        blk = matrix[a:a + BLOCK]
        if _or_all(blk.reshape(-1).view(_U8)) > 1:
            out[a:a + len(blk)] = blk.sum(axis=1, dtype=np.int16)
            continue
        w = blk.view(word)                        # (m, d/4) or (m, d/2)
        x = w[:, 0] + w[:, 1] if w.shape[1] > 1 else w[:, 0].copy()
        for j in range(2, w.shape[1]):
            x += w[:, j]
        x *= spread
        x >>= shift
        out[a:a + len(blk)] = x
    return out


def _count_columns(cols) -> np.ndarray:
    """Sum of 0/1 columns, block by block: one-byte columns are added in uint8 and ORed
    (to check that they are 0/1); anything else, or a block that fails the check, is
    added as int16 copies of the columns, as before."""
    n = len(cols[0]) if cols else 0
    out = np.zeros(n, dtype=np.int16)
    small = 0 < len(cols) <= 255 and all(isinstance(c, np.ndarray) and c.ndim == 1 and c.dtype.itemsize == 1
                                         and c.dtype.kind in "biu" for c in cols)
    if small:
        raw = [c.view(_U8) for c in cols]
        acc, seen = np.empty(min(n, BLOCK), _U8), np.empty(min(n, BLOCK), _U8)
    for a in range(0, n, BLOCK):
        b = min(n, a + BLOCK)
        if small:
            ac, sn = acc[:b - a], seen[:b - a]
            np.copyto(ac, raw[0][a:b])
            np.copyto(sn, raw[0][a:b])
            for c in raw[1:]:
                np.add(ac, c[a:b], ac)
                np.bitwise_or(sn, c[a:b], sn)
            if sn.max() <= 1:
                out[a:b] = ac
                continue
        blk = out[a:b]
        for c in cols:
            blk += c[a:b].astype(np.int16, copy=False)
    return out


def category_names(codes: np.ndarray) -> np.ndarray:
    return np.asarray(CATEGORIES, dtype=object)[codes]

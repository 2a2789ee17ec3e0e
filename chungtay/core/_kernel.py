"""The compiled form of :mod:`chungtay.core.vector`'s block engine (numba, no compiler needed).

The same look-up table and the same key as the numpy form (``_Plan.lut``): for each row
``key = bp + K * (urban + 2 * e + 2 * E1 * y)`` with ``y = [v <= largest limit]``, ``bp`` the
other limits exceeded and ``e`` the cut-offs met; then ``out = lut[key]``. Here it is two
tight loops over small blocks instead of ~13 numpy passes: the first computes the keys of
``SUB`` rows (the limits and cut-offs are tuples, so their loops have a fixed length and
LLVM vectorises the loop over rows), the second looks the keys up byte by byte (a byte
gather does not vectorise). Each row is read from memory once.

Imported only by :func:`chungtay.core.vector.kernel` (numba takes ~0.2 s to import);
compiled once per (number of limits, number of cut-offs, dtypes) and cached on disk.
"""
from __future__ import annotations

import numpy as np
from numba import njit

SUB = 256   # rows whose keys are computed before they are looked up (fits L1 with its inputs)


@njit(cache=True, nogil=True, boundscheck=False, error_model="numpy")
def classify_lut(value, urban, deprivations, low, top, cutoffs, K, E1, lut, out, mark):
    """Codes of every row into ``out``; returns how many rows got ``mark``.

    ``value`` float64, ``urban`` one byte a row (any non-zero is urban), ``low`` the limits
    but the largest (a tuple), ``top`` the largest, ``cutoffs`` a tuple, ``lut`` 256 int8."""
    n = value.shape[0]
    key = np.empty(SUB, np.uint8)
    k = np.int32(K)
    y_step = np.int32(2 * E1)
    marked = 0
    for a in range(0, n, SUB):
        m = min(n - a, SUB)
        vv = value[a:a + m]
        uu = urban[a:a + m]
        dd = deprivations[a:a + m]
        for i in range(m):
            v = vv[i]
            d = dd[i]
            q = np.int32(v <= top) * y_step + np.int32(uu[i] != 0)
            for c in cutoffs:
                q += np.int32(d >= c) * np.int32(2)
            b = np.int32(0)
            for t in low:
                b += np.int32(v > t)
            key[i] = b + k * q
        oo = out[a:a + m]
        for i in range(m):
            c8 = lut[key[i]]
            oo[i] = c8
            marked += c8 == mark
    return marked


@njit(cache=True, nogil=True, boundscheck=False, error_model="numpy", inline="always")
def _lane_total(x):
    """The four byte lanes of ``x`` added (each lane < 64, so no carries)."""
    return np.int16(((x * np.uint32(0x01010101)) >> np.uint32(24)) & np.uint32(255))


@njit(cache=True, nogil=True, boundscheck=False, error_model="numpy")
def row_sums(matrix, words, out):
    """Row sums of a C-contiguous (n, d) one-byte matrix into ``out`` (int16), d a multiple of 4.

    ``words`` is the same matrix seen as (n, d/4) uint32. Where every byte of a block of
    ``SUB`` rows is 0 or 1 (the OR of its words tells), a row's words are added lane by
    lane with no carries and one multiplication adds the lanes; any other block is summed
    byte by byte, wrapping as numpy's ``sum(axis=1, dtype=int16)`` does. One to four words
    a row (up to 16 indicators) have loops of their own, which LLVM vectorises."""
    n, L = words.shape
    d = matrix.shape[1]
    for a in range(0, n, SUB):
        m = min(n - a, SUB)
        ww = words[a:a + m]
        oo = out[a:a + m]
        seen = np.uint32(0)
        if L == 3:
            for i in range(m):
                w0, w1, w2 = ww[i, 0], ww[i, 1], ww[i, 2]
                seen |= w0 | w1 | w2
                oo[i] = _lane_total(w0 + w1 + w2)
        elif L == 4:
            for i in range(m):
                w0, w1, w2, w3 = ww[i, 0], ww[i, 1], ww[i, 2], ww[i, 3]
                seen |= w0 | w1 | w2 | w3
                oo[i] = _lane_total(w0 + w1 + w2 + w3)
        elif L == 2:
            for i in range(m):
                w0, w1 = ww[i, 0], ww[i, 1]
                seen |= w0 | w1
                oo[i] = _lane_total(w0 + w1)
        elif L == 1:
            for i in range(m):
                w0 = ww[i, 0]
                seen |= w0
                oo[i] = _lane_total(w0)
        else:
            for i in range(m):
                x = np.uint32(0)
                for j in range(L):
                    w = ww[i, j]
                    x += w
                    seen |= w
                oo[i] = _lane_total(x)
        if seen & np.uint32(0xFEFEFEFE):
            mm = matrix[a:a + m]
            for i in range(m):
                s = np.int32(0)
                for j in range(d):
                    s += np.int32(mm[i, j])
                oo[i] = np.int16(s)

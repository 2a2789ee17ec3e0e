"""What :mod:`chungtay.core.limits` needs from one chunk of a sheet's XML, found with numpy instead
of regular expressions: the cell references' largest column and row, the number of references,
of ``<c`` and ``:c`` tags, whether a text run may be too long, and the shared-string indexes the
cells name.

The answers are those of the regular expressions in ``limits`` (``_REF``, ``_SST_REF``, the two
``count`` calls and ``_LONG_TEXT``), exactly: :func:`chunk_figures` returns None — and the caller
then runs the regular expressions on that chunk — whenever the chunk holds anything where the two
could differ:

- a ``=`` with white space then a quote after it, or a ``t`` then white space before it (the
  patterns' ``\\s*``);
- after a ``t="s"``'s closing ``>``, anything but ``<v>`` and a digit where the pattern could still
  match (white space, a namespaced ``<x:v>``), or two ``t="s"`` closed by the same ``>``.

A chunk as Excel, LibreOffice or openpyxl write them has none of these. The regular expressions
took ~2 s of the ~190 MB members' sheet of a 100,000-household workbook; this takes a fraction.
``tests/test_sheet_scan.py`` compares the two on generated and hand-made chunks.
"""
from __future__ import annotations

import numpy as np

PAD = 80                     # zero bytes after the chunk: every look-ahead below stays inside the array

_WS = np.zeros(256, bool)
_WS[[9, 10, 11, 12, 13, 32]] = True                  # what \s matches in a bytes pattern
_LETTER = np.zeros(256, bool)
_LETTER[65:91] = _LETTER[97:123] = True
_DIGIT = np.zeros(256, bool)
_DIGIT[48:58] = True
_QUOTE = np.zeros(256, bool)
_QUOTE[[34, 39]] = True
_NAME = _LETTER | _DIGIT                             # [\w.-] in a bytes pattern
_NAME[[95, 46, 45]] = True
_NAME_START = _LETTER.copy()
_NAME_START[95] = True
_UPPER = np.arange(256, dtype=np.int64)
_UPPER[97:123] -= 32

EQ, LT, GT, COLON = 61, 60, 62, 58


def _run(table: np.ndarray, a: np.ndarray, start: np.ndarray, most: int) -> np.ndarray:
    """Length of the run of bytes in ``table`` from each ``start``, counted up to ``most``."""
    n = np.zeros(len(start), np.int64)
    alive = np.ones(len(start), bool)
    for k in range(most):
        alive &= table[a[start + k]]
        if not alive.any():
            break
        n += alive
    return n


def _spaced(a: np.ndarray, eq: np.ndarray, before: bool) -> bool:
    """Could a pattern's ``\\s*`` matter at one of the '=': white space then a quote after it, or
    (``before``: the shared-string pattern) a 't' then white space before it? ("a = b" in a text
    does not count.)"""
    after = eq[_WS[a[eq + 1]]]
    if len(after):
        run = _run(_WS, a, after + 1, 64)
        if ((run >= 64) | _QUOTE[a[after + 1 + run]]).any():
            return True
    if before:
        pos = eq[eq > 0]
        pos = pos[_WS[a[pos - 1]]] - 1
        for _ in range(64):
            pos = pos[pos >= 0]
            if not len(pos):
                return False
            ws = _WS[a[pos]]
            if (a[pos[~ws]] == 116).any():
                return True
            pos = pos[ws] - 1
        return bool(len(pos))
    return False


def chunk_figures(data: bytes, long_text: int, want_sst: bool):
    """(references, max column, max row, ``<c`` + ``:c`` tags, a run of more than ``long_text``
    bytes between ``>`` and ``<``, shared-string indexes or None) of one chunk, or None when the
    chunk must go through the regular expressions (see the module's docstring)."""
    n = len(data)
    a = np.zeros(n + PAD, np.uint8)
    a[:n] = np.frombuffer(data, np.uint8)
    eq = np.flatnonzero(a[:n] == EQ)
    if _spaced(a, eq, want_sst):
        return None
    # _REF: =["'] then 1–8 letters, 1–12 digits, a quote
    val = eq[_QUOTE[a[eq + 1]]] + 2
    letters = _run(_LETTER, a, val, 9)
    ok = (letters >= 1) & (letters <= 8)
    val, letters = val[ok], letters[ok]
    digits = _run(_DIGIT, a, val + letters, 13)
    ok = (digits >= 1) & (digits <= 12) & _QUOTE[a[val + letters + digits]]
    val, letters, digits = val[ok], letters[ok], digits[ok]
    refs = len(val)
    max_col = max_row = 0
    if refs:
        col = np.zeros(refs, np.int64)
        for k in range(int(letters.max())):
            more = k < letters
            col = np.where(more, col * 26 + _UPPER[a[val + k]] - 64, col)
        row = np.zeros(refs, np.int64)
        start = val + letters
        for k in range(int(digits.max())):
            more = k < digits
            row = np.where(more, row * 10 + a[start + k].astype(np.int64) - 48, row)
        max_col, max_row = int(col.max()), int(row.max())
    lt = np.flatnonzero(a[:n] == LT)
    tags = int(np.count_nonzero(a[lt + 1] == 99))
    colon = np.flatnonzero(a[:n] == COLON)
    tags += int(np.count_nonzero(a[colon + 1] == 99))
    # a text run ('>' then more than long_text bytes without '<') lies between two '<' (or the
    # chunk's ends) that far apart: only then can the pattern match (the caller runs it to be sure)
    long = bool((np.diff(lt, prepend=-1, append=n) > long_text + 1).any())
    sst = None
    if want_sst:
        sst = _sst(a, eq, np.flatnonzero(a[:n] == GT))
        if sst is None:
            return None
    return refs, max_col, max_row, tags, long, sst


def _sst(a: np.ndarray, eq: np.ndarray, gt: np.ndarray):
    """The shared-string indexes _SST_REF captures (t="s" … > <v> digits), or None (regex)."""
    e = eq[eq > 0]
    t = e[(a[e - 1] == 116) & _QUOTE[a[e + 1]] & (a[e + 2] == 115) & _QUOTE[a[e + 3]]]
    if not len(t):
        return np.zeros(0, np.int64)
    k = np.searchsorted(gt, t + 4)
    has = k < len(gt)
    t, k = t[has], k[has]
    if not len(t):
        return np.zeros(0, np.int64)
    if (np.diff(k) == 0).any():              # two t="s" closed by one '>': findall takes the first only
        return None
    j = gt[k] + 1                             # just after the '>'
    if _WS[a[j]].any():
        return None
    lt = a[j] == LT
    v = lt & (a[j + 1] == 118) & (a[j + 2] == 62)
    other = lt & ~v & _NAME_START[a[j + 1]]
    if other.any():                           # <name…: could be a namespaced <x:v>
        o = j[other] + 1
        run = _run(_NAME, a, o, 64)
        if ((run >= 64) | (a[o + run] == COLON)).any():
            return None
    d0 = j[v] + 3
    if _WS[a[d0]].any():
        return None
    digits = np.minimum(_run(_DIGIT, a, d0, 12), 12)
    d0, digits = d0[digits > 0], digits[digits > 0]
    idx = np.zeros(len(d0), np.int64)
    if len(d0):
        for k in range(int(digits.max())):
            more = k < digits
            idx = np.where(more, idx * 10 + a[d0 + k].astype(np.int64) - 48, idx)
    return idx

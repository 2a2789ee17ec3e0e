"""Small-cell suppression of the published tables (pure Python, no Django): docs/opendata.md.

A table is a tree of units (a province and its communes; the country, its provinces and their
communes). Each unit has five published counts (``COUNTS``); four more counts follow from them
by subtraction (``IMPLIED``: households that are neither poor nor near-poor, …) and are never
published. A parent's count is the sum of its children's.

The rule:

1. **Primary.** A published count of 1–4 households is shown as ``<5`` (``SMALL``).
2. **Complementary.** More counts are hidden (``HIDDEN``, shown ``x``) until no small count — nor
   an implied count of 1–4 — can be worked out from what is shown. The attacker model is the one
   anyone with the table and a spreadsheet has: every relation (parent = sum of children, every
   row's subtractions) and the bounds the marks give away (``<5`` is 1–4; ``x`` is 5 or more,
   because 1–4 is always ``<5`` and a zero is never hidden; an implied count is ≥ 0). Bounds are
   tightened relation by relation until nothing changes (interval propagation, which recomputes
   "total minus the others" along any chain of relations, across levels); a small count whose
   bounds close to one value is *recovered*, and one more count of a relation that pinned it is
   hidden: the smallest count of at least 5, children before parents, a category before the
   households total.
3. Zeros are shown (a zero identifies nobody); rates are shown only when both counts are.

``protect`` returns the mark of every count; ``recoverable`` is the attacker, used by the tests.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

THRESHOLD = 5                       # 1 … THRESHOLD-1 households is a small count
COUNTS = ("households", "poor", "near_poor", "em_households", "em_poor")
IMPLIED = {                         # name: (total, parts) — total = parts + name
    "other": ("households", ("poor", "near_poor")),
    "non_em": ("households", ("em_households",)),
    "non_em_poor": ("poor", ("em_poor",)),
    "em_not_poor": ("em_households", ("em_poor",)),
}
SHOWN, SMALL, HIDDEN = "shown", "small", "hidden"
MARKS = {SMALL: "<5", HIDDEN: "x"}
INF = float("inf")
# a category is hidden before the households total (which the page leads with)
_MEASURE_RANK = {"poor": 0, "near_poor": 0, "em_poor": 0, "em_households": 1, "households": 2}


@dataclass
class Node:
    key: object                     # any hashable id (a unit id)
    parent: object | None           # the parent's key, None for the root(s)
    values: dict[str, int]          # the five COUNTS
    depth: int = field(default=0, compare=False)


class Table:
    """The variables (counts, implied counts) of a forest of nodes and its linear relations."""

    def __init__(self, nodes: list[Node]):
        self.nodes = {n.key: n for n in nodes}
        kids: dict[object, list] = {}
        for n in nodes:
            if n.parent is not None:
                if n.parent not in self.nodes:
                    raise ValueError(f"parent {n.parent!r} of {n.key!r} is not in the table")
                kids.setdefault(n.parent, []).append(n.key)
        for n in nodes:             # depth: children are deeper than parents
            d, p = 0, n.parent
            while p is not None:
                d, p = d + 1, self.nodes[p].parent
            n.depth = d
        self.vars: list[tuple[object, str]] = []
        self.value: list[int] = []
        self.index: dict[tuple[object, str], int] = {}
        for n in nodes:
            for m in COUNTS:
                self._add(n.key, m, int(n.values[m]))
            for k, (total, parts) in IMPLIED.items():
                v = n.values[total] - sum(n.values[p] for p in parts)
                if v < 0:
                    raise ValueError(f"{n.key!r}: {total} < {' + '.join(parts)}")
                self._add(n.key, k, v)
        self.eqs: list[list[tuple[int, int]]] = []
        for n in nodes:             # row: total − parts − implied = 0
            for k, (total, parts) in IMPLIED.items():
                self.eqs.append([(self.index[(n.key, total)], 1)] + [(self.index[(n.key, p)], -1) for p in parts]
                                + [(self.index[(n.key, k)], -1)])
        for parent, children in kids.items():   # column: parent − Σ children = 0 (implied ones too)
            for m in list(COUNTS) + list(IMPLIED):
                if self.value[self.index[(parent, m)]] != sum(self.value[self.index[(c, m)]] for c in children):
                    raise ValueError(f"{parent!r}: {m} is not the sum of its children")
                self.eqs.append([(self.index[(parent, m)], 1)] + [(self.index[(c, m)], -1) for c in children])
        self.var_eqs: list[list[int]] = [[] for _ in self.vars]
        for e, eq in enumerate(self.eqs):
            for v, _ in eq:
                self.var_eqs[v].append(e)

    def _add(self, key, name, value):
        self.index[(key, name)] = len(self.vars)
        self.vars.append((key, name))
        self.value.append(value)

    def is_count(self, v: int) -> bool:
        return self.vars[v][1] in COUNTS

    def sensitive(self, v: int) -> bool:
        return 1 <= self.value[v] < THRESHOLD


def _bounds(table: Table, status: dict[int, str]) -> tuple[list, list]:
    lo, hi = [], []
    for v, value in enumerate(table.value):
        s = status.get(v)
        if s == SHOWN:
            lo.append(value), hi.append(value)
        elif s == SMALL:
            lo.append(1), hi.append(THRESHOLD - 1)
        elif s == HIDDEN:
            lo.append(THRESHOLD), hi.append(INF)
        else:                       # implied: never shown
            lo.append(0), hi.append(INF)
    return lo, hi


def _tighten(eq, lo, hi) -> list[int]:
    """One relation Σ c·x = 0 (c = ±1): narrow each variable to what the others allow."""
    terms = [((lo[v], hi[v]) if c > 0 else (-hi[v], -lo[v])) for v, c in eq]
    s_lo = sum(a for a, _ in terms if a != -INF)
    n_lo = sum(1 for a, _ in terms if a == -INF)
    s_hi = sum(b for _, b in terms if b != INF)
    n_hi = sum(1 for _, b in terms if b == INF)
    changed = []
    for (v, c), (a, b) in zip(eq, terms):
        o_lo = -INF if n_lo - (a == -INF) > 0 else s_lo - (a if a != -INF else 0)
        o_hi = INF if n_hi - (b == INF) > 0 else s_hi - (b if b != INF else 0)
        t_lo, t_hi = -o_hi, -o_lo                   # c·x = −(others)
        n_lo_v, n_hi_v = (t_lo, t_hi) if c > 0 else (-t_hi, -t_lo)
        new_lo, new_hi = max(lo[v], n_lo_v), min(hi[v], n_hi_v)
        if new_lo != lo[v] or new_hi != hi[v]:
            lo[v], hi[v] = new_lo, new_hi
            changed.append(v)
    return changed


def propagate(table: Table, status: dict[int, str], max_rounds: int = 200) -> tuple[list, list]:
    """The attacker: bounds of every variable after tightening every relation until stable."""
    lo, hi = _bounds(table, status)
    queue = deque(range(len(table.eqs)))
    queued = [True] * len(table.eqs)
    budget = max_rounds * max(1, len(table.eqs))
    while queue and budget:
        budget -= 1
        e = queue.popleft()
        queued[e] = False
        for v in _tighten(table.eqs[e], lo, hi):
            for f in table.var_eqs[v]:
                if not queued[f]:
                    queued[f] = True
                    queue.append(f)
    return lo, hi


def recoverable(table: Table, status: dict[int, str]) -> list[tuple[object, str]]:
    """Small counts (shown ``<5`` or implied) whose exact value can be worked out."""
    lo, hi = propagate(table, status)
    return [table.vars[v] for v in range(len(table.vars))
            if table.sensitive(v) and status.get(v) != SHOWN and lo[v] == hi[v]]


def protect(nodes: list[Node], fixed: dict[tuple[object, str], str] | None = None,
            may_hide=lambda key: True) -> dict[tuple[object, str], str]:
    """The mark (SHOWN, SMALL or HIDDEN) of every count of ``nodes``.

    ``fixed``: marks decided earlier (a province's table, when the country row is added); they
    are kept. ``may_hide(key)``: which units' counts may be hidden to protect others."""
    table = Table(nodes)
    fixed = fixed or {}
    status: dict[int, str] = {}
    for v, (key, name) in enumerate(table.vars):
        if name not in COUNTS:
            continue
        status[v] = fixed.get((key, name)) or (SMALL if table.sensitive(v) else SHOWN)
    locked = {table.index[k] for k in fixed if k in table.index}
    for _ in range(len(table.vars) + 1):
        lo, hi = propagate(table, status)
        pinned = [v for v in range(len(table.vars))
                  if table.sensitive(v) and status.get(v) != SHOWN and lo[v] == hi[v]]
        if not pinned:
            break
        acted = False
        touched: set[int] = set()
        for v in pinned:
            if touched & set(table.var_eqs[v]):
                continue            # a cell hidden for another one of its relations may be enough
            c = _candidate(table, status, locked, may_hide, v, lo, hi)
            if c is None:
                continue
            status[c] = HIDDEN
            touched |= set(table.var_eqs[c])
            acted = True
        if not acted:               # nothing left to hide sensibly: hide every non-zero count
            for v in status:
                if status[v] == SHOWN and table.value[v] > 0 and v not in locked and may_hide(table.vars[v][0]):
                    status[v] = HIDDEN
            if not recoverable(table, status):
                break
            raise RuntimeError("small counts cannot be protected")   # only with locked cells
    return {table.vars[v]: s for v, s in status.items()}


def _candidate(table: Table, status, locked, may_hide, v, lo, hi) -> int | None:
    """A shown count (≥ THRESHOLD) of a relation that pins ``v``: prefer the relations that pin it
    alone, deeper units, categories before totals, then the smallest count."""
    first_lo, first_hi = _bounds(table, {v: status.get(v)})

    def pins(e):
        trial_lo, trial_hi = list(lo), list(hi)
        trial_lo[v], trial_hi[v] = first_lo[v], first_hi[v]
        _tighten(table.eqs[e], trial_lo, trial_hi)
        return trial_lo[v] == trial_hi[v]

    def best(relations):
        out, out_key = None, None
        for e in relations:
            for c, _ in table.eqs[e]:
                if status.get(c) != SHOWN or table.value[c] < THRESHOLD or c in locked:
                    continue
                key, name = table.vars[c]
                if not may_hide(key):
                    continue
                rank = (-table.nodes[key].depth, _MEASURE_RANK[name], table.value[c], c)
                if out_key is None or rank < out_key:
                    out, out_key = c, rank
        return out

    eqs = table.var_eqs[v]
    found = best([e for e in eqs if pins(e)])
    return found if found is not None else best(eqs)


def marks(result: dict[tuple[object, str], str], key) -> dict[str, str]:
    """{count: "<5" | "x"} of one unit's suppressed counts."""
    return {m: MARKS[result[(key, m)]] for m in COUNTS if result.get((key, m), SHOWN) != SHOWN}

"""Small-cell suppression (chungtay/opendata/suppress.py, docs/opendata.md), proven against an
attacker written independently here: exact linear algebra over every relation the published
table implies (a cell is recovered when it is fixed by the equations), plus bounds from the marks
(``<5`` is 1–4, ``x`` is 5 or more) relation by relation."""
from __future__ import annotations

import copy
import random

import numpy as np
import pytest

from chungtay.opendata.suppress import COUNTS, HIDDEN, SHOWN, SMALL, Node, Table, marks, protect, recoverable

IMPLIED = {"other": ("households", ("poor", "near_poor")), "non_em": ("households", ("em_households",)),
           "non_em_poor": ("poor", ("em_poor",)), "em_not_poor": ("em_households", ("em_poor",))}
MEASURES = list(COUNTS) + list(IMPLIED)


def attack(rows: list[dict], parent_of: dict) -> list[tuple]:
    """Cells recovered from a published table. ``rows``: {"key", counts (None = hidden),
    "marks": {count: "<5"|"x"}}; ``parent_of``: key -> parent key (sums). Returns the recovered
    ``<5`` cells and the implied cells recovered with a value of 1–4."""
    known, unknown = {}, []
    for r in rows:
        for m in COUNTS:
            if r[m] is None:
                unknown.append((r["key"], m))
            else:
                known[(r["key"], m)] = r[m]
        for k in IMPLIED:
            unknown.append((r["key"], k))
    col = {v: i for i, v in enumerate(unknown)}
    eqs = []                                   # (coefficients over unknowns, constant) with Σ c x = const
    def add(terms):
        a, const = np.zeros(len(unknown)), 0.0
        for key, c in terms:
            if key in col:
                a[col[key]] += c
            else:
                const -= c * known[key]
        eqs.append((a, const))
    for r in rows:
        for k, (total, parts) in IMPLIED.items():
            add([((r["key"], total), 1)] + [((r["key"], p), -1) for p in parts] + [((r["key"], k), -1)])
    children: dict = {}
    for key, parent in parent_of.items():
        if parent is not None:
            children.setdefault(parent, []).append(key)
    for parent, kids in children.items():
        for m in MEASURES:
            add([((parent, m), 1)] + [((c, m), -1) for c in kids])
    a = np.array([e[0] for e in eqs]) if eqs else np.zeros((0, len(unknown)))
    b = np.array([e[1] for e in eqs])
    out = []
    marks_of = {(r["key"], m): r["marks"].get(m) for r in rows for m in COUNTS}
    # 1. exact: x_i is fixed by A x = b iff the null space of A has no component on i
    if len(unknown):
        _, s, vt = np.linalg.svd(a, full_matrices=True)
        rank = int((s > 1e-9).sum())
        null = vt[rank:]
        x = np.linalg.lstsq(a, b, rcond=None)[0]
        for v, i in col.items():
            if np.abs(null[:, i]).max(initial=0) < 1e-9:
                value = round(float(x[i]))
                if marks_of.get(v) == "<5" or (v[1] in IMPLIED and 1 <= value <= 4):
                    out.append(("exact", v, value))
    # 2. bounds, relation by relation: a "<5" cell whose range closes to one value
    lo = {v: (1 if marks_of.get(v) == "<5" else 5 if marks_of.get(v) == "x" else 0) for v in unknown}
    hi = {v: (4 if marks_of.get(v) == "<5" else float("inf")) for v in unknown}
    for (coef, const) in eqs:
        terms = [(unknown[i], coef[i]) for i in np.nonzero(coef)[0]]
        if terms and (all(c > 0 for _, c in terms) or all(c < 0 for _, c in terms)):
            s_ = const if terms[0][1] > 0 else -const          # Σ x over the hidden cells
            for v, _ in terms:
                if marks_of.get(v) != "<5":
                    continue
                others = [w for w, _ in terms if w != v]
                low = max(lo[v], s_ - sum(hi[w] for w in others))
                high = min(hi[v], s_ - sum(lo[w] for w in others))
                if low == high:
                    out.append(("bounds", v, low))
    return out


def attack_published(doc: dict) -> list[tuple]:
    """The attacker on an answer of /open/figures.json."""
    rows, parent_of = [], {}
    top = next((r for r in doc["rows"] if r["role"] == "unit"), None)
    for r in doc["rows"]:
        rows.append({"key": r["unit_code"], **{m: r[m] for m in COUNTS}, "marks": r["suppressed"]})
        parent_of[r["unit_code"]] = None if r["role"] == "unit" or top is None else top["unit_code"]
    return attack(rows, parent_of)


def _tree(rnd: random.Random, n: int, small: float, root="P", parent=None) -> list[Node]:
    kids = []
    for i in range(n):
        h = rnd.randint(1, 12) if rnd.random() < small else rnd.randint(5, 3000)
        poor = rnd.randint(0, min(h, rnd.choice([3, 6, h])))
        near = rnd.randint(0, h - poor)
        em = rnd.randint(0, h)
        em_poor = rnd.randint(max(0, poor - (h - em)), min(poor, em))
        kids.append(Node(f"{root}.{i}", root, dict(households=h, poor=poor, near_poor=near, em_households=em,
                                                   em_poor=em_poor)))
    top = Node(root, parent, {m: sum(k.values[m] for k in kids) for m in COUNTS})
    return [top] + kids


def _published(nodes, result):
    rows = [{"key": n.key, **{m: (None if result[(n.key, m)] != SHOWN else n.values[m]) for m in COUNTS},
             "marks": marks(result, n.key)} for n in nodes]
    return rows, {n.key: n.parent for n in nodes}


@pytest.mark.parametrize("seed", range(40))
def test_random_tables_leave_nothing_to_recover(seed):
    rnd = random.Random(seed)
    nodes = _tree(rnd, rnd.choice([1, 2, 3, 4, 8, 30]), small=rnd.choice([0, 0.3, 0.8]))
    original = copy.deepcopy(nodes)
    result = protect(nodes)
    for n in original:
        for m in COUNTS:
            v, s = n.values[m], result[(n.key, m)]
            assert (s == SMALL) == (1 <= v <= 4), (n.key, m, v, s)      # exactly the 1–4 counts are "<5"
            assert s != HIDDEN or v >= 5                                  # a zero is never hidden
    assert attack(*_published(original, result)) == []
    table = Table(copy.deepcopy(original))
    assert recoverable(table, {table.index[k]: s for k, s in result.items()}) == []


def test_a_commune_with_three_poor_households():
    kids = [Node("a", "P", dict(households=40, poor=3, near_poor=6, em_households=20, em_poor=2)),
            Node("b", "P", dict(households=50, poor=10, near_poor=8, em_households=30, em_poor=9)),
            Node("c", "P", dict(households=60, poor=12, near_poor=7, em_households=0, em_poor=0))]
    top = Node("P", None, {m: sum(k.values[m] for k in kids) for m in COUNTS})
    nodes = [top] + kids
    result = protect(copy.deepcopy(nodes))
    assert result[("a", "poor")] == SMALL and result[("P", "poor")] == SHOWN
    hidden_poor = [k.key for k in kids if result[(k.key, "poor")] != SHOWN]
    assert "a" in hidden_poor and len(hidden_poor) >= 2          # complementary suppression
    assert attack(*_published(nodes, result)) == []
    # without the complementary cell the attacker finds the 3
    naive = {k: (SMALL if k == ("a", "poor") or k == ("a", "em_poor") else SHOWN) for k in result}
    found = attack(*_published(nodes, naive))
    assert ("exact", ("a", "poor"), 3) in found


def test_the_country_row_never_undoes_a_province_table():
    rnd = random.Random(7)
    provinces = [_tree(rnd, 6, 0.5, root=f"P{i}", parent="VN") for i in range(3)]
    fixed, nodes = {}, []
    for tree in provinces:
        alone = copy.deepcopy(tree)
        alone[0].parent = None
        fixed.update(protect(alone))
        nodes += tree
    top = Node("VN", None, {m: sum(t[0].values[m] for t in provinces) for m in COUNTS})
    original = copy.deepcopy([top] + nodes)
    result = protect([top] + nodes, fixed=fixed, may_hide=lambda key: key == "VN")
    assert all(result[k] == s for k, s in fixed.items())             # the provinces' marks stay
    assert attack(*_published(original, result)) == []


def test_a_single_child_hides_its_parent_too():
    kid = Node("a", "P", dict(households=30, poor=2, near_poor=5, em_households=10, em_poor=0))
    top = Node("P", None, dict(kid.values))
    result = protect([top, kid])
    assert result[("P", "poor")] == SMALL and result[("a", "poor")] == SMALL
    assert attack(*_published([top, kid], result)) == []

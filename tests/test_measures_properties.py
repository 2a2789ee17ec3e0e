"""Property-based tests (hypothesis) of chungtay.core.measures against the definitions.

Every random case is also recomputed by a deliberately naive per-row reference written straight
from statistics.md, and the two counting methods (packed patterns, direct) must agree.
"""
import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from chungtay.core import CATEGORIES, classify, get_standard
from chungtay.core import measures as M
from chungtay.core.measures import af, af_by, fgt, fgt_by, near_escape
from chungtay.core.vector import classify_arrays

SETTINGS = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def populations(draw, max_n=30, max_d=7):
    n = draw(st.integers(1, max_n))
    d = draw(st.integers(1, max_d))
    g = np.array(draw(st.lists(st.lists(st.integers(0, 1), min_size=d, max_size=d), min_size=n, max_size=n)),
                 dtype=np.int8)
    kind = draw(st.sampled_from(["equal", "int", "float"]))
    if kind == "equal":
        w = None
    elif kind == "int":
        w = draw(st.lists(st.integers(0, 5), min_size=d, max_size=d))
        assume(sum(w) > 0)
    else:
        w = draw(st.lists(st.floats(0.01, 10, allow_nan=False), min_size=d, max_size=d))
    if draw(st.booleans()):
        k = draw(st.integers(1, d)) / d                      # "j of d"
    else:
        k = draw(st.floats(0.001, 1.0))
    s = None
    if draw(st.booleans()):
        s = np.array(draw(st.lists(st.integers(0, 6), min_size=n, max_size=n)), dtype=np.float64)
        assume(s.sum() > 0)
    groups = np.array(draw(st.lists(st.sampled_from(["a", "b", "c"]), min_size=n, max_size=n)))
    return g, w, k, s, groups


def reference(g, w, k, s):
    """Naive AF straight from the formulas, one row at a time."""
    n_rows, d = g.shape
    w = np.ones(d) if w is None else np.asarray(w, float)
    w = w / w.sum()
    s = np.ones(n_rows) if s is None else s
    n = q = sc = 0.0
    cen = [0.0] * d
    unc = [0.0] * d
    for i in range(n_rows):
        c = sum(w[j] * g[i, j] for j in range(d))
        poor = c > 0 and c >= k - 1e-9
        n += s[i]
        for j in range(d):
            unc[j] += s[i] * g[i, j]
            if poor:
                cen[j] += s[i] * g[i, j]
        if poor:
            q += s[i]
            sc += s[i] * c
    return {"n": n, "q": q, "H": q / n, "M0": sc / n, "A": sc / q if q else math.nan,
            "unc": [u / n for u in unc], "cen": [x / n for x in cen]}


@SETTINGS
@given(populations())
def test_af_identities(pop):
    g, w, k, s, _ = pop
    r = af(g, w, k, s)
    ref = reference(g, w, k, s)
    assert r.n == pytest.approx(ref["n"]) and r.q == pytest.approx(ref["q"])
    assert r.H == pytest.approx(ref["H"], abs=1e-12) and r.M0 == pytest.approx(ref["M0"], abs=1e-12)
    assert list(r.censored.values()) == pytest.approx(ref["cen"], abs=1e-12)
    assert list(r.uncensored.values()) == pytest.approx(ref["unc"], abs=1e-12)
    # M0 = H × A = Σ_j w_j h_j(k)
    if r.q:
        assert r.M0 == pytest.approx(r.H * r.A, abs=1e-12)
        assert r.A == pytest.approx(ref["A"])
    else:
        assert r.M0 == 0 and math.isnan(r.A)
    assert r.M0 == pytest.approx(sum(r.weights[c] * r.censored[c] for c in r.weights), abs=1e-12)
    assert sum(r.weights.values()) == pytest.approx(1)
    # contributions sum to 1 when M0 > 0
    if r.M0 > 0:
        assert sum(r.contribution.values()) == pytest.approx(1)
        assert all(0 <= v <= 1 + 1e-12 for v in r.contribution.values())
    # censored ≤ uncensored, both in [0, 1]; 0 ≤ M0 ≤ H ≤ 1
    for c in r.weights:
        assert 0 <= r.censored[c] <= r.uncensored[c] + 1e-15 <= 1 + 1e-12
    assert 0 <= r.M0 <= r.H + 1e-12 <= 1 + 1e-12


@SETTINGS
@given(populations())
def test_subgroup_decomposition(pop):
    g, w, k, s, groups = pop
    dec = af_by(g, groups, w, k, s)
    whole = af(g, w, k, s)
    assert dec.total.M0 == pytest.approx(whole.M0, abs=1e-12) and dec.total.q == pytest.approx(whole.q)
    # M0 = Σ_l (n_l / n) M0_l, and the same for H and every censored headcount
    assert sum(dec.share[l] * r.M0 for l, r in dec.items() if r.n) == pytest.approx(whole.M0, abs=1e-12)
    assert sum(dec.share[l] * r.H for l, r in dec.items() if r.n) == pytest.approx(whole.H, abs=1e-12)
    for c in whole.weights:
        assert sum(dec.share[l] * r.censored[c] for l, r in dec.items() if r.n) == \
            pytest.approx(whole.censored[c], abs=1e-12)
    assert sum(dec.share.values()) == pytest.approx(1)
    if whole.M0 > 0:
        assert sum(dec.contribution().values()) == pytest.approx(1)
    # each group equals AF of its own rows
    for l, r in dec.items():
        rows = groups == l
        sub_s = None if s is None else s[rows]
        if sub_s is not None and sub_s.sum() == 0:
            continue
        assert r.M0 == pytest.approx(af(g[rows], w, k, sub_s).M0, abs=1e-12)


@SETTINGS
@given(populations())
def test_both_counting_methods_agree(pop):
    g, w, k, s, groups = pop
    fast = af_by(g, groups, w, k, s)
    old = M._MAX_PATTERN_BITS
    M._MAX_PATTERN_BITS = 0
    try:
        slow = af_by(g, groups, w, k, s)
    finally:
        M._MAX_PATTERN_BITS = old
    assert list(fast) == list(slow)
    for l in [*fast]:
        a, b = fast[l], slow[l]
        assert a.q == b.q and a.n == b.n           # identification identical to the last bit
        assert a.M0 == pytest.approx(b.M0, abs=1e-12, nan_ok=True)   # nan: a group of weight 0
        assert a.censored == pytest.approx(b.censored, abs=1e-12, nan_ok=True)


@SETTINGS
@given(populations())
def test_smallest_k_is_the_union_and_k_one_the_intersection(pop):
    g, w, k, s, _ = pop
    d = g.shape[1]
    wv = np.ones(d) if w is None else np.asarray(w, float)
    positive = wv > 0
    sw = np.ones(len(g)) if s is None else s
    any_dep = g[:, positive].any(axis=1)
    union = af(g, w, k=wv[positive].min() / wv.sum(), sample_weight=s)
    assert union.H == pytest.approx(sw[any_dep].sum() / sw.sum(), abs=1e-12)
    tiny = af(g, w, k=1e-12, sample_weight=s)                       # k → 0⁺: still the union
    assert tiny.H == pytest.approx(union.H, abs=1e-12)
    all_dep = g[:, positive].all(axis=1)
    inter = af(g, w, k=1.0, sample_weight=s)
    assert inter.H == pytest.approx(sw[all_dep].sum() / sw.sum(), abs=1e-12)
    # H falls (weakly) as k rises; M0 too
    assert inter.H <= af(g, w, k, s).H + 1e-12 <= union.H + 2e-12


@SETTINGS
@given(populations())
def test_sample_weight_equals_repeating_rows(pop):
    g, w, k, s, _ = pop
    assume(s is not None)
    reps = s.astype(int)
    a = af(g, w, k, sample_weight=s)
    b = af(np.repeat(g, reps, axis=0), w, k)
    assert a.n == b.n and a.q == b.q
    assert a.M0 == pytest.approx(b.M0, abs=1e-12)


# --------------------------------------------------------------------------- FGT

@SETTINGS
@given(st.lists(st.integers(0, 300), min_size=1, max_size=40), st.integers(1, 300),
       st.booleans(), st.data())
def test_fgt_against_the_formula(income, line, inclusive, data):
    y = np.array(income, float)
    s = np.array(data.draw(st.lists(st.integers(0, 4), min_size=len(y), max_size=len(y))), float)
    assume(s.sum() > 0)
    r = fgt(y, line, inclusive=inclusive, sample_weight=s)
    poor = [(yi <= line) if inclusive else (yi < line) for yi in income]
    for a in (0, 1, 2):
        expect = sum(si * ((line - yi) / line) ** a for yi, si, p in zip(income, s, poor) if p) / s.sum()
        assert r.P[a] == pytest.approx(expect, abs=1e-12)
    assert 0 <= r.P2 <= r.P1 + 1e-12 <= r.P0 + 2e-12 <= 1 + 3e-12
    groups = np.array(data.draw(st.lists(st.integers(0, 3), min_size=len(y), max_size=len(y))))
    dec = fgt_by(y, line, groups, inclusive=inclusive, sample_weight=s)
    for a in (0, 1, 2):
        assert sum(dec.share[l] * r_l.P[a] for l, r_l in dec.items() if r_l.n) == pytest.approx(r.P[a], abs=1e-12)


# --------------------------------------------------------------------------- near escape

def _incomes_near_lines(standard):
    values = set()
    for ln in standard.lines.values():
        for v in (ln.rural, ln.urban):
            values |= {v - 1, v, v + 1, int(v * 0.9), int(v * 0.95)}
    return st.one_of(st.sampled_from(sorted(values)), st.integers(0, 4_000_000))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(["2016-2020", "2021-2025", "2026-2030"]), st.data())
def test_near_escape_obeys_the_legal_rule(code, data):
    std = get_standard(code)
    d = len(std.indicators)
    n = data.draw(st.integers(1, 25))
    income = np.array(data.draw(st.lists(_incomes_near_lines(std), min_size=n, max_size=n)), float)
    urban = np.array(data.draw(st.lists(st.booleans(), min_size=n, max_size=n)))
    g = np.array(data.draw(st.lists(st.lists(st.integers(0, 1), min_size=d, max_size=d),
                                    min_size=n, max_size=n)), np.int8)
    gap = data.draw(st.sampled_from([0.0, 0.05, 0.10, 0.5]))
    rows = near_escape(income, urban, g, std, income_gap=gap, all_poor=True)
    cats = classify_arrays(std, urban, income, None, g.sum(axis=1))
    poor_code = CATEGORIES.index("poor")
    # every poor household, and only them
    assert sorted(r.index for r in rows) == np.flatnonzero(cats == poor_code).tolist()
    codes = std.indicator_codes

    def category(i, inc, deprived):
        return classify(std, area="urban" if urban[i] else "rural", income=inc, deprived=deprived).category

    for r in rows:
        i = r.index
        deprived = [c for c, x in zip(codes, g[i]) if x]
        assert r.deprived == tuple(deprived) and r.deprivation_count == len(deprived)
        if r.deprivations_to_remove is not None:
            m = r.deprivations_to_remove
            assert category(i, income[i], deprived[m:]) == r.category_after_deprivation != "poor"
            assert category(i, income[i], deprived[m - 1:]) == "poor"          # one fewer removal: still poor
        else:
            assert category(i, income[i], []) == "poor"                      # deprivations cannot help
        if r.one_deprivation:
            for c in r.removable:                                            # any one of them is enough
                assert category(i, income[i], [x for x in deprived if x != c]) != "poor"
        if r.line is not None:
            assert r.gap == r.line - income[i] >= 0
            assert category(i, r.line, deprived) == "poor"                   # on the line: still poor (≤)
            assert category(i, r.line + 1, deprived) == r.category_after_income != "poor"
            assert r.small_gap == (r.gap <= gap * r.line + 1e-6)
    # order: both routes first, then by income gap share
    keys = [(not (r.one_deprivation and r.small_gap), r.gap_share if r.gap_share is not None else math.inf)
            for r in rows]
    assert keys == sorted(keys)
    listed = near_escape(income, urban, g, std, income_gap=gap)
    assert [r.index for r in listed] == [r.index for r in rows if r.routes]

"""Alkire–Foster, FGT, change and near-escape through the Python API (chungtay.core.measures).

The published worked examples are also run through the command line in test_measures_cli.py;
the algebraic identities are property-tested in test_measures_properties.py.
"""
import math

import numpy as np
import pytest

from chungtay.core import get_standard
from chungtay.core import measures as M
from chungtay.core.measures import af, af_by, af_change, change, fgt, fgt_by, legal_k, near_escape

# Alkire & Foster (2011), "Counting and multidimensional poverty measurement", J. Public Econ. 95:
# four persons, four dimensions, achievement matrix y and deprivation cutoffs z (section 3 example):
AF_Y = np.array([[13.1, 14, 4, 1],
                 [15.2, 7, 5, 0],
                 [12.5, 10, 1, 0],
                 [20, 11, 3, 1]])
AF_Z = np.array([13, 12, 3, 1])
# deprived when y_ij < z_j gives the paper's g0: persons (0,0,0,0), (0,1,0,1), (1,1,1,1), (0,1,0,0)
# with counts c = (0, 2, 4, 1). With k = 2 of 4 persons 2 and 3 are poor: H = 1/2,
# A = (2/4 + 4/4) / 2 = 3/4, M0 = 6/16 = 0.375. (The brief's hint "(0,1,1,1)…" is not the paper's
# matrix; any matrix with two poor persons of average score 3/4 gives the same three numbers.)
AF_G = (AF_Y < AF_Z).astype(np.int8)
AF_CODES = ["income", "years_of_education", "self_rated_health", "health_insurance"]

# Haughton & Khandker (2009), Handbook on Poverty and Inequality, World Bank: FGT example.
HK_INCOME = [100, 110, 150, 160]
HK_LINE = 125


def test_af_2011_worked_example():
    assert AF_G.tolist() == [[0, 0, 0, 0], [0, 1, 0, 1], [1, 1, 1, 1], [0, 1, 0, 0]]
    r = af(AF_G, k=2 / 4, indicators=AF_CODES)
    assert (r.n, r.q) == (4, 2)
    assert r.H == pytest.approx(1 / 2) and r.A == pytest.approx(3 / 4) and r.M0 == pytest.approx(0.375)
    assert r.M0 == pytest.approx(r.H * r.A)
    # censored matrix g0(k): rows 2 and 3 only → h_j(k) = (1/4, 2/4, 1/4, 2/4)
    assert list(r.censored.values()) == pytest.approx([0.25, 0.5, 0.25, 0.5])
    assert list(r.uncensored.values()) == pytest.approx([0.25, 0.75, 0.25, 0.5])
    assert list(r.contribution.values()) == pytest.approx([1 / 6, 1 / 3, 1 / 6, 1 / 3])
    assert sum(r.contribution.values()) == pytest.approx(1)


def test_af_accepts_tables_of_columns_and_nested_lists():
    cols = {c: AF_G[:, j] for j, c in enumerate(AF_CODES)}
    assert af(cols, k=0.5).M0 == pytest.approx(0.375)
    assert af(AF_G.tolist(), k=0.5).M0 == pytest.approx(0.375)
    assert af(AF_G.astype(bool), k=0.5).M0 == pytest.approx(0.375)
    assert af(AF_G.astype(np.float64), k=0.5).M0 == pytest.approx(0.375)
    # indicators pick and order the columns of a table
    r = af(cols, k=0.5, indicators=AF_CODES[::-1])
    assert list(r.weights) == AF_CODES[::-1]
    import pyarrow as pa
    assert af(pa.table(cols), k=0.5).M0 == pytest.approx(0.375)


def test_af_defaults_to_the_legal_rule():
    s = get_standard("2021-2025")
    assert legal_k(s) == 3 / 12 and legal_k(get_standard("2016-2020")) == 3 / 10
    rng = np.random.default_rng(1)
    g = (rng.random((500, 12)) < 0.2).astype(np.int8)
    r = af(g, indicators=s.indicator_codes)
    assert r.k == 3 / 12 and set(r.weights.values()) == {1 / 12}
    assert r.q == int((g.sum(axis=1) >= 3).sum())


def test_k_as_a_decimal_still_means_k_of_d():
    # 3 × 0.1 < 0.3 in binary floating point: the 1e-9 tolerance keeps "3 of 10" poor
    g = np.zeros((2, 10), np.int8)
    g[0, :3] = 1
    g[1, :2] = 1
    assert af(g, k=0.3).q == 1
    assert af(g, weights=[0.1] * 10, k=0.3).q == 1
    assert af(g, weights=[7] * 10, k=0.3).q == 1


def test_weights_and_sample_weights():
    # unequal weights: first dimension worth half
    r = af(AF_G, weights=[2, 1, 1, 0], k=0.5)
    assert r.weights == {"d1": 0.5, "d2": 0.25, "d3": 0.25, "d4": 0.0}
    # person 2 (score 0.25) not poor; person 3 (score 1) poor; person 4 (0.25) not poor
    assert r.q == 1 and r.M0 == pytest.approx(1 / 4)
    assert r.contribution["d4"] == 0
    # household size as sample weight == the same households repeated
    size = np.array([1, 3, 2, 5])
    rw = af(AF_G, k=0.5, sample_weight=size)
    rr = af(np.repeat(AF_G, size, axis=0), k=0.5)
    assert rw.n == 11 and rw.q == rr.q == 5
    for f in ("H", "A", "M0"):
        assert getattr(rw, f) == pytest.approx(getattr(rr, f))
    assert rw.censored == pytest.approx(rr.censored)
    # dict weights by code
    assert af(AF_G, weights={"a": 1, "b": 1, "c": 1, "d": 1}, k=0.5, indicators="abcd").M0 == pytest.approx(0.375)


def test_nobody_poor_gives_nan_not_zero_division():
    r = af(np.zeros((3, 4), np.int8), k=0.5)
    assert r.q == 0 and r.H == 0 and r.M0 == 0
    assert math.isnan(r.A) and all(math.isnan(v) for v in r.contribution.values())
    d = r.to_dict()
    assert d["A"] is None and d["indicators"]["d1"]["contribution"] is None


@pytest.mark.parametrize("kwargs, message", [
    ({"k": 0}, "k must be in (0, 1]"),
    ({"k": 2}, "k must be in (0, 1]"),
    ({"weights": [1, 2, 3]}, "3 weights for 4 indicators"),
    ({"weights": [1, -1, 1, 1]}, "must not be negative"),
    ({"weights": [0, 0, 0, 0]}, "sum to zero"),
    ({"sample_weight": [1, 2, 3]}, "3 values for 4 units"),
    ({"sample_weight": [1, -2, 3, 1]}, "not negative"),
    ({"sample_weight": [0, 0, 0, 0]}, "sum to zero"),
])
def test_af_rejects_bad_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace("]", r"\]")):
        af(AF_G, **{"k": 0.5, **kwargs})


def test_af_rejects_non_binary_and_empty_input():
    g = AF_G.copy()
    g[2, 1] = 2
    with pytest.raises(ValueError, match="values must be 0 or 1"):
        af(g)
    with pytest.raises(ValueError, match="0 or 1"):
        af(np.array([[0.0, np.nan]]))
    with pytest.raises(ValueError, match="no units"):
        af(np.zeros((0, 4), np.int8))
    with pytest.raises(ValueError, match="missing indicator column"):
        af({"a": [0, 1]}, indicators=["a", "b"])


def test_decomposition_by_group():
    groups = np.array(["north", "north", "south", "south"])
    dec = af_by(AF_G, groups, k=0.5)
    assert set(dec) == {"north", "south"}
    assert dec.total.M0 == pytest.approx(0.375)
    assert dec["north"].M0 == pytest.approx(2 / 8) and dec["south"].M0 == pytest.approx(4 / 8)
    assert sum(dec.share[g] * dec[g].M0 for g in dec) == pytest.approx(dec.total.M0)
    assert dec.contribution() == pytest.approx({"north": 1 / 3, "south": 2 / 3})
    # integer codes (child units) need no sort; absent codes are not groups
    dec2 = af_by(AF_G, np.array([79, 79, 12, 12]), k=0.5)
    assert list(dec2) == [12, 79] and dec2[79].M0 == pytest.approx(2 / 8)
    # urban/rural as a bool array
    dec3 = af_by(AF_G, np.array([True, True, False, False]), k=0.5)
    assert dec3[1].M0 == pytest.approx(2 / 8)
    out = dec.to_dict(("M0", "H"))
    assert out["south"]["contribution_to_M0"] == pytest.approx(2 / 3)
    assert out["south"]["population_share"] == 0.5


def test_both_counting_methods_agree_across_chunk_boundaries(monkeypatch):
    rng = np.random.default_rng(7)
    n = 70_001                                   # more than one packing block
    latent = rng.standard_normal(n)
    g = (rng.random((n, 12)) < 1 / (1 + np.exp(2 - latent[:, None]))).astype(np.int8)
    groups = rng.integers(0, 9, n)
    size = rng.integers(1, 8, n)
    w = rng.random(12) + 0.1
    monkeypatch.setattr(M, "_BINCOUNT_CHUNK", 10_000)
    fast = af_by(g, groups, weights=w, k=0.3, sample_weight=size)
    monkeypatch.setattr(M, "_MAX_PATTERN_BITS", 0)   # force the direct method
    slow = af_by(g, groups, weights=w, k=0.3, sample_weight=size)
    for key in [None, *fast]:
        a, b = (fast.total, slow.total) if key is None else (fast[key], slow[key])
        assert (a.n, a.q) == (b.n, b.q)
        for f in ("H", "A", "M0"):
            assert getattr(a, f) == pytest.approx(getattr(b, f), rel=1e-12)
        assert a.censored == pytest.approx(b.censored, rel=1e-12)
        assert a.uncensored == pytest.approx(b.uncensored, rel=1e-12)


# --------------------------------------------------------------------------- FGT

def test_fgt_haughton_khandker_example():
    r = fgt(HK_INCOME, HK_LINE)
    assert r.P0 == pytest.approx(0.5) and r.P1 == pytest.approx(0.08) and r.P2 == pytest.approx(0.0136)
    assert (r.n, r.q, r.line, r.inclusive) == (4, 2, 125.0, False)
    assert r.to_dict()["P2"] == pytest.approx(0.0136)


def test_fgt_inclusive_changes_only_the_headcount_at_the_line():
    y = [100, 125, 150]
    strict, incl = fgt(y, 125), fgt(y, 125, inclusive=True)
    assert strict.P0 == pytest.approx(1 / 3) and incl.P0 == pytest.approx(2 / 3)
    assert strict.P1 == incl.P1 and strict.P2 == incl.P2


def test_fgt_per_row_lines_weights_groups_and_other_alphas():
    # rural line 1.5 M, urban 2 M (2021–2025)
    y = np.array([1_200_000, 1_800_000, 1_800_000, 2_500_000])
    z = np.array([1_500_000, 1_500_000, 2_000_000, 2_000_000])
    r = fgt(y, z, inclusive=True)
    assert r.P0 == pytest.approx(0.5) and r.P1 == pytest.approx((0.2 + 0.1) / 4) and r.line is None
    rw = fgt(HK_INCOME, HK_LINE, sample_weight=[2, 1, 1, 0])
    assert rw.n == 4 and rw.P0 == pytest.approx(3 / 4)
    assert fgt(HK_INCOME, HK_LINE, alpha=0.5).P[0.5] == pytest.approx((0.2 ** .5 + 0.12 ** .5) / 4)
    dec = fgt_by(HK_INCOME, HK_LINE, ["a", "b", "a", "b"])
    assert dec["a"].P1 == pytest.approx(0.1) and dec["b"].P1 == pytest.approx(0.06)
    assert sum(dec.share[g] * dec[g].P2 for g in dec) == pytest.approx(dec.total.P2)
    assert sum(dec.contribution("P0").values()) == pytest.approx(1)


@pytest.mark.parametrize("income, line, message", [
    ([100, float("nan")], 125, "must be a number"),
    ([], 125, "no incomes"),
    ([100], 0, "positive"),
    ([100], -5, "positive"),
    ([100, 200], [1, 2, 3], "one per unit"),
])
def test_fgt_rejects_bad_input(income, line, message):
    with pytest.raises(ValueError, match=message):
        fgt(income, line)


# --------------------------------------------------------------------------- change

def test_change_between_years():
    c = change(0.20, 0.10, 2016, 2020)
    assert c.absolute == pytest.approx(-0.10)
    assert c.annualised_absolute == pytest.approx(-0.025)
    assert c.annualised_relative == pytest.approx(100 * (0.5 ** 0.25 - 1))   # −15.9 % a year
    assert math.isnan(change(0, 0.1, 2020, 2021).annualised_relative)
    assert change(0.1, 0, 2020, 2022).annualised_relative == pytest.approx(-100)
    with pytest.raises(ValueError, match="after"):
        change(1, 2, 2020, 2020)
    arr = change(np.array([0.2, 0.4]), np.array([0.1, 0.4]), 2020, 2022)
    assert arr.absolute.tolist() == pytest.approx([-0.1, 0])


def test_af_change_of_every_figure():
    r1 = af(AF_G, k=0.5)
    g2 = AF_G.copy()
    g2[2, 0] = 0                                   # person 3 loses one deprivation
    r2 = af(g2, k=0.5)
    ch = af_change(r1, r2, 2022, 2024)
    assert ch["M0"].absolute == pytest.approx(r2.M0 - r1.M0)
    assert ch["M0"].annualised_absolute == pytest.approx((r2.M0 - r1.M0) / 2)
    assert ch["censored"]["d1"].annualised_relative == pytest.approx(-100)
    assert ch["H"].absolute == 0


# --------------------------------------------------------------------------- near escape

S21 = get_standard("2021-2025")
S16 = get_standard("2016-2020")


def _matrix(standard, counts):
    d = len(standard.indicators)
    return np.array([[1] * c + [0] * (d - c) for c in counts], np.int8)


def test_near_escape_2021_2025():
    income = [1_200_000, 1_450_000, 1_450_000, 1_200_000, 1_500_000, 1_400_000, 1_900_000]
    area = ["rural"] * 6 + ["urban"]
    counts = [3, 4, 3, 2, 5, 6, 3]
    rows = near_escape(income, area, _matrix(S21, counts), S21, ids=list("abcdefg"))
    by_id = {r.id: r for r in rows}
    # both routes first (c 3.3 %, g 5 %), then by income gap: e 0 %, b 3.3 %, f 6.7 %, a 20 %;
    # d (D = 2) is near-poor, not poor
    assert [r.id for r in rows] == ["c", "g", "e", "b", "f", "a"]
    c = by_id["c"]                             # D = 3 and 50,000 below the line: both routes
    assert c.routes == ("deprivation", "income") and c.removable == S21.indicator_codes[:3]
    assert c.category_after_deprivation == "near_poor" and c.category_after_income == "average"
    assert c.gap == 50_000 and c.gap_share == pytest.approx(50_000 / 1_500_000) and c.line == 1_500_000
    a = by_id["a"]                             # D = 3, income 20 % below the line: deprivation only
    assert a.routes == ("deprivation",) and a.deprivations_to_remove == 1 and not a.small_gap
    b = by_id["b"]                             # D = 4: two removals needed; 50,000 gap
    assert b.routes == ("income",) and b.deprivations_to_remove == 2 and b.removable == ()
    e = by_id["e"]                             # exactly on the line is poor (≤); gap 0
    assert e.gap == 0 and e.routes == ("income",)
    g = by_id["g"]                             # urban line 2,000,000
    assert g.line == 2_000_000 and g.gap == 100_000 and g.routes == ("deprivation", "income")
    assert "d" not in by_id
    assert len(near_escape(income, area, _matrix(S21, counts), S21, all_poor=True)) == 6


def test_near_escape_2016_2020_tiers():
    income = [650_000, 650_000, 800_000, 950_000, 400_000]
    counts = [0, 3, 3, 4, 0]
    rows = near_escape(income, [False] * 5, _matrix(S16, counts), S16, all_poor=True)
    by = {r.index: r for r in rows}
    # first tier, D < 3: must exceed the poverty line 700,000 (then near-poor); no deprivation route
    assert by[0].line == 700_000 and by[0].deprivations_to_remove is None and by[0].small_gap
    assert by[0].category_after_income == "near_poor"
    # first tier, D ≥ 3: above 700,000 it would still be poor (second tier) → near-poverty line
    assert by[1].line == 1_000_000 and by[1].gap == 350_000 and by[1].deprivations_to_remove is None
    assert by[1].routes == ()
    # second tier, D = 3: one deprivation fewer → near-poor
    assert by[2].one_deprivation and by[2].category_after_deprivation == "near_poor" and by[2].line == 1_000_000
    # second tier, D = 4, 50,000 below 1,000,000 (5 %)
    assert by[3].routes == ("income",) and by[3].deprivations_to_remove == 2
    assert by[4].routes == () and by[4].gap_share == pytest.approx(300 / 700)
    listed = near_escape(income, [False] * 5, _matrix(S16, counts), S16)
    assert [r.index for r in listed] == [3, 0, 2]


def test_near_escape_threshold_is_configurable_and_inputs_checked():
    m = _matrix(S21, [4])
    assert near_escape([1_400_000], ["rural"], m, S21) != []          # 6.7 % ≤ 10 %
    assert near_escape([1_400_000], ["rural"], m, S21, income_gap=0.05) == []
    with pytest.raises(ValueError, match="indicators of standard"):
        near_escape([1], ["rural"], np.zeros((1, 10), np.int8), S21)
    with pytest.raises(ValueError, match="unknown area"):
        near_escape([1], ["mountain"], m, S21)
    with pytest.raises(ValueError, match="non-negative"):
        near_escape([-1], ["rural"], m, S21)


def test_near_escape_by_score_a():
    rows = near_escape([130], ["rural"], _matrix(S21, [4]), S21, basis="score_a")
    assert rows[0].line == 140 and rows[0].gap == 10 and rows[0].small_gap
    with pytest.raises(ValueError, match="score A"):
        near_escape([130], ["rural"], _matrix(S16, [4]), S16, basis="score_a")

"""chungtay.core.effects: the exact-matching ATT, worked by hand, against a naive per-stratum
implementation, and recovering a known effect on synthetic data within its sampling error."""
import math
from fractions import Fraction as F

import numpy as np
import pyarrow as pa
import pytest

from chungtay.core.effects import (EffectInputError, RESULT_KEYS, STRATUM_KEYS, codes_from_file, support_effect,
                                   support_effect_table)

# (area, deprivations, treated, outcome, weight) — worked by hand in the tests below
ROWS = [
    ("rural", 3, 1, 1, 2), ("rural", 3, 1, 1, 1), ("rural", 3, 1, 0, 1),                 # treated 2/3
    ("rural", 3, 0, 1, 1), ("rural", 3, 0, 0, 1), ("rural", 3, 0, 0, 1), ("rural", 3, 0, 0, 1),  # control 1/4
    ("rural", 4, 1, 1, 2),                                                               # treated 1/1
    ("rural", 4, 0, 0, 3), ("rural", 4, 0, 1, 1),                                        # control 1/2
    ("urban", 3, 1, 1, 1), ("urban", 3, 1, 0, 1),                                        # treated only
    ("urban", 5, 0, 1, 5),                                                               # control only
]
COLS = {k: [r[j] for r in ROWS] for j, k in enumerate(["area", "D", "t", "y", "w"])}


def unweighted():
    return support_effect(COLS["t"], COLS["y"], {"area": COLS["area"], "D": COLS["D"]})


def test_hand_computed_example():
    r = unweighted()
    assert (r.n_treated, r.n_control, r.n_matched_treated, r.unmatched_treated) == (6, 7, 4, 2)
    assert all(type(x) is int for x in (r.n_treated, r.n_control, r.n_matched_treated, r.unmatched_treated))
    # ATT = (3 × (2/3 − 1/4) + 1 × (1 − 1/2)) / 4 = 7/16
    assert r.att == pytest.approx(7 / 16, abs=1e-15)
    assert r.treated_rate == pytest.approx(3 / 4) and r.control_rate == pytest.approx(5 / 16)
    # SE² = (3/4)² (1/9 + 1/16) + (1/4)² (1/4 [one treated row] + 1/4) = 297/2304
    assert r.att_se == pytest.approx(math.sqrt(297 / 2304))
    assert r.strata == [
        {"area": "rural", "D": 3, "n_treated": 3, "n_control": 4, "treated_rate": pytest.approx(2 / 3),
         "control_rate": 0.25},
        {"area": "rural", "D": 4, "n_treated": 1, "n_control": 2, "treated_rate": 1.0, "control_rate": 0.5},
        {"area": "urban", "D": 3, "n_treated": 2, "n_control": 0, "treated_rate": 0.5, "control_rate": None},
        {"area": "urban", "D": 5, "n_treated": 0, "n_control": 1, "treated_rate": None, "control_rate": 1.0},
    ]
    assert list(r.to_dict()) == list(RESULT_KEYS)
    assert all(list(s) == ["area", "D", *STRATUM_KEYS] for s in r.strata)


def test_weighted_example():
    r = support_effect(COLS["t"], COLS["y"], {"area": COLS["area"], "D": COLS["D"]}, weights=COLS["w"])
    # rural 3: treated weights 2,1,1 → n 4, mean 3/4; control 4 × 1 → 1/4
    # rural 4: treated 2 → mean 1; control weights 3 (y 0), 1 (y 1) → 1/4
    assert (r.n_treated, r.n_control, r.n_matched_treated, r.unmatched_treated) == (8.0, 13.0, 6.0, 2.0)
    assert all(type(x) is float for x in (r.n_treated, r.n_control, r.n_matched_treated, r.unmatched_treated))
    assert r.att == pytest.approx(float(F(4, 6) * F(1, 2) + F(2, 6) * F(3, 4)))         # 7/12
    assert r.treated_rate == pytest.approx(5 / 6) and r.control_rate == pytest.approx(1 / 4)
    assert r.strata[1] == {"area": "rural", "D": 4, "n_treated": 2.0, "n_control": 4.0, "treated_rate": 1.0,
                           "control_rate": 0.25}
    assert r.strata[3]["n_control"] == 5.0 and r.strata[3]["treated_rate"] is None


def test_unit_weights_and_repeated_rows():
    plain = unweighted()
    ones = support_effect(COLS["t"], COLS["y"], {"area": COLS["area"], "D": COLS["D"]}, weights=[1] * len(ROWS))
    assert ones.att == pytest.approx(plain.att) and ones.att_se == pytest.approx(plain.att_se)
    assert ones.n_treated == 6.0 and isinstance(ones.n_treated, float)
    # an integer weight counts like repeating the row (the means and the ATT; not the SE)
    rep = [r for r in ROWS for _ in range(r[4])]
    r = support_effect([x[2] for x in rep], [x[3] for x in rep], {"a": [x[0] for x in rep], "d": [x[1] for x in rep]})
    w = support_effect(COLS["t"], COLS["y"], {"a": COLS["area"], "d": COLS["D"]}, weights=COLS["w"])
    assert r.att == pytest.approx(w.att) and r.n_treated == w.n_treated and r.control_rate == pytest.approx(w.control_rate)


def test_zero_weight_group_is_absent():
    # the only control of stratum B weighs 0: B holds no control, its treated row is unmatched
    r = support_effect([1, 0, 1, 0], [1, 0, 1, 1], {"s": ["A", "A", "B", "B"]}, weights=[1, 1, 1, 0])
    assert r.n_matched_treated == 1.0 and r.unmatched_treated == 1.0 and r.att == 1.0
    assert r.strata[1]["control_rate"] is None and r.strata[1]["n_control"] == 0.0


def test_no_stratum_with_both_groups():
    r = support_effect([1, 1, 0], [1, 0, 1], {"s": [1, 1, 2]})
    assert r.att is None and r.treated_rate is None and r.control_rate is None and r.att_se is None
    assert r.n_matched_treated == 0 and r.unmatched_treated == 2 and r.n_control == 1
    r = support_effect([0, 0], [1, 0], {"s": [1, 2]})                  # nobody treated
    assert r.att is None and r.n_treated == 0 and len(r.strata) == 2


def test_strata_order_and_types():
    r = support_effect([1] * 6, [0] * 6, {"village": ["Thôn 10", "Thôn 2", "Đắk Rơ", "Dak", "Thôn 2", "Ba"],
                                          "code": [10, 2, 7, 7, 1, 3]})
    assert [(s["village"], s["code"]) for s in r.strata] == [
        ("Ba", 3), ("Dak", 7), ("Đắk Rơ", 7), ("Thôn 2", 1), ("Thôn 2", 2), ("Thôn 10", 10)]
    assert all(type(s["code"]) is int for s in r.strata)
    r = support_effect([1, 0, 1], [1, 0, 0], {"x": [1.5, 0.25, 1.5], "b": [True, False, True]})
    assert [(s["x"], s["b"]) for s in r.strata] == [(0.25, False), (1.5, True)]
    assert type(r.strata[0]["x"]) is float and type(r.strata[0]["b"]) is bool
    # text: trimmed and NFC-normalised, so spelling variants of one value are one stratum
    decomposed = "Tho\u0302n 1"
    r = support_effect([1, 0, 1, 0], [1, 0, 0, 0], {"v": ["Thôn 1", decomposed, " Thôn 1 ", "Thôn 1"]})
    assert r.strata == [{"v": "Thôn 1", "n_treated": 2, "n_control": 2, "treated_rate": 0.5, "control_rate": 0.0}]
    # pyarrow dictionary columns (parquet categories) work directly
    r = support_effect([1, 0, 1], [1, 0, 0], {"v": pa.array(["b", "a", "b"]).dictionary_encode()})
    assert [s["v"] for s in r.strata] == ["a", "b"]
    # a large range of codes (the sort path) and negative numbers
    r = support_effect([1, 0, 1, 0], [1, 0, 0, 0], {"c": [10 ** 12, -5, 10 ** 12, -5]})
    assert [s["c"] for s in r.strata] == [-5, 10 ** 12]


def test_codes_from_file():
    def ints(values, t=None):
        return codes_from_file(pa.array(values, t)).to_pylist()
    assert ints(["3", " 12", "-1", None, ""]) == [3, 12, -1, None, None]
    assert ints(["00123", "7"]) == ["00123", "7"]                  # a leading zero: a code, stays text
    assert ints(["3", "x"]) == ["3", "x"]
    assert ints(["3\n", "4"]) == [3, 4] and ints(["1e3"]) == ["1e3"] and ints([None, ""]) == [None, ""]
    assert ints([3.0, 12.0, None]) == [3, 12, None]               # Excel's whole numbers
    assert ints([3.5, 1.0]) == [3.5, 1.0]
    assert codes_from_file(pa.array([3.0, 1.0])).type == pa.int64()


def naive(t, y, strata, w=None):
    """Straight from the definition, one stratum at a time in Python."""
    w = w if w is not None else [1] * len(t)
    groups: dict = {}
    for i in range(len(t)):
        g = groups.setdefault(tuple(col[i] for col in strata), [[0, 0], [0, 0]])
        g[t[i]][0] += w[i]
        g[t[i]][1] += w[i] * y[i]
    num = den = 0.0
    for (c, t_) in groups.values():
        if c[0] > 0 and t_[0] > 0:
            num += t_[0] * (t_[1] / t_[0] - c[1] / c[0])
            den += t_[0]
    return (num / den if den else None), den, groups


@pytest.mark.parametrize("seed", range(8))
def test_agrees_with_the_naive_definition(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 400))
    t = rng.integers(0, 2, n)
    y = rng.integers(0, 2, n)
    a = rng.integers(0, 4, n)
    b = rng.choice(["x", "y", "Thôn 2", "Thôn 10"], n)
    c = rng.integers(0, 3, n) * 10 ** 9 - 7              # wide range: the np.unique path
    w = rng.integers(0, 4, n).astype(float) + (rng.random(n) if seed % 2 else 0)
    if w.sum() == 0:
        w[0] = 1
    for weights in (None, w):
        r = support_effect(t, y, {"a": a, "b": b, "c": c}, weights=weights)
        att, den, groups = naive(t.tolist(), y.tolist(), [a.tolist(), b.tolist(), c.tolist()],
                                 None if weights is None else weights.tolist())
        assert len(r.strata) == len(groups)
        assert (r.att is None) == (att is None)
        if att is not None:
            assert r.att == pytest.approx(att, abs=1e-12)
            assert r.treated_rate - r.control_rate == pytest.approx(att, abs=1e-12)
        assert r.n_matched_treated == pytest.approx(den)
        keys = [(s["a"], s["b"], s["c"]) for s in r.strata]
        assert len(set(keys)) == len(keys)
        for s in r.strata:
            (c_, t_) = groups[(s["a"], s["b"], s["c"])]
            assert s["n_treated"] == pytest.approx(t_[0]) and s["n_control"] == pytest.approx(c_[0])


def test_table_and_pyarrow_input():
    table = pa.table(COLS)
    r = support_effect_table(table, "t", "y", ["area", "D"])
    assert r.att == pytest.approx(7 / 16)
    with pytest.raises(EffectInputError, match=r"missing column\(s\): nope \(the file has: area, D, t, y, w\)"):
        support_effect_table(table, "t", "y", ["nope"])
    with pytest.raises(EffectInputError, match="cannot also be a strata column"):
        support_effect_table(table, "t", "y", ["t"])


def test_bad_input_lists_every_problem():
    with pytest.raises(EffectInputError) as e:
        support_effect([1, 2, "x", None], [1, 0, 0.5, 1], {"s": ["a", " ", None, "b"]},
                       weights=[1, -2, "heavy", None], first_row=2)
    msg = str(e.value)
    assert "column treated: value must be 0 or 1 at rows 3 (2), 4 ('x')" in msg
    assert "column treated: empty at row 5" in msg
    assert "column outcome: value must be 0 or 1 at row 4 (0.5)" in msg
    assert "column weights: negative weight at row 3 (-2)" in msg
    assert "column weights: not a finite number at row 4 ('heavy')" in msg
    assert "column weights: empty at row 5" in msg
    assert "column s: empty at rows 3, 4" in msg
    assert len(e.value.problems) == 7
    with pytest.raises(EffectInputError, match="no rows"):
        support_effect([], [], {"s": []})
    with pytest.raises(EffectInputError, match="the weights sum to zero"):
        support_effect([1, 0], [1, 0], {"s": [1, 1]}, weights=[0, 0])
    with pytest.raises(EffectInputError, match="clash with the output keys"):
        support_effect([1], [1], {"n_treated": [1]})
    with pytest.raises(EffectInputError, match="3 values for 2 rows"):
        support_effect([1, 0], [1, 0, 1], {"s": [1, 1]})
    with pytest.raises(ValueError, match=r"column s: empty at row 1"):       # NaN in a float column
        support_effect([1, 0], [1, 0], {"s": np.array([1.0, np.nan])})


# --------------------------------------------------------------------------- recovery of a known effect

def synthetic(n: int, effect: float, seed: int):
    """Households in 2 categories × 6 deprivation counts × 2 areas × 15 communes. Both the chance
    of support and the chance of escaping depend on the stratum (the poorest get more support and
    escape less), so a naive comparison of supported and unsupported households is biased; the
    treated escape with probability base(stratum) + effect."""
    rng = np.random.default_rng(seed)
    category = rng.choice(np.array(["poor", "near_poor"]), n, p=[0.6, 0.4])
    d = rng.integers(0, 6, n)
    area = rng.choice(np.array(["rural", "urban"]), n, p=[0.7, 0.3])
    commune = rng.integers(1, 16, n)
    poor = category == "poor"
    urban = area == "urban"
    p_support = 1 / (1 + np.exp(-(-1.2 + 0.45 * d + 0.8 * poor - 0.6 * urban + 0.04 * commune)))
    treated = (rng.random(n) < p_support).astype(np.int8)
    base = 0.55 - 0.06 * d - 0.15 * poor + 0.08 * urban + 0.005 * commune          # 0.08 … 0.71
    outcome = (rng.random(n) < base + effect * treated).astype(np.int8)
    return treated, outcome, {"category": category, "deprivations": d, "area": area, "commune": commune}


def test_recovers_a_known_effect_within_its_sampling_error():
    truth = 0.08
    t, y, strata = synthetic(200_000, truth, seed=20261126)
    r = support_effect(t, y, strata)
    assert r.att_se is not None and 0.001 < r.att_se < 0.01
    assert abs(r.att - truth) < 3 * r.att_se, (r.att, r.att_se)
    assert len(r.strata) == 2 * 6 * 2 * 15 and r.unmatched_treated == 0
    naive_diff = y[t == 1].mean() - y[t == 0].mean()
    assert abs(naive_diff - truth) > 10 * r.att_se           # without matching the estimate is far off


def test_standard_error_covers_the_truth_about_95_percent_of_the_time():
    truth, hits, runs = 0.1, 0, 200
    for seed in range(runs):
        t, y, strata = synthetic(4_000, truth, seed=seed)
        r = support_effect(t, y, strata)                  # ~11 rows a stratum, some treated unmatched
        hits += abs(r.att - truth) < 1.96 * r.att_se
    assert 0.90 * runs <= hits <= 0.99 * runs, hits


def test_no_effect_gives_an_estimate_near_zero():
    t, y, strata = synthetic(100_000, 0.0, seed=7)
    r = support_effect(t, y, strata)
    assert abs(r.att) < 3 * r.att_se


def test_a_stratum_left_out_biases_the_estimate():
    """The caveat of docs/measures.md: matching removes only the differences it is given. Support
    goes to households with more deprivations, who escape less: leave them out of the strata and
    the effect disappears."""
    truth = 0.08
    t, y, strata = synthetic(200_000, truth, seed=20261126)
    r = support_effect(t, y, {k: v for k, v in strata.items() if k != "deprivations"})
    assert abs(r.att - truth) > 10 * r.att_se

"""The block engine of chungtay.core.vector against the plain rule walk, bit for bit, on
arrays longer than several blocks: rows with income, with score A, with neither, values
on and around every line, fractions, infinities, negatives, NaN in some blocks only, and
the dtypes callers pass. Also the popcount path of ``deprivation_count``."""
import numpy as np
import pytest

from chungtay.core import all_standards, classify
from chungtay.core.standards import CATEGORIES, StandardError, get_standard, parse_standard
from tests.kernels import both_kernels  # noqa: F401 (every test on both forms of the engine)
from chungtay.core.vector import BLOCK, UNSET, classify_arrays, deprivation_count

STANDARDS = all_standards()


def walk(standard, urban, income, score_a, deprivations):
    """The rule list walked over row sets, one rule at a time (the engine before issue 13)."""
    n = len(urban)
    out = np.full(n, UNSET, dtype=np.int8)
    urban = np.asarray(urban, dtype=bool)
    passes = []
    if income is not None:
        income = np.asarray(income, dtype=np.float64)
        passes.append(("income", ~np.isnan(income), income, standard.rules))
    if score_a is not None:
        score_a = np.asarray(score_a, dtype=np.float64)
        has_score = ~np.isnan(score_a)
        if income is not None:
            has_score &= np.isnan(income)
        if has_score.any():
            if standard.score_rules is None:
                raise StandardError(f"standard {standard.code} has no confirmed score A thresholds")
            passes.append(("score_a", has_score, score_a, standard.score_rules))
    for basis, rows, value, rules in passes:
        todo = rows.copy()
        for rule in rules:
            m = todo.copy()
            if rule.income_at_most is not None:
                if basis == "income":
                    ln = standard.lines[rule.income_at_most]
                    limit = np.where(urban, ln.urban, ln.rural)
                else:
                    limit = np.where(urban, standard.score_threshold(rule.income_at_most, "urban"),
                                     standard.score_threshold(rule.income_at_most, "rural"))
                m &= value <= limit
            if rule.deprivations_at_least is not None:
                m &= deprivations >= rule.deprivations_at_least
            out[m] = CATEGORIES.index(rule.category)
            todo &= ~m
    return out


def values(rng, n, edges, top):
    base = rng.choice(np.array(sorted(edges) + [0.0]), n)
    kind = rng.integers(0, 8, n)
    x = np.select([kind == 0, kind == 1, kind == 2, kind == 3, kind == 4, kind == 5],
                  [base, base + 1, base - 1, np.nextafter(base, np.inf), np.nextafter(base, -np.inf),
                   base + rng.random(n) - 0.5], rng.random(n) * top)
    odd = rng.random(n) < 0.01
    x[odd] = rng.choice([np.inf, -np.inf, -5.0, 0.0, -0.0, 1e300], odd.sum())
    return x


# (share of rows without income, share of those with a score, income given, score given)
LAYOUTS = [(0.0, 0.0, True, False), (1e-5, 0.0, True, False), (0.3, 0.7, True, True),
           (1.0, 0.8, True, True), (0.0, 0.0, False, True), (0.2, 0.0, True, True)]


@pytest.mark.parametrize("s", STANDARDS, ids=[s.code for s in STANDARDS])
@pytest.mark.parametrize("layout", range(len(LAYOUTS)))
def test_blocks_match_the_rule_walk(s, layout):
    rng = np.random.default_rng([layout, len(s.code), s.years[0]])
    n = 2 * BLOCK + int(rng.integers(1, BLOCK))
    missing, scored, with_income, with_score = LAYOUTS[layout]
    if with_score and s.score_rules is None:
        with_score = False
    edges = {float(ln.value(a)) for ln in s.lines.values() for a in ("rural", "urban")}
    sedges = {float(v[a]) for v in (s.score_a or {}).values() for a in ("rural", "urban")} or {100.0}
    urban = rng.random(n) < 0.4
    income = values(rng, n, edges, 6e6)
    gone = rng.random(n) < missing
    if 0 < missing < 1e-3:
        gone[:] = False
        gone[BLOCK + 17] = True                        # NaN in the middle block only
    income[gone] = np.nan
    score = values(rng, n, sedges, 400)
    score[~gone | (rng.random(n) >= scored)] = np.nan
    if layout == 2:
        both = rng.random(n) < 0.05                    # income wins where both are given
        score[both] = 150.0
    for dtype in (np.int16, np.int64, np.uint8, np.float64):
        counts = rng.integers(0, len(s.indicator_codes) + 1, n).astype(dtype)
        args = (income if with_income else None, score if with_score else None)
        got = classify_arrays(s, urban, *args, counts)
        assert got.dtype == np.int8 and len(got) == n
        np.testing.assert_array_equal(got, walk(s, urban, *args, counts))
    # a sample against the single-household engine too
    for i in rng.choice(n, 200, replace=False):
        v_inc = args[0][i] if args[0] is not None else np.nan
        v_sc = args[1][i] if args[1] is not None else np.nan
        if np.isnan(v_inc) and np.isnan(v_sc):
            assert got[i] == UNSET
            continue
        kw = {"income": v_inc} if not np.isnan(v_inc) else {"score_a": v_sc}
        if next(iter(kw.values())) < 0:
            continue                                   # the single engine refuses negative values
        one = classify(s, area="urban" if urban[i] else "rural", deprived=s.indicator_codes[:int(counts[i])], **kw)
        assert CATEGORIES[got[i]] == one.category


def test_other_input_types():
    s = get_standard("2021-2025")
    rng = np.random.default_rng(1)
    n = BLOCK + 5
    urban = rng.random(n) < 0.5
    income = np.round(rng.random(n) * 4e6, -3)
    counts = rng.integers(0, 13, n)
    want = walk(s, urban, income, None, counts)
    for inc in (income.astype(np.int64), income.astype(np.float32), list(income)):
        np.testing.assert_array_equal(classify_arrays(s, urban, inc, None, counts),
                                      walk(s, urban, inc, None, counts))
    np.testing.assert_array_equal(classify_arrays(s, list(urban), income, None, list(counts)), want)
    np.testing.assert_array_equal(classify_arrays(s, urban.astype(np.int8), income, None, counts), want)
    odd = urban.view(np.uint8) * np.uint8(7)                 # a bool array whose bytes are not 0/1
    np.testing.assert_array_equal(classify_arrays(s, odd.view(bool), income, None, counts), want)
    np.testing.assert_array_equal(classify_arrays(s, urban, income, None, 3),
                                  walk(s, urban, income, None, np.full(n, 3)))
    assert classify_arrays(s, np.zeros(0, bool), np.zeros(0), None, np.zeros(0, np.int16)).shape == (0,)
    assert (classify_arrays(s, urban, None, None, counts) == UNSET).all()


def test_score_without_thresholds_is_refused_only_when_used():
    s = get_standard("2016-2020")
    urban = np.zeros(3, bool)
    counts = np.zeros(3, np.int16)
    income = np.array([800_000.0, np.nan, 2e6])
    with pytest.raises(StandardError, match="score A"):
        classify_arrays(s, urban, income, np.array([np.nan, 120.0, np.nan]), counts)
    with pytest.raises(StandardError, match="score A"):
        classify_arrays(s, urban, None, np.array([np.nan, 120.0, np.nan]), counts)
    got = classify_arrays(s, urban, income, np.full(3, np.nan), counts)
    np.testing.assert_array_equal(got, walk(s, urban, income, np.full(3, np.nan), counts))
    assert (classify_arrays(s, urban, None, np.full(3, np.nan), counts) == UNSET).all()


def test_rules_stay_data_a_new_standard_needs_no_code():
    """A made-up provincial standard with three lines, two cut-offs and rules in an odd
    order: the compiled table still walks them first-match."""
    d = get_standard("2016-2020").to_json()
    d = {**d, "code": "XX-test", "scope": "99",
         "lines": {"a": {"name_vi": "a", "name_en": "a", "rural": 1_000, "urban": 5_000},
                   "b": {"name_vi": "b", "name_en": "b", "rural": 3_000, "urban": 3_000},
                   "c": {"name_vi": "c", "name_en": "c", "rural": 4_000, "urban": 2_000}},
         "rules": [{"category": "near_poor", "deprivations_at_least": 7},
                   {"category": "poor", "income_at_most": "a", "deprivations_at_least": 2},
                   {"category": "average", "income_at_most": "c"},
                   {"category": "poor", "income_at_most": "b", "deprivations_at_least": 5},
                   {"category": "above_average"}]}
    s = parse_standard(d, "test")
    rng = np.random.default_rng(3)
    n = 3 * BLOCK
    urban = rng.random(n) < 0.5
    income = rng.choice([999.0, 1000.0, 1000.5, 2000.0, 2000.5, 3000.0, 3001.0, 4000.0, 4000.5, 5000.0, 6000.0], n)
    counts = rng.integers(0, 11, n).astype(np.int16)
    got = classify_arrays(s, urban, income, None, counts)
    np.testing.assert_array_equal(got, walk(s, urban, income, None, counts))
    for i in range(0, n, 997):
        one = classify(s, area="urban" if urban[i] else "rural", income=income[i],
                       deprived=s.indicator_codes[:int(counts[i])])
        assert CATEGORIES[got[i]] == one.category


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, bool, np.int16])
@pytest.mark.parametrize("cols", [1, 2, 3, 4, 6, 10, 12, 16, 20, 32, 33])
def test_deprivation_count_matches_row_sums(dtype, cols):
    rng = np.random.default_rng(cols)
    n = BLOCK + 123
    m = (rng.random((n, cols)) < 0.3).astype(dtype)
    np.testing.assert_array_equal(deprivation_count(m), m.sum(axis=1, dtype=np.int16))
    np.testing.assert_array_equal(deprivation_count(m[::2]), m[::2].sum(axis=1, dtype=np.int16))
    np.testing.assert_array_equal(deprivation_count([m[:, k] for k in range(cols)]), m.sum(axis=1, dtype=np.int16))
    if dtype is not bool:
        m[n - 1, cols - 1] = 2                         # not 0/1: summed as before, not by lanes
        np.testing.assert_array_equal(deprivation_count(m), m.sum(axis=1, dtype=np.int16))
        np.testing.assert_array_equal(deprivation_count([m[:, k] for k in range(cols)]),
                                      m.astype(np.int16).sum(axis=1, dtype=np.int16))
    assert deprivation_count(m).dtype == np.int16


def _standard(lines, rules, score=None):
    d = dict(get_standard("2021-2025").to_json())
    d.update(code="XX-shape", scope="99",
             lines={k: {"name_vi": k, "name_en": k, "rural": r, "urban": u} for k, (r, u) in lines.items()},
             rules=rules)
    d.pop("score_rules", None)
    d.pop("score_a", None)
    return parse_standard(d, "test")


SHAPES = {
    # one limit in all (the block engine's general form, NaN found by its own test)
    "one limit": _standard({"p": (2_000, 2_000)},
                           [{"category": "poor", "income_at_most": "p", "deprivations_at_least": 3},
                            {"category": "near_poor", "income_at_most": "p"}, {"category": "average"}]),
    # no income condition at all
    "no limit": _standard({"p": (2_000, 3_000)},
                          [{"category": "poor", "deprivations_at_least": 4}, {"category": "average"}]),
    # 60 lines: more keys than one byte holds (int32 keys and np.take)
    "many limits": _standard({f"l{i}": (1_000 + 10 * i, 1_005 + 10 * i) for i in range(60)},
                             [{"category": ("poor", "near_poor", "average")[i % 3], "income_at_most": f"l{i}",
                               "deprivations_at_least": i % 5 or None} for i in range(60)]
                             + [{"category": "above_average"}]),
}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_every_form_of_the_engine(shape):
    s = SHAPES[shape]
    rng = np.random.default_rng(len(shape))
    n = 2 * BLOCK + 77
    urban = rng.random(n) < 0.5
    income = rng.choice(np.arange(900.0, 1700.0, 2.5), n)
    income[rng.random(n) < 0.05] = np.nan
    income[rng.random(n) < 0.01] = 2_000.0
    counts = rng.integers(0, 13, n).astype(np.int16)
    got = classify_arrays(s, urban, income, None, counts)
    np.testing.assert_array_equal(got, walk(s, urban, income, None, counts))
    assert (got[np.isnan(income)] == UNSET).all()

"""Outcome rates of support on constructed histories (pure core, no database)."""
from chungtay.core.outcomes import Base, after_escape, escape, outcomes

P, N, A, AA = "poor", "near_poor", "average", "above_average"


def test_escape_from_poor_and_from_near_poor():
    assert escape({2022: P, 2023: N}, 2023) == ("escaped", 2023)
    assert escape({2022: P, 2023: P, 2024: A}, 2023) == ("escaped", 2024)
    assert escape({2022: P, 2023: P, 2024: P}, 2023) == ("not_escaped", None)
    assert escape({2022: P, 2023: P}, 2023) == ("pending", None)
    assert escape({2022: N, 2023: N, 2024: N}, 2023) == ("not_escaped", None)   # near-poor must reach average
    assert escape({2022: N, 2023: A}, 2023) == ("escaped", 2023)
    assert escape({2022: A, 2023: A}, 2023) is None                            # nothing to escape
    assert escape({2023: P}, 2023) is None                                     # no baseline


def test_stayed_out_and_re_poverty():
    assert after_escape({2023: N, 2024: N, 2025: A}, P, 2023) == (True, True, False)
    assert after_escape({2023: N, 2024: P, 2025: N}, P, 2023) == (False, False, True)
    assert after_escape({2023: N, 2024: N}, P, 2023) == (True, None, False)
    assert after_escape({2023: N}, P, 2023) == (None, None, None)
    assert after_escape({2023: A, 2025: N}, N, 2023) == (None, False, True)    # near-poor again = back


def test_the_rates_and_the_cost():
    history = {
        1: {2022: P, 2023: N, 2024: N, 2025: N},        # escaped 2023, stayed 1 and 2
        2: {2022: P, 2023: P, 2024: A, 2025: P},        # escaped 2024, fell back in 2025
        3: {2022: P, 2023: P, 2024: P},                 # not escaped
        4: {2022: P, 2023: P},                          # pending
        5: {2022: A, 2023: A},                          # not poor at baseline
        6: {2023: N, 2024: A},                          # supported 2024, escaped 2024, no later result
    }
    supports = [(1, 2023, 10_000_000), (1, 2023, 5_000_000), (2, 2023, 20_000_000), (3, 2023, 7_000_000),
                (4, 2023, 1), (5, 2023, 3_000_000), (6, 2024, 4_000_001), (1, 2021, 99_000_000)]
    o = outcomes(history, supports, 2023, 2024)
    assert o.supported == 6 and o.eligible == 5 and o.pending == 1 and o.decided == 4 and o.escaped == 3
    assert o.escape_rate == 0.75 and sorted(o.escaped_ids) == [1, 2, 6]
    assert (o.stayed_1, o.stayed_1_n, o.stayed_2, o.stayed_2_n) == (1, 2, 1, 1)     # 2 fell back in E + 1
    assert (o.repoverty, o.repoverty_n, o.repoverty_ids) == (1, 2, [2])
    assert o.value_vnd == 49_000_002 and o.cost_per_escape == 16_333_334          # 49,000,002 / 3 rounded


def test_no_escape_no_rate():
    o = outcomes({1: {2022: P, 2023: P, 2024: P}}, [(1, 2023, 5)], 2023, 2023)
    assert o.escape_rate == 0 and o.cost_per_escape is None and o.stayed_1_rate is None
    o = outcomes({}, [], 2020, 2025)
    assert o.supported == 0 and o.escape_rate is None and o.repoverty_rate is None


def test_matched_comparison_uses_exact_strata():
    history, baseline, supports, anys = {}, {}, [], {}
    # commune 1: 4 supported poor (3 escape), 4 unsupported poor (1 escapes), same strata
    for h in range(8):
        esc = (h < 3) if h < 4 else (h == 4)
        history[h] = {2022: P, 2023: N if esc else P, 2024: N if esc else P}
        baseline[(h, 2022)] = Base(3, "rural", 1)
        if h < 4:
            supports.append((h, 2023, 1_000_000))
            anys[h] = {2023}
    # an unsupported household of another commune: no treated in its stratum, not used
    history[9] = {2022: P, 2023: P, 2024: P}
    baseline[(9, 2022)] = Base(3, "rural", 2)
    # a supported household of a stratum with no control: unmatched
    history[10] = {2022: P, 2023: N, 2024: N}
    baseline[(10, 2022)] = Base(5, "urban", 1)
    supports.append((10, 2023, 1))
    anys[10] = {2023}
    # an unsupported household with support of another kind next year: not a control
    history[11] = {2022: P, 2023: P, 2024: P}
    baseline[(11, 2022)] = Base(3, "rural", 1)
    anys[11] = {2024}
    o = outcomes(history, supports, 2023, 2023, baseline=baseline, any_support=anys)
    e = o.effect
    assert e.n_treated == 5 and e.n_control == 5 and e.n_matched_treated == 4 and e.unmatched_treated == 1
    assert abs(e.att - (0.75 - 0.25)) < 1e-9


def test_comparison_without_controls_is_none():
    history = {1: {2022: P, 2023: N}}
    o = outcomes(history, [(1, 2023, 1)], 2023, 2023, baseline={(1, 2022): Base(3, "rural", 1)}, any_support={1: {2023}})
    assert o.effect is None and o.comparison_rows == 1

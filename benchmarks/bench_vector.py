"""Vectorised classification rate of ``chungtay.core.vector`` on one core.

    python benchmarks/bench_vector.py [--rows 10000000] [--repeat 5]

(a) ``classify_arrays`` given deprivation counts; (b) ``deprivation_count`` of an (n, 12)
uint8 matrix + ``classify_arrays``. numpy runs single-threaded (thread pools pinned to 1
before numpy is imported), so rows/s is per core. Goal: ≥ 10 million households/s/core.
"""
from __future__ import annotations

import argparse
import time
import tracemalloc

import _common

_common.single_thread_env()

import numpy as np  # noqa: E402

from chungtay.core.standards import CATEGORIES, get_standard  # noqa: E402
from chungtay.core.vector import classify_arrays, deprivation_count  # noqa: E402

GOAL = 10_000_000


def make(rows: int, seed: int):
    rng = np.random.default_rng(seed)
    urban = np.empty(rows, bool)
    income = np.empty(rows, np.float64)
    matrix = np.empty((rows, 12), np.uint8)
    step = 1 << 20
    for a in range(0, rows, step):
        b = min(rows, a + step)
        urban[a:b], income[a:b], matrix[a:b] = _common.households(rng, b - a)
    return urban, income, matrix


def expected(std, urban, income, counts):
    """The 2021–2025 rules written out by hand, as a cross-check of the rule walker."""
    pov = std.lines["poverty"]
    avg = std.lines["average"]
    line = np.where(urban, pov.urban, pov.rural)
    aline = np.where(urban, avg.urban, avg.rural)
    out = np.full(len(urban), CATEGORIES.index("above_average"), np.int8)
    out[income <= aline] = CATEGORIES.index("average")
    out[income <= line] = CATEGORIES.index("near_poor")
    out[(income <= line) & (counts >= 3)] = CATEGORIES.index("poor")
    return out


def rate(rows, seconds):
    return rows / seconds if seconds > 0 else float("inf")


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=_common.SEED)
    _common.add_common_args(ap)
    args = ap.parse_args(argv)
    if args.wait_quiet:
        _common.wait_quiet(args.wait_quiet)
    contention = _common.Contention()
    n = args.rows
    std = get_standard(_common.STANDARD)

    t0 = time.perf_counter()
    urban, income, matrix = make(n, args.seed)
    gen_s = time.perf_counter() - t0
    counts = deprivation_count(matrix)
    rss_data = _common.maxrss_mib()
    print(f"{n:,} households generated in {gen_s:.1f}s (data {(urban.nbytes + income.nbytes + matrix.nbytes) / 2**20:.0f} MiB)")

    # warm-up, correctness
    codes = classify_arrays(std, urban, income, None, counts)
    assert np.array_equal(codes, expected(std, urban, income, counts)), "classify_arrays disagrees with the rules"
    mix = {c: round(float(x), 4) for c, x in zip(CATEGORIES, np.bincount(codes, minlength=4) / n)}
    print("category mix:", mix)

    ra = _common.runs(lambda: classify_arrays(std, urban, income, None, counts), args.repeat)
    a_s, a_cpu_s = ra["best"], ra["cpu"]

    def with_counts():
        return classify_arrays(std, urban, income, None, deprivation_count(matrix))
    rb = _common.runs(with_counts, args.repeat)
    b_s, b_cpu_s = rb["best"], rb["cpu"]
    assert np.array_equal(rb["result"], codes)
    cnt_s, _, _ = _common.best_of(lambda: deprivation_count(matrix), args.repeat)

    # alternatives for the count step (for the findings; not project code)
    cols = [np.ascontiguousarray(matrix[:, k]) for k in range(12)]
    colsum_s, _, cs = _common.best_of(lambda: deprivation_count(cols), args.repeat)
    assert np.array_equal(cs, counts)
    if hasattr(np, "bitwise_count"):
        def popcount():
            # each byte is 0/1, so the popcount of three 4-byte words is the row sum
            return np.bitwise_count(matrix.view(np.uint32)).sum(axis=1, dtype=np.int16)
        pop_s, _, pc = _common.best_of(popcount, args.repeat)
        assert np.array_equal(pc, counts)
    else:
        pop_s = float("nan")

    # peak extra memory of one call (numpy reports its buffers to tracemalloc)
    tracemalloc.start()
    classify_arrays(std, urban, income, None, counts)
    _, peak_a = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    with_counts()
    _, peak_b = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    res = {
        "rows": n,
        "numpy_threads": 1,
        "a_classify_s": round(a_s, 4), "a_rows_per_s": round(rate(n, a_s)),
        "a_runs_s": ra["runs"], "a_cpu_s": round(a_cpu_s, 4), "a_rows_per_cpu_s": round(rate(n, a_cpu_s)),
        "a_cpu_per_wall": round(a_cpu_s / a_s, 2),
        "b_count_and_classify_s": round(b_s, 4), "b_rows_per_s": round(rate(n, b_s)),
        "b_runs_s": rb["runs"], "b_cpu_s": round(b_cpu_s, 4), "b_rows_per_cpu_s": round(rate(n, b_cpu_s)),
        "count_only_s": round(cnt_s, 4), "count_only_rows_per_s": round(rate(n, cnt_s)),
        "alt_count_column_adds_s": round(colsum_s, 4),
        "alt_count_popcount_s": round(pop_s, 4),
        "goal_rows_per_s": GOAL,
        "goal_met_a": rate(n, a_s) >= GOAL, "goal_met_b": rate(n, b_s) >= GOAL,
        "tracemalloc_peak_a_mib": round(peak_a / 2**20, 1),
        "tracemalloc_peak_b_mib": round(peak_b / 2**20, 1),
        "maxrss_after_data_mib": round(rss_data), "maxrss_mib": round(_common.maxrss_mib()),
        "category_mix": mix,
    }
    print(f"(a) classify_arrays given counts : {a_s:7.3f}s  {rate(n, a_s) / 1e6:6.1f} M rows/s/core "
          f"({rate(n, a_cpu_s) / 1e6:.1f} M per CPU-second; cpu/wall {a_cpu_s / a_s:.2f}; extra memory {peak_a / 2**20:.0f} MiB)")
    print(f"(b) counts from (n,12) + classify: {b_s:7.3f}s  {rate(n, b_s) / 1e6:6.1f} M rows/s/core "
          f"({rate(n, b_cpu_s) / 1e6:.1f} M per CPU-second; extra memory {peak_b / 2**20:.0f} MiB)")
    print(f"    deprivation_count alone       : {cnt_s:7.3f}s  {rate(n, cnt_s) / 1e6:6.1f} M rows/s/core")
    print(f"    alt: 12 column int16 adds      : {colsum_s:7.3f}s;  popcount of uint32 view: {pop_s:.3f}s")
    print(f"goal {GOAL / 1e6:.0f} M/s/core: (a) {'met' if res['goal_met_a'] else 'MISSED'}, "
          f"(b) {'met' if res['goal_met_b'] else 'MISSED'}; peak RSS {res['maxrss_mib']} MiB")
    _common.summary("vector", contention, **res)
    return res


if __name__ == "__main__":
    main()

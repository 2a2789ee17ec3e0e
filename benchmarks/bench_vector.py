"""Vectorised classification rate of ``chungtay.core.vector`` on one core, against the
machine's memory bandwidth.

    python benchmarks/bench_vector.py [--rows 10000000] [--repeat 5] [--form both|numpy|compiled] [--no-c-reference]

(a) ``classify_arrays`` given deprivation counts; (b) ``deprivation_count`` of an (n, 12)
uint8 matrix + ``classify_arrays``. numpy runs single-threaded (thread pools pinned to 1
before numpy is imported), so rows/s is per core.

The bound: one core reading memory as fast as it can (the fastest of four whole-array
reductions over n × 12 bytes, best of ``--repeat`` each), divided by the bytes a household needs — (a) 12 bytes: income
float64 8, urban 1, count int16 2, category int8 1; (b) 22 bytes: income 8, urban 1, 12
indicator bytes, category 1. Goal (issue 13): within 3× of that bound. The older goal
(issue 4: ≥ 10 M households/s/core) is still reported.

Both forms of the engine are timed: "numpy" (blocks of numpy passes) and "compiled" (the
numba kernels of ``chungtay.core._kernel``, installed from wheels, no compiler needed),
plus what a new process pays to load the compiled form.

Anchor, not project code: if a C compiler is on the machine, the same look-up-table
algorithm as one fused C loop (``gcc -O3 -march=native`` through ctypes).
"""
from __future__ import annotations

import argparse
import ctypes
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import _common

_common.single_thread_env()

import numpy as np  # noqa: E402

from chungtay.core import vector  # noqa: E402
from chungtay.core.standards import CATEGORIES, get_standard  # noqa: E402
from chungtay.core.vector import classify_arrays, deprivation_count  # noqa: E402

GOAL = 10_000_000          # issue 4
BOUND_FACTOR = 3           # issue 13: within 3x of the memory-bandwidth bound
BYTES_A = 8 + 1 + 2 + 1    # income, urban, count, category
BYTES_B = 8 + 1 + 12 + 1   # income, urban, 12 indicator bytes, category


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
    """The 2021–2025 rules written out by hand, as a cross-check of the rule compiler."""
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


def memory_bound(nbytes: int, repeat: int) -> tuple[float, dict]:
    """Bytes per second one core reads from memory: the fastest of a few whole-array
    reductions over ``nbytes`` (integer sum, OR, float max, BLAS dot, one thread each)."""
    big = np.ones(nbytes // 8, dtype=np.int64)     # pages touched
    f = big.view(np.float64)
    readers = {"add.reduce int64": lambda: np.add.reduce(big),
               "bitwise_or.reduce": lambda: np.bitwise_or.reduce(big),
               "max float64": lambda: f.max(),
               "dot float64": lambda: np.dot(f, f)}
    speeds = {name: nbytes / _common.best_of(fn, repeat)[0] for name, fn in readers.items()}
    return max(speeds.values()), {k: round(v / 1e9, 2) for k, v in speeds.items()}


C_SOURCE = r"""
#include <stdint.h>
/* Same algorithm as chungtay.core.vector, fused: b = #{t : v > t}, e = #{c : d >= c}.
   The table is widened to int32 so that gcc vectorises the look-up as a gather. */
void classify(const double *restrict v, const uint8_t *restrict u, const int16_t *restrict d,
              int8_t *restrict out, long n, const double *restrict T, const int16_t *restrict C,
              const int32_t *restrict lut) {
    double t[NT + 1]; int16_t c[NC + 1];
    for (int k = 0; k < NT; k++) t[k] = T[k];
    for (int j = 0; j < NC; j++) c[j] = C[j];
    for (long i = 0; i < n; i++) {
        int b = 0, e = 0;
        for (int k = 0; k < NT; k++) b += v[i] > t[k];
        for (int j = 0; j < NC; j++) e += d[i] >= c[j];
        out[i] = (int8_t) lut[b + K1 * (u[i] + 2 * e)];
    }
}
"""


def c_reference(plan):
    """A ctypes function running ``plan`` as one C loop, or None without a compiler."""
    cc = shutil.which("cc") or shutil.which("gcc")
    if cc is None:
        return None
    tmp = Path(tempfile.mkdtemp(prefix="chungtay-bench-"))
    src, lib = tmp / "k.c", tmp / "k.so"
    src.write_text(C_SOURCE)
    try:
        subprocess.run([cc, "-O3", "-march=native", "-mprefer-vector-width=512", "-shared", "-fPIC", f"-DNT={len(plan.thresholds)}",
                        f"-DNC={len(plan.cutoffs)}", f"-DK1={plan.k1}", "-o", str(lib), str(src)],
                       check=True, capture_output=True)
        fn = ctypes.CDLL(str(lib)).classify        # loaded: the files are no longer needed
    except (OSError, subprocess.CalledProcessError):
        return None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    T = np.asarray(plan.thresholds, np.float64)
    C = np.asarray(plan.cutoffs, np.int16)
    lut = plan.table.astype(np.int32)

    def run(urban, income, counts):
        out = np.empty(len(income), np.int8)
        p = ctypes.c_void_p
        fn(p(income.ctypes.data), p(urban.ctypes.data), p(counts.ctypes.data), p(out.ctypes.data),
           ctypes.c_long(len(income)), p(T.ctypes.data), p(C.ctypes.data), p(lut.ctypes.data))
        return out
    return run


def measure(form, std, urban, income, matrix, counts, cols, codes, repeat) -> dict:
    """Times of one form of the engine ("numpy" or "compiled"), checked against ``codes``."""
    def classify(c):
        return classify_arrays(std, urban, income, None, c, kernel=form)

    def count():
        return deprivation_count(matrix, kernel=form)
    assert np.array_equal(classify(counts), codes), f"{form}: classify_arrays disagrees"
    assert np.array_equal(count(), counts), f"{form}: deprivation_count disagrees"
    ra = _common.runs(lambda: classify(counts), repeat)
    rb = _common.runs(lambda: classify(count()), repeat)
    assert np.array_equal(rb["result"], codes)
    cnt_s, _, _ = _common.best_of(count, repeat)
    colsum_s, _, cs = _common.best_of(lambda: deprivation_count(cols, kernel=form), repeat)
    assert np.array_equal(cs, counts)
    # peak extra memory of one call (numpy reports its buffers to tracemalloc; numba too)
    tracemalloc.start()
    classify(counts)
    _, peak_a = tracemalloc.get_traced_memory()
    tracemalloc.reset_peak()
    classify(count())
    _, peak_b = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"a_s": ra["best"], "a_runs": ra["runs"], "a_cpu": ra["cpu"], "b_s": rb["best"], "b_runs": rb["runs"],
            "b_cpu": rb["cpu"], "cnt_s": cnt_s, "colsum_s": colsum_s, "peak_a": peak_a, "peak_b": peak_b}


def kernel_load_seconds() -> float:
    """What a new process pays before its first compiled call: importing numba and loading
    the kernels from numba's cache (compiled here first by the warm-up), best of three."""
    code = ("import time, numpy as np; from chungtay.core import vector; from chungtay.core.standards import "
            f"get_standard; s = get_standard({_common.STANDARD!r}); t = time.perf_counter(); "
            "vector.classify_arrays(s, np.zeros(4, bool), np.ones(4), None, np.zeros(4, np.int16), kernel='compiled'); "
            "vector.deprivation_count(np.zeros((4, 12), np.uint8), kernel='compiled'); "
            "print(time.perf_counter() - t)")
    root = Path(__file__).resolve().parent.parent
    times = []
    for _ in range(3):
        out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip().splitlines()[-1]))
    return round(min(times), 3)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=_common.SEED)
    ap.add_argument("--no-c-reference", action="store_true", help="skip the fused C loop anchor")
    ap.add_argument("--form", choices=["both", "numpy", "compiled"], default="both",
                    help="which form of the engine to time (default: both)")
    _common.add_common_args(ap)
    args = ap.parse_args(argv)
    if args.wait_quiet:
        _common.wait_quiet(args.wait_quiet)
    contention = _common.Contention()
    n = args.rows
    std = get_standard(_common.STANDARD)
    forms = ["numpy", "compiled"] if args.form == "both" else [args.form]

    t0 = time.perf_counter()
    urban, income, matrix = make(n, args.seed)
    gen_s = time.perf_counter() - t0
    counts = deprivation_count(matrix)
    rss_data = _common.maxrss_mib()
    print(f"{n:,} households generated in {gen_s:.1f}s (data {(urban.nbytes + income.nbytes + matrix.nbytes) / 2**20:.0f} MiB)")

    # warm-up, correctness
    codes = classify_arrays(std, urban, income, None, counts, kernel="numpy")
    assert np.array_equal(counts, matrix.sum(axis=1, dtype=np.int16)), "deprivation_count disagrees"
    assert np.array_equal(codes, expected(std, urban, income, counts)), "classify_arrays disagrees with the rules"
    mix = {c: round(float(x), 4) for c, x in zip(CATEGORIES, np.bincount(codes, minlength=4) / n)}
    print("category mix:", mix)

    bw, readers = memory_bound(n * BYTES_A, args.repeat)
    bound_a, bound_b = bw / BYTES_A, bw / BYTES_B
    load_s = kernel_load_seconds() if "compiled" in forms else None

    res = {"rows": n, "numpy_threads": 1, "forms": forms,
           "memory_read_gb_per_s": round(bw / 1e9, 2), "memory_readers_gb_per_s": readers,
           "bound_a_rows_per_s": round(bound_a), "bound_b_rows_per_s": round(bound_b),
           "goal_rows_per_s": GOAL, "goal_bound_factor": BOUND_FACTOR, "block_rows": vector.BLOCK,
           "kernel_min_rows": vector.KERNEL_MIN_ROWS, "kernel_load_s": load_s}
    print(f"memory bandwidth, one core reading  : {bw / 1e9:6.1f} GB/s -> bound (a) {bound_a / 1e6:,.0f} M/s "
          f"at {BYTES_A} B/household, (b) {bound_b / 1e6:,.0f} M/s at {BYTES_B} B")
    cols = [np.ascontiguousarray(matrix[:, k]) for k in range(12)]   # as a Parquet file gives them
    for form in forms:
        f = measure(form, std, urban, income, matrix, counts, cols, codes, args.repeat)
        ra_, rb_ = rate(n, f["a_s"]), rate(n, f["b_s"])
        res[form] = {
            "a_classify_s": round(f["a_s"], 4), "a_rows_per_s": round(ra_), "a_runs_s": f["a_runs"],
            "a_cpu_s": round(f["a_cpu"], 4), "a_rows_per_cpu_s": round(rate(n, f["a_cpu"])),
            "b_count_and_classify_s": round(f["b_s"], 4), "b_rows_per_s": round(rb_), "b_runs_s": f["b_runs"],
            "b_cpu_s": round(f["b_cpu"], 4), "b_rows_per_cpu_s": round(rate(n, f["b_cpu"])),
            "count_only_s": round(f["cnt_s"], 4), "count_only_rows_per_s": round(rate(n, f["cnt_s"])),
            "alt_count_column_adds_s": round(f["colsum_s"], 4),
            "a_times_bound": round(bound_a / ra_, 2), "b_times_bound": round(bound_b / rb_, 2),
            "goal_met_a": ra_ >= GOAL, "goal_met_b": rb_ >= GOAL,
            "goal_bound_met_a": bound_a / ra_ <= BOUND_FACTOR, "goal_bound_met_b": bound_b / rb_ <= BOUND_FACTOR,
            "tracemalloc_peak_a_mib": round(f["peak_a"] / 2**20, 1),
            "tracemalloc_peak_b_mib": round(f["peak_b"] / 2**20, 1),
        }
        r = res[form]
        print(f"[{form}] (a) classify_arrays given counts : {f['a_s']:7.3f}s  {ra_ / 1e6:7.1f} M households/s/core "
              f"({rate(n, f['a_cpu']) / 1e6:.1f} M per CPU-second; extra memory {f['peak_a'] / 2**20:.0f} MiB); "
              f"{r['a_times_bound']:.2f}x the bound")
        print(f"[{form}] (b) counts from (n,12) + classify: {f['b_s']:7.3f}s  {rb_ / 1e6:7.1f} M households/s/core "
              f"({rate(n, f['b_cpu']) / 1e6:.1f} M per CPU-second; extra memory {f['peak_b'] / 2**20:.0f} MiB); "
              f"{r['b_times_bound']:.2f}x the bound")
        print(f"[{form}]     deprivation_count alone       : {f['cnt_s']:7.3f}s  {rate(n, f['cnt_s']) / 1e6:7.1f} M rows/s/core; "
              f"12 separate columns: {f['colsum_s']:.3f}s")
        print(f"[{form}] goal within {BOUND_FACTOR}x of the bound: (a) {'met' if r['goal_bound_met_a'] else 'MISSED'}, "
              f"(b) {'met' if r['goal_bound_met_b'] else 'MISSED'}; goal {GOAL / 1e6:.0f} M/s/core: "
              f"(a) {'met' if r['goal_met_a'] else 'MISSED'}, (b) {'met' if r['goal_met_b'] else 'MISSED'}")
    if load_s is not None:
        print(f"compiled form: loading it in a new process (import numba, load the cached kernels) {load_s:.2f}s; "
              f"'auto' uses it from {vector.KERNEL_MIN_ROWS:,} rows or once loaded")

    c_s = float("nan")
    if not args.no_c_reference:
        ref = c_reference(vector._compile(std, "income"))
        if ref is not None:
            assert np.array_equal(ref(urban, income, counts), codes), "C reference disagrees"
            c_s, _, _ = _common.best_of(lambda: ref(urban, income, counts), args.repeat)
            print(f"anchor: one fused C loop (a)  : {c_s:7.3f}s  {rate(n, c_s) / 1e6:7.1f} M households/s/core; "
                  f"{bound_a / rate(n, c_s):.2f}x the bound (not project code)")
    res["c_reference_s"] = round(c_s, 4)
    res["c_reference_rows_per_s"] = round(rate(n, c_s)) if c_s == c_s else None
    res["maxrss_after_data_mib"], res["maxrss_mib"] = round(rss_data), round(_common.maxrss_mib())
    res["category_mix"] = mix
    _common.summary("vector", contention, **res)
    return res


if __name__ == "__main__":
    main()

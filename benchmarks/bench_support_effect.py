"""Exact-matching effect of support (``chungtay.core.effects.support_effect``): time and memory
for 1 million and 10 million households, through the Python API and through the command on a
Parquet file.

    python benchmarks/bench_support_effect.py [--rows 1000000,10000000] [--repeat 3] [--no-command]

Data (seeded): households with a category (poor / near_poor, text), a deprivation count 0–11
(int8), an area (rural / urban, text) and a commune (3,321 codes, int16); support is more likely
the poorer the household, escape less likely, and a supported household escapes with probability
base + 0.08 (so the estimate can be checked: it is printed with its standard error). Strata =
category × deprivations × area × commune (up to 159,408). numpy is pinned to one thread.
"API" = ``support_effect`` on arrays in memory (best of --repeat); "with weights" the same with a
household-size weight; "command" = ``python -m chungtay measures support-effect FILE.parquet
--format json`` as a subprocess (reading, checks, JSON of every stratum; one run), with its peak
RSS.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc

import _common

_common.single_thread_env()

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from chungtay.core.effects import support_effect  # noqa: E402

COMMUNES = 3321
EFFECT = 0.08


def population(n: int, seed: int) -> dict:
    """Columns of n households, generated in blocks of 2**20 to bound the temporary memory."""
    rng = np.random.default_rng(seed)
    out = {"supported": np.empty(n, np.int8), "escaped": np.empty(n, np.int8),
           "deprivations": np.empty(n, np.int8), "commune": np.empty(n, np.int16),
           "poor": np.empty(n, bool), "urban": np.empty(n, bool), "size": np.empty(n, np.int8)}
    step = 1 << 20
    for a in range(0, n, step):
        m = min(step, n - a)
        poor = rng.random(m) < 0.55
        urban = rng.random(m) < 0.3
        d = np.minimum(rng.poisson(2.0 + 1.5 * poor), 11)
        commune = rng.integers(0, COMMUNES, m)
        p_support = 1 / (1 + np.exp(-(-1.5 + 0.35 * d + 0.7 * poor - 0.5 * urban)))
        t = rng.random(m) < p_support
        base = np.clip(0.6 - 0.05 * d - 0.15 * poor + 0.08 * urban + 0.00003 * commune, 0.02, 0.9)
        y = rng.random(m) < base + EFFECT * t
        for k, v in (("supported", t), ("escaped", y), ("deprivations", d), ("commune", commune), ("poor", poor),
                     ("urban", urban), ("size", np.clip(rng.poisson(3.4, m), 1, 12))):
            out[k][a:a + m] = v
    cat = pa.DictionaryArray.from_arrays(pa.array(out.pop("poor").astype(np.int8)), pa.array(["near_poor", "poor"]))
    area = pa.DictionaryArray.from_arrays(pa.array(out.pop("urban").astype(np.int8)), pa.array(["rural", "urban"]))
    out["category"] = cat.cast(pa.string())
    out["area"] = area.cast(pa.string())
    return out


def measure(fn, repeat: int):
    r = _common.runs(fn, repeat)
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return r["best"], r["cpu"], peak, r["result"]


def command(path: str) -> tuple[float, float, float, dict]:
    """(wall s, CPU s, peak RSS MiB, JSON) of the command in a subprocess."""
    t0 = time.perf_counter()
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu0 = ru.ru_maxrss, ru.ru_utime + ru.ru_stime
    p = subprocess.run([sys.executable, "-m", "chungtay", "measures", "support-effect", path, "--treated",
                        "supported", "--outcome", "escaped", "--strata", "category,deprivations,area,commune",
                        "--format", "json"], capture_output=True, text=True, env={**os.environ})
    wall = time.perf_counter() - t0
    if p.returncode:
        raise SystemExit(p.stderr)
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, ru.ru_utime + ru.ru_stime - cpu0, max(before, ru.ru_maxrss) / 1024, json.loads(p.stdout)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", default="1000000,10000000", help="comma-separated population sizes")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=_common.SEED)
    ap.add_argument("--no-command", action="store_true", help="only the Python API")
    _common.add_common_args(ap)
    args = ap.parse_args(argv)
    if args.wait_quiet:
        _common.wait_quiet(args.wait_quiet)
    contention = _common.Contention()
    results = []
    for n in (int(x.replace("_", "")) for x in args.rows.split(",")):
        t0 = time.perf_counter()
        pop = population(n, args.seed)
        print(f"[{n:,}] generated in {time.perf_counter() - t0:.1f}s", flush=True)
        strata = {k: pop[k] for k in ("category", "deprivations", "area", "commune")}
        s, cpu, peak, r = measure(lambda: support_effect(pop["supported"], pop["escaped"], strata), args.repeat)
        print(f"[{n:,}] API             {s:7.3f} s wall {cpu:7.3f} s CPU   extra memory {peak:7.1f} MiB   "
              f"ATT {r.att:.4f} (SE {r.att_se:.4f}, truth {EFFECT}), {len(r.strata):,} strata, "
              f"{r.unmatched_treated:,} treated unmatched", flush=True)
        row = {"rows": n, "api_s": round(s, 3), "api_cpu_s": round(cpu, 3), "api_extra_mib": round(peak),
               "strata": len(r.strata), "att": round(r.att, 5), "att_se": round(r.att_se, 5)}
        s, cpu, peak, r = measure(lambda: support_effect(pop["supported"], pop["escaped"], strata,
                                                         weights=pop["size"]), args.repeat)
        print(f"[{n:,}] API, weighted   {s:7.3f} s wall {cpu:7.3f} s CPU   extra memory {peak:7.1f} MiB", flush=True)
        row.update(weighted_s=round(s, 3), weighted_extra_mib=round(peak))
        if not args.no_command:
            with tempfile.TemporaryDirectory() as tmp:
                path = os.path.join(tmp, "households.parquet")
                pq.write_table(pa.table(pop), path)
                del pop, strata
                wall, cpu, rss, out = command(path)
            print(f"[{n:,}] command        {wall:7.3f} s wall {cpu:7.3f} s CPU (subprocess: start, read, check, "
                  f"JSON); peak RSS {rss:,.0f} MiB; ATT {out['att']:.4f}", flush=True)
            row.update(command_s=round(wall, 2), command_cpu_s=round(cpu, 2), command_rss_mib=round(rss))
        results.append(row)
    _common.summary("support_effect", contention, results=results)
    return {"results": results}


if __name__ == "__main__":
    main()

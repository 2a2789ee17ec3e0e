"""`chungtay measures mpi` on the nation's file (27 M households, Parquet) versus one DuckDB query.

    python benchmarks/bench_measures_cli.py [--households 27000000] [--repeat 3]

The file (written once into benchmarks/out/measures_cli/, reused while the seed and size match)
holds what an export of the registry holds: province and commune codes, urban, ethnic minority,
income, household size, the 12 indicators of 2021–2025 (as int8) and a text note, in row groups
of 1 M rows. The CLI runs as a subprocess (``python -m chungtay measures mpi nation.parquet
--indicators … --format json``, with and without ``--by province``; wall time including
start-up, peak RSS from its own VmHWM). DuckDB runs the same Alkire–Foster sums as one query in a
subprocess too (2 threads, its peak RSS likewise). The answers (n, q, H, A, M0 and every censored
headcount, per province with --by) are compared.
Goals (issue 13): CLI ≤ 1.5 × DuckDB, peak ≤ 0.5 GB.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time

import _common

import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from chungtay.core.measures import legal_k  # noqa: E402
from chungtay.core.standards import get_standard  # noqa: E402

GOAL_RATIO, GOAL_MIB = 1.5, 512

DUCK = r"""
import duckdb, json, sys
con = duckdb.connect()
con.execute("SET threads = 2")
con.execute("SET enable_progress_bar = false")   # a long query would print one into the answer
sql, by = sys.argv[1], sys.argv[2] == "1"
rows = con.execute(sql).fetchall()
cols = [d[0] for d in con.description]
print(json.dumps([dict(zip(cols, r)) for r in rows]))
for line in open("/proc/self/status"):
    if line.startswith("VmHWM:"):
        print("VmHWM", int(line.split()[1]), file=sys.stderr)
"""


def make_file(path, n: int, seed: int) -> None:
    from bench_measures import population
    std = get_standard(_common.STANDARD)
    prov, commune, urban, em, income, size, bits = population(n, seed, 34)
    cols = {"province": pa.array(prov.astype(np.int16)), "commune": pa.array(commune), "urban": pa.array(urban),
            "ethnic_minority": pa.array(em), "income": pa.array(income), "size": pa.array(size)}
    for j, c in enumerate(std.indicator_codes):
        cols[c] = pa.array(bits[:, j].view(np.int8))
    t = pa.table(cols)
    del prov, commune, urban, em, income, size, bits, cols
    with pq.ParquetWriter(path, t.schema) as w:
        for a in range(0, n, 1 << 20):
            w.write_table(t.slice(a, 1 << 20))


def duck_sql(path, codes, k: float, by: bool) -> str:
    """AF sums in SQL: equal weights, poor when the deprivation count ≥ k·d (the CLI's rule)."""
    d = len(codes)
    cnt = " + ".join(codes)
    cen = ", ".join(f"SUM(CASE WHEN poor THEN {c} ELSE 0 END) AS cen_{c}" for c in codes)
    g = "province, " if by else ""
    return (f"WITH t AS (SELECT {g}({cnt}) AS c, ({cnt}) >= {k * d - 1e-9} AS poor, {', '.join(codes)} "
            f"FROM read_parquet('{path}')) "
            f"SELECT {g}COUNT(*) AS n, SUM(poor::INT) AS q, SUM(CASE WHEN poor THEN c ELSE 0 END) AS score, {cen} "
            f"FROM t {'GROUP BY province ORDER BY province' if by else ''}")


def run(cmd, cwd=None) -> tuple[float, str, float]:
    """(wall seconds, stdout, peak MiB from the child's VmHWM line on stderr)."""
    t = time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd[:4]))} failed: {p.stderr[-2000:]}")
    return wall, p.stdout, _common.peak_mib(p.stderr)


def agree(cli: dict, duck: list[dict], codes, by: bool) -> int:
    """Number of (population or province) answers that agree; raises if one does not."""
    pairs = [(cli, duck[0])] if not by else [(cli["groups"][str(r["province"])], r) for r in duck]
    d = len(codes)
    for c, r in pairs:
        n, q = r["n"], r["q"]
        assert c["n"] == n and c["q"] == q, (c["n"], n, c["q"], q)
        assert abs(c["H"] - q / n) < 1e-12
        assert abs(c["M0"] - r["score"] / (n * d)) < 1e-12, (c["M0"], r["score"] / (n * d))
        for code in codes:
            assert abs(c["indicators"][code]["censored"] - r[f"cen_{code}"] / n) < 1e-12
    return len(pairs)


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--households", type=int, default=27_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=_common.SEED)
    _common.add_common_args(ap)
    args = ap.parse_args(argv)
    if args.wait_quiet:
        _common.wait_quiet(args.wait_quiet)
    contention = _common.Contention()
    std = get_standard(_common.STANDARD)
    codes = list(std.indicator_codes)
    k = legal_k(std)
    d = _common.out_dir("measures_cli")
    path = d / f"nation_{args.households}_{args.seed}.parquet"
    if not path.exists():
        t0 = time.perf_counter()
        make_file(path, args.households, args.seed)
        print(f"{args.households:,} households -> {path.name} ({path.stat().st_size / 2**20:.0f} MiB) "
              f"in {time.perf_counter() - t0:.0f}s", flush=True)
    res = {"households": args.households, "file_mib": round(path.stat().st_size / 2**20)}
    for by in (False, True):
        label = "mpi --by province" if by else "mpi"
        cli_cmd = [sys.executable, "-c", _common.CLI_WITH_PEAK, "measures", "mpi", str(path), "--indicators", ",".join(codes),
                   "--format", "json", *(["--by", "province"] if by else [])]
        duck_cmd = [sys.executable, "-c", DUCK, duck_sql(path, codes, k, by), "1" if by else "0"]
        cli_runs, duck_runs = [], []
        for _ in range(args.repeat):
            cli_runs.append(run(cli_cmd, _common.ROOT))
            duck_runs.append(run(duck_cmd))
        cli_s, duck_s = min(r[0] for r in cli_runs), min(r[0] for r in duck_runs)
        cli_mib, duck_mib = max(r[2] for r in cli_runs), max(r[2] for r in duck_runs)
        n = agree(json.loads(cli_runs[0][1]), json.loads(duck_runs[0][1]), codes, by)
        ratio = cli_s / duck_s
        res[label] = {"cli_s": round(cli_s, 2), "duckdb_s": round(duck_s, 2), "ratio": round(ratio, 2),
                      "cli_peak_mib": round(cli_mib), "duckdb_peak_mib": round(duck_mib),
                      "cli_runs_s": [round(r[0], 2) for r in cli_runs],
                      "duckdb_runs_s": [round(r[0], 2) for r in duck_runs],
                      "goal_time_met": ratio <= GOAL_RATIO, "goal_memory_met": cli_mib <= GOAL_MIB,
                      "answers_agree": n}
        print(f"[{label:<18}] CLI {cli_s:5.2f}s peak {cli_mib:5.0f} MiB | DuckDB {duck_s:5.2f}s peak "
              f"{duck_mib:5.0f} MiB | CLI / DuckDB = {ratio:.2f}x (goal {GOAL_RATIO}) | memory goal "
              f"{'met' if cli_mib <= GOAL_MIB else 'MISSED'} | {n} answer(s) agree", flush=True)
    _common.summary("measures_cli", contention, **res)
    return res


if __name__ == "__main__":
    main()

"""`chungtay classify` on a 1,000,000-row CSV versus one DuckDB query doing the same.

    python benchmarks/bench_classify_cli.py [--rows 1000000] [--repeat 3] [--profile]

The CLI runs as a subprocess (``python -m chungtay classify in.csv --standard 2021-2025
-o out.csv``, wall time including interpreter start-up); DuckDB runs in-process as one
``COPY (SELECT …, CASE … END AS category …) TO …`` with 2 threads (this machine's default)
and with 1 thread. Both outputs are checked row by row. Same again with .parquet output.
``--profile`` adds an in-process phase breakdown and a cProfile listing of the CLI.
Goal: CLI ≤ 3 × DuckDB (2 threads).
"""
from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import subprocess
import sys
import time

import _common

import duckdb  # noqa: E402
import numpy as np  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.csv as pacsv  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from chungtay.core.standards import get_standard  # noqa: E402

GOAL_RATIO = 3.0


def make_csv(path, rows: int, seed: int, codes) -> None:
    """Households as a municipality would export them: ids with leading zeros, 0/1 columns."""
    rng = np.random.default_rng(seed)
    commune = np.sort(rng.integers(1, 32249, size=rows))          # 5-digit commune codes
    start = np.r_[0, np.flatnonzero(np.diff(commune)) + 1]
    seq = np.arange(rows) - np.repeat(start, np.diff(np.r_[start, rows])) + 1
    ids = [f"{c:05d}{s:05d}" for c, s in zip(commune.tolist(), seq.tolist())]
    urban, income, bits = _common.households(rng, rows)
    cols = {"household_id": pa.array(ids, pa.string()),
            "area": pa.array(np.where(urban, "urban", "rural")),
            "income": pa.array(income.astype(np.int64))}
    for k, code in enumerate(codes):
        cols[code] = pa.array(bits[:, k])
    pacsv.write_csv(pa.table(cols), path, pacsv.WriteOptions(quoting_style="needed"))


def category_sql(std) -> str:
    """The standard's first-match rule list as one SQL CASE (built from the data, not by hand)."""
    dep = "(" + " + ".join(std.indicator_codes) + ")"
    parts = []
    for r in std.rules:
        cond = []
        if r.income_at_most is not None:
            ln = std.lines[r.income_at_most]
            cond.append(f"income <= CASE WHEN area = 'urban' THEN {ln.urban} ELSE {ln.rural} END")
        if r.deprivations_at_least is not None:
            cond.append(f"{dep} >= {r.deprivations_at_least}")
        parts.append(f"WHEN {' AND '.join(cond)} THEN '{r.category}'" if cond else f"ELSE '{r.category}'")
    return "CASE " + " ".join(parts) + " END"


def duck_query(std, src, dst, fmt: str) -> str:
    dep = " + ".join(std.indicator_codes)
    return (f"COPY (SELECT *, {category_sql(std)} AS category, "
            f"CAST({dep} AS SMALLINT) AS deprivation_count, '{std.code}' AS standard "
            f"FROM read_csv('{src}', header = true, "
            f"types = {{'household_id': 'VARCHAR', 'area': 'VARCHAR'}})) "
            f"TO '{dst}' (FORMAT {fmt})")


def _children_cpu() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def run_child(cmd, cwd) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one run of ``cmd``."""
    c0, t0 = _children_cpu(), time.perf_counter()
    p = subprocess.run(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wall = time.perf_counter() - t0
    if p.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, cmd))} failed ({p.returncode}): {p.stderr.decode()}")
    return wall, _children_cpu() - c0


PEAK_WRAPPER = """
import atexit, runpy, sys
def _peak():
    for line in open('/proc/self/status'):
        if line.startswith('VmHWM:'):
            print('VmHWM', int(line.split()[1]), file=sys.stderr)
atexit.register(_peak)
sys.argv = ['chungtay'] + sys.argv[1:]
runpy.run_module('chungtay', run_name='__main__', alter_sys=True)
"""


def child_peak_mib(args, cwd) -> float:
    """Peak RSS of ``python -m chungtay ARGS``, from the child's own VmHWM.

    (``ru_maxrss`` of a child is no use here: Linux carries the parent's high-water mark
    across fork/exec, so it reports at least this benchmark's own memory.)
    """
    p = subprocess.run([sys.executable, "-c", PEAK_WRAPPER, *args], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"chungtay {' '.join(args)} failed: {p.stderr}")
    return int(p.stderr.split("VmHWM")[-1].split()[0]) / 1024


def read_out(path):
    if str(path).endswith(".parquet"):
        t = pq.read_table(path)
    else:
        t = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
            column_types={"household_id": pa.string(), "area": pa.string()}))
    return t


def check_same(cli_path, duck_path, codes) -> int:
    a, b = read_out(cli_path), read_out(duck_path)
    assert a.num_rows == b.num_rows, (a.num_rows, b.num_rows)
    for col in ("household_id", "category", "standard"):
        x = a.column(col).cast(pa.string()).to_numpy(zero_copy_only=False)
        y = b.column(col).cast(pa.string()).to_numpy(zero_copy_only=False)
        bad = np.flatnonzero(x != y)
        assert len(bad) == 0, f"{col} differs at {len(bad)} rows, first row {bad[0] + 2}: {x[bad[0]]!r} vs {y[bad[0]]!r}"
    x = a.column("deprivation_count").to_numpy().astype(np.int64)
    y = b.column("deprivation_count").to_numpy().astype(np.int64)
    assert np.array_equal(x, y), "deprivation_count differs"
    assert a.column("household_id")[0].as_py().startswith("0"), "leading zeros lost"
    return a.num_rows


def phases(src, dst, std, repeat=1):
    """In-process breakdown of the CLI's steps (same functions cmd_classify calls)."""
    from chungtay.core import tables
    from chungtay.core.vector import classify_arrays
    out = {}
    t = time.perf_counter(); table = tables.read_table(src); out["read_table"] = time.perf_counter() - t
    t = time.perf_counter(); p = tables.prepare(table, std); out["prepare"] = time.perf_counter() - t
    t = time.perf_counter(); classify_arrays(std, p.urban, p.income, p.score_a, p.deprivations)
    out["classify_arrays"] = time.perf_counter() - t
    t = time.perf_counter(); res = tables.classify_table(table, std, src)
    out["classify_table(prepare+classify+columns)"] = time.perf_counter() - t
    t = time.perf_counter(); tables.write_table(res, dst); out["write_table"] = time.perf_counter() - t
    return {k: round(v, 3) for k, v in out.items()}


def profile(src, dst, std, top=25) -> str:
    from chungtay.cli import main as cli_main
    pr = cProfile.Profile()
    pr.enable()
    cli_main(["classify", str(src), "--standard", std.code, "-o", str(dst)])
    pr.disable()
    s = io.StringIO()
    pstats.Stats(pr, stream=s).sort_stats("tottime").print_stats(top)
    pr.dump_stats(str(_common.out_dir("cli") / "cli.prof"))
    return s.getvalue()


def main(argv=None) -> dict:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seed", type=int, default=_common.SEED)
    ap.add_argument("--profile", action="store_true", help="phase breakdown + cProfile of the CLI")
    _common.add_common_args(ap)
    args = ap.parse_args(argv)
    if args.wait_quiet:
        _common.wait_quiet(args.wait_quiet)
    contention = _common.Contention()
    std = get_standard(_common.STANDARD)
    d = _common.out_dir("cli")
    src = d / "in.csv"

    t0 = time.perf_counter()
    make_csv(src, args.rows, args.seed, std.indicator_codes)
    print(f"{args.rows:,} rows -> {src} ({src.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t0:.1f}s")

    py = sys.executable
    startup_s = min(run_child([py, "-c", "import chungtay.cli, chungtay.core.tables"], _common.ROOT)[0]
                    for _ in range(args.repeat))
    res = {"rows": args.rows, "input_mib": round(src.stat().st_size / 2**20, 1),
           "python_startup_and_imports_s": round(startup_s, 3)}

    con = duckdb.connect()
    default_threads = con.execute("SELECT current_setting('threads')").fetchone()[0]
    res["duckdb_default_threads"] = default_threads
    for fmt, ext in (("csv", ".csv"), ("parquet", ".parquet")):
        cli_out, duck_out = d / f"out{ext}", d / f"duck{ext}"
        cli_cmd = [py, "-m", "chungtay", "classify", str(src), "--standard", std.code, "-o", str(cli_out)]
        sql = duck_query(std, src, duck_out, fmt)
        # interleaved (CLI, DuckDB 2 threads, DuckDB 1 thread) × repeat, so that a burst of
        # load from other processes hits all three alike; best of each
        cli_runs, cli_cpu, duck_runs, duck_cpu = [], [], {2: [], 1: []}, {2: [], 1: []}
        for _ in range(args.repeat):
            wall, cpu = run_child(cli_cmd, _common.ROOT)
            cli_runs.append(round(wall, 3))
            cli_cpu.append(cpu)
            for threads in (2, 1):
                con.execute(f"SET threads = {threads}")
                c, t = time.process_time(), time.perf_counter()
                con.execute(sql)
                duck_runs[threads].append(round(time.perf_counter() - t, 3))
                duck_cpu[threads].append(time.process_time() - c)
        con.execute(f"SET threads = {default_threads}")
        cli_s = min(cli_runs)
        duck = {k: min(v) for k, v in duck_runs.items()}
        cli_rss = child_peak_mib(cli_cmd[3:], _common.ROOT)
        n = check_same(cli_out, duck_out, std.indicator_codes)
        ratio = cli_s / duck[2]
        print(f"[{fmt}] CLI {cli_s:6.2f}s (runs {cli_runs}, peak RSS {cli_rss:.0f} MiB, "
              f"{args.rows / cli_s / 1e6:.2f} M rows/s) | DuckDB 2 threads {duck[2]:6.2f}s, 1 thread {duck[1]:6.2f}s "
              f"| CLI/DuckDB(2) = {ratio:.1f}x, CLI/DuckDB(1) = {cli_s / duck[1]:.1f}x | {n:,} rows agree")
        print(f"          CPU seconds: CLI {min(cli_cpu):.2f}, DuckDB 2 threads {min(duck_cpu[2]):.2f}, "
              f"1 thread {min(duck_cpu[1]):.2f}")
        res[fmt] = {"cli_s": round(cli_s, 3), "cli_runs_s": cli_runs, "cli_peak_rss_mib": round(cli_rss),
                    "cli_rows_per_s": round(args.rows / cli_s),
                    "duckdb_2t_s": round(duck[2], 3), "duckdb_1t_s": round(duck[1], 3),
                    "duckdb_2t_runs_s": duck_runs[2], "duckdb_1t_runs_s": duck_runs[1],
                    "cli_cpu_s": round(min(cli_cpu), 3), "duckdb_2t_cpu_s": round(min(duck_cpu[2]), 3),
                    "duckdb_1t_cpu_s": round(min(duck_cpu[1]), 3),
                    "cpu_ratio_cli_vs_duckdb": round(min(cli_cpu) / min(duck_cpu[2]), 2),
                    "ratio_cli_vs_duckdb_2t": round(ratio, 2), "ratio_cli_vs_duckdb_1t": round(cli_s / duck[1], 2),
                    "goal_met": ratio <= GOAL_RATIO, "rows_agree": n,
                    "output_mib": round(cli_out.stat().st_size / 2**20, 1)}
    res["sql"] = duck_query(std, src, d / "duck.csv", "csv")
    res["parent_peak_rss_mib"] = round(_common.maxrss_mib())
    if args.profile:
        ph = phases(src, d / "phases.csv", std)
        res["cli_phases_s"] = ph
        print("in-process phases of the CLI:", ph)
        print(profile(src, d / "prof.csv", std))
    _common.summary("classify_cli", contention, **res)
    return res


if __name__ == "__main__":
    main()

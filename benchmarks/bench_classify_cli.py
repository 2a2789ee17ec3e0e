"""`chungtay classify` versus DuckDB and Polars doing the same, on 1 M and 5 M rows of CSV and Parquet.

    python benchmarks/bench_classify_cli.py [--rows 1000000,5000000] [--repeat 3] [--profile]

For each size the same households are written as in.csv and in.parquet, and each input is
classified into .csv and into .parquet:
- the CLI as a subprocess (``python -m chungtay classify in.X --standard 2021-2025 -o out.Y``, wall
  time including interpreter start-up; its peak RSS from its own VmHWM);
- DuckDB in-process, one ``COPY (SELECT …, CASE … END AS category …) TO …``, 2 threads;
- Polars in-process, ``scan_csv/scan_parquet(…).with_columns(…).sink_csv/sink_parquet(…)``, 2 threads.
The CASE and the Polars expression are generated from the standard's rule list. Every output
is compared row by row with the CLI's. Runs are interleaved, best of ``--repeat``.
Goals (issue 13): CLI ≤ 1.2 × the faster anchor; CLI peak memory ≤ 150 bytes a row.
``--profile`` adds an in-process phase breakdown and a cProfile listing of the CLI (CSV → CSV).
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

GOAL_RATIO = 1.2
GOAL_BYTES_PER_ROW = 150


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


def _reader(src) -> str:
    if str(src).endswith(".parquet"):
        return f"read_parquet('{src}')"
    return f"read_csv('{src}', header = true, types = {{'household_id': 'VARCHAR', 'area': 'VARCHAR'}})"


def duck_query(std, src, dst, fmt: str) -> str:
    dep = " + ".join(std.indicator_codes)
    return (f"COPY (SELECT *, {category_sql(std)} AS category, "
            f"CAST({dep} AS SMALLINT) AS deprivation_count, '{std.code}' AS standard "
            f"FROM {_reader(src)}) TO '{dst}' (FORMAT {fmt})")


def polars_run(std, src, dst) -> None:
    """The same classification as one Polars lazy query (rules from the data, first match)."""
    import polars as pl
    dep = pl.sum_horizontal([pl.col(c) for c in std.indicator_codes]).cast(pl.Int16)
    expr = None
    for r in std.rules:
        cond = None
        if r.income_at_most is not None:
            ln = std.lines[r.income_at_most]
            cond = pl.col("income") <= pl.when(pl.col("area") == "urban").then(ln.urban).otherwise(ln.rural)
        if r.deprivations_at_least is not None:
            c2 = dep >= r.deprivations_at_least
            cond = c2 if cond is None else cond & c2
        lit = pl.lit(r.category)
        if cond is None:
            expr = lit if expr is None else expr.otherwise(lit)
        else:
            expr = pl.when(cond).then(lit) if expr is None else expr.when(cond).then(lit)
    scan = (pl.scan_parquet(src) if str(src).endswith(".parquet") else
            pl.scan_csv(src, schema_overrides={"household_id": pl.Utf8, "area": pl.Utf8}))
    q = scan.with_columns(expr.alias("category"), dep.alias("deprivation_count"), pl.lit(std.code).alias("standard"))
    (q.sink_parquet if str(dst).endswith(".parquet") else q.sink_csv)(dst)


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


def child_peak_mib(args, cwd) -> float:
    """Peak RSS of ``python -m chungtay ARGS``, from the child's own VmHWM."""
    p = subprocess.run([sys.executable, "-c", _common.CLI_WITH_PEAK, *args], cwd=cwd, capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"chungtay {' '.join(args)} failed: {p.stderr}")
    return _common.peak_mib(p.stderr)


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


def phases(src, dst, std):
    """The CLI's CSV path stage by stage, one chunk after another on one thread (seconds summed
    over the chunks), and the wall time of the real thing (two chunks at once)."""
    import collections

    from chungtay.core import tables
    from chungtay.core.vector import classify_arrays
    out = collections.Counter()

    def timed(name, fn, *a):
        t = time.perf_counter()
        r = fn(*a)
        out[name] += time.perf_counter() - t
        return r
    types = timed("limits scan + header", tables._csv_types, src, ("household_id", "area"))
    header = open(src, "rb").readline()
    types.update({n: pa.int8() for n in tables._csv_names(header) if n in std.indicator_codes})
    for chunk in tables._chunks(src):
        t = timed("parse (pyarrow)", tables._parse_chunk, src, header, chunk, types)
        p = timed("prepare (checks)", tables.prepare, t, std)
        codes = timed("classify_arrays", classify_arrays, std, p.urban, p.income, p.score_a, p.deprivations)
        t = timed("formula_safe", tables.formula_safe, t)
        o = timed("append columns", tables._with_result, t, codes, p.deprivations, std.code)
        timed("encode CSV (pyarrow)", tables._csv_bytes, o, True, False)
    res = {k: round(v, 3) for k, v in out.items()}
    res["sum on one thread"] = round(sum(out.values()), 3)
    t = time.perf_counter()
    tables.classify_file(src, std, dst)
    res["classify_file wall (2 threads, writing included)"] = round(time.perf_counter() - t, 3)
    return res


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
    ap.add_argument("--rows", default="1000000,5000000", help="comma-separated sizes")
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
    py = sys.executable
    startup_s = min(run_child([py, "-c", "import chungtay.cli, chungtay.core.tables"], _common.ROOT)[0]
                    for _ in range(args.repeat))
    import polars as pl
    res = {"python_startup_and_imports_s": round(startup_s, 3), "polars": pl.__version__, "sizes": {}}
    con = duckdb.connect()
    con.execute("SET threads = 2")
    for rows in [int(x) for x in args.rows.split(",")]:
        src_csv, src_pq = d / f"in{rows}.csv", d / f"in{rows}.parquet"
        t0 = time.perf_counter()
        make_csv(src_csv, rows, args.seed, std.indicator_codes)
        pq.write_table(read_out(src_csv), src_pq)
        print(f"{rows:,} rows -> {src_csv.name} ({src_csv.stat().st_size / 2**20:.0f} MiB), "
              f"{src_pq.name} ({src_pq.stat().st_size / 2**20:.0f} MiB) in {time.perf_counter() - t0:.1f}s")
        size = res["sizes"][rows] = {}
        for src in (src_csv, src_pq):
            for ext in (".csv", ".parquet"):
                case = f"{src.suffix[1:]}->{ext[1:]}"
                cli_out, duck_out, pl_out = d / f"out{ext}", d / f"duck{ext}", d / f"polars{ext}"
                cli_cmd = [py, "-m", "chungtay", "classify", str(src), "--standard", std.code, "-o", str(cli_out)]
                sql = duck_query(std, src, duck_out, ext[1:])
                cli_runs, duck_runs, pl_runs = [], [], []
                for _ in range(args.repeat):
                    cli_runs.append(run_child(cli_cmd, _common.ROOT)[0])
                    t = time.perf_counter()
                    con.execute(sql)
                    duck_runs.append(time.perf_counter() - t)
                    t = time.perf_counter()
                    polars_run(std, src, pl_out)
                    pl_runs.append(time.perf_counter() - t)
                cli_s, duck_s, pl_s = min(cli_runs), min(duck_runs), min(pl_runs)
                rss = child_peak_mib(cli_cmd[3:], _common.ROOT)
                check_same(cli_out, duck_out, std.indicator_codes)
                n = check_same(cli_out, pl_out, std.indicator_codes)
                best = min(duck_s, pl_s)
                per_row = rss * 2**20 / rows
                size[case] = {"cli_s": round(cli_s, 3), "duckdb_s": round(duck_s, 3), "polars_s": round(pl_s, 3),
                              "ratio_vs_faster": round(cli_s / best, 2), "ratio_vs_duckdb": round(cli_s / duck_s, 2),
                              "ratio_vs_polars": round(cli_s / pl_s, 2), "cli_peak_rss_mib": round(rss),
                              "bytes_per_row": round(per_row), "goal_time_met": cli_s <= GOAL_RATIO * best,
                              "goal_memory_met": per_row <= GOAL_BYTES_PER_ROW, "rows_agree": n}
                print(f"  [{case:<15}] CLI {cli_s:6.2f}s | DuckDB {duck_s:6.2f}s | Polars {pl_s:6.2f}s | "
                      f"CLI / faster = {cli_s / best:.2f}x (goal {GOAL_RATIO}) | peak {rss:.0f} MiB = "
                      f"{per_row:.0f} B/row (goal {GOAL_BYTES_PER_ROW}) | {n:,} rows agree")
        for p in (src_csv, src_pq):
            p.unlink()
    res["parent_peak_rss_mib"] = round(_common.maxrss_mib())
    if args.profile:
        src = d / "in_profile.csv"
        make_csv(src, 1_000_000, args.seed, std.indicator_codes)
        ph = phases(src, d / "phases.csv", std)
        res["cli_phases_s"] = ph
        print("in-process phases of the CLI (1 M rows):", ph)
        print(profile(src, d / "prof.csv", std))
        src.unlink()
    _common.summary("classify_cli", contention, **res)
    return res


if __name__ == "__main__":
    main()

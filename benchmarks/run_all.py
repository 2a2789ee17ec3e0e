"""Run the three benchmarks at their default sizes and print a Markdown results table.

    python benchmarks/run_all.py [--wait-quiet S] [--only vector,classify_cli,aggregate]

Each script runs in its own process (so peak-memory figures are per benchmark); the last
line of each, a JSON object, is collected into ``benchmarks/out/results.json``.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys

import _common

SCRIPTS = {"vector": "bench_vector.py", "classify_cli": "bench_classify_cli.py",
           "aggregate": "bench_aggregate.py"}


def table(results: dict) -> str:
    rows = ["| Benchmark | Figure | Result | Goal | Met |", "|---|---|---:|---|---|"]
    v = results.get("vector")
    if v:
        rows += [f"| vector ({v['rows']:,} rows, 1 thread) | (a) `classify_arrays` given counts | "
                 f"{v['a_rows_per_s'] / 1e6:.1f} M rows/s ({v.get('a_rows_per_cpu_s', 0) / 1e6:.1f} M per CPU-s) | "
                 f"≥ 10 M/s/core | {'yes' if v['goal_met_a'] else 'NO'} |",
                 f"| | (b) `deprivation_count` (n,12) + classify | {v['b_rows_per_s'] / 1e6:.1f} M rows/s "
                 f"({v.get('b_rows_per_cpu_s', 0) / 1e6:.1f} M per CPU-s) | "
                 f"≥ 10 M/s/core | {'yes' if v['goal_met_b'] else 'NO'} |",
                 f"| | peak RSS / extra memory of one call (a, b) | {v['maxrss_mib']} MiB / "
                 f"{v['tracemalloc_peak_a_mib']:.0f}, {v['tracemalloc_peak_b_mib']:.0f} MiB | | |",
                 f"| | other processes during the run | {v['other_processes_cores']} cores | | |"]
    c = results.get("classify_cli")
    if c:
        for fmt in ("csv", "parquet"):
            f = c[fmt]
            rows.append(f"| classify CLI ({c['rows']:,} rows) | → .{fmt}: CLI / DuckDB 2 thr / DuckDB 1 thr | "
                        f"{f['cli_s']:.2f} s / {f['duckdb_2t_s']:.2f} s / {f['duckdb_1t_s']:.2f} s "
                        f"(**{f['ratio_cli_vs_duckdb_2t']:.1f}×**) | CLI ≤ 3× DuckDB | "
                        f"{'yes' if f['goal_met'] else 'NO'} |")
            rows.append(f"| | → .{fmt}: CPU seconds CLI / DuckDB 2 thr | {f['cli_cpu_s']:.2f} / "
                        f"{f['duckdb_2t_cpu_s']:.2f} ({f['cpu_ratio_cli_vs_duckdb']:.1f}×) | | |")
        rows.append(f"| | CLI peak RSS (.csv / .parquet); interpreter start-up + imports | "
                    f"{c['csv']['cli_peak_rss_mib']} / {c['parquet']['cli_peak_rss_mib']} MiB; "
                    f"{c['python_startup_and_imports_s']:.2f} s | | |")
        rows.append(f"| | other processes during the run | {c['other_processes_cores']} cores | | |")
    a = results.get("aggregate")
    if a:
        rows += [f"| aggregate ({a['rows']:,} households, {a['threads']} threads) | Parquet cold / warm | "
                 f"{a['parquet_cold_page_cache_dropped_s']:.2f} s / {a['parquet_warm_s']:.2f} s | < 1 s | "
                 f"{'yes' if a['goal_met_parquet_cold'] else 'NO'} / {'yes' if a['goal_met_parquet_warm'] else 'NO'} |",
                 f"| | in-memory table: load / query | {a['memory_load_s']:.2f} s / {a['memory_warm_s']:.2f} s | "
                 f"< 1 s | {'yes' if a['goal_met_memory_warm'] else 'NO'} |",
                 f"| | single-pass FILTER form (Parquet / in-memory) | {a['parquet_warm_filter_form_s']:.2f} s / "
                 f"{a['memory_warm_filter_form_s']:.2f} s | | |",
                 f"| | numpy bincount (1 thread): load / aggregate | {a['numpy_load_s']:.2f} s / "
                 f"{a['numpy_aggregate_s']:.2f} s | | |",
                 f"| | 12 uint8 columns instead of int16 bits (Parquet, warm) | {a['parquet_warm_12cols_s']:.2f} s | | |",
                 f"| | generation ({a['parquet_mib']} MiB Parquet{'' if a['generated_now'] else ', reused'}); "
                 f"peak RSS of the whole run | {a['generate_s']:.0f} s; {a['maxrss_mib']} MiB | < 2–3 min, < 8 GB | "
                 f"{'yes' if a['generate_s'] < 180 and a['maxrss_mib'] < 8192 else 'NO'} |",
                 f"| | CPU seconds: Parquet warm / in-memory / numpy | {a['parquet_warm_cpu_s']:.2f} / "
                 f"{a['memory_warm_cpu_s']:.2f} / {a['numpy_aggregate_cpu_s']:.2f} | | |",
                 f"| | other processes during the run | {a['other_processes_cores']} cores | | |"]
    return "\n".join(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wait-quiet", type=float, default=0, metavar="S")
    ap.add_argument("--only", default=",".join(SCRIPTS))
    ap.add_argument("--keep-quietest", action="store_true",
                    help="keep an earlier result from out/results.json if other processes were less busy then")
    args = ap.parse_args()
    path = _common.out_dir() / "results.json"
    results = json.loads(path.read_text()) if path.exists() and args.keep_quietest else {}
    for name in args.only.split(","):
        cmd = [sys.executable, str(_common.HERE / SCRIPTS[name])]
        if args.wait_quiet:
            cmd += ["--wait-quiet", str(args.wait_quiet)]
        print("$", " ".join(cmd), flush=True)
        p = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        print(p.stdout, end="", flush=True)
        if p.returncode:
            raise SystemExit(f"{name} failed ({p.returncode})")
        new = json.loads(p.stdout.strip().splitlines()[-1])
        old = results.get(name)
        if (args.keep_quietest and old and old.get("rows") == new.get("rows")
                and old.get("other_processes_cores", 9) < new.get("other_processes_cores", 9)):
            print(f"(keeping the earlier {name} run: other processes used {old['other_processes_cores']} "
                  f"cores then, {new['other_processes_cores']} now)")
        else:
            results[name] = new
        path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print()
    print(table(results))
    print(f"\n(all figures in {path})")


if __name__ == "__main__":
    main()

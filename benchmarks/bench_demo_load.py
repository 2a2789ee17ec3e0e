"""The demo load against its goals (issue 13): wall time and peak memory of `chungtay demo --no-serve`.

    python benchmarks/bench_demo_load.py [--database-url postgres://…/chungtay_bench_demo] [--wait-quiet S]

Runs the demo's own command (migrate, generate and load the demo province, the full recount of the
prepared figures, the movement's records) on a new, empty database: a new data directory for SQLite
(benchmarks/out/demo-load/, removed afterwards), or, with ``--database-url``, the benchmark's own
PostgreSQL database, dropped and created again first (its name must start with ``chungtay_bench``).
Prints each step the command logs with the seconds since the start, then the wall time and the peak
resident memory of the command's process against the goals, as ratios:

* wall time at most 60 s on SQLite, 120 s on PostgreSQL;
* peak memory at most 0.8 GiB (819 MiB).

The installation (`make demo` creates the virtual environment first) is not included: see
``bench_clone_to_demo.sh`` for a fresh clone end to end.
"""
from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from urllib.parse import urlsplit

import _common

GOAL_WALL_S = {"sqlite": 60.0, "postgresql": 120.0}
GOAL_PEAK_MIB = 0.8 * 1024


def _fresh_postgres(url: str) -> None:
    import psycopg
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not (name.startswith("chungtay_bench") and name.replace("_", "").isalnum()):
        raise SystemExit(f"--database-url: the database {name!r} is dropped first, so its name must start with "
                         "'chungtay_bench' (letters, digits, _)")
    try:
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            c.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as e:
        raise SystemExit(f"--database-url: cannot reach the PostgreSQL server: {str(e).strip().splitlines()[0]}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--database-url", default="", help="the benchmark's own PostgreSQL database (dropped first)")
    ap.add_argument("--data-dir", default=str(_common.OUT / "demo-load"))
    _common.add_common_args(ap)
    args = ap.parse_args()
    vendor = "postgresql" if args.database_url else "sqlite"
    if args.database_url:
        _fresh_postgres(args.database_url)          # a bad name or an unreachable server: one line, nothing made
    shutil.rmtree(args.data_dir, ignore_errors=True)
    os.makedirs(args.data_dir)
    env = dict(os.environ, CHUNGTAY_DATA_DIR=args.data_dir, DJANGO_SETTINGS_MODULE="chungtay.settings",
               PYTHONUNBUFFERED="1")
    env.pop("DATABASE_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url

    _common.wait_quiet(args.wait_quiet)
    contention = _common.Contention()
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, "-c", _common.CLI_WITH_PEAK, "demo", "--no-serve"], env=env,
                            cwd=_common.ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    for line in proc.stdout:            # the command's own log, timed as it arrives
        print(f"{time.perf_counter() - t0:7.1f}s  {line.rstrip()}", flush=True)
    stderr = proc.stderr.read()
    proc.wait()
    wall = time.perf_counter() - t0
    if proc.returncode:
        print(stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"chungtay demo --no-serve failed (exit {proc.returncode})")
    peak = _common.peak_mib(stderr)
    goal = GOAL_WALL_S[vendor]
    print(f"demo load on {vendor}: {wall:.1f} s (goal {goal:.0f} s: {wall / goal:.2f}x, "
          f"{'met' if wall <= goal else 'MISSED'}); peak {peak:,.0f} MiB (goal {GOAL_PEAK_MIB:.0f} MiB: "
          f"{peak / GOAL_PEAK_MIB:.2f}x, {'met' if peak <= GOAL_PEAK_MIB else 'MISSED'})")
    if not args.database_url:
        shutil.rmtree(args.data_dir, ignore_errors=True)
    _common.summary("demo_load", contention, database=vendor, wall_s=round(wall, 1), goal_wall_s=goal,
                    wall_times_goal=round(wall / goal, 2), goal_wall_met=wall <= goal, peak_mib=round(peak),
                    goal_peak_mib=round(GOAL_PEAK_MIB), peak_times_goal=round(peak / GOAL_PEAK_MIB, 2),
                    goal_peak_met=peak <= GOAL_PEAK_MIB)


if __name__ == "__main__":
    main()

"""Server time of the official outputs (PDF and Excel) on the demo province, cold and warm, and the
time the worker takes to build the province's prepared files.

    python benchmarks/bench_outputs.py [--data-dir /tmp/chungtay-bench-sqlite] [--runs 5] [--prepared]
    python benchmarks/bench_outputs.py --database-url postgres://postgres:postgres@127.0.0.1:5432/ct_bench
    python benchmarks/bench_outputs.py --code-root /tmp/old-checkout     # the same, with another version's code

Data: the demo province (``chungtay demo --households 129000 --no-serve``) in its own data folder
(and database), loaded once and reused. Each output runs in a **fresh Python process**: one request
to the standards page (URLconf, session), then the **cold** request (first PDF of the process: the
fonts are read then), then ``--runs`` warm ones (p95 by nearest rank, median). Server time is the
whole Django request through the test client; "cpu" is the CPU time of the Django process for it
(on SQLite that includes the queries; on a shared machine it is the steadier figure). Goal (issue 8): PDF and Excel outputs of a commune
within 1 s. ``--prepared`` also times the worker's build of each prepared file of the province
(chungtay.jobs.files.run_file, as the province officer). Prints a table and a last line of JSON.
"""
from __future__ import annotations

import argparse
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
GOAL_MS = 1000.0


def _env(args) -> dict:
    env = dict(os.environ, CHUNGTAY_DATA_DIR=args.data_dir, DJANGO_SETTINGS_MODULE="chungtay.settings")
    code = str(Path(args.code_root).resolve()) if args.code_root else str(ROOT)
    env["PYTHONPATH"] = code + os.pathsep + env.get("PYTHONPATH", "")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def outputs() -> list[tuple[str, str, str]]:
    from django.contrib.auth import get_user_model

    from chungtay.households.models import Assessment
    from chungtay.units.models import Unit
    User = get_user_model()
    commune = User.objects.get(username="xa").assignments.get().unit
    village = User.objects.get(username="thon").assignments.get().unit
    prov = Unit.objects.get(system="2025", level="province", code="51")
    poor = (Assessment.objects.filter(commune=commune, year=2025, kind="periodic", is_current=True, category="poor")
            .order_by("household_id").values_list("household_id", flat=True).first())
    C, V, P = commune.pk, village.pk, prov.pk
    return [
        ("posting list PDF commune", "xa", f"/reports/units/{C}/posting-list.pdf?year=2025"),
        ("posting list PDF commune, without escaped", "xa", f"/reports/units/{C}/posting-list.pdf?year=2025&escaped=0"),
        ("posting list PDF village", "thon", f"/reports/units/{V}/posting-list.pdf?year=2025"),
        ("posting list xlsx commune", "xa", f"/reports/units/{C}/posting-list.xlsx?year=2025"),
        ("summary xlsx commune", "xa", f"/reports/units/{C}/summary.xlsx?year=2025"),
        ("summary xlsx province", "tinh", f"/reports/units/{P}/summary.xlsx?year=2025"),
        ("certificate PDF", "xa", f"/reports/households/{poor}/certificate.pdf?year=2025"),
        ("posting list PDF commune, as province officer", "tinh", f"/reports/units/{C}/posting-list.pdf?year=2025"),
    ]


def p95(values: list[float]) -> float:
    s = sorted(values)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def one(args) -> None:
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.test import Client
    kind, role, url = outputs()[args.one]
    c = Client()
    c.force_login(get_user_model().objects.get(username=role))
    assert c.get("/standards/").status_code == 200
    times, cpu, size = [], [], 0
    for _ in range(args.runs + 1):
        t, tc = time.perf_counter(), time.process_time()
        r = c.get(url)
        body = b"".join(r.streaming_content) if hasattr(r, "streaming_content") else r.content
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((time.process_time() - tc) * 1000)
        if r.status_code != 200:
            raise SystemExit(f"{url}: HTTP {r.status_code}")
        size = len(body)
    print(json.dumps({"cold": times[0], "warm": times[1:], "cpu_cold": cpu[0], "cpu_warm": cpu[1:], "bytes": size}))


def prepared(args) -> None:
    import django
    django.setup()
    import secrets

    from django.contrib.auth import get_user_model

    from chungtay.jobs import files
    from chungtay.jobs.models import PreparedFile
    from chungtay.units.models import Unit
    user = get_user_model().objects.get(username="tinh")
    prov = Unit.objects.get(system="2025", level="province", code="51")
    for name in sorted(files.KINDS):
        f = PreparedFile.objects.create(user=user, unit=prov, kind=name, params={"year": 2025}, filename="x",
                                        token=secrets.token_hex(16))
        t = time.perf_counter()
        f = files.run_file(f.pk)
        secs = time.perf_counter() - t
        files.final_path(f).unlink(missing_ok=True)
        print(json.dumps({"kind": name, "status": f.status, "seconds": round(secs, 1), "bytes": f.size}), flush=True)
        f.delete()


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default="/tmp/chungtay-bench-sqlite")
    ap.add_argument("--database-url", default="")
    ap.add_argument("--households", type=int, default=129_000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--code-root", default="", help="import chungtay from this checkout (before/after figures)")
    ap.add_argument("--prepared", action="store_true", help="also time the worker's prepared files of the province")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--prepared-only", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one is not None:
        return one(args)
    if args.prepared_only:
        return prepared(args)
    sys.path.insert(0, str(HERE))
    import _common
    env = _env(args)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "chungtay", "demo", "--households", str(args.households), "--no-serve"],
                   env=env, check=True, cwd=args.code_root or ROOT, stdout=subprocess.DEVNULL)  # migrates; loads once
    os.environ.update(env)
    sys.path.insert(0, env["PYTHONPATH"].split(os.pathsep)[0])
    import django
    django.setup()
    from django.db import connection
    contention = _common.Contention()
    print(f"database: {connection.vendor}; code: {args.code_root or ROOT}; cold = first request in a fresh "
          f"process, warm = {args.runs} requests")
    print(f"{'output':<48} {'role':<5} {'cold ms':>8} {'p95 ms':>8} {'median':>8} {'cpu cold':>8} {'cpu med':>8} "
          f"{'KiB':>6}  goal")
    rows = []
    for i, (kind, role, _url) in enumerate(outputs()):
        cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(i), "--runs", str(args.runs),
               "--data-dir", args.data_dir] + (["--database-url", args.database_url] if args.database_url else []) \
            + (["--code-root", args.code_root] if args.code_root else [])
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT)
        if p.returncode:
            print(f"{kind:<48} {role:<5} FAILED")
            rows.append({"output": kind, "role": role, "failed": True})
            continue
        r = json.loads(p.stdout.strip().splitlines()[-1])
        w95, med = p95(r["warm"]), statistics.median(r["warm"])
        met = r["cold"] <= GOAL_MS and w95 <= GOAL_MS
        cpu_med = statistics.median(r["cpu_warm"])
        print(f"{kind:<48} {role:<5} {r['cold']:>8.0f} {w95:>8.0f} {med:>8.0f} {r['cpu_cold']:>8.0f} {cpu_med:>8.0f} "
              f"{r['bytes'] / 1024:>6.0f}  "
              f"{'ok' if met else 'MISSED'}", flush=True)
        rows.append({"output": kind, "role": role, "cold_ms": round(r["cold"]), "p95_ms": round(w95),
                     "median_ms": round(med), "cpu_cold_ms": round(r["cpu_cold"]), "cpu_median_ms": round(cpu_med),
                     "bytes": r["bytes"], "met": met})
    built = []
    if args.prepared:
        cmd = [sys.executable, str(Path(__file__).resolve()), "--prepared-only", "--data-dir", args.data_dir] \
            + (["--database-url", args.database_url] if args.database_url else [])
        p = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, text=True, cwd=ROOT, check=True)
        print("\nprepared files of the province (built by the worker, as the province officer):")
        for line in p.stdout.strip().splitlines():
            b = json.loads(line)
            built.append(b)
            print(f"  {b['kind']:<32} {b['status']:<6} {b['seconds']:>7.1f} s {b['bytes'] / 1024:>8.0f} KiB")
    _common.summary("outputs", contention, db=connection.vendor, runs=args.runs, outputs=rows, prepared=built)


if __name__ == "__main__":
    main()

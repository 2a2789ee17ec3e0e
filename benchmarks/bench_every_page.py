"""Server time of every page kind on the full demo province, cold and warm, per role.

    python benchmarks/bench_every_page.py [--data-dir /tmp/chungtay-bench-sqlite] [--runs 20]
    python benchmarks/bench_every_page.py --database-url postgres://postgres:postgres@127.0.0.1:5432/ct_bench   # created if missing

Data: the demo province (``chungtay demo --households 129000 --no-serve``, ≈147,000 households,
1.3 M results of 2016–2025) in its own CHUNGTAY_DATA_DIR (and, with --database-url, its own
PostgreSQL database), loaded once by the real command and reused while it holds households.
``migrate`` runs first, so a database loaded by an older version gets the new tables (and the
migrations fill their prepared figures).

Method: each (page, role) runs in a **fresh Python process** (a new server process: empty
in-process caches, new database connection). The process first does what the server's WSGI module
does when it loads (``chungtay/web/warm.py``: import every view, compile every template; skipped
with ``--no-warm``), answers one request to the standards page (middleware, session: what any
first request pays), then:

- **cold**: the first request for the page in that process;
- **warm**: ``--runs`` further requests; the 95th percentile (nearest rank) and the median.

Server time is the full Django request through the test client (middleware, view, queries,
template or PDF/xlsx rendering), without network. The ``cpu c/w`` column is the server process's
own CPU time (cold / warm median): on a machine shared with other jobs the wall time includes
waiting for a core, the CPU time does not (on SQLite it includes the queries; on PostgreSQL the
database server's CPU is not in it). Goal (issue 8): every page ≤ 300 ms at p95,
cold as well as warm; PDF and Excel outputs of a commune ≤ 1 s. Prints a table and a last
line of JSON (``_common.summary``).
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
DEFAULT_DIR = "/tmp/chungtay-bench-sqlite"
HOUSEHOLDS = 129_000
PAGE_GOAL_MS, DOWNLOAD_GOAL_MS = 300.0, 1000.0
WARMUP_URL = "/standards/"


def _env(args) -> dict:
    env = dict(os.environ)
    env["CHUNGTAY_DATA_DIR"] = args.data_dir
    env["DJANGO_SETTINGS_MODULE"] = "chungtay.settings"
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    else:
        env.pop("DATABASE_URL", None)
    return env


def _django(args):
    os.environ.update(_env(args))
    if not args.database_url:
        os.environ.pop("DATABASE_URL", None)
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()


def pages() -> list[tuple[str, str, str, bool]]:
    """(page kind, role, URL, is a download) for every page kind and each role that opens it."""
    from chungtay.households.models import Assessment, Household
    from chungtay.plans.models import Plan, Target
    from chungtay.reviews.models import ReviewRound
    from chungtay.units.models import Unit
    from django.contrib.auth import get_user_model
    User = get_user_model()
    prov = Unit.objects.get(system="2025", level="province", code="51")
    commune = User.objects.get(username="xa").assignments.get().unit
    village = User.objects.get(username="thon").assignments.get().unit
    kontum = Unit.objects.get(system="legacy", level="province", code="62")
    district = Unit.objects.filter(system="legacy", level="district", parent=kontum).order_by("code").first()
    hh = Household.objects.filter(commune=commune).order_by("id").first()
    poor = (Assessment.objects.filter(commune=commune, year=2025, kind="periodic", is_current=True, category="poor")
            .order_by("household_id").values_list("household_id", flat=True).first())
    rnd = ReviewRound.objects.filter(commune=commune).order_by("-year").first()
    plan = Plan.objects.order_by("id").first()
    target = Target.objects.filter(plan=plan).order_by("id").first()
    P, C, V = prov.pk, commune.pk, village.pk
    out = [
        ("drill-down province", "admin", f"/units/{P}/?year=2025"),
        ("drill-down province", "tinh", f"/units/{P}/?year=2025"),
        ("drill-down old district 2019", "tinh", f"/units/{district.pk}/?year=2019"),
        ("drill-down commune", "tinh", f"/units/{C}/?year=2025"),
        ("drill-down commune", "xa", f"/units/{C}/?year=2025"),
        ("drill-down village", "xa", f"/units/{V}/?year=2025"),
        ("drill-down village", "thon", f"/units/{V}/?year=2025"),
        ("national page", "admin", "/national/?year=2025"),
        ("national page", "tinh", "/national/?year=2025"),
        ("dashboard province", "admin", f"/dashboard/{P}/?year=2025"),
        ("dashboard province", "tinh", f"/dashboard/{P}/?year=2025"),
        ("dashboard province 2020", "tinh", f"/dashboard/{P}/?year=2020"),
        ("dashboard commune", "tinh", f"/dashboard/{C}/?year=2025"),
        ("dashboard commune", "xa", f"/dashboard/{C}/?year=2025"),
        ("dashboard village", "xa", f"/dashboard/{V}/?year=2025"),
        ("dashboard village", "thon", f"/dashboard/{V}/?year=2025"),
        ("AF analysis province", "tinh", f"/analysis/{P}/?year=2025"),
        ("AF analysis province, EM group", "tinh", f"/analysis/{P}/?year=2025&group=ethnic_minority"),
        ("AF analysis commune", "xa", f"/analysis/{C}/?year=2025"),
        ("movements province", "tinh", f"/reviews/movements/{P}/?from=2024&to=2025"),
        ("movements province, list escaped", "tinh", f"/reviews/movements/{P}/?from=2024&to=2025&list=escaped_poverty"),
        ("movements commune", "xa", f"/reviews/movements/{C}/?from=2024&to=2025"),
        ("household list province", "tinh", "/households/?year=2025"),
        ("household list province, page 20", "tinh", "/households/?year=2025&page=20"),
        ("household list, search 'nguyen van'", "tinh", "/households/?year=2025&q=nguyen+van"),
        ("household list, poor", "tinh", "/households/?year=2025&category=poor"),
        ("household list commune, poor", "xa", f"/households/?year=2025&category=poor&unit={C}"),
        ("household page", "xa", f"/households/{hh.pk}/"),
        ("round page", "xa", f"/reviews/{rnd.pk}/"),
        ("round list", "xa", "/reviews/"),
        ("plan page", "tinh", f"/plans/{plan.pk}/"),
        ("target page", "tinh", f"/plans/targets/{target.pk}/"),
        ("reports page commune", "xa", f"/reports/units/{C}/?year=2025"),
        ("reports page province", "tinh", f"/reports/units/{P}/?year=2025"),
        ("posting list PDF commune", "xa", f"/reports/units/{C}/posting-list.pdf?year=2025"),
        ("posting list xlsx commune", "xa", f"/reports/units/{C}/posting-list.xlsx?year=2025"),
        ("summary xlsx commune", "xa", f"/reports/units/{C}/summary.xlsx?year=2025"),
        ("summary xlsx province", "tinh", f"/reports/units/{P}/summary.xlsx?year=2025"),
        ("certificate PDF", "xa", f"/reports/households/{poor}/certificate.pdf?year=2025"),
        # the movement's support pages (issue 10: "the support pages meet the 300 ms page goal")
        ("support ledger commune", "xa", f"/support/?unit={C}&year=2025"),
        ("support ledger province", "tinh", "/support/?year=2025"),
        ("distributions", "xa", "/support/distributions/"),
        ("pairings", "tinh", "/support/pairings/"),
        ("pledges province", "tinh", "/support/pledges/?year=2025"),
        ("radar commune", "xa", f"/support/radar/?unit={C}&year=2025"),
        # a province's radar and outcomes: from their prepared figures (support/prepared.py; the demo
        # loader prepares the pages as the menu opens them, any other parameters on their first read)
        ("radar province", "tinh", f"/support/radar/?unit={P}"),
        # after a write (the data's stamp has moved; no worker runs meanwhile): the figures it has,
        # marked as being recomputed (support/prepared.py)
        ("radar province, after a write", "tinh", f"/support/radar/?unit={P}"),
        # choices never asked before: the first read answers at once with a 202 page that reloads
        # itself while the job worker computes them (issue 10); measured as that page, then again
        # once a worker has computed them (``prepare_first``: in a process of its own, before)
        ("radar province 2025, first read (202)", "tinh", f"/support/radar/?unit={P}&year=2024"),
        ("radar province 2025", "tinh", f"/support/radar/?unit={P}&year=2025"),
        ("radar village", "thon", f"/support/radar/?unit={V}&year=2025"),
        ("outcomes commune", "xa", f"/support/outcomes/?unit={C}&from=2023&to=2025"),
        ("outcomes province", "tinh", f"/support/outcomes/?unit={P}"),
        ("outcomes province, after a write", "tinh", f"/support/outcomes/?unit={P}"),
        ("outcomes province barns, first read (202)", "tinh",
         f"/support/outcomes/?unit={P}&from=2022&to=2025&kind=cow"),
        ("outcomes province barns", "tinh", f"/support/outcomes/?unit={P}&from=2023&to=2025&kind=barn"),
        ("revolving models", "tinh", "/support/revolving/"),
        ("groups", "tinh", "/support/groups/"),
        ("programme report commune", "xa", f"/support/report/?unit={C}&from=2025&to=2025"),
        ("programme report province", "tinh", f"/support/report/?unit={P}&from=2025&to=2025"),
        ("programme report PDF commune", "xa", f"/support/report/bieu-02.pdf?unit={C}&from=2025&to=2025"),
    ]
    return [(k, r, u, u.split("?")[0].endswith((".pdf", ".xlsx"))) for k, r, u in out]


def p95(values: list[float]) -> float:
    s = sorted(values)
    return s[max(0, math.ceil(0.95 * len(s)) - 1)]


def worker(args) -> None:
    """One fresh process: what the server's WSGI module does when it loads (``web/warm.py``: every view
    imported, every template compiled; not with ``--no-warm``), a warm-up request, then the cold
    request and ``runs`` warm ones."""
    _django(args)
    if not args.no_warm:
        from chungtay.web.warm import warm
        warm()
    from django.contrib.auth import get_user_model
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    kind, role, url, _ = pages()[args.one]
    c = Client()
    c.force_login(get_user_model().objects.get(username=role))
    assert c.get(WARMUP_URL).status_code == 200
    moved = _stamp_moved(url) if kind.endswith("after a write") else []
    first_read = "(202)" in kind
    before = _prepared_rows() if first_read else set()
    times, cpu = [], []
    queries = 0
    for i in range(args.runs + 1):
        reset_queries()
        with CaptureQueriesContext(connection) as q:
            t, p = time.perf_counter(), time.process_time()
            r = c.get(url)
            if hasattr(r, "streaming_content"):
                b"".join(r.streaming_content)
            times.append((time.perf_counter() - t) * 1000)
            cpu.append((time.process_time() - p) * 1000)
        if i == 0:
            queries = len(q)
        if r.status_code != (202 if "(202)" in kind else 200):
            raise SystemExit(f"{url} as {role}: HTTP {r.status_code}")
        if moved and b'id="stale"' not in r.content:
            raise SystemExit(f"{url} as {role}: not the page after a write")
    _stamp_restored(moved)
    if first_read:          # the row these reads queued: gone, so that the next run's first read is one again
        _remove_prepared_since(before)
    print(json.dumps({"cold": times[0], "warm": times[1:], "queries": queries, "cpu_cold": cpu[0],
                      "cpu_warm": statistics.median(cpu[1:]) if cpu[1:] else cpu[0]}))


def _prepared_rows() -> set:
    from chungtay.support.models import PreparedAnalysis
    return set(PreparedAnalysis.objects.values_list("pk", flat=True))


def _remove_prepared_since(before: set) -> None:
    """The prepared rows made since ``before`` was taken (a first-read page's own), removed, and only
    those: by time (rows read in the last second) it also took the rows the worker had just computed
    for other pages, which then answered 202."""
    from chungtay.support.models import PreparedAnalysis
    PreparedAnalysis.objects.exclude(pk__in=before).delete()


def _stamp_moved(url: str) -> list:
    """What a write does to the province's prepared rows of this page (their stamp no longer matches
    the data's; nobody has asked the worker yet), without writing to the demo's data; the rows' old
    stamps, to put back."""
    from chungtay.support.models import PreparedAnalysis
    kind = "radar" if "/radar/" in url else "outcomes"
    rows = PreparedAnalysis.objects.filter(kind=kind, unit__level="province").exclude(stamp="queued")
    saved = list(rows.values_list("pk", "stamp", "asked_at"))
    rows.update(stamp="written-since", asked_at=None)
    return saved


def _stamp_restored(saved: list) -> None:
    from chungtay.support.models import PreparedAnalysis
    for pk, stamp, asked in saved:
        PreparedAnalysis.objects.filter(pk=pk).update(stamp=stamp, asked_at=asked)


PREPARED_BY_WORKER = ("radar province 2025", "outcomes province barns")


def prepare_first(args) -> None:
    """In a process of its own: ask for the pages whose figures the worker prepares on their first
    read, and run the worker's ready tasks, as ``chungtay worker`` would within seconds."""
    _django(args)
    from django.contrib.auth import get_user_model
    from django.test import Client, TestCase

    from chungtay.jobs.liveness import WorkerLock
    from chungtay.jobs.worker import Worker
    c = Client()
    for kind, role, url, _ in pages():
        if kind in PREPARED_BY_WORKER:
            c.force_login(get_user_model().objects.get(username=role))
            with TestCase.captureOnCommitCallbacks(execute=True):
                status = c.get(url).status_code
            if status == 202:
                with WorkerLock() as worker_id:
                    Worker(worker_id).run_ready()
                print(f"prepared by the worker first: {kind}")
    for kind, role, url, _ in pages():        # the first reads: never asked before, in every run
        if "(202)" in kind:
            c.force_login(get_user_model().objects.get(username=role))
            before = _prepared_rows()
            c.get(url)                         # its row, queued (the task is not run) or computed
            _remove_prepared_since(before)


def ensure_database(url: str) -> None:
    """Create the --database-url database when it does not exist yet (it is the benchmark's own)."""
    import psycopg
    from urllib.parse import urlsplit
    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name.replace("_", "").isalnum():
        raise SystemExit(f"--database-url: {name!r} is not a plain database name (letters, digits, _)")
    try:
        with psycopg.connect(parts._replace(path="/postgres").geturl(), autocommit=True) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
                c.execute(f'CREATE DATABASE "{name}"')
                print(f"created database {name}", flush=True)
    except psycopg.OperationalError as e:
        raise SystemExit(f"--database-url: cannot reach the PostgreSQL server: {str(e).strip().splitlines()[0]}")


def ensure_data(args) -> int:
    env = _env(args)
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    if args.database_url:
        ensure_database(args.database_url)
    subprocess.run([sys.executable, "-m", "django", "migrate", "--verbosity", "0"], env=env, check=True, cwd=ROOT)
    n = subprocess.run([sys.executable, "-c", "import django; django.setup(); "
                        "from chungtay.households.models import Household as H; print(H.objects.count())"],
                       env=env, check=True, cwd=ROOT, stdout=subprocess.PIPE, text=True).stdout.strip()
    if int(n or 0) == 0:
        t = time.perf_counter()
        subprocess.run([sys.executable, "-m", "chungtay", "demo", "--households", str(args.households),
                        "--no-serve"], env=env, check=True, cwd=ROOT)
        print(f"demo loaded in {time.perf_counter() - t:.0f} s")
    return int(n or 0)


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data-dir", default=DEFAULT_DIR)
    ap.add_argument("--database-url", default="", help="PostgreSQL database of its own (default: SQLite)")
    ap.add_argument("--households", type=int, default=HOUSEHOLDS)
    ap.add_argument("--runs", type=int, default=20, help="warm requests per page and role")
    ap.add_argument("--only", default="", help="run only the page kinds containing one of these comma-separated texts")
    ap.add_argument("--no-warm", action="store_true",
                    help="start each page's process without the WSGI module's warm-up (web/warm.py)")
    ap.add_argument("--one", type=int, default=None, help=argparse.SUPPRESS)
    ap.add_argument("--prepare-first", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one is not None:
        return worker(args)
    if args.prepare_first:
        return prepare_first(args)
    sys.path.insert(0, str(HERE))
    import _common
    ensure_data(args)
    subprocess.run([sys.executable, str(Path(__file__).resolve()), "--prepare-first", "--data-dir", args.data_dir]
                   + (["--database-url", args.database_url] if args.database_url else []),
                   env=_env(args), check=True, cwd=ROOT)
    _django(args)
    from django.db import connection

    from chungtay.households.models import Assessment, Household
    n_hh, n_res = Household.objects.count(), Assessment.objects.count()
    vendor = connection.vendor
    contention = _common.Contention()
    print(f"database: {vendor}, {n_hh:,} households, {n_res:,} results; cold = first request in a fresh "
          f"process, warm = {args.runs} requests")
    print(f"{'page':<40} {'role':<6} {'cold ms':>8} {'p95 ms':>8} {'median':>8} {'cpu c/w':>9} {'queries':>7}  goal")
    rows, worst = [], {}
    for i, (kind, role, url, download) in enumerate(pages()):
        if args.only and not any(o.strip() in kind for o in args.only.split(",")):
            continue
        cmd = [sys.executable, str(Path(__file__).resolve()), "--one", str(i), "--runs", str(args.runs),
               "--data-dir", args.data_dir] + (["--database-url", args.database_url] if args.database_url else []) \
            + (["--no-warm"] if args.no_warm else [])
        p = subprocess.run(cmd, env=_env(args), stdout=subprocess.PIPE, text=True, cwd=ROOT)
        if p.returncode:
            print(f"{kind:<40} {role:<6} FAILED")
            rows.append({"page": kind, "role": role, "failed": True})
            continue
        r = json.loads(p.stdout.strip().splitlines()[-1])
        goal = DOWNLOAD_GOAL_MS if download else PAGE_GOAL_MS
        warm95, med = p95(r["warm"]), statistics.median(r["warm"])
        met = r["cold"] <= goal and warm95 <= goal
        cpu = f"{r['cpu_cold']:.0f}/{r['cpu_warm']:.0f}"
        print(f"{kind:<40} {role:<6} {r['cold']:>8.0f} {warm95:>8.0f} {med:>8.0f} {cpu:>9} {r['queries']:>7}  "
              f"{'ok' if met else 'MISSED'} (≤ {goal:.0f})", flush=True)
        rows.append({"page": kind, "role": role, "cold_ms": round(r["cold"], 1), "p95_ms": round(warm95, 1),
                     "median_ms": round(med, 1), "cpu_cold_ms": round(r["cpu_cold"], 1),
                     "cpu_median_ms": round(r["cpu_warm"], 1), "queries": r["queries"], "goal_ms": goal, "met": met})
        worst[kind] = max(worst.get(kind, 0), r["cold"], warm95)
    missed = [r for r in rows if not r.get("met")]
    print(f"\n{len(rows) - len(missed)} of {len(rows)} (page, role) pairs within the goal")
    _common.summary("every_page", contention, db=vendor, households=n_hh, results=n_res, runs=args.runs,
                    pages=rows, missed=[f"{r['page']} ({r['role']})" for r in missed])


if __name__ == "__main__":
    main()

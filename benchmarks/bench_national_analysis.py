"""The national analysis in the app (issue 13, docs/analysis.md) on the demo province: the worker's
snapshot build, the national figures computed from it by DuckDB, the page, and the freshener's check.

    python benchmarks/bench_national_analysis.py [--data-dir /tmp/chungtay-bench-sqlite] [--repeat 3]
    python benchmarks/bench_national_analysis.py --database-url postgres://postgres:postgres@127.0.0.1:5432/ct_bench

Data: the demo (``chungtay demo --households 129000 --no-serve``, the same folder as
bench_every_page.py: loaded once by the real command and reused). Prints, best of ``--repeat``:

- **build, whole**: ``analysis.snapshot.build`` with no snapshot before it — the export of every
  year and province, the supports, the pledges and the ended households to Parquet (wall and CPU s,
  rows, bytes on disk);
- **build, nothing changed**: the next builds, which link every partition's file from the one
  before and write only the pledges and the ended households;
- **radar** and **outcomes**: ``analysis.national.compute`` of the page's default choices (DuckDB,
  2 threads);
- **page**: ``/analysis/national/`` as the national administrator once the figures are kept (ms;
  the first request after ``web.warm``, as in a server process, then the best);
- **not due**: the freshener's check when no snapshot is due (ms), and **stamp** (ms, computed at
  most once an hour).

The figures of the nation (27 M households) from Parquet are bench_radar_national.py's. The last line
is JSON (``_common.summary``).
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
from _common import add_common_args, maxrss_mib, summary, wait_quiet  # noqa: E402

DEFAULT_DIR = "/tmp/chungtay-bench-sqlite"


def _setup(args) -> None:
    os.environ["CHUNGTAY_DATA_DIR"] = args.data_dir
    os.environ["DJANGO_SETTINGS_MODULE"] = "chungtay.settings"
    if args.database_url:
        os.environ["DATABASE_URL"] = args.database_url
    else:
        os.environ.pop("DATABASE_URL", None)
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    subprocess.run([sys.executable, "-m", "django", "migrate", "--verbosity", "0"], env=env, cwd=ROOT, check=True)
    sys.path.insert(0, str(ROOT))
    import django
    django.setup()
    from chungtay.households.models import Household
    if not Household.objects.exists():
        print("loading the demo (once)…", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "chungtay", "demo", "--households", "129000", "--no-serve"], env=env,
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


def _timed(fn):
    c, t = time.process_time(), time.perf_counter()
    value = fn()
    return value, time.perf_counter() - t, time.process_time() - c


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data-dir", default=DEFAULT_DIR)
    ap.add_argument("--database-url", default="")
    ap.add_argument("--repeat", type=int, default=3)
    add_common_args(ap)
    args = ap.parse_args()
    Path(args.data_dir).mkdir(parents=True, exist_ok=True)
    _setup(args)
    import datetime as dt

    from django.contrib.auth import get_user_model
    from django.test import Client, TestCase
    from django.utils import timezone

    from chungtay.analysis import national, snapshot
    from chungtay.analysis.models import NationalFigure, Snapshot
    wait_quiet(args.wait_quiet)

    def build():
        with TestCase.captureOnCommitCallbacks(execute=False):       # the bench builds it itself, not a worker
            snap = snapshot.start()
        return _timed(lambda: snapshot.build(snap.pk))

    builds, figures = [], {"radar": [], "outcomes": []}
    for _ in range(args.repeat):
        Snapshot.objects.filter(status=Snapshot.READY).update(status=Snapshot.REPLACED)   # nothing to link: all of it
        snap, wall, cpu = build()
        size = sum(f.stat().st_size for f in snapshot.path_of(snap).rglob("*") if f.is_file())
        builds.append((wall, cpu, snap, size))
        today = dt.date.today().year
        for kind, params in ((NationalFigure.RADAR, {"year": today, "latest": None}),
                             (NationalFigure.OUTCOMES, {"first": snap.years[-1] - 2, "last": snap.years[-1],
                                                        "programme": "", "kind": "", "latest": None})):
            row, _ = NationalFigure.objects.get_or_create(snapshot=snap, kind=kind, params=national.key(**params),
                                                          defaults={"queued_at": timezone.now()})
            NationalFigure.objects.filter(pk=row.pk).update(computed_at=None)
            ok, wall, cpu = _timed(lambda: national.compute(row.pk))
            assert ok
            figures[kind].append((wall, cpu))
    wall, cpu, snap, size = min(builds, key=lambda b: b[0])
    print(f"build, whole: {wall:.2f} s wall, {cpu:.2f} s CPU — {snap.assessments:,} results, {snap.supports:,} "
          f"supports, years {snap.years[0]}–{snap.years[-1]}, {size / 2**20:.1f} MiB on disk")
    again = [build() for _ in range(args.repeat)]
    same, same_cpu = min((w, c) for _, w, c in again)
    print(f"build, nothing changed since the one before ({again[0][0].reused} files linked): {same:.2f} s wall, "
          f"{same_cpu:.2f} s CPU")
    for kind in figures:
        w, c = min(figures[kind])
        print(f"{kind}: {w:.3f} s wall, {c:.3f} s CPU")
    national.prepare_defaults(snapshot.latest(), dt.date.today().year)     # as the worker does after a build
    from chungtay.web.warm import warm
    warm()                                      # what the server's WSGI module does before the first request
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    times = []
    for _ in range(max(5, args.repeat)):
        t = time.perf_counter()
        r = client.get("/analysis/national/")
        times.append(1000 * (time.perf_counter() - t))
        assert r.status_code == 200, r.status_code
    print(f"page (figures kept): first {times[0]:.0f} ms, best {min(times):.0f} ms")
    last = snapshot.latest()
    Snapshot.objects.filter(pk=last.pk).update(checked_at=timezone.now())
    _, check, _ = _timed(snapshot.refresh_if_due)
    _, st, _ = _timed(snapshot.stamp)
    print(f"freshener's check, not due: {1000 * check:.1f} ms; stamp: {1000 * st:.1f} ms")
    print(f"peak memory of this process: {maxrss_mib():.0f} MiB")
    summary("national_analysis", database="postgresql" if args.database_url else "sqlite",
            build_s=round(wall, 2), build_cpu_s=round(cpu, 2), build_unchanged_s=round(same, 2), results=snap.assessments, supports=snap.supports,
            disk_mib=round(size / 2**20, 1),
            radar_s=round(min(figures["radar"])[0], 3), outcomes_s=round(min(figures["outcomes"])[0], 3),
            page_ms=round(min(times), 1), page_first_ms=round(times[0], 1), check_ms=round(1000 * check, 1),
            stamp_ms=round(1000 * st, 1), peak_mib=round(maxrss_mib()))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Twenty officers saving surveys at once on the embedded default (SQLite): figures.

    python benchmarks/bench_sqlite_writers.py                      # 20 writers × 10 saves, both servers
    python benchmarks/bench_sqlite_writers.py --households 5000 --saves 5 --keep

tests/test_concurrent_writes.py proves the behaviour (no save lost or doubled, no "database is
locked"); this script reports the figures. It makes an installation of its own (a data folder with a
SQLite file, the demo province loaded by ``chungtay demo --no-serve``), 20 commune officers of one
commune (distinct users, made with the ORM as the demo's personas are) and a 2026 review round of that
commune in the survey (``reviews.actions``). Then, for each server:

- ``serve``: ``chungtay serve --threads 8`` (waitress, one process: the embedded default), and
- ``gunicorn``: deploy/gunicorn.conf.py (its workers × threads: several processes writing one file),

the 20 officers log in through the form, wait for each other, and each saves ``--saves`` surveys through
the round's survey form, back to back (no think time), on households that overlap (several officers on
the same household). A save answered with the "try again" message is submitted again, as a person would
(up to 3 times). Reported: saves, "try again" messages, saves lost (counted back in the database),
"database is locked" or server errors seen, latency of a save and saves per second.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _load_stack import DEPLOY, ROOT, VENV_BIN, _die_with_parent, exec_start, free_port, pct  # noqa: E402
from bench_load import CSRF_RE, IND_RE, ROUND_YEAR  # noqa: E402

PASSWORD = "Kiem-tra-ghi-2026-canbo"
CLASH = "Có người khác vừa lưu cùng lúc"


def prepare(writers: int) -> None:
    """Inside the installation: the writers (commune officers of the demo officer's commune), a round."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from chungtay.accounts.models import Assignment
    from chungtay.households.models import Household
    from chungtay.reviews import actions as ra
    from chungtay.reviews.models import ReviewRound
    User = get_user_model()
    xa = User.objects.get(username="xa")
    commune = xa.assignments.get().unit
    names = [f"ghi_{i + 1:02d}" for i in range(writers)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    hashed = make_password(PASSWORD)
    for u in names:
        if u not in have:
            user = User.objects.create(username=u, first_name=f"Cán bộ kiểm tra ghi {u[4:]}", password=hashed)
            Assignment.objects.create(user=user, unit=commune, role="commune_officer")
    rnd = ReviewRound.objects.filter(commune=commune, year=ROUND_YEAR, kind="periodic").first()
    if rnd is None:
        rnd = ra.open_round(xa, commune, ROUND_YEAR)
        for h in Household.objects.filter(commune=commune, status="active").exclude(
                id__in=rnd.members.values("household_id")).order_by("id")[:max(0, 40 - rnd.members.count())]:
            ra.add_household(xa, rnd, h)
        ra.start_survey(xa, rnd)
    hh = list(rnd.members.order_by("household_id").values_list("household_id", flat=True)[:40])
    print(json.dumps({"writers": names, "round": rnd.pk, "households": hh}))


class Writer:
    def __init__(self, base: str, name: str):
        import httpx
        self.name = name
        self.c = httpx.Client(base_url=base, follow_redirects=False, timeout=120)

    def token(self, path: str) -> tuple[str, list[str]]:
        r = self.c.get(path)
        m = CSRF_RE.search(r.content)
        if r.status_code != 200 or not m:
            raise RuntimeError(f"{path}: HTTP {r.status_code}")
        return m.group(1).decode(), [n.decode() for n, _ in IND_RE.findall(r.content)]

    def login(self) -> None:
        tok, _ = self.token("/login/")
        r = self.c.post("/login/", data={"csrfmiddlewaretoken": tok, "username": self.name, "password": PASSWORD})
        if r.status_code != 302:
            raise RuntimeError(f"log-in {self.name}: HTTP {r.status_code}")


def run_server(kind: str, env: dict, tmp: Path, world: dict, args) -> dict:
    port = free_port()
    if kind == "serve":
        cmd = [str(VENV_BIN / "chungtay"), "serve", "--port", str(port), "--threads", "8", "--no-worker"]
    else:
        cmd = exec_start("chungtay-web.service")
    env = dict(env, CHUNGTAY_BIND=f"127.0.0.1:{port}")
    out = open(tmp / f"{kind}.log", "w")
    proc = subprocess.Popen(cmd, env=env, cwd=tmp, stdout=out, stderr=subprocess.STDOUT, preexec_fn=_die_with_parent)
    base = f"http://127.0.0.1:{port}"
    try:
        import httpx
        for _ in range(240):
            if proc.poll() is not None:
                raise SystemExit(f"{kind} exited with {proc.returncode}: see {tmp / (kind + '.log')}")
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        before = sql(tmp, "SELECT COUNT(*) FROM households_assessment WHERE year = ?", ROUND_YEAR)[0][0]
        writers = [Writer(base, n) for n in world["writers"]]
        for w in writers:
            w.login()
        hh, rid = world["households"], world["round"]
        barrier = threading.Barrier(len(writers))
        lock = threading.Lock()
        rows: list[tuple[float, str]] = []        # (seconds, outcome) of every POST
        saved: dict[int, int] = {}

        def work(i: int, w: Writer) -> None:
            barrier.wait()
            for k in range(args.saves):
                hid = hh[(i * 3 + k) % min(len(hh), args.households_written)]    # overlapping households
                path = f"/reviews/{rid}/households/{hid}/survey/"
                try:
                    tok, inds = w.token(path)
                except Exception as e:
                    with lock:
                        rows.append((0.0, f"form: {e}"))
                    continue
                data = {"csrfmiddlewaretoken": tok, "basis": "income", "value": str(700_000 + i * 1000 + k),
                        "reason": f"w{i}-{k}", **{n: "on" for n in inds[:2]}}
                for _attempt in range(4):
                    t = time.perf_counter()
                    try:
                        r = w.c.post(path, data=data)
                        status, body = r.status_code, r.text
                    except Exception as e:
                        status, body = 0, type(e).__name__
                    dt = time.perf_counter() - t
                    if "database is locked" in body:
                        outcome = "database is locked"
                    elif status == 302:
                        outcome = "saved"
                    elif status == 200 and CLASH in body:
                        outcome = "try again"
                    else:
                        outcome = f"HTTP {status}"
                    with lock:
                        rows.append((dt, outcome))
                        if outcome == "saved":
                            saved[hid] = saved.get(hid, 0) + 1
                    if outcome != "try again":
                        break
        t0 = time.perf_counter()
        threads = [threading.Thread(target=work, args=(i, w)) for i, w in enumerate(writers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(600)
        wall = time.perf_counter() - t0
        after = sql(tmp, "SELECT COUNT(*) FROM households_assessment WHERE year = ?", ROUND_YEAR)[0][0]
        per_hh = dict(sql(tmp, "SELECT household_id, COUNT(*) FROM households_assessment WHERE year = ? "
                          "GROUP BY household_id", ROUND_YEAR))
        outcomes: dict[str, int] = {}
        for _, o in rows:
            outcomes[o] = outcomes.get(o, 0) + 1
        lat = [dt * 1000 for dt, o in rows if o in ("saved", "try again")]
        n_saved = outcomes.get("saved", 0)
        return {"server": kind, "command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(cmd)),
                "writers": len(writers), "saves_intended": len(writers) * args.saves, "posts": len(rows),
                "saved": n_saved, "try_again": outcomes.get("try again", 0),
                "database_is_locked": outcomes.get("database is locked", 0),
                "other_errors": {k: v for k, v in outcomes.items() if k not in ("saved", "try again",
                                                                                 "database is locked")},
                "in_database": after - before, "lost": n_saved - (after - before),
                "versions_match": all(per_hh.get(h, 0) >= n for h, n in saved.items()),
                "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "p99_ms": pct(lat, 99),
                "max_ms": round(max(lat)) if lat else None, "saves_per_s": round(n_saved / wall, 1),
                "wall_s": round(wall, 1)}
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(40)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def sql(tmp: Path, query: str, *params):
    import sqlite3
    with sqlite3.connect(tmp / "data" / "chungtay.sqlite3", timeout=60) as c:
        return c.execute(query, params).fetchall()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--writers", type=int, default=20)
    ap.add_argument("--saves", type=int, default=10, help="surveys each writer saves (default 10)")
    ap.add_argument("--households-written", type=int, default=10,
                    help="the writers share this many households (default 10: two writers per household)")
    ap.add_argument("--households", type=int, default=129_000, help="demo size (default: the demo province)")
    ap.add_argument("--servers", default="serve,gunicorn")
    ap.add_argument("--keep", action="store_true", help="keep the folder (then --reuse DIR)")
    ap.add_argument("--reuse", default="", metavar="DIR")
    ap.add_argument("--json", default="")
    ap.add_argument("--prepare", type=int, default=None, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.prepare is not None:
        prepare(args.prepare)
        return 0
    if not 1 <= args.writers <= 200 or not 1 <= args.saves <= 1000:
        ap.error("--writers 1–200, --saves 1–1000")
    servers = [s for s in args.servers.split(",") if s]
    if any(s not in ("serve", "gunicorn") for s in servers):
        ap.error("--servers: serve and/or gunicorn")
    tmp = Path(args.reuse) if args.reuse else Path(tempfile.mkdtemp(prefix="chungtay-writers-"))
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "CHUNGTAY_ENV")}
    env.update(CHUNGTAY_DATA_DIR=str(tmp / "data"), DJANGO_SETTINGS_MODULE="chungtay.settings", HOME=str(tmp),
               PYTHONPATH=str(ROOT), CHUNGTAY_ACCESS_LOG=str(tmp / "access.log"))

    def on_term(signum, frame):
        raise KeyboardInterrupt
    signal.signal(signal.SIGTERM, on_term)
    results = []
    try:
        if not args.reuse:
            t = time.perf_counter()
            subprocess.run([str(VENV_BIN / "chungtay"), "demo", "--households", str(args.households), "--no-serve"],
                           env=env, cwd=tmp, check=True, stdout=subprocess.DEVNULL, preexec_fn=_die_with_parent)
            print(f"demo loaded into {tmp} in {time.perf_counter() - t:.0f} s", flush=True)
        else:       # the code may be newer than the kept database
            subprocess.run([sys.executable, "-m", "django", "migrate", "--noinput", "--verbosity", "0"], env=env,
                           cwd=tmp, check=True, preexec_fn=_die_with_parent)
        r = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--prepare", str(args.writers)], env=env,
                           cwd=tmp, check=True, capture_output=True, text=True, preexec_fn=_die_with_parent)
        world = json.loads(r.stdout.strip().splitlines()[-1])
        ns: dict = {}
        exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), ns)
        print(f"{args.writers} writers × {args.saves} saves on {args.households_written} shared households; "
              f"gunicorn: {ns['workers']} workers × {ns['threads']} threads", flush=True)
        for s in servers:
            results.append(run_server(s, env, tmp, world, args))
            print(json.dumps(results[-1], ensure_ascii=False), flush=True)
        print(f"\n{'server':<9} {'saves':>6} {'saved':>6} {'try again':>9} {'lost':>5} {'locked':>6} {'other':>6} "
              f"{'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'saves/s':>8}")
        for x in results:
            print(f"{x['server']:<9} {x['saves_intended']:>6} {x['saved']:>6} {x['try_again']:>9} {x['lost']:>5} "
                  f"{x['database_is_locked']:>6} {sum(x['other_errors'].values()):>6} {x['p50_ms']:>7} "
                  f"{x['p95_ms']:>7} {x['p99_ms']:>7} {x['saves_per_s']:>8}")
        ok = all(x["lost"] == 0 and x["database_is_locked"] == 0 and not x["other_errors"]
                 and x["saved"] == x["saves_intended"] for x in results)
        print("every save kept, none saw \"database is locked\"" if ok else "PROBLEM: see the table")
        if args.json:
            Path(args.json).write_text(json.dumps({"bench": "sqlite_writers", "results": results}, indent=1,
                                                  ensure_ascii=False))
        return 0 if ok else 1
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    finally:
        if args.keep or args.reuse:
            print(f"kept: {tmp} (next time: --reuse {tmp})")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())

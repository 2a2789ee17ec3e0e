"""The production stack of docs/deploy.md on loopback, and how busy the machine is, for
benchmarks/bench_load.py and benchmarks/bench_sqlite_writers.py (not a benchmark itself)."""
from __future__ import annotations

import asyncio
import json
import math
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
HOST = "chungtay.test"
ADMIN, ADMIN_PASSWORD = "quantri", "Kiem-tra-tai-2026-quantri"

# ----------------------------------------------------------------------------------------------------
# The stack (as tests/test_production_stack.py starts it)

def exec_start(unit: str) -> list[str]:
    text = (DEPLOY / unit).read_text()
    line = re.search(r"^ExecStart=(.+)$", text, re.M).group(1)
    line = line.replace("/opt/chungtay/venv/bin/", f"{VENV_BIN}/").replace("/opt/chungtay/app", str(ROOT))
    return shlex.split(line)


def environment(tmp: Path, database_url: str, port: int) -> dict:
    """deploy/chungtay.env.example with this machine's values (as setup-debian.sh fills it in)."""
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(tmp), "LANG": "C.UTF-8"}
    for line in (DEPLOY / "chungtay.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            k, v = line.split("=", 1)
            env[k] = v
    for k in ("CHUNGTAY_WEB_WORKERS", "CHUNGTAY_WEB_THREADS", "CHUNGTAY_GEO_DIR"):   # settings to try (docs/load.md)
        if os.environ.get(k):
            env[k] = os.environ[k]
    env["PYTHONPATH"] = str(ROOT)        # the code of this checkout, whatever the venv's editable install points at
    env.update(ALLOWED_HOSTS=env["ALLOWED_HOSTS"].replace("<HOST>", HOST), CSRF_TRUSTED_ORIGINS=f"https://{HOST}",
               DATABASE_URL=database_url, CHUNGTAY_KEY_FILE=str(tmp / "keys" / "keys.env"),
               CHUNGTAY_DATA_DIR=str(tmp / "data"), CHUNGTAY_BIND=f"127.0.0.1:{port}",
               CHUNGTAY_ACCESS_LOG=str(tmp / "log" / "web-access.log"))
    assert env["CHUNGTAY_ENV"] == "production" and "<" not in "".join(env.values())
    return env


def _die_with_parent():
    """Children get SIGTERM when this script dies, even by SIGKILL (Linux prctl PR_SET_PDEATHSIG)."""
    try:
        import ctypes
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)
    except OSError:
        pass


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Stack:
    """Database, folder, keys, the web app and the worker; ``close()`` stops and removes what it made."""

    def __init__(self, args):
        self.args, self.procs, self.db_created = args, [], False
        self.state: dict = {}
        if args.reuse:
            self.tmp = Path(args.reuse)
            self.state = json.loads((self.tmp / "state.json").read_text())
            if not self.state.get("ready"):
                raise SystemExit(f"--reuse {args.reuse}: its set-up did not finish")
            self.database_url = self.state["database_url"]
        else:
            self.tmp = Path(tempfile.mkdtemp(prefix="chungtay-load-"))
            url = args.database_url or f"postgres://postgres:postgres@127.0.0.1:5432/ct_load_{uuid.uuid4().hex[:8]}"
            self.database_url = url
        self.base, self.db_name = self.database_url.rsplit("/", 1)
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", self.db_name):
            raise SystemExit(f"--database-url: database name {self.db_name!r}: lower-case letters, digits, _")
        self.port = free_port()
        self.env = environment(self.tmp, self.database_url, self.port)
        self.log = self.tmp / "log"

    def sql(self, query: str, *params):
        import psycopg
        with psycopg.connect(self.database_url) as c:
            return c.execute(query, params or None).fetchall()

    def run(self, *cmd, extra=None, timeout=1800) -> str:
        t = time.perf_counter()
        r = subprocess.run(list(cmd), env={**self.env, **(extra or {})}, cwd=self.tmp, capture_output=True,
                           text=True, timeout=timeout, preexec_fn=_die_with_parent)
        if r.returncode:
            raise SystemExit(f"{' '.join(map(str, cmd[:4]))}: exit {r.returncode}\n{r.stderr[-3000:]}")
        print(f"  {' '.join(Path(str(c)).name if i == 0 else str(c) for i, c in enumerate(cmd[:4]))}: "
              f"{time.perf_counter() - t:.0f} s", flush=True)
        return r.stdout

    def setup(self, n_users: int) -> dict:
        import psycopg
        if not self.args.reuse:
            with psycopg.connect(self.base + "/postgres", autocommit=True) as c:
                if c.execute("SELECT 1 FROM pg_database WHERE datname = %s", (self.db_name,)).fetchone():
                    raise SystemExit(f"database {self.db_name} exists: give a new name, or --reuse the folder "
                                     "of a run made with --keep")
                c.execute(f"CREATE DATABASE {self.db_name}")
            self.db_created = True
            self.log.mkdir(parents=True, exist_ok=True)
            self._save_state()
            print(f"set-up in {self.tmp} (database {self.db_name}):", flush=True)
            # the steps of setup-debian.sh, in its order, then the demo province as the province's data
            self.run(VENV_BIN / "chungtay", "keys", "create", "--out", self.env["CHUNGTAY_KEY_FILE"])
            self.run(sys.executable, "-m", "django", "migrate", "--noinput")
            self.run(sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity", "0")
            self.run(sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "ERROR")
            self.run(sys.executable, str(DEPLOY / "bootstrap.py"),
                     extra={"CHUNGTAY_ADMIN_USER": ADMIN, "CHUNGTAY_ADMIN_PASSWORD": ADMIN_PASSWORD})
            self.run(VENV_BIN / "chungtay", "demo", "--households", str(self.args.households), "--no-serve")
            self._save_state(ready=True)
        else:
            print(f"reusing {self.tmp} (database {self.db_name})", flush=True)
            self.run(sys.executable, "-m", "django", "migrate", "--noinput")      # the code may be newer
        out = self.run(sys.executable, str(HERE / "bench_load.py"), "--prepare", str(n_users))
        return json.loads(out.strip().splitlines()[-1])

    def _save_state(self, ready: bool = False):
        (self.tmp / "state.json").write_text(json.dumps({"database_url": self.database_url, "ready": ready}))

    def start(self) -> None:
        for unit in ("chungtay-web.service", "chungtay-worker.service"):
            out = open(self.log / f"{unit.split('.')[0]}.out", "a")
            self.procs.append(subprocess.Popen(exec_start(unit), env=self.env, cwd=self.tmp, stdout=out,
                                               stderr=subprocess.STDOUT, preexec_fn=_die_with_parent))
        import httpx
        end = time.monotonic() + 120
        while time.monotonic() < end:
            for p in self.procs:
                if p.poll() is not None:
                    raise SystemExit(f"{p.args[0]} exited with {p.returncode}; see {self.log}")
            try:
                r = httpx.get(f"http://127.0.0.1:{self.port}/healthz", timeout=2)
                if r.status_code == 200 and r.json().get("worker") == "ok":
                    return
            except (httpx.HTTPError, ValueError):
                pass
            time.sleep(0.5)
        raise SystemExit("the stack did not become healthy (web and worker) within 120 s")

    @property
    def web(self):
        return self.procs[0]

    def gunicorn_settings(self) -> dict:
        ns: dict = {}
        old = dict(os.environ)
        os.environ.update(self.env)
        try:
            exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), ns)
        finally:
            os.environ.clear()
            os.environ.update(old)
        return {"workers": ns["workers"], "threads": ns["threads"], "worker_class": ns["worker_class"]}

    def close(self) -> None:
        for p in reversed(self.procs):
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            try:
                p.wait(40)
            except subprocess.TimeoutExpired:
                p.kill()
                p.wait()
        self.procs = []
        if (self.args.keep and self.state.get("ready", True) and self.db_created) or self.args.reuse:
            print(f"kept: {self.tmp} and database {self.db_name}; next time: --reuse {self.tmp}")
            return
        if self.db_created:
            import psycopg
            try:
                with psycopg.connect(self.base + "/postgres", autocommit=True) as c:
                    c.execute(f"DROP DATABASE IF EXISTS {self.db_name} WITH (FORCE)")
            except psycopg.Error as e:
                print(f"could not drop database {self.db_name}: {e}", file=sys.stderr)
        shutil.rmtree(self.tmp, ignore_errors=True)


# ----------------------------------------------------------------------------------------------------
# Measurement helpers

def _proc_cpu(pid: int) -> float:
    """CPU seconds of a process plus its waited-for children (gunicorn reaps recycled workers)."""
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in f[11:15]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def _own_cpu(pid: int) -> float:
    try:
        f = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return sum(int(x) for x in f[11:13]) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _machine_busy() -> float:
    with open("/proc/stat") as f:
        v = [int(x) for x in f.readline().split()[1:]]
    return (sum(v[:8]) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


class CpuMeter:
    """Cores used during a window by the client (this process), the web app, the worker, the
    database's backends for this database, and everything else on the machine."""

    def __init__(self, stack: Stack):
        self.stack = stack

    def _pg(self) -> dict[int, float]:
        try:
            pids = [r[0] for r in self.stack.sql("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                                                 "AND pid <> pg_backend_pid()")]
        except Exception:
            return {}
        return {p: _own_cpu(p) for p in pids}

    def sample(self) -> dict:
        web = self.stack.web.pid
        return {"t": time.monotonic(), "client": time.process_time(), "busy": _machine_busy(),
                "web": _proc_cpu(web) + sum(_own_cpu(c) for c in _children(web)),
                "worker": _proc_cpu(self.stack.procs[1].pid), "pg": self._pg()}

    @staticmethod
    def cores(a: dict, b: dict) -> dict:
        wall = b["t"] - a["t"]
        pg = sum(v - a["pg"].get(p, 0.0) for p, v in b["pg"].items())
        out = {k: (b[k] - a[k]) / wall for k in ("client", "web", "worker")}
        out["database"] = pg / wall
        out["other"] = max(0.0, (b["busy"] - a["busy"]) / wall - sum(out.values()))
        return {k: round(v, 2) for k, v in out.items()}


async def loop_lag(samples: list[float], stop: asyncio.Event) -> None:
    """How late the client's event loop wakes up (ms): large values mean the client is the bottleneck."""
    while not stop.is_set():
        t = time.monotonic()
        await asyncio.sleep(0.05)
        samples.append((time.monotonic() - t - 0.05) * 1000)


def pct(values: list[float], q: float) -> int | None:
    """Nearest-rank percentile, in whole units; None without values."""
    if not values:
        return None
    s = sorted(values)
    return round(s[min(len(s) - 1, max(0, math.ceil(q / 100 * len(s)) - 1))])


ACCESS_RE = re.compile(r'\[+([^\]]+)\]+ "(\S+) (\S+) [^"]*" (\d{3}) \S+ (\d+)ms')


def server_times(log: Path, t0: float, t1: float) -> list[float]:
    """gunicorn's own time (ms) of the requests logged between two wall-clock times (access log)."""
    out = []
    try:
        text = log.read_text(errors="replace")
    except OSError:
        return out
    for m in ACCESS_RE.finditer(text):
        if m.group(3) == "/healthz":
            continue
        try:
            ts = datetime.strptime(m.group(1), "%d/%b/%Y:%H:%M:%S %z").timestamp()
        except ValueError:
            continue
        if t0 <= ts <= t1:
            out.append(float(m.group(5)))
    return out


def summarise(rows, t0: float, t1: float, wall0: float, wall1: float, log: Path) -> dict:
    win = [r for r in rows if t0 <= r[0] <= t1]
    lat = [r[1] * 1000 for r in win]
    errors: dict[str, int] = {}
    by_label: dict[str, list] = {}
    for start, dt, label, status, err in win:
        if err:
            errors[err] = errors.get(err, 0) + 1
        by_label.setdefault(label, []).append((dt * 1000, bool(err)))
    srv = server_times(log, wall0, wall1)
    return {"requests": len(win), "errors": sum(errors.values()), "error_kinds": errors,
            "p50_ms": (pct(lat, 50)), "p95_ms": (pct(lat, 95)), "p99_ms": (pct(lat, 99)),
            "max_ms": round(max(lat)) if lat else None, "throughput_rps": round(len(win) / (t1 - t0), 1),
            "server_p50_ms": (pct(srv, 50)) if srv else None, "server_p99_ms": (pct(srv, 99)) if srv else None,
            "pages": {k: {"n": len(v), "errors": sum(e for _, e in v), "p50_ms": (pct([x for x, _ in v], 50)),
                          "p95_ms": (pct([x for x, _ in v], 95)), "p99_ms": (pct([x for x, _ in v], 99))}
                      for k, v in sorted(by_label.items(), key=lambda kv: -len(kv[1]))}}

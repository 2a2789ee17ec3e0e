"""`chungtay worker` as a process: production mode refuses to start it without keys, exactly like
serve (one line, exit 2); in development `chungtay serve` runs a worker beside itself and stops
it with itself; in production it never does (the worker is its own service)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from chungtay import keys
from tests.installations import free_port

ROOT = Path(__file__).resolve().parent.parent


def _env(tmp_path, production: bool, **extra):
    env = {k: v for k, v in os.environ.items()
           if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "CHUNGTAY_KEY_FILE", "ALLOWED_HOSTS", "DEBUG",
                        "DJANGO_SETTINGS_MODULE", "CHUNGTAY_ENV", "DATABASE_URL")}
    env.update(CHUNGTAY_DATA_DIR=str(tmp_path / "data"), **extra)
    if production:
        env.update(CHUNGTAY_ENV="production", ALLOWED_HOSTS="ct.example.vn")
    return env


def children(pid: int) -> list[str]:
    """Command lines of the processes whose parent is ``pid`` (Linux /proc)."""
    out = []
    for p in Path("/proc").iterdir():
        if not p.name.isdigit():
            continue
        try:
            ppid = int((p / "stat").read_text().rsplit(")", 1)[1].split()[1])
            if ppid == pid:
                out.append((p / "cmdline").read_bytes().replace(b"\0", b" ").decode())
        except (OSError, IndexError, ValueError):
            continue
    return out


def serve(env):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chungtay", "serve", "--port", str(port)], env=env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    for _ in range(300):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return proc
        except OSError:
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_the_worker_refuses_without_keys_in_production(tmp_path):
    r = subprocess.run([sys.executable, "-m", "chungtay", "worker", "--burst"], env=_env(tmp_path, True), cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 2, (r.stdout, r.stderr)
    line = r.stderr.strip()
    assert "\n" not in line and "Traceback" not in line and "production mode" in line and "SECRET_KEY" in line
    assert not (tmp_path / "data" / "jobs").exists()            # it never got as far as taking a worker lock


def test_development_serve_runs_a_worker_and_stops_it_with_itself(tmp_path):
    proc = serve(_env(tmp_path, False))
    try:
        deadline = time.monotonic() + 30
        while not [c for c in children(proc.pid) if "chungtay worker" in c]:
            assert time.monotonic() < deadline, children(proc.pid)
            time.sleep(0.1)
        worker = [c for c in children(proc.pid) if "chungtay worker" in c]
        assert len(worker) == 1 and f"--parent {proc.pid}" in worker[0]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(15)
    deadline = time.monotonic() + 10
    while any(f"--parent {proc.pid}" in c for c in _all_cmdlines()):
        assert time.monotonic() < deadline, "the worker outlived the server"
        time.sleep(0.1)


def test_production_serve_runs_no_worker(tmp_path):
    env = _env(tmp_path, True, SECRET_KEY=keys.generate_secret_key(), FIELD_ENCRYPTION_KEY=keys.generate_field_key())
    proc = serve(env)
    try:
        time.sleep(1.5)                                           # the development worker starts at once
        assert children(proc.pid) == []
    finally:
        proc.terminate()
        proc.wait(15)


def _all_cmdlines() -> list[str]:
    out = []
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                out.append((p / "cmdline").read_bytes().replace(b"\0", b" ").decode())
            except OSError:
                pass
    return out


def test_a_development_worker_stops_when_its_server_is_killed(tmp_path):
    """`--parent PID` (what serve passes): the worker exits once that process is gone, even SIGKILLed."""
    env = _env(tmp_path, False)
    starter = subprocess.Popen([sys.executable, "-c", (
        "import os, subprocess, sys, time\n"
        "p = subprocess.Popen([sys.executable, '-m', 'chungtay', 'worker', '--parent', str(os.getpid()), '--quiet'])\n"
        "print(p.pid, flush=True)\n"
        "time.sleep(600)\n")], env=env, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    worker_pid = int(starter.stdout.readline())
    try:
        time.sleep(1.5)
        assert Path(f"/proc/{worker_pid}").exists()                 # running while its parent lives
        os.kill(starter.pid, signal.SIGKILL)
        starter.wait(10)
        deadline = time.monotonic() + 20
        while Path(f"/proc/{worker_pid}").exists() and "(python" in Path(f"/proc/{worker_pid}/stat").read_text()[:40] \
                and " Z " not in Path(f"/proc/{worker_pid}/stat").read_text():
            assert time.monotonic() < deadline, "the worker outlived its killed server"
            time.sleep(0.1)
    finally:
        try:
            os.kill(worker_pid, signal.SIGKILL)
        except ProcessLookupError:
            pass

"""The documented production stack (docs/deploy.md), started on loopback exactly as the systemd
units in deploy/ start it: CHUNGTAY_ENV=production with the environment file template, real keys
made by ``chungtay keys create``, a fresh PostgreSQL database on 127.0.0.1:5432, migrate,
collectstatic, deploy/bootstrap.py, the ExecStart line of deploy/chungtay-web.service (gunicorn
with deploy/gunicorn.conf.py) and of deploy/chungtay-worker.service. Requests come as nginx
passes them (Host, X-Forwarded-Proto: https); nginx itself is not needed.

Always PostgreSQL (the production database): the server of DATABASE_URL when it is PostgreSQL,
else postgres://postgres:postgres@127.0.0.1:5432.
"""
from __future__ import annotations

import http.client
import json
import os
import re
import shlex
import signal
import subprocess
import sys
import time
import uuid
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import pytest

from tests.installations import ROOT, free_port

pytestmark = pytest.mark.xdist_group("production_stack")

DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent
ADMIN, PASSWORD = "quantri", "Kiem-tra-trien-khai-2025"


def pg_base() -> str:
    url = os.environ.get("DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith("postgres") else "postgres://postgres:postgres@127.0.0.1:5432"


def exec_start(unit: str) -> list[str]:
    """The ExecStart command of a deploy/ unit, with the server's paths mapped to this checkout."""
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
    env.update(ALLOWED_HOSTS=env["ALLOWED_HOSTS"].replace("<HOST>", "chungtay.test"),
               CSRF_TRUSTED_ORIGINS="https://chungtay.test", DATABASE_URL=database_url,
               CHUNGTAY_KEY_FILE=str(tmp / "keys" / "keys.env"), CHUNGTAY_DATA_DIR=str(tmp / "data"),
               CHUNGTAY_BIND=f"127.0.0.1:{port}", CHUNGTAY_ACCESS_LOG=str(tmp / "log" / "web-access.log"))
    assert env["CHUNGTAY_ENV"] == "production" and "<" not in "".join(env.values())
    return env


class Browser:
    """Just enough of a browser behind nginx: cookies, Host and X-Forwarded-Proto: https."""

    def __init__(self, port: int, host: str = "127.0.0.1"):
        self.port, self.host, self.cookies = port, host, {}

    def request(self, method: str, path: str, body: dict | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        h = {"Host": self.host, "X-Forwarded-Proto": "https", **(headers or {})}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data = None
        if body is not None:
            data = urlencode(body)
            h.update({"Content-Type": "application/x-www-form-urlencoded",
                      "Referer": f"https://{self.host}{path}", "Origin": f"https://{self.host}"})
        conn.request(method, path, body=data, headers=h)
        r = conn.getresponse()
        r.body = r.read()
        for raw in r.headers.get_all("Set-Cookie") or []:
            c = SimpleCookie(raw)
            for k, morsel in c.items():
                self.cookies[k] = morsel.value
        r.set_cookies = r.headers.get_all("Set-Cookie") or []
        conn.close()
        return r

    def get(self, path, **kw):
        return self.request("GET", path, **kw)


def wait_healthy(port: int, proc: subprocess.Popen, want_worker: str | None = None, seconds: float = 60) -> dict:
    end = time.monotonic() + seconds
    last = None
    while time.monotonic() < end:
        assert proc.poll() is None, f"the web app exited with {proc.returncode}"
        try:
            r = Browser(port).get("/healthz")
            last = json.loads(r.body)
            if r.status == 200 and (want_worker is None or last["worker"] == want_worker):
                return last
        except (OSError, ValueError):
            pass
        time.sleep(0.25)
    raise AssertionError(f"no healthy answer: {last}")


def stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("prod")
    (tmp / "log").mkdir()
    name = f"ct_prod_{uuid.uuid4().hex[:8]}"
    base = pg_base()
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}")
    port = free_port()
    env = environment(tmp, f"{base}/{name}", port)
    procs = []
    try:
        def run(*cmd, **kw):
            r = subprocess.run(list(cmd), env={**env, **kw.pop("extra", {})}, cwd=tmp, capture_output=True,
                               text=True, timeout=600, **kw)
            assert r.returncode == 0, f"{cmd}: {r.stderr[-2000:]}"
            return r
        # the steps of setup-debian.sh, in its order
        run(str(VENV_BIN / "chungtay"), "keys", "create", "--out", env["CHUNGTAY_KEY_FILE"])
        run(sys.executable, "-m", "django", "migrate", "--noinput")
        run(sys.executable, "-m", "django", "collectstatic", "--noinput", "--verbosity", "0")
        deploy_check = run(sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "ERROR")
        run(sys.executable, str(DEPLOY / "bootstrap.py"),
            extra={"CHUNGTAY_ADMIN_USER": ADMIN, "CHUNGTAY_ADMIN_PASSWORD": PASSWORD})
        web = subprocess.Popen(exec_start("chungtay-web.service"), env=env, cwd=tmp,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(web)
        worker = subprocess.Popen(exec_start("chungtay-worker.service"), env=env, cwd=tmp,
                                  stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        procs.append(worker)
        wait_healthy(port, web)
        yield {"port": port, "env": env, "tmp": tmp, "web": web, "worker": worker, "db": name, "base": base,
               "deploy_check": deploy_check.stderr + deploy_check.stdout}
    finally:
        for p in procs:
            stop(p)
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def test_the_units_run_the_documented_commands():
    assert exec_start("chungtay-web.service")[:3] == [f"{VENV_BIN}/gunicorn", "--config",
                                                     str(DEPLOY / "gunicorn.conf.py")]
    assert exec_start("chungtay-worker.service") == [f"{VENV_BIN}/chungtay", "worker"]
    for unit in ("chungtay-web.service", "chungtay-worker.service", "chungtay-backup.service"):
        text = (DEPLOY / unit).read_text()
        assert "EnvironmentFile=/etc/chungtay/chungtay.env" in text and "User=chungtay" in text


def test_it_chooses_workers_for_the_machine():
    ns: dict = {}
    exec(compile((DEPLOY / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), ns)
    assert ns["default_workers"](cores=2, memory_mb=4096) == 3
    assert ns["default_workers"](cores=8, memory_mb=16384) == 9
    assert ns["default_workers"](cores=16, memory_mb=2048) == 2          # memory-bound, never below 2
    assert ns["default_workers"](cores=64, memory_mb=262144) == 12
    assert ns["bind"].startswith("127.0.0.1:") and ns["worker_class"] == "gthread" and ns["preload_app"]


def test_the_health_check_sees_the_database_and_the_worker(stack):
    assert wait_healthy(stack["port"], stack["web"], want_worker="ok") == {
        "status": "ok", "database": "ok", "worker": "ok"}


def test_an_officer_logs_in_and_opens_pages_over_the_proxy(stack):
    b = Browser(stack["port"], host="chungtay.test")
    r = b.get("/login/")
    assert r.status == 200
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', r.body).group(1).decode()
    r = b.request("POST", "/login/", {"csrfmiddlewaretoken": token, "username": ADMIN, "password": PASSWORD})
    assert r.status == 302, r.body[:500]
    session = [c for c in r.set_cookies if c.startswith("sessionid=")]
    assert session and "Secure" in session[0] and "HttpOnly" in session[0]
    r = b.get("/")
    assert r.status == 302 and r.getheader("Location") == "/national/"     # logged in: the national view
    # (pages of a fresh installation, before the first import)
    for path in ("/households/", "/standards/", "/plans/", "/units/1/"):
        r = b.get(path)
        assert r.status == 200, (path, r.status)
        assert b'name="password"' not in r.body, f"{path}: the log-in form instead of the page"
    r = b.get("/static/web/app.js")
    assert r.status == 200 and b"data-autosubmit" in r.body


def test_it_sends_the_security_headers(stack):
    r = Browser(stack["port"], host="chungtay.test").get("/login/")
    h = {k.lower(): v for k, v in r.getheaders()}
    assert "max-age=31536000" in h["strict-transport-security"]
    assert "script-src 'self'" in h["content-security-policy"] and "frame-ancestors 'none'" in h["content-security-policy"]
    assert h["x-frame-options"] == "DENY" and h["x-content-type-options"] == "nosniff"
    assert h["referrer-policy"] == "same-origin"
    csrf = [c for c in r.set_cookies if c.startswith("csrftoken=")]
    assert csrf and "Secure" in csrf[0]


def test_it_refuses_hosts_it_does_not_serve(stack):
    assert Browser(stack["port"], host="evil.example").get("/login/").status == 400


def test_the_access_log_holds_no_query_strings(stack):
    b = Browser(stack["port"])
    b.get("/login/?next=/households/%3Fq%3DNguyen%20Van%20A")
    log = Path(stack["env"]["CHUNGTAY_ACCESS_LOG"])
    for _ in range(40):
        if log.exists() and "/login/" in log.read_text():
            break
        time.sleep(0.1)
    text = log.read_text()
    assert '"GET /login/ HTTP/1.1" 200' in text and "/healthz" in text
    assert "Nguyen" not in text and "next=" not in text


def test_deploy_check_reports_no_error(stack):
    assert "ERROR" not in stack["deploy_check"].upper().replace("ERRORS", "")


def test_the_app_and_the_worker_refuse_to_start_without_a_key(stack):
    for unit in ("chungtay-web.service", "chungtay-worker.service"):
        env = {k: v for k, v in stack["env"].items() if k != "CHUNGTAY_KEY_FILE"}
        env["CHUNGTAY_BIND"] = f"127.0.0.1:{free_port()}"
        r = subprocess.run(exec_start(unit), env=env, cwd=stack["tmp"], capture_output=True, text=True, timeout=60)
        assert r.returncode == 2, (unit, r.returncode, r.stderr[-500:])
        out = r.stderr + r.stdout
        assert "refuses to start" in out and "FIELD_ENCRYPTION_KEY is missing" in out and "Traceback" not in out
    # and with a field key that is a known default
    env = dict(stack["env"], FIELD_ENCRYPTION_KEY="change-me", CHUNGTAY_BIND=f"127.0.0.1:{free_port()}")
    r = subprocess.run(exec_start("chungtay-web.service"), env=env, cwd=stack["tmp"], capture_output=True,
                       text=True, timeout=60)
    assert r.returncode == 2 and "known default" in r.stderr


def test_zz_health_answers_503_when_the_database_is_gone(stack):
    """Last: drops the stack's database under the running app."""
    with psycopg.connect(stack["base"] + "/postgres", autocommit=True) as c:
        c.execute(f"DROP DATABASE {stack['db']} WITH (FORCE)")
    r = Browser(stack["port"]).get("/healthz")
    assert r.status == 503
    assert json.loads(r.body) == {"status": "error", "database": "unreachable", "worker": "unknown"}
    assert stack["web"].poll() is None, "the web app keeps running and recovers when the database is back"

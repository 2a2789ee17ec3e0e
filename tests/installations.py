"""A real installation for the tests that need one: its own data folder, its own database (a
SQLite file, or a fresh PostgreSQL database when DATABASE_URL points at PostgreSQL), loaded with
the demo by the real command, and optionally served by the real server process."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Installation:
    def __init__(self, env: dict, data_dir: Path, database_url: str | None):
        self.env, self.data_dir, self.database_url = env, data_dir, database_url

    @property
    def database(self) -> str:
        """The PostgreSQL URL, or the path of the SQLite file."""
        return self.database_url or str(self.data_dir / "chungtay.sqlite3")

    def sql(self, query: str, *params):
        """Read the installation's own database (``?`` placeholders on both)."""
        if self.database_url:
            import psycopg
            with psycopg.connect(self.database_url) as c:     # no parameters: a literal % stays itself
                cur = c.execute(query.replace("?", "%s"), params) if params else c.execute(query)
                return cur.fetchall() if cur.description is not None else []     # an UPDATE has no rows
        import sqlite3
        with sqlite3.connect(self.database) as c:
            return c.execute(query, params).fetchall()

    def run(self, *args, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, *args], env=self.env, check=True, capture_output=True, cwd=ROOT,
                              **kwargs)


# A demo of N households loaded once per test process and copied for each installation that asks for
# it (the data folder with its key file; the SQLite file, or a PostgreSQL database made from a template):
# every installation still starts from the same pristine state, without loading the demo again.
_TEMPLATES: dict[tuple[str, int], tuple[Path, str | None]] = {}


def _template(base_env: dict, households: int) -> tuple[Path, str | None]:
    """(data folder, PostgreSQL template database or None) of a demo of ``households``."""
    pg = base_env.get("DATABASE_URL", "").startswith("postgres")
    key = (base_env.get("DATABASE_URL", "") if pg else "sqlite", households)
    if key not in _TEMPLATES:
        import atexit
        import shutil
        import tempfile
        folder = Path(tempfile.mkdtemp(prefix="chungtay-template-")) / "data"
        env = dict(base_env, CHUNGTAY_DATA_DIR=str(folder), DJANGO_SETTINGS_MODULE="chungtay.settings")
        db_name = None
        if pg:
            import psycopg
            server = env["DATABASE_URL"].rsplit("/", 1)[0]
            db_name = f"chungtay_tmpl_{households}_{uuid.uuid4().hex[:8]}"
            with psycopg.connect(server + "/postgres", autocommit=True) as c:
                c.execute(f"CREATE DATABASE {db_name}")
            env["DATABASE_URL"] = f"{server}/{db_name}"

            def drop(server=server, db_name=db_name):
                with psycopg.connect(server + "/postgres", autocommit=True) as c:
                    c.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")
            atexit.register(drop)
        atexit.register(shutil.rmtree, folder.parent, True)
        Installation(env, folder, env["DATABASE_URL"] if pg else None).run(
            "-m", "chungtay", "demo", "--households", str(households), "--no-serve")
        _TEMPLATES[key] = (folder, db_name)
    return _TEMPLATES[key]


@contextmanager
def installation(data_dir: Path, name: str, households: int, env: dict | None = None, load_demo: bool = True):
    """Yield an Installation with the demo loaded (or only migrated: ``load_demo=False``); drop its
    PostgreSQL database afterwards. With the test process's own environment the loaded demo is a
    copy of one loaded once per process (see ``_template``)."""
    shared = env is None and load_demo
    template = _template(dict(os.environ), households) if shared else None
    env = dict(os.environ if env is None else env, CHUNGTAY_DATA_DIR=str(data_dir),
               DJANGO_SETTINGS_MODULE="chungtay.settings")
    if template is not None:
        import shutil
        shutil.copytree(template[0], data_dir, dirs_exist_ok=True)
    base = db_name = None
    if env.get("DATABASE_URL", "").startswith("postgres"):
        import psycopg
        base = env["DATABASE_URL"].rsplit("/", 1)[0]
        db_name = f"chungtay_{name}_{uuid.uuid4().hex[:8]}"
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f"CREATE DATABASE {db_name}" + (f" TEMPLATE {template[1]}" if template else ""))
        env["DATABASE_URL"] = f"{base}/{db_name}"
    try:
        inst = Installation(env, Path(data_dir), env["DATABASE_URL"] if db_name else None)
        if template is None:
            if load_demo:
                inst.run("-m", "chungtay", "demo", "--households", str(households), "--no-serve")
            else:
                inst.run("-m", "django", "migrate", "--verbosity", "0")
        yield inst
    finally:
        if db_name:
            import psycopg
            with psycopg.connect(base + "/postgres", autocommit=True) as c:
                c.execute(f"DROP DATABASE IF EXISTS {db_name} WITH (FORCE)")


@contextmanager
def served(inst: Installation):
    """Serve the installation with the real server; yield its base URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "chungtay", "serve", "--port", str(port)], env=inst.env, cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(150):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(10)

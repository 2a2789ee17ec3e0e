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


# A demo of N households loaded once per test run and copied for each installation that asks for it
# (the data folder with its key file; the SQLite file, or a PostgreSQL database made from a template):
# every installation still starts from the same pristine state, without loading the demo again. The
# templates are shared by the run's processes (xdist workers) under a lock, in a folder named after the
# run; the controller removes them and their databases when the run ends (tests/conftest.py). An
# installation that loads its own demo (its own environment) or none starts from a copy of a migrated
# empty database made the same way: the real ``chungtay demo`` still runs its migrate, which finds
# nothing left to apply (migrating an empty database takes 20 s: Django renders its model states
# again for each of the project's ~100 models).
def run_id() -> str:
    """The run's id: set by the controller before its workers start (tests/conftest.py)."""
    return os.environ.setdefault("CHUNGTAY_TEST_RUN", uuid.uuid4().hex[:12])


def shared_folder() -> Path:
    import tempfile
    folder = Path(tempfile.gettempdir()) / f"chungtay-templates-{run_id()}"
    folder.mkdir(mode=0o700, exist_ok=True)
    return folder


TEMPLATE_DB_PREFIX = "chungtay_tmpl_"


def _server(env: dict) -> str | None:
    url = env.get("DATABASE_URL", "")
    return url.rsplit("/", 1)[0] if url.startswith("postgres") else None


def _create_database(server: str, name: str, template: str | None = None) -> None:
    import psycopg
    with psycopg.connect(server + "/postgres", autocommit=True) as c:
        c.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))


def _drop_databases(server: str, *names: str) -> None:
    import psycopg
    with psycopg.connect(server + "/postgres", autocommit=True) as c:
        for name in names:
            c.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@contextmanager
def _locked(name: str):
    import fcntl
    with open(shared_folder() / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _template(base_env: dict, households: int | None) -> tuple[Path, str | None]:
    """(data folder, PostgreSQL template database or None) of a demo of ``households``, or of a
    migrated empty database (``None``), made once per run."""
    server = _server(base_env)
    what = "migrated" if households is None else str(households)
    key = f"{'pg' if server else 'sqlite'}-{what}"
    folder = shared_folder() / key / "data"
    db_name = f"{TEMPLATE_DB_PREFIX}{run_id()}_{what}".lower() if server else None
    with _locked(key):
        if not (folder.parent / "ready").exists():
            import shutil
            shutil.rmtree(folder.parent, ignore_errors=True)
            env = dict(base_env, CHUNGTAY_DATA_DIR=str(folder), DJANGO_SETTINGS_MODULE="chungtay.settings")
            if server:
                _drop_databases(server, db_name)
                env["DATABASE_URL"] = f"{server}/{db_name}"
            inst = Installation(env, folder, env["DATABASE_URL"] if server else None)
            if households is None:
                if server:
                    _create_database(server, db_name)
                inst.run("-m", "django", "migrate", "--verbosity", "0")
            else:
                _seed(env, folder)        # the migrated empty database: the demo's migrate finds nothing to do
                inst.run("-m", "chungtay", "demo", "--households", str(households), "--no-serve")
            (folder.parent / "ready").touch()
    return folder, db_name


def _seed(env: dict, data_dir: Path) -> None:
    """Give the installation of ``env`` (data folder ``data_dir``) a copy of the migrated empty
    database: its SQLite file, or its PostgreSQL database created from the migrated template."""
    base = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    if "DATABASE_URL" in env:                 # the installation's kind of database, not the test's
        base["DATABASE_URL"] = env["DATABASE_URL"]
    migrated, migrated_db = _template(base, None)
    server = _server(env)
    if server:
        _create_database(server, env["DATABASE_URL"].rsplit("/", 1)[1], migrated_db)
        return
    import sqlite3
    data_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    with sqlite3.connect(migrated / "chungtay.sqlite3") as src, sqlite3.connect(data_dir / "chungtay.sqlite3") as dst:
        src.backup(dst)


def drop_shared_templates() -> None:
    """The run's templates: their folder and PostgreSQL databases (called by the controller at the end)."""
    import shutil
    shutil.rmtree(shared_folder(), ignore_errors=True)
    server = _server(dict(os.environ))
    if server:
        import psycopg
        with psycopg.connect(server + "/postgres", autocommit=True) as c:
            names = [r[0] for r in c.execute("SELECT datname FROM pg_database WHERE datname LIKE %s",
                                             [f"{TEMPLATE_DB_PREFIX}{run_id()}_%".lower()])]
        _drop_databases(server, *names)


@contextmanager
def installation(data_dir: Path, name: str, households: int, env: dict | None = None, load_demo: bool = True):
    """Yield an Installation with the demo loaded (or only migrated: ``load_demo=False``); drop its
    PostgreSQL database afterwards. With the test process's own environment the loaded demo is a
    copy of one loaded once per run (see ``_template``)."""
    # a copy of the test's environment (e.g. without the key variables, when none were set) shares it too
    shared = load_demo and (env is None or env == dict(os.environ))
    template = _template(dict(os.environ), households) if shared else None
    env = dict(os.environ if env is None else env, CHUNGTAY_DATA_DIR=str(data_dir),
               DJANGO_SETTINGS_MODULE="chungtay.settings")
    if template is not None:
        import shutil
        shutil.copytree(template[0], data_dir, dirs_exist_ok=True)
    db_name = None
    if base := _server(env):
        db_name = f"chungtay_{name}_{uuid.uuid4().hex[:8]}"
        env["DATABASE_URL"] = f"{base}/{db_name}"
        if template is not None:
            _create_database(base, db_name, template[1])
    try:
        inst = Installation(env, Path(data_dir), env["DATABASE_URL"] if db_name else None)
        if template is None:
            _seed(env, Path(data_dir))        # a migrated empty database: its own demo's migrate is a no-op
            if load_demo:
                inst.run("-m", "chungtay", "demo", "--households", str(households), "--no-serve")
            else:
                inst.run("-m", "django", "migrate", "--verbosity", "0")    # nothing left: proves it
        yield inst
    finally:
        if db_name:
            _drop_databases(base, db_name)


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

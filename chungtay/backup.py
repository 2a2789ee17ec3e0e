"""``chungtay backup`` and ``chungtay restore`` (docs/backup.md).

A backup is a folder ``chungtay-backup-<YYYYmmdd-HHMMSS>/`` holding

* the database: ``database.sqlite3`` (SQLite's online backup: a consistent copy while the app writes)
  or ``database.dump`` (``pg_dump --format=custom`` of one exported snapshot);
* ``manifest.json``: when, which engine and server version, the SHA-256 of the database file, the
  row count and a checksum of every table (computed in the same snapshot as the dump), the latest
  migration of each app and the id of the field key that the stored citizen IDs need.

The key material (``keys.env``: SECRET_KEY and FIELD_ENCRYPTION_KEY, plus retired field keys) goes
to a separate folder ``chungtay-keys-<stamp>/`` (or ``--keys-out``), never into the backup folder:
the database backup alone reveals no citizen ID; together with its key it does. Store them apart.

``restore`` checks the manifest (file checksum, engine, field key) before anything changes, loads the
backup into a staging copy (a new PostgreSQL database, or a SQLite file beside the live one),
compares every table's row count and checksum with the manifest, and only then replaces the live
database in one step (a database rename on PostgreSQL, SQLite's backup API on SQLite). Anything
wrong before that step leaves the live database untouched. The previous database is kept
(``<name>_pre_restore_<stamp>`` on PostgreSQL, ``pre-restore-<stamp>.sqlite3`` on SQLite).

Table checksum: SHA-256 of each row's normalized values, summed modulo 2^256 over the rows (the same
multiset of rows gives the same checksum whatever their order), with the row count.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

FORMAT = 1
MANIFEST = "manifest.json"
SQLITE_FILE = "database.sqlite3"
PG_FILE = "database.dump"
BACKUP_PREFIX = "chungtay-backup-"
KEYS_PREFIX = "chungtay-keys-"
_MOD = 1 << 256


class BackupError(Exception):
    """The backup or restore did not happen; the message says why (and that nothing changed)."""


# --- table statistics (engine-neutral DB-API) ----------------------------------------------------

def _norm(v):
    if isinstance(v, (dict, list)):
        return json.dumps(v, sort_keys=True, ensure_ascii=False, default=str)
    if isinstance(v, memoryview):
        return bytes(v)
    return v


def _digest(rows) -> tuple[int, str]:
    n, total = 0, 0
    for row in rows:
        h = hashlib.sha256(repr(tuple(_norm(v) for v in row)).encode("utf-8", "surrogatepass")).digest()
        total = (total + int.from_bytes(h, "big")) % _MOD
        n += 1
    return n, f"{total:064x}"


def sqlite_stats(path: str | Path) -> dict[str, dict]:
    """{table: {"rows": n, "checksum": hex}} of a SQLite file (opened read-only)."""
    con = sqlite3.connect(f"file:{Path(path)}?mode=ro", uri=True)
    try:
        con.execute("BEGIN")       # one read snapshot for every table
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
        out = {}
        for t in names:
            n, c = _digest(con.execute(f'SELECT * FROM "{t}"'))
            out[t] = {"rows": n, "checksum": c}
        con.execute("COMMIT")
        return out
    finally:
        con.close()


def pg_stats(conn) -> dict[str, dict]:
    """{table: {"rows": n, "checksum": hex}} of the public schema, read in ``conn``'s transaction."""
    names = [r[0] for r in conn.execute(
        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename").fetchall()]
    out = {}
    for t in names:
        with conn.cursor(name=f"ct_stats_{len(out)}") as cur:
            cur.itersize = 20_000
            cur.execute(f'SELECT * FROM public."{t}"')
            n, c = _digest(cur)
        out[t] = {"rows": n, "checksum": c}
    return out


def pg_url_stats(url: str) -> dict[str, dict]:
    with _pg_connect(_conninfo(url)) as conn:
        return pg_stats(conn)


def _pg_connect(conninfo: str):
    """A connection whose first statement opens a read-only REPEATABLE READ transaction (one snapshot),
    with times in UTC (the same text for the same rows on every server)."""
    import psycopg
    conn = psycopg.connect(conninfo, options="-c TimeZone=UTC")
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.read_only = True
    return conn


def database_stats(database: str) -> dict[str, dict]:
    """Stats of a PostgreSQL URL or a SQLite file path (for tests and checks)."""
    return pg_url_stats(database) if database.startswith("postgres") else sqlite_stats(database)


# --- connection settings -------------------------------------------------------------------------

def _db():
    from django.conf import settings
    return settings.DATABASES["default"]


def engine() -> str:
    return "sqlite" if _db()["ENGINE"].endswith("sqlite3") else "postgresql"


def _pg_params(db=None, name: str | None = None) -> dict:
    db = db or _db()
    return {k: v for k, v in {"host": db.get("HOST") or None, "port": str(db.get("PORT") or "") or None,
                              "user": db.get("USER") or None, "password": db.get("PASSWORD") or None,
                              "dbname": name or db["NAME"]}.items() if v}


def _conninfo(url_or_params) -> str:
    from psycopg.conninfo import make_conninfo
    if isinstance(url_or_params, str):
        return url_or_params
    return make_conninfo(**url_or_params)


def _pg_env(params: dict) -> dict:
    env = dict(os.environ)
    for k, var in (("host", "PGHOST"), ("port", "PGPORT"), ("user", "PGUSER"), ("password", "PGPASSWORD"),
                   ("dbname", "PGDATABASE")):
        if params.get(k):
            env[var] = params[k]
    return env


def _tool_major(tool: str) -> int:
    exe = shutil.which(tool)
    if not exe:
        raise BackupError(f"{tool} is not installed (Debian: apt-get install postgresql-client)")
    out = subprocess.run([exe, "--version"], capture_output=True, text=True, check=True).stdout
    m = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(m.group(1)) if m else 0


def _server_major(conn) -> int:
    return int(conn.execute("SHOW server_version_num").fetchone()[0]) // 10000


# --- backup --------------------------------------------------------------------------------------

def _stamp() -> str:
    return datetime.now().strftime("%Y%m%d-%H%M%S")


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _migrations(cursor_rows) -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in cursor_rows:
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _backup_sqlite(folder: Path) -> dict:
    live = Path(_db()["NAME"])
    dest = folder / SQLITE_FILE
    if not live.is_file():
        raise BackupError(f"no database at {live}: nothing to back up (run `chungtay demo --no-serve` "
                          "or `python -m django migrate` first)")
    src = sqlite3.connect(live, timeout=30)
    dst = sqlite3.connect(dest)
    try:
        src.backup(dst)            # one step: a consistent copy, writers go on (WAL)
        dst.execute("PRAGMA journal_mode=DELETE")        # a single self-contained file
    finally:
        dst.close()
        src.close()
    con = sqlite3.connect(f"file:{dest}?mode=ro", uri=True)
    try:
        migrations = _migrations(con.execute("SELECT app, name FROM django_migrations"))
        version = sqlite3.sqlite_version
    except sqlite3.Error as e:
        raise BackupError(f"{live} is not a migrated Chung Tay database ({e}): nothing to back up "
                          "(run `python -m django migrate` first)") from None
    finally:
        con.close()
    return {"engine": "sqlite", "server_version": version, "database_file": SQLITE_FILE,
            "tables": sqlite_stats(dest), "migrations": migrations}


def _backup_pg(folder: Path) -> dict:
    params = _pg_params()
    dest = folder / PG_FILE
    with _pg_connect(_conninfo(params)) as conn:
        server = _server_major(conn)
        tool = _tool_major("pg_dump")
        if tool < server:
            raise BackupError(f"pg_dump {tool} cannot dump a PostgreSQL {server} server: install "
                              f"postgresql-client-{server} (pg_dump must be at least the server's version)")
        snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
        # pg_dump reads the very snapshot this transaction holds; the table checksums below too
        r = subprocess.run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--snapshot={snapshot}",
                            "--file", str(dest)], env=_pg_env(params), capture_output=True, text=True)
        if r.returncode != 0:
            raise BackupError(f"pg_dump failed: {r.stderr.strip()[:500]}")
        tables = pg_stats(conn)
        migrations = _migrations(conn.execute("SELECT app, name FROM django_migrations").fetchall())
        version = conn.execute("SHOW server_version").fetchone()[0]
        conn.rollback()
    return {"engine": "postgresql", "server_version": version, "pg_dump_major": tool, "database_file": PG_FILE,
            "tables": tables, "migrations": migrations}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        return version("chungtay")
    except PackageNotFoundError:
        return ""


def _field_key_id() -> str:
    from django.conf import settings

    from chungtay import keys
    return keys.FieldKey.from_value(settings.FIELD_ENCRYPTION_KEY).kid


def _write_keys(folder: Path) -> tuple[Path, list[str]]:
    """The key file for this backup (mode 0600 in a 0700 folder) and the retired keys beside the
    installation's key file; returns the folder and the file names written."""
    from django.conf import settings

    from chungtay import keys
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(folder, 0o700)
    names = []
    keys.write_key_file(folder / keys.KEY_FILE_NAME, {"SECRET_KEY": settings.SECRET_KEY,
                                                      "FIELD_ENCRYPTION_KEY": settings.FIELD_ENCRYPTION_KEY},
                        force=True)
    names.append(keys.KEY_FILE_NAME)
    if settings.FIELD_KEY_SOURCE != "environment":
        src = Path(settings.FIELD_KEY_SOURCE)
        for old in sorted(src.parent.glob(src.name + ".retired-*")):
            shutil.copyfile(old, folder / old.name)
            os.chmod(folder / old.name, 0o600)
            names.append(old.name)
    return folder, names


def _inside(path: Path, folder: Path) -> bool:
    try:
        path.resolve().relative_to(folder.resolve())
        return True
    except ValueError:
        return False


def backup(out: Path, keys_out: Path | None = None, with_keys: bool = True, keep: int | None = None,
           log=lambda m: print(m, file=sys.stderr)) -> Path:
    """Write a backup folder into ``out``; return its path."""
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    stamp = _stamp()
    final = out / f"{BACKUP_PREFIX}{stamp}"
    n = 1
    while final.exists():
        n += 1
        final = out / f"{BACKUP_PREFIX}{stamp}-{n}"
    if with_keys:
        keys_dir = (Path(keys_out) if keys_out else out) / f"{KEYS_PREFIX}{final.name[len(BACKUP_PREFIX):]}"
        if _inside(keys_dir, final):
            raise BackupError("--keys-out must not be inside the backup folder: keys are stored apart")
    partial = out / f".{final.name}.partial"
    partial.mkdir(mode=0o700)
    t0 = time.perf_counter()
    try:
        info = _backup_sqlite(partial) if engine() == "sqlite" else _backup_pg(partial)
        db_file = partial / info["database_file"]
        manifest = {"format": FORMAT, "app": "chungtay", "app_version": _version(),
                    "created_at": datetime.now().astimezone().isoformat(),
                    **{k: v for k, v in info.items() if k != "tables"},
                    "file_sha256": _sha256(db_file), "file_bytes": db_file.stat().st_size,
                    "field_key_id": _field_key_id(), "tables": info["tables"]}
        (partial / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8")
        os.rename(partial, final)
    except BaseException:
        shutil.rmtree(partial, ignore_errors=True)
        raise
    rows = sum(t["rows"] for t in manifest["tables"].values())
    log(f"backup written: {final} ({manifest['engine']}, {len(manifest['tables'])} tables, {rows:,} rows, "
        f"{manifest['file_bytes']:,} bytes, {time.perf_counter() - t0:.1f}s)")
    if with_keys:
        folder, names = _write_keys(keys_dir)
        bar = "!" * 78
        log(f"\n{bar}\n"
            f"KHÓA / KEYS: written to {folder} ({', '.join(names)}), SEPARATELY from the database backup.\n"
            "Cất khóa ở NƠI KHÁC với bản sao lưu cơ sở dữ liệu. Store the keys APART from the database backup\n"
            "(another disk or server, a USB stick in a safe): the database backup alone reveals no citizen ID\n"
            "number; together with these keys it does. Without FIELD_ENCRYPTION_KEY (key id "
            f"{manifest['field_key_id']})\nthe citizen IDs in this backup can never be read again.\n{bar}")
    else:
        log(f"keys not written (--no-keys): this backup needs the field key with id {manifest['field_key_id']}")
    if keep:
        prune(out, keep, log)
    return final


def prune(out: Path, keep: int, log=print) -> list[Path]:
    """Delete all but the newest ``keep`` backup folders in ``out`` (never key folders)."""
    found = sorted((p for p in Path(out).glob(BACKUP_PREFIX + "*") if p.is_dir() and (p / MANIFEST).exists()),
                   key=lambda p: p.name)
    gone = found[:-keep] if keep > 0 else []
    for p in gone:
        shutil.rmtree(p)
        log(f"removed old backup {p}")
    return gone


# --- restore -------------------------------------------------------------------------------------

def read_manifest(path: Path) -> dict:
    path = Path(path)
    try:
        manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BackupError(f"{path}: not a Chung Tay backup (no {MANIFEST})") from None
    except (OSError, ValueError) as e:
        raise BackupError(f"{path}/{MANIFEST}: unreadable ({e}); nothing was changed") from None
    if not isinstance(manifest, dict) or manifest.get("app") != "chungtay" or manifest.get("format") != FORMAT \
            or not isinstance(manifest.get("tables"), dict):
        raise BackupError(f"{path}/{MANIFEST}: not a Chung Tay backup manifest of format {FORMAT}")
    return manifest


def verify(path: Path) -> dict:
    """Checks that need no database: the manifest, the engine, the file checksum, the field key."""
    path = Path(path)
    manifest = read_manifest(path)
    if manifest.get("engine") != engine():
        raise BackupError(f"this is a {manifest.get('engine')} backup and the installation uses {engine()}; "
                          "nothing was changed")
    db_file = path / str(manifest.get("database_file", ""))
    if not db_file.is_file():
        raise BackupError(f"{db_file}: missing; nothing was changed")
    if _sha256(db_file) != manifest.get("file_sha256"):
        raise BackupError(f"{db_file}: damaged (its SHA-256 differs from the manifest); nothing was changed")
    kid = _field_key_id()
    if manifest.get("field_key_id") != kid:
        raise BackupError(f"the backup needs the field key with id {manifest.get('field_key_id')} and this "
                          f"installation uses {kid}: put the backup's keys.env in place (CHUNGTAY_KEY_FILE) "
                          "first (docs/backup.md); nothing was changed")
    return manifest


def _compare(expected: dict, got: dict) -> None:
    bad = sorted(t for t in set(expected) | set(got) if expected.get(t) != got.get(t))
    if bad:
        raise BackupError(f"the restored copy differs from the manifest in {len(bad)} table(s) "
                          f"({', '.join(bad[:5])}{'…' if len(bad) > 5 else ''}): the backup is damaged; "
                          "the database was not changed")


def current_counts() -> dict:
    from chungtay.households.models import Household, Member
    return {"households now": Household.objects.count(), "members now": Member.objects.count()}


def restore(path: Path, log=lambda m: print(m, file=sys.stderr)) -> dict:
    """Replace the live database with the backup (after :func:`verify` and the confirmation)."""
    from django.db import connections
    path = Path(path)
    manifest = verify(path)
    stamp = _stamp()
    connections.close_all()
    if engine() == "sqlite":
        kept = _restore_sqlite(path / manifest["database_file"], manifest, stamp, log)
    else:
        kept = _restore_pg(path / manifest["database_file"], manifest, stamp, log)
    connections.close_all()
    return {"manifest": manifest, "previous": kept}


def _restore_sqlite(db_file: Path, manifest: dict, stamp: str, log) -> str:
    live = Path(_db()["NAME"])
    staging = live.with_name(f".restore-{stamp}.sqlite3")
    shutil.copyfile(db_file, staging)
    try:
        _compare(manifest["tables"], sqlite_stats(staging))
        log("the backup's tables match its manifest")
        kept = live.with_name(f"pre-restore-{stamp}.sqlite3")
        src = sqlite3.connect(live, timeout=30)
        try:
            k = sqlite3.connect(kept)
            try:
                src.backup(k)           # the database as it was, kept beside it
            finally:
                k.close()
            st = sqlite3.connect(staging)
            try:
                st.backup(src)          # all pages in one step, in one write transaction: all or nothing
            finally:
                st.close()
        finally:
            src.close()
    finally:
        staging.unlink(missing_ok=True)
        for suffix in ("-wal", "-shm", "-journal"):
            Path(str(staging) + suffix).unlink(missing_ok=True)
    return str(kept)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _restore_pg(db_file: Path, manifest: dict, stamp: str, log) -> str:
    import psycopg
    params = _pg_params()
    live = params["dbname"]
    tool = _tool_major("pg_restore")
    if tool < int(manifest.get("pg_dump_major", 0)):
        raise BackupError(f"pg_restore {tool} cannot read a dump of pg_dump {manifest.get('pg_dump_major')}; "
                          "nothing was changed")
    r = subprocess.run(["pg_restore", "--list", str(db_file)], capture_output=True, text=True)
    if r.returncode != 0:
        raise BackupError(f"{db_file}: not a readable dump ({r.stderr.strip()[:200]}); nothing was changed")
    staging = f"{live[:30]}_restore_{stamp.replace('-', '_')}"
    kept = f"{live[:30]}_pre_restore_{stamp.replace('-', '_')}"
    admin = _conninfo(_pg_params(name="postgres"))
    with psycopg.connect(admin, autocommit=True) as c:
        enc, coll, ctype = c.execute("SELECT pg_encoding_to_char(encoding), datcollate, datctype FROM pg_database "
                                     "WHERE datname = %s", [live]).fetchone()
        c.execute(f"CREATE DATABASE {_q(staging)} TEMPLATE template0 ENCODING '{enc}' "
                  f"LC_COLLATE '{coll}' LC_CTYPE '{ctype}'")
    swapped = False
    try:
        r = subprocess.run(["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction",
                            "--dbname", staging, str(db_file)], env=_pg_env(params), capture_output=True, text=True)
        if r.returncode != 0:
            raise BackupError(f"pg_restore failed ({r.stderr.strip()[:300]}); the database was not changed")
        _compare(manifest["tables"], pg_url_stats(_conninfo(_pg_params(name=staging))))
        log("the backup's tables match its manifest")
        with psycopg.connect(admin, autocommit=True) as c:
            c.execute(f"ALTER DATABASE {_q(live)} WITH ALLOW_CONNECTIONS false")
            try:
                for attempt in range(10):
                    c.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname IN (%s, %s) AND pid <> pg_backend_pid()", [live, staging])
                    try:
                        with c.transaction():      # both renames or neither
                            c.execute(f"ALTER DATABASE {_q(live)} RENAME TO {_q(kept)}")
                            c.execute(f"ALTER DATABASE {_q(staging)} RENAME TO {_q(live)}")
                        swapped = True
                        break
                    except psycopg.errors.ObjectInUse:
                        time.sleep(0.5)
                if not swapped:
                    raise BackupError(f"the database {live} stays in use (stop the web app and the worker); "
                                      "nothing was changed")
            finally:
                if not swapped:
                    c.execute(f"ALTER DATABASE {_q(live)} WITH ALLOW_CONNECTIONS true")
    finally:
        if not swapped:
            with psycopg.connect(admin, autocommit=True) as c:
                c.execute(f"DROP DATABASE IF EXISTS {_q(staging)} WITH (FORCE)")
    return kept


def record(actor, path: Path, result: dict) -> None:
    """The audit event, written into the restored database (the actor by user name)."""
    from django.contrib.auth import get_user_model

    from chungtay.accounts.models import AuditEvent
    user = get_user_model().objects.filter(username=actor.username).first()
    m = result["manifest"]
    AuditEvent.objects.create(actor=user, action="backup.restored", object_type="backup",
                              object_id=Path(path).name[:40],
                              changes={"by": actor.username, "backup_created_at": m["created_at"],
                                       "tables": len(m["tables"]), "previous_database": result["previous"]})


# --- command line --------------------------------------------------------------------------------

def cmd_backup(args) -> int:
    from chungtay.cli import _django, _err
    _django()
    try:
        final = backup(Path(args.out), keys_out=Path(args.keys_out) if args.keys_out else None,
                       with_keys=not args.no_keys, keep=args.keep)
    except BackupError as e:
        return _err(f"backup: {e}")
    print(final)
    return 0


def cmd_restore(args) -> int:
    from chungtay.cli import _django, _err
    from chungtay.destructive import Refused, confirm
    _django()
    path = Path(args.path)
    try:
        manifest = verify(path)       # a damaged or foreign backup is refused before anything is asked
        households = manifest["tables"].get("households_household", {}).get("rows", 0)
        actor = confirm(f"restore the backup {path.name} (made {manifest['created_at']}) over the current "
                        "database; everything written since is lost", {**current_counts(),
                                                                      "households in the backup": households},
                        actor=args.actor, yes=args.yes, allow_production=args.allow_production)
        result = restore(path)
    except (BackupError, Refused) as e:
        return _err(f"restore: {e}")
    record(actor, path, result)
    print(f"restored {path} ({len(manifest['tables'])} tables checked against the manifest). The previous "
          f"database is kept as {result['previous']}: delete it once the restore is checked "
          "(docs/backup.md). From an older version? Run `python manage.py migrate` now.", file=sys.stderr)
    return 0


def add_parser(sub) -> None:
    from chungtay.cli import _count, _out_dir
    from chungtay.destructive import add_arguments
    b = sub.add_parser("backup", help="consistent backup of the database while the app runs (+ keys, apart)",
                       description="Writes OUT/chungtay-backup-<time>/ (database + manifest with row counts and "
                                   "checksums) and, separately, OUT/chungtay-keys-<time>/keys.env. Store the keys "
                                   "apart from the database backup. See docs/backup.md.")
    b.add_argument("--out", required=True, type=_out_dir, metavar="DIR", help="folder for the backups")
    b.add_argument("--keys-out", type=_out_dir, metavar="DIR", help="folder for the key copy (default: --out)")
    b.add_argument("--no-keys", action="store_true", help="do not write the keys (they are backed up elsewhere)")
    b.add_argument("--keep", type=_count, metavar="N", help="then delete all but the newest N backups in --out")
    b.set_defaults(func=cmd_backup)
    r = sub.add_parser("restore", help="replace the database with a backup (checked first; all or nothing)",
                       description="Stop the web app and the worker first. Checks the backup's checksums, loads it "
                                   "into a staging copy, compares every table with the manifest, then swaps it in. "
                                   "See docs/backup.md.")
    r.add_argument("path", metavar="BACKUP_FOLDER")
    add_arguments(r, "restores the backup")
    r.set_defaults(func=cmd_restore)

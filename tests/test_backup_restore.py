"""``chungtay backup`` / ``chungtay restore`` on a real installation (SQLite, or PostgreSQL when
DATABASE_URL points at it): the round trip gives back every table (row count and checksum), a
damaged backup is refused without touching the database, a backup taken while the app writes is
consistent, and the keys are written apart from the database backup (docs/backup.md)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from chungtay.backup import database_stats
from tests.installations import ROOT
from tests.installations import installation as demo_installation

HOUSEHOLDS = 300     # the size of the other small installations: one demo per run
KEY_VARS = ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "CHUNGTAY_KEY_FILE", "CHUNGTAY_ENV")


@pytest.fixture(scope="module")
def inst(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in KEY_VARS}
    with demo_installation(tmp_path_factory.mktemp("backup"), "bk", HOUSEHOLDS, env) as i:
        yield i
        if i.database_url:            # the databases that restores kept aside
            import psycopg
            name = i.database_url.rsplit("/", 1)[1]
            with psycopg.connect(i.database_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
                for (other,) in c.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [name[:30] + "_%"]):
                    c.execute(f'DROP DATABASE IF EXISTS "{other}" WITH (FORCE)')


def chungtay(inst, *args, env=None, check=True) -> subprocess.CompletedProcess:
    r = subprocess.run([sys.executable, "-m", "chungtay", *args], env=env or inst.env, cwd=ROOT,
                       capture_output=True, text=True, stdin=subprocess.DEVNULL)
    if check:
        assert r.returncode == 0, r.stderr
    return r


def take_backup(inst, out: Path, *extra) -> Path:
    r = chungtay(inst, "backup", "--out", str(out), *extra)
    return Path(r.stdout.strip().splitlines()[-1])


def execute(inst, query: str) -> None:
    """A write to the installation's database (outside the app, like any other writer)."""
    if inst.database_url:
        import psycopg
        with psycopg.connect(inst.database_url) as c:
            c.execute(query)
    else:
        import sqlite3
        with sqlite3.connect(inst.database) as c:
            c.execute(query)


def stats(inst) -> dict:
    return database_stats(inst.database)


def test_it_round_trips_every_table(inst, tmp_path):
    before = stats(inst)
    folder = take_backup(inst, tmp_path / "bk")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"] == before, "the manifest describes the database as it was"
    assert manifest["tables"]["households_household"]["rows"] >= HOUSEHOLDS
    # the database moves on: rows deleted, changed and added
    execute(inst, "DELETE FROM households_assessment WHERE id IN (SELECT id FROM households_assessment ORDER BY id LIMIT 50)")
    execute(inst, "UPDATE households_household SET address = 'đã sửa' WHERE id IN "
             "(SELECT id FROM households_household ORDER BY id LIMIT 20)")
    execute(inst, "DELETE FROM django_session")
    changed = stats(inst)
    assert changed["households_assessment"] != before["households_assessment"]
    assert changed["households_household"]["rows"] == before["households_household"]["rows"]
    assert changed["households_household"]["checksum"] != before["households_household"]["checksum"]

    r = chungtay(inst, "restore", str(folder), "--actor", "admin", "--yes")
    assert "match its manifest" in r.stderr
    events = inst.sql("SELECT object_id, changes FROM accounts_auditevent WHERE action = 'backup.restored'")
    assert len(events) == 1 and events[0][0] == folder.name
    assert "admin" in str(events[0][1])
    execute(inst, "DELETE FROM accounts_auditevent WHERE action = 'backup.restored'")
    after = stats(inst)
    assert set(after) == set(before)
    wrong = [t for t in before if after[t] != before[t]]
    assert not wrong, f"tables that differ after the restore: {wrong}"


def _damage_file(folder: Path) -> None:
    manifest = json.loads((folder / "manifest.json").read_text())
    f = folder / manifest["database_file"]
    data = bytearray(f.read_bytes())
    data[len(data) // 2] ^= 0xFF
    f.write_bytes(bytes(data))


def _damage_manifest(folder: Path) -> None:
    """A dump that is intact but does not hold what the manifest says (e.g. a manifest of another dump)."""
    path = folder / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["tables"]["households_household"]["rows"] += 1
    path.write_text(json.dumps(manifest))


@pytest.mark.parametrize("damage, says", [(_damage_file, "damaged"), (_damage_manifest, "differs from the manifest")])
def test_it_refuses_a_corrupted_backup_without_touching_the_database(inst, tmp_path, damage, says):
    folder = take_backup(inst, tmp_path / "bk", "--no-keys")
    execute(inst, "UPDATE households_household SET address = 'sau sao lưu' WHERE id IN "
             "(SELECT id FROM households_household ORDER BY id LIMIT 5)")
    before, files = stats(inst), sorted(p.name for p in inst.data_dir.iterdir())
    damage(folder)
    r = chungtay(inst, "restore", str(folder), "--actor", "admin", "--yes", check=False)
    assert r.returncode == 2
    assert says in r.stderr and "not changed" in r.stderr.replace("nothing was changed", "not changed")
    assert "Traceback" not in r.stderr
    assert stats(inst) == before
    assert sorted(p.name for p in inst.data_dir.iterdir()) == files, "no staging copy left behind"
    if inst.database_url:
        name = inst.database_url.rsplit("/", 1)[1]
        assert not inst.sql("SELECT datname FROM pg_database WHERE datname LIKE ?", name[:30] + "_restore_%")


def test_it_refuses_a_backup_that_needs_another_field_key(inst, tmp_path):
    from chungtay import keys
    folder = take_backup(inst, tmp_path / "bk", "--no-keys")
    before = stats(inst)
    env = dict(inst.env, FIELD_ENCRYPTION_KEY=keys.generate_field_key())
    r = chungtay(inst, "restore", str(folder), "--actor", "admin", "--yes", env=env, check=False)
    assert r.returncode == 2 and "field key" in r.stderr and "nothing was changed" in r.stderr
    assert stats(inst) == before


def test_it_writes_the_keys_apart_and_says_so(inst, tmp_path):
    from chungtay import keys
    folder = take_backup(inst, tmp_path / "bk")
    r_keys = sorted((tmp_path / "bk").glob("chungtay-keys-*"))
    assert len(r_keys) == 1 and not str(r_keys[0]).startswith(str(folder))
    key_file = r_keys[0] / "keys.env"
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    mine = keys.read_key_file(inst.data_dir / "keys.env")
    assert keys.read_key_file(key_file) == mine
    for f in folder.iterdir():                    # the database backup itself holds no key
        assert mine["FIELD_ENCRYPTION_KEY"].encode() not in f.read_bytes()
        assert mine["SECRET_KEY"].encode() not in f.read_bytes()
    r = chungtay(inst, "backup", "--out", str(tmp_path / "bk2"), "--keys-out", str(tmp_path / "usb"))
    assert "APART" in r.stderr and str(tmp_path / "usb") in r.stderr
    assert list((tmp_path / "usb").glob("chungtay-keys-*/keys.env"))
    assert not list((tmp_path / "bk2").glob("chungtay-keys-*"))


def test_it_keeps_only_the_newest_backups(inst, tmp_path):
    for _ in range(3):
        take_backup(inst, tmp_path / "bk", "--no-keys", "--keep", "2")
    assert len(list((tmp_path / "bk").glob("chungtay-backup-*"))) == 2


def test_restore_in_production_mode_needs_allow_production(inst, tmp_path):
    folder = take_backup(inst, tmp_path / "bk", "--no-keys")
    env = dict(inst.env, CHUNGTAY_ENV="production", CHUNGTAY_KEY_FILE=str(inst.data_dir / "keys.env"),
               ALLOWED_HOSTS="localhost")
    before = stats(inst)
    r = chungtay(inst, "restore", str(folder), "--actor", "admin", "--yes", env=env, check=False)
    assert r.returncode == 2 and "--allow-production" in r.stderr
    assert stats(inst) == before


WRITER = """
import os, sys, time
url, db = os.environ["W_URL"], os.environ["W_DB"]
if url:
    import psycopg
    con = psycopg.connect(url, autocommit=True)
    ph, begin, at = "%s", "BEGIN", "now()"
else:
    import sqlite3
    con = sqlite3.connect(db, timeout=30, isolation_level=None)
    ph, begin, at = "?", "BEGIN IMMEDIATE", "CURRENT_TIMESTAMP"
i = 0
while not os.path.exists(os.environ["W_STOP"]):
    i += 1
    key = f"bkw{i:08d}"
    con.execute(begin)
    con.execute(f"INSERT INTO django_session (session_key, session_data, expire_date) VALUES ({ph}, 'x', {at})", [key])
    con.execute(f"INSERT INTO accounts_auditevent (at, action, object_type, object_id, changes) "
                f"VALUES ({at}, 'writer', 'session', {ph}, '{{}}')", [key])
    con.execute("COMMIT")
    if i % 20 == 0:  # written whole, then renamed: a reader never sees a half-written count
        with open(os.environ["W_COUNT"] + ".tmp", "w") as f:
            f.write(str(i))
        os.replace(os.environ["W_COUNT"] + ".tmp", os.environ["W_COUNT"])
"""


def _pairs(inst, folder: Path, tmp_path: Path) -> tuple[set, set]:
    """(session keys, audit object ids) written by the writer, as held by the backup."""
    qs = ("SELECT session_key FROM django_session WHERE session_key LIKE 'bkw%'",
          "SELECT object_id FROM accounts_auditevent WHERE action = 'writer'")
    if not inst.database_url:
        import sqlite3
        with sqlite3.connect(folder / "database.sqlite3") as c:
            return tuple({r[0] for r in c.execute(q)} for q in qs)
    import psycopg
    base, name = inst.database_url.rsplit("/", 1)
    probe = f"{name[:30]}_probe"
    with psycopg.connect(base + "/postgres", autocommit=True) as c:
        c.execute(f'CREATE DATABASE "{probe}"')
    try:
        subprocess.run(["pg_restore", "--no-owner", "--dbname", f"{base}/{probe}", str(folder / "database.dump")],
                       check=True, capture_output=True)
        with psycopg.connect(f"{base}/{probe}") as c:
            return tuple({r[0] for r in c.execute(q)} for q in qs)
    finally:
        with psycopg.connect(base + "/postgres", autocommit=True) as c:
            c.execute(f'DROP DATABASE IF EXISTS "{probe}" WITH (FORCE)')


def test_a_backup_taken_during_writes_is_consistent(inst, tmp_path):
    count, stop = tmp_path / "count", tmp_path / "stop"
    env = dict(os.environ, W_URL=inst.database_url or "", W_DB=inst.database, W_STOP=str(stop), W_COUNT=str(count))
    writer = subprocess.Popen([sys.executable, "-c", WRITER], env=env, stderr=subprocess.PIPE, text=True)
    try:
        for _ in range(300):
            if count.exists() and count.read_text() and int(count.read_text()) >= 40:
                break
            assert writer.poll() is None, writer.stderr.read()
            time.sleep(0.05)
        at_start = int(count.read_text())
        folder = take_backup(inst, tmp_path / "bk", "--no-keys")
        at_end = int(count.read_text())
        time.sleep(0.3)
    finally:
        stop.touch()
        writer.wait(30)
    assert writer.returncode == 0, writer.stderr.read()
    sessions, audits = _pairs(inst, folder, tmp_path)
    assert len(sessions) >= 40, "the writer had written before the backup began"
    assert sessions == audits, "each transaction's two rows are both in the backup or neither"
    written = inst.sql("SELECT COUNT(*) FROM django_session WHERE session_key >= 'bkw'")[0][0]
    assert at_end > at_start and written > len(sessions), "writes went on during the backup"
    # and its manifest describes exactly the dumped data
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["tables"]["django_session"]["rows"] >= len(sessions)
    shutil.rmtree(folder)

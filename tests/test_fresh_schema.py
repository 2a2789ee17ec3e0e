"""An empty database built in one pass (``chungtay.fresh_schema``, used by ``chungtay demo``) is the
database ``migrate`` builds: the same tables, columns, constraints and indexes, the same rows (the
national movements, the programme catalogue, content types, permissions), every migration recorded
as applied. Both on the test's kind of database (SQLite, or PostgreSQL when DATABASE_URL says so);
the reference is the run's migrated empty database (tests/installations.py), built by ``migrate``."""
from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from tests.installations import ROOT, _create_database, _drop_databases, _server, _template

CREATE = ("import django; django.setup(); from chungtay import fresh_schema; "
          "print('created' if fresh_schema.create() else 'left to migrate')")


def _env(data_dir: Path, url: str | None) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(CHUNGTAY_DATA_DIR=str(data_dir), DJANGO_SETTINGS_MODULE="chungtay.settings")
    if url:
        env["DATABASE_URL"] = url
    return env


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)


def _definitions(create_sql: str) -> list[str]:
    """A CREATE TABLE's column and constraint definitions, in any order (SQLite's table rebuilds in
    ``migrate`` move a column to the end; nothing in the app reads columns by position)."""
    body = create_sql[create_sql.index("(") + 1:create_sql.rindex(")")]
    parts, depth, cur = [], 0, ""
    for ch in body:
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth == 0:
            parts.append(cur.strip())
            cur = ""
        else:
            cur += ch
    return sorted(parts + [cur.strip()])


def _sqlite_picture(path: Path) -> dict:
    with sqlite3.connect(path) as c:
        objects = c.execute("SELECT type, name, tbl_name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' "
                            "ORDER BY type, name").fetchall()
        schema = [(t, n, tbl, _definitions(sql) if t == "table" else sql) for t, n, tbl, sql in objects]
        rows = {}
        for (table,) in c.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"):
            cols = [r[1] for r in c.execute(f'PRAGMA table_info("{table}")') if r[2].lower() != "datetime"]
            rows[table] = sorted(c.execute(f'SELECT {", ".join(chr(34) + x + chr(34) for x in sorted(cols))} '
                                           f'FROM "{table}"').fetchall(), key=repr)
    return {"schema": schema, "rows": rows}


def _pg_picture(url: str) -> dict:
    import psycopg
    with psycopg.connect(url) as c:
        columns = c.execute("SELECT table_name, ordinal_position, column_name, data_type, character_maximum_length, "
                            "is_nullable, column_default FROM information_schema.columns WHERE table_schema = 'public' "
                            "ORDER BY 1, 2").fetchall()
        indexes = c.execute("SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
                            "ORDER BY 1, 2").fetchall()
        constraints = c.execute("SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                "WHERE connamespace = 'public'::regnamespace ORDER BY 1, 2").fetchall()
        rows = {}
        for (table,) in c.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'").fetchall():
            cols = [r[0] for r in c.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = "
                                            "'public' AND table_name = %s AND data_type NOT LIKE 'timestamp%%' "
                                            "ORDER BY 1", [table])]
            rows[table] = sorted(c.execute(f'SELECT {", ".join(chr(34) + x + chr(34) for x in cols)} '
                                           f'FROM "{table}"').fetchall(), key=repr)
    # in order, without the positions: a column dropped by a migration leaves a gap in them
    return {"schema": [[r[:1] + r[2:] for r in columns], indexes, constraints], "rows": rows}


@pytest.fixture
def built(tmp_path):
    """(picture of migrate's database, picture of the one-pass database, the one-pass env)."""
    reference_dir, reference_db = _template(dict(os.environ), None)
    server = _server(dict(os.environ))
    name = f"chungtay_fresh_{uuid.uuid4().hex[:8]}" if server else None
    url = f"{server}/{name}" if server else None
    if server:
        _create_database(server, name)
    try:
        env = _env(tmp_path / "data", url)
        out = _run(env, "-c", CREATE)
        assert out.returncode == 0, out.stderr
        assert out.stdout.strip() == "created"
        if server:
            yield _pg_picture(f"{server}/{reference_db}"), _pg_picture(url), env
        else:
            yield (_sqlite_picture(reference_dir / "chungtay.sqlite3"),
                   _sqlite_picture(tmp_path / "data" / "chungtay.sqlite3"), env)
    finally:
        if server:
            _drop_databases(server, name)


def test_it_builds_the_schema_migrate_builds(built):
    migrated, fresh, _ = built
    assert fresh["schema"] == migrated["schema"]


def test_it_writes_the_rows_migrate_writes(built):
    migrated, fresh, _ = built
    assert fresh["rows"].keys() == migrated["rows"].keys()
    for table in migrated["rows"]:
        assert fresh["rows"][table] == migrated["rows"][table], table
    # the reference data is there, not only equal: the national movements and the programme catalogue
    assert len(fresh["rows"]["emulation_movement"]) == 2
    assert len(fresh["rows"]["support_programmepart"]) > 10
    assert len(fresh["rows"]["auth_permission"]) > 100


def test_every_migration_is_recorded_and_migrate_finds_nothing_to_do(built):
    _, fresh, env = built
    on_disk = {(p.parent.parent.name, p.stem) for p in (ROOT / "chungtay").glob("*/migrations/0*.py")}
    recorded = {(r[0], r[2]) for r in fresh["rows"]["django_migrations"]}     # (app, id, name)
    assert on_disk <= recorded
    check = _run(env, "-m", "django", "migrate", "--check", "--verbosity", "0")
    assert check.returncode == 0, check.stdout + check.stderr


def test_it_leaves_a_database_with_tables_to_migrate(built):
    _, _, env = built
    again = _run(env, "-c", CREATE)
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip() == "left to migrate"


def test_the_definitions_split_at_top_level_commas_only():
    sql = 'CREATE TABLE "t" ("a" integer CHECK ("a" IN (1, 2)), "b" text, CONSTRAINT "u" UNIQUE ("a", "b"))'
    assert _definitions(sql) == sorted(['"a" integer CHECK ("a" IN (1, 2))', '"b" text',
                                        'CONSTRAINT "u" UNIQUE ("a", "b")'])

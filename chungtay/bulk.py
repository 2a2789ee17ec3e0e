"""Bulk loading: build a table's secondary indexes once after the rows are in, instead of
maintaining them row by row (the demo's 1.3 million results: the indexes were most of the insert),
and on PostgreSQL check its foreign keys once, with one query each, instead of one trigger query
per row and key at commit (the demo's 4 million rows × up to 13 keys: over two minutes).

:func:`indexes_deferred` drops the table's plain and partial indexes — not the primary key, not
the indexes behind UNIQUE constraints — and creates them again, from the database's own
definitions, when the block ends. It must run inside a transaction (it checks), so a failure
anywhere rolls the drop back with the rows: the table never stays without its indexes. A
unique index that the new rows would break fails on creation and rolls everything back, as the
insert itself would have.
"""
from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


def _indexes(table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the indexes that can be dropped and made again."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = %s "
                        "AND sql IS NOT NULL ORDER BY name", [table])      # NULL sql: a constraint's own
        elif connection.vendor == "postgresql":
            cur.execute("SELECT i.indexname, i.indexdef FROM pg_indexes i "
                        "WHERE i.schemaname = current_schema() AND i.tablename = %s AND NOT EXISTS ("
                        "SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                        "(quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass) "
                        "ORDER BY i.indexname", [table])
        else:
            return []
        return list(cur.fetchall())


def _check_pending(cur) -> None:
    """PostgreSQL: run the transaction's deferred foreign-key checks now. It builds no index on,
    and alters no table with (or referenced by a key of a table with), pending trigger events.
    Django's keys are DEFERRABLE INITIALLY DEFERRED, which the second statement restores."""
    if connection.vendor == "postgresql":
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("SET CONSTRAINTS ALL DEFERRED")


@contextmanager
def indexes_deferred(*tables: str):
    if not connection.in_atomic_block:
        raise RuntimeError("indexes_deferred must run inside transaction.atomic()")
    saved = [ix for t in tables for ix in _indexes(t)]
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        for name, _ in saved:
            cur.execute(f"DROP INDEX {q(name)}")
    yield
    with connection.cursor() as cur:
        _check_pending(cur)
        for _, sql in saved:
            cur.execute(sql)


def _foreign_keys(table: str) -> list[tuple[str, str]]:
    """(name, definition) of a PostgreSQL table's foreign keys; [] elsewhere."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cur:
        cur.execute("SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname", [table])
        return list(cur.fetchall())


@contextmanager
def foreign_keys_deferred(*tables: str):
    """PostgreSQL: drop the tables' foreign keys and add them again when the block ends, which
    checks every row in one pass (a row that breaks one fails the block and rolls it all back).
    Elsewhere nothing (SQLite counts deferred violations as it goes, at no cost worth saving)."""
    if not connection.in_atomic_block:
        raise RuntimeError("foreign_keys_deferred must run inside transaction.atomic()")
    saved = [(t, name, sql) for t in tables for name, sql in _foreign_keys(t)]
    q = connection.ops.quote_name
    with connection.cursor() as cur:
        if saved:
            _check_pending(cur)
        for t, name, _ in saved:
            cur.execute(f"ALTER TABLE {q(t)} DROP CONSTRAINT {q(name)}")
    yield
    with connection.cursor() as cur:
        if saved:
            _check_pending(cur)
        for t, name, sql in saved:
            cur.execute(f"ALTER TABLE {q(t)} ADD CONSTRAINT {q(name)} {sql}")


@contextmanager
def atomic_keys_checked_once():
    """``transaction.atomic()`` whose foreign keys SQLite checks once at its end, not row by row.

    SQLite looks up every key of every row as it is inserted (deferred keys only count the misses):
    the demo's results, 8 keys each, and the movements' 13 took ~5 s of its load. Here the block
    runs with the connection's key enforcement off, and just before its commit ``PRAGMA
    foreign_key_check`` looks at the whole database in one pass (~1 s for the demo): a row with a
    missing parent raises IntegrityError and the block rolls back, writing nothing, as the commit
    of a row-by-row check would have refused. Enforcement is back on when the block ends.

    Only as the outermost transaction: SQLite ignores the pragma inside one, and then (and on
    PostgreSQL, see :func:`foreign_keys_deferred`) this is plain ``transaction.atomic()``."""
    from django.db import transaction
    off = (connection.vendor == "sqlite" and not connection.in_atomic_block
           and connection.disable_constraint_checking())
    try:
        with transaction.atomic():
            yield
            if off:
                connection.check_constraints()      # PRAGMA foreign_key_check; IntegrityError names the row
    finally:
        if off:
            connection.enable_constraint_checking()


CHUNK = 20_000        # rows a batch (and between two progress calls)


def executemany_rows(sql: str, rows, progress=None, start=0, end=0, total=0) -> int:
    """Run ``sql`` for every row of the iterable ``rows``, CHUNK rows a call; ``progress(percent,
    text)`` between ``start`` and ``end`` as the ``total`` rows go in."""
    n = 0
    batch = []
    with connection.cursor() as cur:
        for r in rows:
            batch.append(r)
            if len(batch) >= CHUNK:
                cur.executemany(sql, batch)
                n += len(batch)
                batch = []
                if progress and total:
                    progress(start + (end - start) * min(n / total, 1), "Đang ghi")
        if batch:
            cur.executemany(sql, batch)
            n += len(batch)
    return n


def _literal(value) -> str:
    """A constant as SQL text: None, a bool, an int or a str (nothing else is accepted)."""
    if value is None:
        return "NULL"
    if isinstance(value, (bool, int)):
        return str(int(value))
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"not a constant for SQL: {value!r}")


def insert_rows(table: str, columns: list[str], rows, progress=None, start=0, end=0, total=0,
                constants: dict | None = None) -> int:
    """INSERT many rows: ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL (an
    order of magnitude faster there than one statement per row). ``constants``: column → the
    value every row has (None, bool, int or str), not given in the rows: on SQLite written into
    the statement (the demo's results: 9 of 37 values a row not bound, 1.3 M times)."""
    constants = constants or {}
    if connection.vendor != "postgresql":
        cols = ", ".join(connection.ops.quote_name(c) for c in [*columns, *constants])
        values = ["%s"] * len(columns) + [_literal(v) for v in constants.values()]
        sql = f"INSERT INTO {table} ({cols}) VALUES ({', '.join(values)})"
        return executemany_rows(sql, rows, progress, start, end, total)
    if constants:
        tail = tuple(constants.values())
        columns, rows = [*columns, *constants], ((*r, *tail) for r in rows)
    cols = ", ".join(connection.ops.quote_name(c) for c in columns)     # "both" is a keyword on PostgreSQL
    n = 0
    with connection.cursor() as cur, cur.cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:
        for r in rows:
            copy.write_row(r)
            n += 1
            if progress and total and n % CHUNK == 0:
                progress(start + (end - start) * min(n / total, 1), "Đang ghi")
    return n


def release_memory() -> None:
    """Give the memory that a finished step freed back to the system (between the demo's steps:
    migrate's model states and the generator's arrays leave ~300 MB that glibc and Arrow keep
    for later otherwise, and the load's peak sits on top of it)."""
    import ctypes
    import gc
    gc.collect()
    try:
        import pyarrow
        pyarrow.default_memory_pool().release_unused()
    except ImportError:
        pass
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)      # glibc only; elsewhere nothing to do
    except (OSError, AttributeError):
        pass


def next_id(model) -> int:
    """The first free id of ``model``'s table (rows written with their ids, then reset_sequences)."""
    last = model.objects.order_by("-id").values_list("id", flat=True).first()
    return (last or 0) + 1


def reset_sequences(*models) -> None:
    """PostgreSQL: each table's id sequence after the rows written with their own ids."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cur:
        for m in models:
            t = m._meta.db_table
            cur.execute(f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), COALESCE(MAX(id), 1)) FROM {t}")


def insert_dicts(model, rows) -> int:
    """Rows of ``model`` given as dicts of column (attname) -> value, written by :func:`insert_rows`
    without model objects (the ORM's bulk_create spends most of its time building and compiling
    them). A column a row leaves out takes what the ORM would give it (the field's default, else None
    or ""), ``auto_now`` fields the time of the call. ``id`` is written when the first row has one.
    JSON fields are written as their JSON text. No signals, as with bulk_create."""
    import itertools
    import json
    from datetime import datetime, timezone
    rows = iter(rows)
    first = next(rows, None)
    if first is None:
        return 0
    stamp = connection.ops.adapt_datetimefield_value(datetime.now(timezone.utc))
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in first]
    fill, dump = {}, []
    for k, f in enumerate(fields):
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            fill[f.attname] = stamp
        else:
            fill[f.attname] = f.get_default()      # as the ORM: the default, else None or ""
        if f.get_internal_type() == "JSONField":
            dump.append(k)
    names = [f.attname for f in fields]
    unknown = set(first) - set(names)
    if unknown:
        raise ValueError(f"{model.__name__}: no such columns {sorted(unknown)}")

    def tuples():
        for r in itertools.chain([first], rows):
            t = [r[c] if c in r else fill[c] for c in names]
            for k in dump:
                t[k] = json.dumps(t[k])
            yield t
    return insert_rows(model._meta.db_table, [f.column for f in fields], tuples())


@contextmanager
def collector_paused():
    """Python's cycle collector off for a bulk step (an import, a workbook read). Its millions of
    row lists and tuples (freed by reference counting: they form no cycles) made the collector run
    full passes over all of them again and again — turning a 441,000-row sheet into Python lists
    took 0.84 s with it and 0.40 s without; the 100,000-household import 21 s with it, 17 s
    without. Whatever cycles the step does leave are collected after it. Nested uses keep the
    outer state."""
    import gc
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()

"""Bulk loading: build a table's secondary indexes once after the rows are in, instead of
maintaining them row by row (the demo's 1.3 million results: the indexes were most of the insert).

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
        if connection.vendor == "postgresql":
            # the rows' deferred foreign-key checks run now: PostgreSQL builds no index on a table
            # with pending trigger events (Django's foreign keys are DEFERRABLE INITIALLY DEFERRED,
            # which the second statement restores for the rest of the transaction)
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")
        for _, sql in saved:
            cur.execute(sql)

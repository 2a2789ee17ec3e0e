"""chungtay.bulk.insert_rows with ``constants``: the columns every row shares are written (into the
statement on SQLite, into each COPY row on PostgreSQL) exactly as if each row had carried them."""
from datetime import datetime, timezone

import pytest
from django.db import connection, transaction

from chungtay.accounts.models import AuditEvent
from chungtay.bulk import _literal, insert_rows

COLS = ["action", "object_type", "object_id", "changes", "at"]


def _rows(prefix):
    return list(AuditEvent.objects.filter(action__startswith=prefix).order_by("object_id")
                .values_list("action", "object_type", "object_id", "changes", "at", "actor_id", "unit_id"))


def test_constants_give_the_rows_that_carrying_them_gives(db):
    at = connection.ops.adapt_datetimefield_value(datetime(2025, 3, 1, 8, 30, tzinfo=timezone.utc))
    with transaction.atomic():
        insert_rows("accounts_auditevent", COLS + ["actor_id", "unit_id"],
                    [("t.each", "it's", str(i), '{"n": %d}' % i, at, None, None) for i in range(3)])
        insert_rows("accounts_auditevent", ["object_id", "changes"],
                    [(str(i), '{"n": %d}' % i) for i in range(3)],
                    constants={"action": "t.const", "object_type": "it's", "at": at, "actor_id": None,
                               "unit_id": None})
    each, const = _rows("t.each"), _rows("t.const")
    assert len(each) == 3
    assert [r[1:] for r in each] == [r[1:] for r in const]       # the quote in "it's" kept, NULLs NULL


def test_a_constant_that_is_not_plain_is_refused():
    assert _literal(None) == "NULL" and _literal(True) == "1" and _literal(7) == "7" and _literal("a'b") == "'a''b'"
    with pytest.raises(TypeError):
        _literal(1.5)

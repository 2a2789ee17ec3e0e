"""chungtay.bulk: the demo load builds the results' indexes once after the rows, and on PostgreSQL
checks their foreign keys once; the tables end with exactly the indexes and keys they had, and a
failure leaves them in place."""
import pytest
from django.db import IntegrityError, connection, connections, transaction

from chungtay.bulk import _foreign_keys, _indexes, foreign_keys_deferred, indexes_deferred
from chungtay.households.models import Assessment, Household

TABLES = ("households_household", "households_member", "households_assessment")


def snapshot():
    return {t: _indexes(t) for t in TABLES}


def test_the_indexes_are_dropped_inside_and_the_same_after(db):
    before = snapshot()
    assert all(before.values())
    names = [n for n, _ in before["households_assessment"]]
    assert "assessment_one_current" in names          # a partial unique index is rebuilt too
    with transaction.atomic(), indexes_deferred(*TABLES):
        assert all(_indexes(t) == [] for t in TABLES)
    assert snapshot() == before


def test_a_failure_inside_leaves_every_index(db):
    before = snapshot()
    with pytest.raises(ZeroDivisionError):
        with transaction.atomic(), indexes_deferred(*TABLES):
            1 / 0
    assert snapshot() == before


def test_rows_that_break_a_unique_index_roll_everything_back(db):
    hh = Household.objects.filter(assessments__is_current=True, assessments__kind="periodic").first()
    a = Assessment.objects.filter(household=hh, is_current=True, kind="periodic").first()
    before, rows = snapshot(), Assessment.objects.count()
    with pytest.raises(IntegrityError):
        with transaction.atomic(), indexes_deferred("households_assessment"):
            a.pk, a.version = None, a.version + 1          # a second current result of the same year
            a.save()
    assert snapshot() == before and Assessment.objects.count() == rows


def test_it_refuses_to_run_outside_a_transaction(db, monkeypatch):
    before = snapshot()
    with monkeypatch.context() as m:           # autocommit: a crash half-way would lose the indexes
        m.setattr(connections["default"], "in_atomic_block", False)
        with pytest.raises(RuntimeError, match="inside transaction.atomic"):
            with indexes_deferred(*TABLES):
                pass
    assert snapshot() == before


def fks():
    return {t: _foreign_keys(t) for t in (*TABLES, "prepared_householdmovement")}


def test_foreign_keys_are_the_same_after(db):
    before = fks()
    if connection.vendor == "postgresql":
        assert len(before["households_assessment"]) >= 8       # household, the unit levels, recorded_by
    with transaction.atomic(), foreign_keys_deferred(*before):
        if connection.vendor == "postgresql":
            assert all(_foreign_keys(t) == [] for t in before)
    assert fks() == before


def test_a_row_that_breaks_a_foreign_key_fails_the_block(db):
    before, rows = fks(), Assessment.objects.count()
    a = Assessment.objects.filter(is_current=True).first()
    with pytest.raises(IntegrityError):
        with transaction.atomic(), foreign_keys_deferred(*TABLES):
            Assessment.objects.filter(pk=a.pk).update(village_id=10 ** 9)     # no such unit
            if connection.vendor != "postgresql":                           # SQLite checks at commit
                with connection.cursor() as c:
                    c.execute("PRAGMA foreign_key_check(households_assessment)")
                    if c.fetchall():
                        raise IntegrityError("foreign key")
    assert fks() == before and Assessment.objects.count() == rows
    assert Assessment.objects.get(pk=a.pk).village_id == a.village_id

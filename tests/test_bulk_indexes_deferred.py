"""chungtay.bulk.indexes_deferred: the demo load builds the results' indexes once, after the rows;
the table ends with exactly the indexes it had, and a failure leaves them in place."""
import pytest
from django.db import IntegrityError, connections, transaction

from chungtay.bulk import _indexes, indexes_deferred
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

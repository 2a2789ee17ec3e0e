"""The coverage's household counts are cached, and a saved household makes them count again."""
from django.core.cache import cache

from chungtay.households import completeness
from chungtay.households.models import Household


def test_a_saved_household_invalidates_the_cached_count(monkeypatch, commune_officer, my_commune):
    monkeypatch.setattr(completeness, "_may_cache", lambda: True)     # as outside a test transaction
    cache.clear()
    calls = []

    def count():
        calls.append(1)
        return len(calls)
    assert completeness._cached(commune_officer, "probe", count) == 1
    assert completeness._cached(commune_officer, "probe", count) == 1     # served from the cache
    hh = Household.objects.filter(commune=my_commune).first()
    hh.save(update_fields=["status"])                                     # post_save bumps the version
    assert completeness._cached(commune_officer, "probe", count) == 2
    cache.clear()


def test_counts_are_not_cached_inside_a_transaction(commune_officer):
    cache.clear()
    calls = []
    for _ in range(2):
        completeness._cached(commune_officer, "probe2", lambda: calls.append(1) or len(calls))
    assert len(calls) == 2

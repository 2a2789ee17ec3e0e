"""The review round page of a commune with 890 households in the round is paged in SQL, with the
same number of queries as a small round (no per-row queries). Its speed is measured by the page
benchmarks under benchmarks/, not here (timed unit tests fail on a busy machine, not on slow code)."""
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.core.fmt import fold
from chungtay.households.models import Household
from chungtay.reviews import actions
from chungtay.reviews.models import ReviewRound, RoundHousehold
from chungtay.units.models import Unit

YEAR = 2026
SIZE = 890


def _fill(rnd, commune, size):
    """Make the round hold ``size`` households of the commune (new ones registered as needed)."""
    have = set(rnd.members.values_list("household_id", flat=True))
    villages = list(Unit.objects.filter(parent=commune, level=Unit.VILLAGE).order_by("id"))
    existing = list(Household.objects.filter(commune=commune).exclude(id__in=have).values_list("id", flat=True))
    missing = size - len(have) - len(existing)
    new = Household.objects.bulk_create([
        Household(code=f"SCALE-{i:04d}", village=villages[i % len(villages)], commune=commune,
                  province_id=commune.parent_id, head_name=f"Hộ thử {i}", start_year=2020,
                  search_text=fold(f"SCALE-{i:04d} Hộ thử {i}")) for i in range(max(missing, 0))])
    ids = (existing + [h.id for h in new])[:size - len(have)]
    RoundHousehold.objects.bulk_create([RoundHousehold(round=rnd, household_id=h, reason="requested") for h in ids])
    assert rnd.members.count() == size


def _measure(client, url, params=None):
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url, params or {})
    assert r.status_code == 200
    return len(ctx.captured_queries), r


@pytest.mark.parametrize("state", [ReviewRound.SURVEYING, ReviewRound.MEETING])
def test_it_pages_an_890_household_round_with_constant_queries(commune_officer, as_commune_officer,
                                                                        my_commune, other_commune, state):
    small = actions.open_round(commune_officer, my_commune, YEAR)
    RoundHousehold.objects.filter(round=small).exclude(
        pk__in=list(small.members.order_by("id").values_list("pk", flat=True)[:30])).delete()
    small_queries, _ = _measure(as_commune_officer, reverse("round", args=[small.pk]))

    ReviewRound.objects.filter(pk=small.pk).delete()
    big = actions.open_round(commune_officer, my_commune, YEAR)
    _fill(big, my_commune, SIZE)
    big.members.update(step=RoundHousehold.SURVEYED if state == ReviewRound.MEETING else RoundHousehold.LISTED)
    ReviewRound.objects.filter(pk__in=[big.pk]).update(state=state)
    ReviewRound.objects.filter(pk=small.pk).update(state=state)
    big_queries, r = _measure(as_commune_officer, reverse("round", args=[big.pk]))
    assert len(r.context["entries"]) == 50
    assert r.context["page"].paginator.count == SIZE
    html = r.content.decode()
    assert html.count('class="button ghost survey"') == (50 if state == ReviewRound.SURVEYING else 0)
    assert big_queries <= small_queries + 2          # the meeting step adds its villages and votes, no per-row queries

    search_queries, r = _measure(as_commune_officer, reverse("round", args=[big.pk]), {"q": "ho thu 1", "page": 2})
    assert r.context["page"].paginator.count > 50 and len(r.context["entries"]) == 50
    assert search_queries <= big_queries + 1

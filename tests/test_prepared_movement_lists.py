"""The movements page's household lists come from the prepared per-household movements
(HouseholdMovement, classified for each unit at every write) and household lists are paged by
village (VillagePaginator): the same households as the classification from the results, the
same order as sorting the whole list, up to date on the next read after a recorded result, a
household moving village and a round's lock."""
import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.core.movements import MOVEMENTS
from chungtay.households import actions as hh_actions
from chungtay.households.models import Assessment, Household
from chungtay.households.movements import live_movements, unit_movements
from chungtay.prepared.models import HouseholdMovement
from chungtay.prepared.paging import VillagePaginator
from chungtay.reviews import actions as rv
from chungtay.reviews.models import ReviewRound
from chungtay.reviews.movements import prepared_households
from chungtay.units.models import Unit
from tests.test_import_support import villages_of

POOR3 = ["employment", "nutrition", "latrine"]


def assert_lists_equal_live(user, unit, y):
    live = live_movements(user, unit, y - 1, y)
    counts = unit_movements(user, unit, y - 1, y).counts
    for code in MOVEMENTS:
        qs = prepared_households(user, unit, y - 1, y, code)
        assert qs is not None, (unit, y, code)
        got = sorted(qs.values_list("id", flat=True))
        assert got == live.households(code), (unit, y, code)
        assert len(got) == counts[code], (unit, y, code)


@pytest.mark.parametrize("username", ["tinh", "xa", "thon"])
def test_every_list_equals_the_classification_from_the_results(db, username):
    user = get_user_model().objects.get(username=username)
    mine = user.assignments.get().unit
    units = [mine] + ([Unit.objects.filter(parent=mine).order_by("code").first()] if mine.level != "village" else [])
    for unit in units:
        for y in (2017, 2021, 2025):
            assert_lists_equal_live(user, unit, y)


def test_other_pairs_and_legacy_units_are_not_prepared(province_officer):
    province = Unit.objects.get(system="2025", level="province", code="51")
    assert prepared_households(province_officer, province, 2023, 2025, "escaped_poverty") is None
    legacy = Unit.objects.get(system="legacy", level="province", code="62")
    assert prepared_households(province_officer, legacy, 2018, 2019, "escaped_poverty") is None


def test_a_recorded_result_is_listed_on_the_next_read(province_officer, commune_officer, my_commune):
    province = my_commune.parent
    hh = (Household.objects.filter(commune=my_commune, status="active", assessments__year=2025,
                                   assessments__category="above_average").order_by("id").first())
    hh_actions.record_assessment(commune_officer, hh, year=2025, income=900_000, deprived=POOR3, _round_ok=True)
    listed = set(prepared_households(province_officer, province, 2024, 2025, "newly_poor").values_list("id", flat=True)) | \
        set(prepared_households(province_officer, province, 2024, 2025, "re_poor").values_list("id", flat=True))
    assert hh.id in listed
    for unit in (province, my_commune, hh.village):
        assert_lists_equal_live(province_officer, unit, 2025)


def test_a_household_moving_village_is_listed_in_each_unit(admin_user, commune_officer, my_commune):
    villages = villages_of(my_commune)
    ever = Assessment.objects.filter(year__range=(2021, 2025), category="poor").values("household_id")
    hh = (Household.objects.filter(village=villages[0], status="active", assessments__year=2022)
          .filter(assessments__year=2024).exclude(id__in=ever).order_by("id").first())
    hh_actions.record_assessment(commune_officer, hh, year=2022, income=900_000, deprived=POOR3, _round_ok=True)
    Household.objects.filter(pk=hh.pk).update(village=villages[1])
    hh.refresh_from_db()
    hh_actions.record_assessment(commune_officer, hh, year=2025, income=900_000, deprived=POOR3, _round_ok=True)
    row = HouseholdMovement.objects.get(year_to=2025, household=hh)
    assert (row.from_village_id, row.to_village_id, row.poor_earlier) == (villages[0].id, villages[1].id, 2)
    assert hh.id in prepared_households(admin_user, my_commune, 2024, 2025, "re_poor").values_list("id", flat=True)
    assert hh.id in prepared_households(admin_user, villages[1], 2024, 2025, "newly_poor").values_list("id", flat=True)
    assert hh.id in prepared_households(admin_user, villages[0], 2024, 2025, "above_left").values_list("id", flat=True)
    for unit in (villages[0], villages[1], my_commune):
        assert_lists_equal_live(admin_user, unit, 2025)


def test_the_round_lock_lists_the_new_pair(commune_officer, commune_chairman, my_commune):
    rnd = rv.open_round(commune_officer, my_commune, 2026)
    rv.start_survey(commune_officer, rnd)
    hh = rnd.members.order_by("household_id").first().household
    rv.record_survey(commune_officer, rnd, hh, income=5_000_000, deprived=[])
    assert hh.id in set(prepared_households(commune_officer, my_commune, 2025, 2026, "escaped_poverty")
                        .values_list("id", flat=True)) | \
        set(prepared_households(commune_officer, my_commune, 2025, 2026, "escaped_near_poverty")
            .values_list("id", flat=True))
    ReviewRound.objects.filter(pk=rnd.pk).update(state=ReviewRound.RECOGNISED)
    rnd.refresh_from_db()
    assert rv.lock(commune_chairman, rnd) > 0
    assert_lists_equal_live(commune_officer, my_commune, 2026)


def test_the_page_lists_every_household_a_page_at_a_time(as_province_officer, province_officer):
    province = Unit.objects.get(system="2025", level="province", code="51")
    url = reverse("movements", args=[province.pk]) + "?from=2024&to=2025&list=stayed_above"
    with CaptureQueriesContext(connection) as q:
        r = as_province_officer.get(url)
    assert r.status_code == 200 and len(q) < 40
    total = unit_movements(province_officer, province, 2024, 2025).counts["stayed_above"]
    page = r.context["page"]
    assert page.paginator.count == total > 100 and len(r.context["listing"]) == 100
    second = as_province_officer.get(url + "&page=2").context["listing"]
    live = Household.objects.filter(id__in=live_movements(province_officer, province, 2024, 2025)
                                    .households("stayed_above")).order_by("village__sort_name", "village_id", "code")
    assert [h.id for h in r.context["listing"] + second] == list(live.values_list("id", flat=True)[:200])
    assert as_province_officer.get(url + "&page=x").status_code == 200


@pytest.mark.parametrize("filters", [{}, {"category": "poor"}, {"em": "1", "category": "near_poor"}, {"q": "nguyen"}])
def test_household_list_pages_are_the_slices_of_the_sorted_list(as_province_officer, filters):
    r = as_province_officer.get(reverse("households"), {"year": 2025, **filters})
    page = r.context["page"]
    qs = page.paginator.object_list          # the list's queryset, ordered
    assert page.paginator.count == qs.count()
    for n in sorted({1, 2, page.paginator.num_pages}):
        got = as_province_officer.get(reverse("households"), {"year": 2025, "page": n, **filters}).context["page"]
        assert [h.id for h in got.object_list] == [h.id for h in qs[(n - 1) * 50:n * 50]], (filters, n)


def test_an_empty_list_has_one_empty_page(as_commune_officer):
    r = as_commune_officer.get(reverse("households"), {"year": 2025, "q": "zzzz-no-such-name"})
    assert r.status_code == 200 and r.context["page"].paginator.count == 0 and not r.context["rows"]
    assert VillagePaginator(Household.objects.none(), 50).get_page(3).object_list == []

"""The API's figures equal the web pages' figures for the same user, unit and year; the unit list is
exactly what the area allows; assessments carry their classification and explanation."""
import csv
import io

import pytest
from django.test import Client

from chungtay.accounts.access import scope_for
from chungtay.households.models import Assessment
from chungtay.units.models import Unit
from tests.test_api_support import KeyClient

INTS = ("households", "poor", "near_poor", "average", "above_average", "em_households", "em_poor")
RATES = ("poverty_rate", "near_poverty_rate", "em_poverty_rate")


def web_rows(user, unit, year):
    c = Client()
    c.force_login(user)
    r = c.get(f"/units/{unit.pk}/", {"year": year, "format": "csv"})
    assert r.status_code == 200
    return {row["code"]: row for row in csv.DictReader(io.StringIO(r.content.decode("utf-8-sig")))}


def _r(x):
    return "" if x is None else f"{x:.2f}"


def cases():
    kon_tum = lambda: Unit.objects.get(system="legacy", level="province", code="62")  # noqa: E731
    return [("xa", lambda u: u.assignments.get().unit, 2025), ("xa", lambda u: u.assignments.get().unit, 2019),
            ("tinh", lambda u: u.assignments.get().unit, 2025), ("tinh", lambda u: kon_tum(), 2020),
            ("thon", lambda u: u.assignments.get().unit, 2024), ("admin", lambda u: kon_tum(), 2016)]


@pytest.mark.parametrize("who,which,year", cases())
def test_the_unit_report_equals_the_unit_page(django_user_model, who, which, year):
    user = django_user_model.objects.get(username=who)
    unit = which(user)
    web = web_rows(user, unit, year)
    r = KeyClient(user).get(f"/units/{unit.pk}/report", {"year": year})
    assert r.status_code == 200
    rep = r.json()
    rows = rep["children"] + [rep["total"]]
    assert len(rows) == len(web) and rep["total"]["households"] > 0
    for f in rows:
        w = web[f["code"]]
        assert f["name"] == w["name"]
        for k in INTS:
            assert f[k] == int(w[k]), (f["code"], k)
        for k in RATES:
            assert _r(f[k]) == w[k], (f["code"], k)
        assert f["poor_deprived"] == [int(w[f"poor_deprived_{c}"]) for c in rep["indicators"]]
        assert (int(f["provisional"]), f["reviewed"], f["expected"]) == (
            int(w["tam_tinh"]), int(w["reviewed"]), int(w["expected"]))


def test_the_report_is_the_sum_of_the_year_summaries(commune_officer, my_commune):
    k = KeyClient(commune_officer)
    rep = k.get(f"/units/{my_commune.pk}/report", {"year": 2025}).json()
    rows, cursor = [], None
    while True:
        page = k.get("/year-summaries", {"unit": my_commune.pk, "year": 2025, "limit": 7,
                                         **({"cursor": cursor} if cursor else {})}).json()
        rows += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert sum(r["total"] for r in rows) == rep["total"]["households"]
    assert sum(r["poor"] for r in rows) == rep["total"]["poor"]
    years = [y["year"] for y in k.get("/years").json()["items"]]
    assert 2025 in years and years == sorted(years, reverse=True)


@pytest.mark.parametrize("who", ["xa", "thon", "xa2", "tinh"])
def test_the_unit_list_is_what_the_area_allows(django_user_model, who):
    user = django_user_model.objects.get(username=who)
    k = KeyClient(user)
    listed, cursor = [], None
    for _ in range(400):
        page = k.get("/units", {"limit": 200, **({"cursor": cursor} if cursor else {})}).json()
        listed += page["items"]
        cursor = page["next_cursor"]
        if not cursor:
            break
    scope = scope_for(user)
    units = Unit.objects.in_bulk([u["id"] for u in listed])
    assert all(scope.covers(u) for u in units.values())
    # and nothing the area allows is missing: every unit the user can open near their assignments
    mine = scope.top_units()
    expected = set()
    for top in mine:
        expected |= {top.pk} | set(Unit.objects.filter(parent=top).values_list("pk", flat=True))
    assert expected <= set(units)
    if who == "tinh":       # pre-2025 units of the province's merged provinces
        assert Unit.objects.filter(system="legacy", level="district", parent__code="62").first().pk in units
    else:
        assert not any(u.system == "legacy" for u in units.values())


def test_a_unit_shows_its_place_in_both_hierarchies(province_officer):
    k = KeyClient(province_officer)
    old = Unit.objects.filter(system="legacy", level="commune", parent__parent__code="62",
                              maps_to__isnull=False).first()
    d = k.get(f"/units/{old.pk}").json()
    assert d["maps_to"] and d["ancestors"] == [old.parent_id, old.parent.parent_id]
    new = Unit.objects.get(pk=d["maps_to"][0]["new_id"])
    assert any(m["legacy_id"] == old.pk for m in k.get(f"/units/{new.pk}").json()["maps_from"])


def test_assessments_carry_category_and_explanation_and_filter(commune_officer, my_commune):
    k = KeyClient(commune_officer)
    page = k.get("/assessments", {"unit": my_commune.pk, "year": 2025, "category": "poor", "current": True,
                                  "limit": 20}).json()
    assert page["items"]
    for a in page["items"]:
        assert a["category"] == "poor" and a["year"] == 2025 and a["is_current"]
        assert a["explanation_vi"] and a["explanation_en"] and len(a["deprived"]) == a["deprivation_count"]
    em = k.get("/assessments", {"unit": my_commune.pk, "year": 2025, "ethnic_minority": True, "limit": 200}).json()
    assert all(a["ethnic_minority"] for a in em["items"])
    n_poor = Assessment.objects.filter(commune=my_commune, year=2025, is_current=True, kind="periodic",
                                       category="poor").count()
    hh = k.get("/households", {"unit": my_commune.pk, "year": 2025, "category": "poor", "limit": 200}).json()
    assert len(hh["items"]) == n_poor


def test_changed_since_lists_what_changed(commune_officer, my_commune):
    from datetime import timedelta

    from django.utils import timezone

    from chungtay.households import actions
    from chungtay.households.models import Household
    k = KeyClient(commune_officer)
    since = timezone.now() - timedelta(seconds=1)
    assert k.get("/households", {"changed_since": since.isoformat()}).json()["items"] == []
    hh = Household.objects.filter(commune=my_commune).order_by("id")[3]
    actions.record_assessment(commune_officer, hh, year=2025, income=2_000_000, kind="regular")
    got = k.get("/households", {"changed_since": since.isoformat()}).json()["items"]
    assert [h["id"] for h in got] == [hh.pk]
    got = k.get("/assessments", {"changed_since": since.isoformat()}).json()["items"]
    assert [a["household_id"] for a in got] == [hh.pk] and got[0]["kind"] == "regular"

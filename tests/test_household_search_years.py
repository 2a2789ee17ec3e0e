"""The household list of a year leaves out households that did not exist that year (dissolved
or moved away before it, or registered after it); the village filter tells twin villages apart
and lists them in Vietnamese alphabetical order."""
from django.urls import reverse

from chungtay.core import fmt
from chungtay.households.models import Household


def _ids(client, **params):
    r = client.get(reverse("households"), {**params, "page": 1})
    return r, r.context["page"].paginator.object_list.values_list("id", flat=True)


def test_a_household_that_moved_away_leaves_the_later_years(as_commune_officer, my_commune):
    hh = Household.objects.filter(commune=my_commune, status="active").order_by("id").first()
    Household.objects.filter(pk=hh.pk).update(status="moved_away", end_year=2020)
    for year, present in ((2019, True), (2020, True), (2021, False), (2024, False)):
        _, ids = _ids(as_commune_officer, year=year, q=hh.code)
        assert (hh.pk in ids) is present, year


def test_a_household_registered_later_is_not_in_earlier_years(as_commune_officer, my_commune):
    hh = Household.objects.filter(commune=my_commune, status="active").order_by("-id").first()
    Household.objects.filter(pk=hh.pk).update(start_year=2022, end_year=None)
    _, ids = _ids(as_commune_officer, year=2021, q=hh.code)
    assert hh.pk not in ids
    _, ids = _ids(as_commune_officer, year=2022, q=hh.code)
    assert hh.pk in ids


def test_the_csv_follows_the_year(as_commune_officer, my_commune):
    hh = Household.objects.filter(commune=my_commune, status="active").order_by("id").first()
    Household.objects.filter(pk=hh.pk).update(status="died_out", end_year=2019)
    body = as_commune_officer.get(reverse("households"), {"year": 2023, "format": "csv"}).content.decode("utf-8-sig")
    assert hh.code not in body
    body = as_commune_officer.get(reverse("households"), {"year": 2018, "format": "csv"}).content.decode("utf-8-sig")
    assert hh.code in body


def test_the_village_filter_tells_twins_apart_in_vietnamese_order(as_commune_officer):
    r = as_commune_officer.get(reverse("households"))
    villages = r.context["villages"]
    labels = [label for _, label in villages]
    assert len(set(labels)) == len(labels) > 1
    key = getattr(fmt, "sort_key", fmt.fold)
    assert labels == sorted(labels, key=key)
    html = r.content.decode()
    for vid, label in villages:
        assert f'<option value="{vid}" >{label}</option>' in html

"""A commune officer never sees another commune's households — in any page, export or URL
guessed by hand; a village head sees only the village. Every view is covered."""
import pytest
from django.urls import reverse

from chungtay.households.models import Household
from chungtay.units.models import Unit


@pytest.fixture
def foreign_household(other_commune):
    return Household.objects.filter(commune=other_commune).order_by("id").first()


@pytest.fixture
def own_household(my_commune):
    return Household.objects.filter(commune=my_commune).order_by("id").first()


def _views(hh, commune, village, province, district):
    return {
        "household page": reverse("household", args=[hh.pk]),
        "add member": reverse("member_add", args=[hh.pk]),
        "record assessment": reverse("assessment_new", args=[hh.pk]),
        "commune page": reverse("unit", args=[commune.pk]),
        "commune csv": reverse("unit", args=[commune.pk]) + "?format=csv",
        "village page": reverse("unit", args=[village.pk]),
        "province page": reverse("unit", args=[province.pk]),
        "district page (pre-2025)": reverse("unit", args=[district.pk]),
        "list filtered to the commune": reverse("households") + f"?unit={commune.pk}",
        "csv filtered to the commune": reverse("households") + f"?unit={commune.pk}&format=csv",
    }


@pytest.mark.parametrize("view", ["household page", "add member", "record assessment", "commune page",
                                  "commune csv", "village page", "province page", "district page (pre-2025)",
                                  "list filtered to the commune", "csv filtered to the commune"])
def test_it_rejects_other_commune(as_commune_officer, foreign_household, view):
    hh = foreign_household
    district = hh.village.legacy_parent.parent
    url = _views(hh, hh.commune, hh.village, hh.province, district)[view]
    assert as_commune_officer.get(url).status_code == 404


@pytest.mark.parametrize("view", ["household page", "add member", "record assessment", "commune page",
                                  "commune csv", "village page", "list filtered to the commune",
                                  "csv filtered to the commune"])
def test_it_allows_own_commune(as_commune_officer, own_household, view):
    hh = own_household
    url = _views(hh, hh.commune, hh.village, hh.province, hh.village.legacy_parent.parent)[view]
    assert as_commune_officer.get(url).status_code == 200


def test_it_rejects_posting_a_member_to_another_commune(as_commune_officer, foreign_household):
    before = foreign_household.members.count()
    r = as_commune_officer.post(reverse("member_add", args=[foreign_household.pk]),
                                {"full_name": "X", "sex": "M", "birth_year": 1990, "ethnicity": "Kinh",
                                 "relation": "child"})
    assert r.status_code == 404
    assert foreign_household.members.count() == before


def test_it_rejects_registering_a_household_in_another_commune(as_commune_officer, other_commune):
    village = Unit.objects.filter(parent=other_commune, level=Unit.VILLAGE).first()
    r = as_commune_officer.post(reverse("household_create"), {
        "code": "NEW-1", "village": village.pk, "full_name": "Nguyễn Văn B", "sex": "M", "birth_year": 1980,
        "ethnicity": "Kinh"})
    assert r.status_code == 200 and "village" in r.context["form"].errors
    assert not Household.objects.filter(code="NEW-1").exists()


def test_lists_and_exports_hold_only_own_commune(as_commune_officer, my_commune, foreign_household):
    r = as_commune_officer.get(reverse("households") + "?q=" + foreign_household.head_name)
    assert all(h.commune_id == my_commune.id for h, _ in r.context["rows"])
    csv_body = as_commune_officer.get(reverse("households") + "?format=csv").content.decode()
    assert foreign_household.code not in csv_body
    year = r.context["year"]          # the list shows the households that existed in its year
    own_codes = set(Household.objects.filter(commune=my_commune).exclude(start_year__gt=year)
                    .exclude(end_year__lt=year).values_list("code", flat=True))
    exported = {line.split(",")[0] for line in csv_body.strip().splitlines()[1:]}
    assert exported == own_codes


def test_home_leads_a_commune_officer_to_the_commune(as_commune_officer, my_commune):
    r = as_commune_officer.get(reverse("home"))
    assert r.status_code == 302 and r["Location"] == reverse("unit", args=[my_commune.pk])


def test_village_head_sees_only_the_village(client, village_head):
    village = village_head.assignments.get().unit
    client.force_login(village_head)
    assert client.get(reverse("unit", args=[village.parent_id])).status_code == 404
    sibling = Household.objects.filter(commune_id=village.parent_id).exclude(village=village).first()
    assert client.get(reverse("household", args=[sibling.pk])).status_code == 404
    r = client.get(reverse("households"))
    # the list holds the village's households that still live there (one that died out is not listed)
    assert r.context["page"].paginator.count == Household.objects.filter(village=village, status="active").count() > 0


def test_province_officer_sees_all_communes_of_the_province(as_province_officer, foreign_household, own_household):
    assert as_province_officer.get(reverse("household", args=[foreign_household.pk])).status_code == 200
    assert as_province_officer.get(reverse("household", args=[own_household.pk])).status_code == 200
    other_province = Unit.objects.get(system="2025", level="province", code="01")
    assert as_province_officer.get(reverse("unit", args=[other_province.pk])).status_code == 404


@pytest.mark.parametrize("name", ["home", "households", "standards"])
def test_anonymous_is_sent_to_login(client, name):
    r = client.get(reverse(name))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


def test_anonymous_cannot_open_a_household(client, own_household):
    r = client.get(reverse("household", args=[own_household.pk]))
    assert r.status_code == 302 and "/login/" in r["Location"]

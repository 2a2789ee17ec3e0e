"""The AF analysis, movements, target and reports pages of a provisional year carry the badge."""
import pytest
from django.urls import reverse

from chungtay.core.standards import standard_for_year
from chungtay.households import actions
from chungtay.households.models import Household

NEW = 2026


@pytest.fixture
def one_surveyed(commune_officer, my_commune):
    hh = Household.objects.filter(commune=my_commune, assessments__year=2025).order_by("id").first()
    actions.record_assessment(commune_officer, hh, year=NEW, income=500_000,
                              deprived=list(standard_for_year(NEW).indicator_codes[:3]))
    return hh


@pytest.mark.parametrize("name, query", [
    ("analysis", f"?year={NEW}"),
    ("movements", f"?from=2025&to={NEW}"),
    ("reports:unit", f"?year={NEW}"),
])
def test_it_shows_the_badge(one_surveyed, as_commune_officer, my_commune, name, query):
    html = as_commune_officer.get(reverse(name, args=[my_commune.pk]) + query).content.decode()
    assert "Số liệu tạm tính" in html and "đã rà soát 1/" in html


@pytest.mark.parametrize("name, query", [("analysis", "?year=2025"), ("movements", "?from=2024&to=2025"),
                                         ("reports:unit", "?year=2025")])
def test_a_final_year_has_no_badge(as_commune_officer, my_commune, name, query):
    html = as_commune_officer.get(reverse(name, args=[my_commune.pk]) + query).content.decode()
    assert "Số liệu tạm tính" not in html


def test_the_english_badge(one_surveyed, as_commune_officer, my_commune):
    as_commune_officer.cookies["chungtay_lang"] = "en"
    html = as_commune_officer.get(reverse("unit", args=[my_commune.pk]) + f"?year={NEW}").content.decode()
    assert "Provisional" in html and "1 of " in html and "households reviewed" in html

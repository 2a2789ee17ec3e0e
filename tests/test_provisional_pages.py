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


def test_the_household_list_says_a_year_is_provisional(as_commune_officer, commune_officer, my_commune):
    """The list of a year still under review carries the coverage badge, like the drill-down."""
    from chungtay.households.completeness import year_status
    from chungtay.households.models import Household
    from chungtay.reviews import actions as r_actions
    rnd = r_actions.open_round(commune_officer, my_commune, 2026)
    r_actions.start_survey(commune_officer, rnd)
    hh = Household.objects.get(pk=rnd.members.order_by("id").first().household_id)
    r_actions.record_survey(commune_officer, rnd, hh, income=900_000)
    st = year_status(commune_officer, my_commune, 2026)
    assert st.provisional and st.reviewed == 1
    r = as_commune_officer.get(reverse("households"), {"year": 2026})
    assert r.context["status"].provisional
    assert f'data-reviewed="1" data-expected="{st.expected}"' in r.content.decode()
    r = as_commune_officer.get(reverse("households"), {"year": 2024})
    assert 'class="provisional"' not in r.content.decode()


def test_the_national_page_says_a_communes_figures_are_not_the_provinces(client, commune_officer, province_officer):
    client.force_login(commune_officer)
    assert 'id="partial-area"' in client.get(reverse("national")).content.decode()
    client.force_login(province_officer)
    assert 'id="partial-area"' not in client.get(reverse("national")).content.decode()

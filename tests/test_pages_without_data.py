"""A user whose area has no results yet (a new installation, a province that has not started)
gets empty pages, not a 404, on the overview, dashboard and plans pages."""
import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse

from chungtay.accounts.models import Assignment
from chungtay.units.models import Unit


@pytest.fixture
def empty_province_officer(db):
    province = Unit.objects.get(system="2025", level="province", code="01")
    user = get_user_model().objects.create_user("hanoi", password="x-long-enough-Pw1")
    Assignment.objects.create(user=user, unit=province, role="province_officer")
    return user, province


def test_pages_of_an_area_without_results_answer_200(client, empty_province_officer):
    user, province = empty_province_officer
    client.force_login(user)
    for url in (reverse("national"), reverse("dashboard", args=[province.pk]), reverse("unit", args=[province.pk]),
                reverse("plans"), reverse("households")):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("params", [{"year": "0"}, {"year": "1995"}, {"compare": "0"}, {"compare": "1995"}])
def test_the_analysis_of_a_year_without_a_standard_is_not_a_server_error(admin_client_user, params):
    client, unit = admin_client_user
    assert client.get(reverse("analysis", args=[unit.pk]), params).status_code in (200, 404)


@pytest.fixture
def admin_client_user(client, admin_user, my_commune):
    client.force_login(admin_user)
    return client, my_commune

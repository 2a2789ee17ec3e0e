"""The list of review rounds: paged, filterable by year, counted in one query, and the rounds of
years loaded from earlier records say so instead of showing 0 households."""
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chungtay.reviews.models import ReviewRound


def test_it_pages_the_rounds_of_a_province_with_constant_queries(as_province_officer, province_officer):
    r = as_province_officer.get(reverse("rounds"))
    total = r.context["page"].paginator.count
    assert total > 50 and len(r.context["rounds"]) == 50
    with CaptureQueriesContext(connection) as one:
        as_province_officer.get(reverse("rounds"))
    with CaptureQueriesContext(connection) as two:
        as_province_officer.get(reverse("rounds"), {"page": 2})
    assert len(two.captured_queries) <= len(one.captured_queries) + 1


def test_it_filters_by_year(as_province_officer):
    r = as_province_officer.get(reverse("rounds"), {"year": "2019"})
    assert r.context["page"].paginator.count > 0
    assert {rnd.year for rnd in r.context["rounds"]} == {2019}


def test_loaded_years_say_earlier_records_not_zero(as_commune_officer, my_commune):
    rnd = ReviewRound.objects.get(commune=my_commune, year=2024, kind="periodic")
    assert rnd.decision_no == ReviewRound.HISTORY_DECISION and not rnd.members.exists()
    html = as_commune_officer.get(reverse("rounds")).content.decode()
    assert "số liệu lịch sử" in html

"""An id in the household list's query that no database id can be (negative, over 64 bits) is no id:
the village filter is ignored and a unit is not found (404), never a server error (found by the
property test on SQLite, whose integers stop at 64 bits)."""
import pytest
from django.urls import reverse

HUGE = "9" * 23


@pytest.mark.parametrize("value", [f"-{HUGE}", HUGE, "0", "-1", str(2 ** 63)])
def test_it_ignores_a_village_that_cannot_exist(as_commune_officer, value):
    r = as_commune_officer.get(reverse("households"), {"village": value})
    assert r.status_code == 200
    assert r.context["village"] is None


@pytest.mark.parametrize("value", [f"-{HUGE}", HUGE, str(2 ** 63)])
def test_a_unit_that_cannot_exist_is_not_found(as_commune_officer, value):
    assert as_commune_officer.get(reverse("households"), {"unit": value}).status_code == 404

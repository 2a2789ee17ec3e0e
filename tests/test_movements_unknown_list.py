"""The movements page with a `list` that names no movement (a blank, a made-up code) shows the counts
without a list, never a server error (found by the property test on PostgreSQL in CI)."""
import pytest
from django.urls import reverse


@pytest.mark.parametrize("value", [" ", "nonsense", ""])
def test_an_unknown_list_shows_no_list(as_commune_officer, my_commune, value):
    r = as_commune_officer.get(reverse("movements", args=[my_commune.pk]), {"list": value})
    assert r.status_code == 200
    assert r.context["show"] is None and 'id="list"' not in r.content.decode()

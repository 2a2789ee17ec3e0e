"""Regression: every village dashboard answered 500 (a village has no child units to rank)."""
from django.urls import reverse

from chungtay.units.models import Unit


def test_it_opens_a_village_dashboard(as_commune_officer, my_commune):
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    r = as_commune_officer.get(reverse("dashboard", args=[village.pk]) + "?year=2025")
    assert r.status_code == 200
    assert r.context["ranking"] == []
    assert r.context["report"].total.total > 0


def test_it_exports_a_village_dashboard_csv(as_commune_officer, my_commune):
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    for part in ("trend", "children", "deprivations", "movements"):
        r = as_commune_officer.get(reverse("dashboard_csv", args=[village.pk]) + f"?year=2025&part={part}")
        assert r.status_code == 200, part

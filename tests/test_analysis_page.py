"""The Alkire–Foster page: same figures as the core on the same rows, scoped, with change,
decompositions, FGT and the households one step from leaving poverty."""
import numpy as np
import pytest
from django.urls import reverse

from chungtay.core import measures
from chungtay.core.standards import get_standard
from chungtay.households.models import Assessment


def _matrix(**filters):
    s = get_standard("2021-2025")
    rows = Assessment.objects.filter(is_current=True, kind="periodic", **filters)
    return np.array(list(rows.values_list(*[f"dep_{i}" for i in range(1, 13)])), dtype=np.uint8), s


def test_page_matches_the_core(as_commune_officer, my_commune):
    r = as_commune_officer.get(reverse("analysis", args=[my_commune.pk]) + "?year=2024&compare=2023")
    assert r.status_code == 200
    m, s = _matrix(commune=my_commune, year=2024)
    core = measures.af(m, k=measures.legal_k(s), indicators=list(s.indicator_codes))
    page = r.context["out"]["af"]
    assert page.H == pytest.approx(core.H) and page.M0 == pytest.approx(core.M0)
    assert sum(page.contribution.values()) == pytest.approx(1.0)
    assert r.context["change"]["year"] == 2023 and set(r.context["change"]) >= {"H", "A", "M0"}
    by_child = r.context["out"]["by_child"]
    assert sum(by_child.share[g] * res.M0 for g, res in by_child.items()) == pytest.approx(page.M0)
    for n, h, _gap in r.context["near"]:
        assert h is not None and h.commune_id == my_commune.id
        assert n.one_deprivation or n.small_gap


def test_weights_and_cutoff_can_be_changed(as_commune_officer, my_commune):
    url = reverse("analysis", args=[my_commune.pk]) + "?year=2024&k=0.5&w_employment=3"
    page = as_commune_officer.get(url).context["out"]["af"]
    m, s = _matrix(commune=my_commune, year=2024)
    w = [3 if c == "employment" else 1 for c in s.indicator_codes]
    core = measures.af(m, weights=w, k=0.5, indicators=list(s.indicator_codes))
    assert page.H == pytest.approx(core.H) and page.weights["employment"] == pytest.approx(3 / 14)


def test_standard_change_is_not_compared(as_commune_officer, my_commune):
    r = as_commune_officer.get(reverse("analysis", args=[my_commune.pk]) + "?year=2022&compare=2021")
    assert r.context["change"]["incomparable"]


def test_other_commune_gets_404(client, other_commune_officer, my_commune):
    client.force_login(other_commune_officer)
    assert client.get(reverse("analysis", args=[my_commune.pk]) + "?year=2024").status_code == 404


def test_decomposition_by_the_heads_ethnic_group(as_commune_officer, my_commune):
    from chungtay.households.models import Member
    r = as_commune_officer.get(reverse("analysis", args=[my_commune.pk]) + "?year=2024")
    by_eth = r.context["out"]["by_ethnicity"]
    heads = dict(Member.objects.filter(relation="head", household__commune=my_commune)
                 .values_list("household_id", "ethnicity"))
    rows = Assessment.objects.filter(commune=my_commune, year=2024, is_current=True, kind="periodic")
    expected = {}
    for hid in rows.values_list("household_id", flat=True):
        expected[heads.get(hid, "?")] = expected.get(heads.get(hid, "?"), 0) + 1
    assert {g: res.n for g, res in by_eth.items()} == expected
    assert sum(by_eth.share[g] * res.M0 for g, res in by_eth.items()) == pytest.approx(r.context["out"]["af"].M0)

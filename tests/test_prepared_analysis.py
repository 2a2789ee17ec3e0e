"""The Alkire–Foster page reads prepared histograms (chungtay.prepared): its figures equal the
household-by-household analysis of the same results, for every kind of unit and group, and a
new result shows at once."""
import math

import pytest

from chungtay.households import actions as hh_actions
from chungtay.households.models import Household
from chungtay.households.movements import live_movements
from chungtay.plans.analysis import analyse, load, load_live
from chungtay.reports.data import province_movements, summary
from chungtay.units.models import Unit


def _norm(x):
    if isinstance(x, float):
        return "nan" if math.isnan(x) else round(x, 9)
    if isinstance(x, dict):
        return {k: _norm(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_norm(v) for v in x]
    return x


def _figures(out):
    if not out["n"]:
        return out
    got = {"n": out["n"], "af": _norm(out["af"].to_dict()), "fgt": _norm(out["fgt"].to_dict()) if out["fgt"] else None,
           "near": [(n.id, n.deprivations_to_remove, _norm(n.gap_share)) for n in out["near"]]}
    for k in ("by_child", "by_em", "by_area", "by_ethnicity"):
        got[k] = {str(g): _norm(r.to_dict()) for g, r in out[k].items()}
    return got


def _units(user):
    from chungtay.accounts.access import scope_for
    return [u for u in (Unit.objects.get(system="2025", level="province", code="51"),
                        Unit.objects.get(system="legacy", level="province", code="62"),
                        Unit.objects.filter(system="legacy", level="district").order_by("code").first(),
                        user.assignments.get().unit) if scope_for(user).covers(u)]


@pytest.mark.parametrize("username", ["tinh", "xa", "thon"])
@pytest.mark.parametrize("group", ["all", "ethnic_minority", "kinh"])
def test_the_page_figures_equal_the_household_by_household_analysis(db, username, group):
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.get(username=username)
    for unit in _units(user):
        for year in (2018, 2025):
            weights = [1, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1][:len(load(user, unit, year).standard.indicators)]
            for w, k in ((None, None), (weights, 0.2)):
                assert _figures(analyse(load(user, unit, year, group), w, k)) == \
                    _figures(analyse(load_live(user, unit, year, group), w, k)), (unit, year, w)


def test_a_new_result_shows_on_the_next_read(commune_officer, my_commune):
    hh = (Household.objects.filter(commune=my_commune, status="active", assessments__year=2025,
                                   assessments__category="above_average").order_by("id").first())
    before = analyse(load(commune_officer, my_commune, 2025))["af"].q
    hh_actions.record_assessment(commune_officer, hh, year=2025, income=900_000,
                                 deprived=["employment", "nutrition", "latrine", "health_insurance"], _round_ok=True)
    out = analyse(load(commune_officer, my_commune, 2025))
    assert out["af"].q == before + 1
    assert _figures(out) == _figures(analyse(load_live(commune_officer, my_commune, 2025)))


def test_the_summary_report_movements_equal_each_communes_own(province_officer, commune_officer, my_commune):
    province = my_commune.parent
    by_commune = province_movements(province_officer, province, 2025)
    mine = live_movements(province_officer, my_commune, 2024, 2025).counts
    for k in ("escaped_poverty", "poor_to_near_poor", "newly_poor", "re_poor"):
        assert by_commune[my_commune.id].get(k, 0) == mine[k]
    rows = summary(commune_officer, my_commune, 2025).rows
    for k in ("poor_to_near_poor", "newly_poor", "re_poor"):
        assert sum(r.moves[k] for r in rows) == mine[k]

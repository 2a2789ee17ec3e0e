"""Plans and targets belong to the unit that issues them (docs/roles.md): the province
officer for the province and its communes, the commune officer for their commune; the
chairman, the village head and the national administrator read but do not write them."""
import pytest
from django.core.exceptions import PermissionDenied

from chungtay.plans import actions
from chungtay.plans.models import Plan, Target


def _plan(user, unit):
    return actions.create_plan(user, unit=unit, title="Kế hoạch giảm nghèo", document_no="2/KH-UBND",
                               start_year=2021, end_year=2025)


def _target(user, plan, unit):
    return actions.add_target(user, plan, metric="poverty_rate", unit=unit, kind=Target.POINTS, low=2, high=3,
                              counted=2.5, baseline_year=2021)


def test_it_lets_the_province_plan_for_the_province_and_its_communes(province_officer, my_commune):
    province = my_commune.parent
    p = _plan(province_officer, province)
    t = _target(province_officer, p, province)
    made = actions.derive_for_children(province_officer, t)
    assert made and all(c.unit.parent_id == province.id for c in made)
    assert _plan(province_officer, my_commune).commune == my_commune


def test_it_keeps_the_commune_officer_to_the_commune(commune_officer, province_officer, my_commune):
    province = my_commune.parent
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        _plan(commune_officer, province)
    p = _plan(commune_officer, my_commune)
    _target(commune_officer, p, my_commune)
    province_plan = _plan(province_officer, province)
    with pytest.raises(PermissionDenied):
        _target(commune_officer, province_plan, my_commune)     # not their plan, even for their commune
    t = _target(province_officer, province_plan, province)
    with pytest.raises(PermissionDenied, match="Cán bộ tỉnh"):
        actions.derive_for_children(commune_officer, t)


@pytest.mark.parametrize("who", ["commune_chairman", "village_head", "admin_user"])
def test_it_refuses_plans_to_readers(request, who, province_officer, my_commune):
    user = request.getfixturevalue(who)
    before = Plan.objects.count()
    with pytest.raises(PermissionDenied):
        _plan(user, my_commune)
    assert Plan.objects.count() == before
    p = _plan(province_officer, my_commune.parent)
    with pytest.raises(PermissionDenied):
        _target(user, p, my_commune.parent)
    with pytest.raises(PermissionDenied):
        actions.enter_official_figure(user, unit=my_commune, year=2015, metric="poverty_rate", value=12.0,
                                      source="Báo cáo 1/BC-UBND")

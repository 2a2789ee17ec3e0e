"""Household data entry and import are the commune poverty officer's (docs/roles.md):
the chairman, the village head, the province officer and the national administrator read
the registry of their area but do not write it."""
import pytest
from django.core.exceptions import PermissionDenied

from chungtay.households import actions
from chungtay.households.models import Household
from chungtay.imports.actions import check_commune, communes_for

HEAD = {"full_name": "Nguyễn Văn Thử", "sex": "M", "birth_year": 1980, "ethnicity": "Kinh"}
NOT_ENTERING = ["commune_chairman", "village_head", "province_officer", "admin_user"]


@pytest.fixture
def village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def household(village):
    return Household.objects.filter(village=village, status="active").order_by("id").first()


@pytest.mark.parametrize("who", NOT_ENTERING)
def test_it_refuses_household_writes_to_other_roles(request, who, village, household):
    user = request.getfixturevalue(who)
    members = household.members.count()
    versions = household.assessments.count()
    with pytest.raises(PermissionDenied, match="Cán bộ giảm nghèo xã"):
        actions.create_household(user, code="R0LE0001", village=village, head=HEAD)
    with pytest.raises(PermissionDenied):
        actions.add_member(user, household, {**HEAD, "relation": "child", "birth_year": 2010})
    with pytest.raises(PermissionDenied):
        actions.record_assessment(user, household, year=2026, income=900_000, deprived=[])
    assert not Household.objects.filter(code="R0LE0001").exists()
    assert household.members.count() == members and household.assessments.count() == versions


def test_it_lets_the_commune_officer_enter_households(commune_officer, village, household):
    hh = actions.create_household(commune_officer, code="R0LE0002", village=village, head=HEAD)
    actions.add_member(commune_officer, hh, {**HEAD, "full_name": "Nguyễn Thị Con", "sex": "F",
                                             "relation": "child", "birth_year": 2012})
    a = actions.record_assessment(commune_officer, hh, year=2026, income=900_000, deprived=[])
    assert hh.members.count() == 2 and a.recorded_by == commune_officer


def test_it_rejects_other_commune(other_commune_officer, village, household):
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        actions.create_household(other_commune_officer, code="R0LE0003", village=village, head=HEAD)
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        actions.record_assessment(other_commune_officer, household, year=2026, income=900_000, deprived=[])


@pytest.mark.parametrize("who", NOT_ENTERING + ["other_commune_officer"])
def test_it_refuses_import_to_everyone_but_the_commune_officer(request, who, commune_officer, my_commune):
    user = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        check_commune(user, my_commune)
    assert my_commune not in communes_for(user)
    check_commune(commune_officer, my_commune)
    assert list(communes_for(commune_officer)) == [my_commune]

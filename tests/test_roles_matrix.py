"""The permission module itself: the area rule of each role, ``inside``, the Vietnamese
refusal, and the matrix kept in step with docs/roles.md."""
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied

from chungtay.accounts import roles
from chungtay.accounts.models import Assignment
from chungtay.units.models import Unit


@pytest.fixture
def village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def other_village(village):
    return Unit.objects.filter(parent=village.parent, level=Unit.VILLAGE).exclude(pk=village.pk).order_by("code").first()


def test_it_keeps_the_village_head_to_own_village(village_head, village, other_village):
    assert roles.can(village_head, "round_survey", village)
    assert not roles.can(village_head, "round_survey", other_village)
    assert not roles.can(village_head, "round_survey", village.parent)
    assert roles.can(village_head, "round_survey", village.parent, inside=True)   # somewhere in the commune
    assert roles.can(village_head, "round_survey")                                 # somewhere


def test_it_gives_the_commune_roles_the_whole_commune(commune_officer, commune_chairman, village, other_village):
    for v in (village, other_village, village.parent):
        assert roles.can(commune_officer, "round_survey", v)
        assert roles.can(commune_chairman, "round_recognise", v.parent if v.level == Unit.VILLAGE else v)
    assert not roles.can(commune_officer, "round_recognise", village.parent)
    assert not roles.can(commune_chairman, "round_survey", village)


def test_it_rejects_other_commune(other_commune_officer, village):
    assert not roles.can(other_commune_officer, "household_create", village)
    assert roles.can(other_commune_officer, "household_create")       # in their own commune
    with pytest.raises(PermissionDenied, match="nằm ngoài địa bàn được giao"):
        roles.require(other_commune_officer, "household_create", village)


def test_it_names_who_does_a_refused_step(village_head, village):
    with pytest.raises(PermissionDenied) as e:
        roles.require(village_head, "round_recognise", village.parent)
    assert str(e.value) == ("Không được quyết định công nhận kết quả rà soát: việc này do Chủ tịch UBND xã "
                            "thực hiện")


def test_it_maps_pre_2025_units_to_the_province(province_officer, commune_officer):
    legacy = Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.PROVINCE, code="62").first()  # Kon Tum
    assert roles.can(province_officer, "official_figure_enter", legacy)
    assert not roles.can(commune_officer, "official_figure_enter", legacy)


def test_a_national_administrator_reads_and_writes_nothing(admin_user, django_user_model, village):
    assert roles.can(admin_user, "plan_view", village)
    writes = [a for a in roles.MATRIX if a != "plan_view"]
    assert not any(roles.can(admin_user, a, village) for a in writes)
    bare = django_user_model.objects.create_superuser("root-khong-giao")    # no assignment: national
    assert roles.can(bare, "plan_view") and not roles.can(bare, "household_create")


def test_it_combines_several_assignments(django_user_model, village, other_village):
    u = django_user_model.objects.create_user("hai-vai")
    Assignment.objects.create(user=u, unit=village, role="village_head")
    Assignment.objects.create(user=u, unit=village.parent.parent, role="province_officer")
    assert roles.can(u, "round_survey", village) and not roles.can(u, "round_survey", other_village)
    assert roles.can(u, "target_derive", village.parent.parent)


def test_every_role_and_action_is_documented():
    doc = (Path(__file__).resolve().parent.parent / "docs" / "roles.md").read_text(encoding="utf-8")
    for action in roles.MATRIX:
        assert f"`{action}`" in doc, action
    for role in roles.ROLES:
        assert f"`{role}`" in doc, role
    assert {r for r, _ in Assignment.ROLES} == set(roles.ROLES)


def test_it_says_who_does_the_step_on_the_403_page_and_in_english(client, village_head):
    from django.utils import translation

    from chungtay.households.models import Household
    village = village_head.assignments.get().unit
    client.force_login(village_head)
    hh = Household.objects.filter(village=village).order_by("id").first()
    r = client.get(f"/households/{hh.pk}/assess/")
    assert r.status_code == 403
    assert ("Không được ghi kết quả rà soát ngoài đợt rà soát: việc này do Cán bộ giảm nghèo xã thực hiện"
            in r.content.decode())
    with pytest.raises(PermissionDenied) as e:
        roles.require(village_head, "round_lock", village.parent)
    with translation.override("en"):
        assert str(e.value) == "You may not lock the review round: this is done by the commune chairman"

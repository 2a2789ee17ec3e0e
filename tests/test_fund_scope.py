"""Who sees which fund: a commune's Front committee its own fund (and what lies below it), the
province's the province fund and its communes' funds; another commune's users see neither; the
committee of one level does not write in another level's books."""
import pytest
from django.core.exceptions import PermissionDenied

from chungtay.accounts import roles
from chungtay.fund import actions
from chungtay.fund.models import Fund
from tests.fund_helpers import commune_front, front_user, fund_of, province_front


@pytest.fixture
def funds(my_commune, other_commune):
    cf, pf, of = commune_front(my_commune), province_front(my_commune), front_user(other_commune, "mttq-xa2")
    return {"commune": fund_of(cf, my_commune), "province": fund_of(pf, my_commune.parent),
            "other": fund_of(of, other_commune), "cf": cf, "pf": pf, "of": of}


def _seen(user):
    return set(Fund.objects.for_user(user).values_list("pk", flat=True))


def test_each_committee_sees_its_fund_and_those_below(funds):
    c, p, o = funds["commune"].pk, funds["province"].pk, funds["other"].pk
    assert _seen(funds["cf"]) == {c}
    assert {c, p, o} <= _seen(funds["pf"])
    assert _seen(funds["of"]) == {o}


def test_other_roles_see_by_area(funds, commune_officer, village_head, other_commune_officer, province_officer):
    c, p, o = funds["commune"].pk, funds["province"].pk, funds["other"].pk
    assert _seen(commune_officer) == {c} and _seen(village_head) == {c} and _seen(other_commune_officer) == {o}
    assert {c, p, o} <= _seen(province_officer)


def test_pages_answer_404_outside_the_area(client, funds):
    client.force_login(funds["cf"])
    assert client.get(f"/fund/{funds['commune'].pk}/").status_code == 200
    assert client.get(f"/fund/{funds['province'].pk}/").status_code == 404
    assert client.get(f"/fund/{funds['other'].pk}/donations/new/").status_code == 404


def test_a_committee_keeps_only_its_own_books(funds):
    assert roles.can(funds["pf"], "donation_record", funds["commune"].unit)       # the area allows it…
    with pytest.raises(PermissionDenied, match="do Ủy ban MTTQ Việt Nam"):     # …the own-level rule does not
        actions.create_donor(funds["pf"], funds["commune"], kind="individual", name="A")
    with pytest.raises(PermissionDenied):
        actions.create_donor(funds["cf"], funds["province"], kind="individual", name="A")
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        actions.create_donor(funds["of"], funds["commune"], kind="individual", name="A")

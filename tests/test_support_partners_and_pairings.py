"""Partners registered at a province or a commune; pairings of a partner or an officer with a
household or a village, for a period, with written commitments."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.support import people
from chungtay.support.models import Pairing, Partner
from tests.support_helpers import household_in


@pytest.fixture
def hh(village_head):
    return household_in(village_head.assignments.get().unit)


def test_a_province_partner_is_seen_in_its_communes_and_a_commune_partner_only_there(
        province_officer, commune_officer, other_commune_officer, village_head, my_commune, other_commune):
    union = people.create_partner(province_officer, unit=my_commune.parent, name="Hội LHPN tỉnh", kind="womens_union")
    mine = people.create_partner(commune_officer, unit=my_commune, name="Đồn Biên phòng", kind="armed_forces")
    theirs = people.create_partner(other_commune_officer, unit=other_commune, name="HTX Cà phê", kind="enterprise")
    assert set(Partner.objects.for_user(commune_officer)) >= {union, mine} and theirs not in Partner.objects.for_user(commune_officer)
    assert {union, mine} <= set(Partner.objects.for_user(village_head)) and theirs not in Partner.objects.for_user(village_head)
    assert {union, mine, theirs} <= set(Partner.objects.for_user(province_officer))
    with pytest.raises(ValidationError, match="đã có tổ chức"):
        people.create_partner(commune_officer, unit=my_commune, name="đồn biên phòng", kind="armed_forces")
    with pytest.raises(PermissionDenied):
        people.create_partner(commune_officer, unit=other_commune, name="X", kind="school")
    with pytest.raises(PermissionDenied):
        people.create_partner(village_head, unit=my_commune, name="X", kind="school")


def test_a_pairing_with_a_household_and_its_end(commune_officer, my_commune, hh):
    partner = people.create_partner(commune_officer, unit=my_commune, name="Đoàn Thanh niên xã", kind="youth_union")
    p = people.create_pairing(commune_officer, partner=partner, household=hh, start_date=dt.date(2024, 1, 1),
                              end_date=dt.date(2025, 12, 31), commitments="Giúp 20 ngày công làm chuồng bò")
    assert (p.village, p.commune, p.province) == (hh.village, hh.commune, hh.province)
    people.end_pairing(commune_officer, p, ended_on=dt.date(2025, 1, 10), reason="hộ đã thoát nghèo")
    p.refresh_from_db()
    assert p.ended_on == dt.date(2025, 1, 10) and p.commitments == "Giúp 20 ngày công làm chuồng bò"
    assert [e.action for e in AuditEvent.objects.filter(object_type="pairing", object_id=str(p.pk)).order_by("id")] == [
        "pairing.create", "pairing.end"]
    with pytest.raises(ValidationError, match="đã kết thúc"):
        people.end_pairing(commune_officer, p, ended_on=dt.date(2025, 2, 1), reason="x")


def test_an_officer_paired_with_a_village_must_work_there(commune_officer, village_head, other_commune_officer, hh):
    p = people.create_pairing(commune_officer, officer=village_head, village=hh.village, start_date=dt.date(2024, 3, 1),
                              commitments="Họp thôn hằng tháng")
    assert p.household is None and p.helper_name
    with pytest.raises(ValidationError, match="địa bàn gồm thôn này"):
        people.create_pairing(commune_officer, officer=other_commune_officer, village=hh.village,
                              start_date=dt.date(2024, 3, 1), commitments="x")


def test_pairing_rules_and_scope(commune_officer, other_commune_officer, village_head, hh, my_commune):
    partner = people.create_partner(commune_officer, unit=my_commune, name="Trường THCS", kind="school")
    bad = dict(partner=partner, household=hh, start_date=dt.date(2024, 1, 1), commitments="x")
    with pytest.raises(ValidationError):
        people.create_pairing(commune_officer, **{**bad, "commitments": " "})
    with pytest.raises(ValidationError):
        people.create_pairing(commune_officer, **{**bad, "end_date": dt.date(2023, 1, 1)})
    with pytest.raises(ValidationError):
        people.create_pairing(commune_officer, **bad, village=hh.village)
    with pytest.raises(PermissionDenied):
        people.create_pairing(other_commune_officer, **bad)
    with pytest.raises(PermissionDenied):
        people.create_pairing(village_head, **bad)
    assert not Pairing.objects.filter(household=hh).exists()


def test_the_pages_record_a_pairing_and_the_household_shows_it(client, commune_officer, my_commune, hh):
    client.force_login(commune_officer)
    r = client.post("/support/partners/", {"name": "Hội Nông dân xã", "kind": "farmers_association", "unit": my_commune.pk})
    assert r.status_code == 302
    partner = Partner.objects.get(name="Hội Nông dân xã")
    r = client.post("/support/pairings/", {"helper": f"p{partner.pk}", "household_code": hh.code,
                                           "start_date": "2024-02-01", "commitments": "Hướng dẫn trồng cà phê"})
    assert r.status_code == 302
    page = client.get(f"/households/{hh.pk}/").content.decode()
    assert "Hội Nông dân xã" in page
    assert "Hướng dẫn trồng cà phê" in client.get("/support/pairings/").content.decode()

"""Support is scoped like everything else: another commune's officer cannot write it and its
pages answer 404; the village head reads the own village's supports and writes nothing; the
province officer reads the whole province and may record there."""
import pytest
from django.core.exceptions import PermissionDenied

from chungtay.households.models import Household
from chungtay.support import actions, people
from chungtay.support.models import Support
from tests.support_helpers import facts, household_in


@pytest.fixture
def village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def hh(village):
    return household_in(village)


@pytest.fixture
def support(commune_officer, hh):
    return actions.record_support(commune_officer, hh, facts(hh))


def test_other_commune_officer_cannot_record(other_commune_officer, hh):
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        actions.record_support(other_commune_officer, hh, facts(hh))
    with pytest.raises(PermissionDenied):
        people.record_pledge(other_commune_officer, hh, year=2025, plan="Nuôi bò")
    assert not Support.objects.filter(household=hh).exists()


def test_other_commune_officer_gets_404_on_every_page(client, other_commune_officer, support, hh):
    client.force_login(other_commune_officer)
    for url in (f"/support/{support.entry_id}/", f"/support/{support.entry_id}/correct/",
                f"/support/households/{hh.pk}/new/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/support/{support.entry_id}/cancel/", {"reason": "x"}).status_code == 404
    r = client.get("/support/")
    assert r.status_code == 200 and hh.code not in r.content.decode()
    assert Support.objects.get(pk=support.pk).is_current


def test_village_head_reads_own_village_and_writes_nothing(client, village_head, support, hh, village):
    client.force_login(village_head)
    assert client.get(f"/support/{support.entry_id}/").status_code == 200
    page = client.get(f"/households/{hh.pk}/").content.decode()
    assert "Bò cái giống" in page and "+ Ghi hỗ trợ" not in page
    assert client.get(f"/support/households/{hh.pk}/new/").status_code == 403
    assert client.get(f"/support/{support.entry_id}/correct/").status_code == 403
    assert client.post(f"/support/{support.entry_id}/cancel/", {"reason": "x"}).status_code == 403
    assert client.get("/support/distributions/new/").status_code == 403
    with pytest.raises(PermissionDenied, match="Cán bộ tỉnh, Cán bộ giảm nghèo xã"):
        actions.record_support(village_head, hh, facts(hh))
    assert Support.objects.filter(entry=support.entry).count() == 1


def test_village_head_does_not_see_another_village(client, commune_officer, village_head, village):
    other = Household.objects.filter(commune=village.parent, status="active").exclude(village=village).order_by("id").first()
    s = actions.record_support(commune_officer, other, facts(other))
    client.force_login(village_head)
    assert client.get(f"/support/{s.entry_id}/").status_code == 404
    assert other.code not in client.get("/support/").content.decode()


def test_province_officer_reads_and_records_in_the_province(client, province_officer, support, hh):
    client.force_login(province_officer)
    assert client.get(f"/support/{support.entry_id}/").status_code == 200
    s = actions.record_support(province_officer, hh, facts(hh, provider_unit=hh.province))
    assert s.recorded_by == province_officer and s.provider_unit == hh.province


def test_chairman_and_national_admin_do_not_record(commune_chairman, admin_user, hh):
    for user in (commune_chairman, admin_user):
        with pytest.raises(PermissionDenied):
            actions.record_support(user, hh, facts(hh))

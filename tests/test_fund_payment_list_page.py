"""The page "Chi theo danh sách": the commune's Front committee pays a list of household codes
under one allocation decision at once; a list with an unknown, outside or repeated code, or one the
fund cannot pay, shows every bad line in Vietnamese and writes nothing."""
import pytest

from chungtay.accounts.models import AuditEvent
from chungtay.fund import actions
from chungtay.fund.models import Disbursement
from chungtay.households.models import Household
from chungtay.support.models import Support
from tests.fund_helpers import DAY, commune_front, fund_of, give


@pytest.fixture
def books(my_commune):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    give(front, fund, 10_000_000)
    alloc = actions.decide_allocation(front, fund, decision_no="12/QĐ-MTTQ", decision_date=DAY, title="Quà Tết",
                                      lines=[("livelihood", my_commune, 3_000_000)])
    households = list(Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id")[:3])
    return front, fund, alloc, households


def _post(client, fund, alloc, codes, amount="1.000.000"):
    return client.post(f"/fund/{fund.pk}/pay-list/", {"allocation": alloc.pk, "purpose": "livelihood",
                                                      "amount_vnd": amount, "date": "2025-11-05", "paid_from": "bank",
                                                      "description": "Quà Tết Bính Ngọ", "households": codes})


def test_the_committee_pays_a_list_at_once(client, books):
    front, fund, alloc, hh = books
    client.force_login(front)
    page = client.get(f"/fund/{fund.pk}/pay-list/").content.decode()
    assert "Chi hỗ trợ theo danh sách hộ" in page and "12/QĐ-MTTQ" in page
    assert "Chi theo danh sách" in client.get(f"/fund/{fund.pk}/").content.decode()
    r = _post(client, fund, alloc, f"{hh[0].code}\n{hh[1].code}, {hh[2].code}\n")
    assert r.status_code == 302, r.content.decode()[:3000]
    paid = Disbursement.objects.filter(fund=fund).order_by("id")
    assert [d.household_id for d in paid] == [h.pk for h in hh]
    assert {d.allocation_id for d in paid} == {alloc.pk} and {d.document_no for d in paid} == {"12/QĐ-MTTQ"}
    assert Support.objects.filter(source="fund", household__in=hh, value_vnd=1_000_000).count() == 3
    assert AuditEvent.objects.filter(action="fund.payments", actor=front).count() == 1
    listed = client.get(f"/fund/{fund.pk}/disbursements/").content.decode()
    assert "Đã chi cho 3 hộ, tổng 3.000.000 đ" in listed and hh[2].code in listed


def test_bad_codes_are_named_by_line_and_nothing_is_written(client, books, other_commune):
    front, fund, alloc, hh = books
    client.force_login(front)
    stranger = Household.objects.filter(commune=other_commune).first()
    r = _post(client, fund, alloc, f"{hh[0].code}\nKHONG-CO\n{hh[0].code}\n{stranger.code}")
    page = r.content.decode()
    assert r.status_code == 200
    assert "Dòng 2: Mã hộ KHONG-CO: không có trong" in page
    assert f"Dòng 3: mã hộ {hh[0].code} đã có ở dòng 1" in page
    assert f"Dòng 4: Mã hộ {stranger.code}: không có trong" in page
    assert not Disbursement.objects.filter(fund=fund).exists()


def test_a_list_beyond_the_allocation_is_refused_whole(client, books):
    front, fund, alloc, hh = books
    client.force_login(front)
    r = _post(client, fund, alloc, "\n".join(h.code for h in hh), amount="1.500.000")     # 4.5 M of 3 M
    assert r.status_code == 200 and "Vượt số còn lại" in r.content.decode()
    assert not Disbursement.objects.filter(fund=fund).exists()


def test_the_form_asks_for_its_decision_and_its_codes(client, books):
    front, fund, alloc, hh = books
    client.force_login(front)
    r = client.post(f"/fund/{fund.pk}/pay-list/", {"purpose": "livelihood", "amount_vnd": "1000", "date": "2025-11-05",
                                                   "paid_from": "bank", "households": " \n "})
    assert r.status_code == 200
    page = r.content.decode()
    assert page.count("class=\"error\"") >= 2 and not Disbursement.objects.filter(fund=fund).exists()

"""The fund's pages as the Front committee of the commune uses them: a donor, a donation through
the form and its receipt PDF, an allocation, a disbursement by household code that shows as a
support on the household's page, a reversal; the other personas get 403 on the write pages."""

import pytest

from chungtay.fund.models import Disbursement, Donation, LedgerTransaction
from chungtay.households.models import Household
from tests.fund_helpers import commune_front, fund_of


@pytest.fixture
def front(my_commune):
    return commune_front(my_commune)


@pytest.fixture
def fund(front, my_commune):
    return fund_of(front, my_commune)


def test_the_front_committee_records_allocates_pays_and_the_household_page_shows_it(client, front, fund, my_commune):
    client.force_login(front)
    assert "Quỹ Vì người nghèo" in client.get("/fund/").content.decode()
    r = client.post(f"/fund/{fund.pk}/donors/", {"kind": "enterprise", "name": "Công ty Cổ phần Đường Quảng Ngãi"})
    assert r.status_code == 302
    donor = fund.donors.get()
    r = client.post(f"/fund/{fund.pk}/donations/new/", {"donor": donor.pk, "date": "2025-10-20", "form": "money",
                                                        "value_vnd": "50.000.000", "channel": "bank",
                                                        "bank_reference": "FT2529301"})
    assert r.status_code == 302, r.content.decode()[:2000]
    d = Donation.objects.get(fund=fund)
    assert (d.value_vnd, d.receipt_no) == (50_000_000, 1)
    pdf = client.get(f"/fund/donations/{d.pk}/receipt.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    r = client.post(f"/fund/{fund.pk}/allocate/", {"decision_no": "05/QĐ-MTTQ", "decision_date": "2025-10-25",
                                                   "title": "Phân bổ Quỹ 2025",
                                                   "lines": f"house; {my_commune.code}; 40.000.000\n"
                                                            f"scholarship; {my_commune.code}; 2.000.000"})
    assert r.status_code == 302, r.content.decode()[:3000]
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id").first()
    r = client.post(f"/fund/{fund.pk}/disburse/", {"household": hh.code, "purpose": "house", "amount_vnd": "40000000",
                                                   "date": "2025-11-02", "paid_from": "bank", "document_no": "12/PC"})
    assert r.status_code == 302, r.content.decode()[:3000]
    page = client.get(f"/households/{hh.pk}/").content.decode()
    assert "Xây, sửa nhà (nhà Đại đoàn kết)" in page or "QVNN" in page
    assert "40.000.000" in page
    detail = client.get(f"/fund/{fund.pk}/").content.decode()
    assert "10.000.000" in detail                     # held: 50M in, 40M paid
    d_txn = Disbursement.objects.get(fund=fund).txn
    r = client.post(f"/fund/entries/{d_txn.pk}/reverse/", {"date": "2025-11-03", "reason": "ghi nhầm hộ"})
    assert r.status_code == 302
    assert LedgerTransaction.objects.filter(reverses=d_txn).exists()
    r = client.post(f"/fund/{fund.pk}/disburse/", {"household": "KHONG-CO", "purpose": "house", "amount_vnd": "1",
                                                   "date": "2025-11-02", "paid_from": "bank"})
    assert r.status_code == 200 and "Mã hộ KHONG-CO: không có" in r.content.decode()


def test_amounts_are_whole_vnd_on_the_form(client, front, fund):
    client.force_login(front)
    from chungtay.fund import actions
    donor = actions.create_donor(front, fund, kind="individual", name="Nguyễn Văn B", anonymous=True)
    r = client.post(f"/fund/{fund.pk}/donations/new/", {"donor": donor.pk, "date": "2025-10-20", "form": "money",
                                                        "value_vnd": "1000,5", "channel": "cash"})
    assert r.status_code == 200 and "số đồng nguyên" in r.content.decode()
    assert not Donation.objects.filter(fund=fund).exists()


@pytest.mark.parametrize("who", ["commune_officer", "commune_chairman", "province_officer", "village_head", "admin_user"])
def test_other_personas_read_but_may_not_write(client, request, fund, who):
    client.force_login(request.getfixturevalue(who))
    assert client.get(f"/fund/{fund.pk}/").status_code == 200
    for url in ("donations/new/", "allocate/", "disburse/", "pay-list/", "transfer/"):
        assert client.get(f"/fund/{fund.pk}/{url}").status_code == 403


def test_the_committee_publishes_a_period_from_the_fund_page(client, front, fund):
    client.force_login(front)
    assert "Công khai kỳ này" in client.get(f"/fund/{fund.pk}/").content.decode()
    r = client.post(f"/fund/{fund.pk}/publish/", {"start": "2025-10-17", "end": "2025-11-18"})
    assert r.status_code == 302
    period = fund.published.get()
    assert client.get(f"/fund/public/{period.pk}/").status_code == 200

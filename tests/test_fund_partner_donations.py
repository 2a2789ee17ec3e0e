"""A partner's page shows its donations to the Fund for the Poor (through the fund donors linked
to it), in the funds the user reads; another commune's partner is 404."""
import datetime as dt

import pytest

from chungtay.fund import actions
from chungtay.support.models import Partner
from tests.fund_helpers import commune_front, donor, fund_of


@pytest.fixture
def partner_gave(my_commune, commune_officer):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    partner = Partner.objects.create(name="Công ty Cổ phần Đường Quảng Ngãi", kind="enterprise", unit=my_commune,
                                     province=my_commune.parent, commune=my_commune)
    d = donor(front, fund, name="Đường Quảng Ngãi (chi nhánh)", partner=partner)
    camp = actions.create_campaign(front, fund, kind="peak_month", name="Tháng cao điểm 2025",
                                   start=dt.date(2025, 10, 17), end=dt.date(2025, 11, 18), target_vnd=0)
    kept = actions.record_donation(front, fund, donor=d, date=dt.date(2025, 10, 20), value_vnd=25_000_000, campaign=camp)
    void = actions.record_donation(front, fund, donor=d, date=dt.date(2025, 10, 21), value_vnd=7_000_000)
    actions.reverse(front, void.txn, date=dt.date(2025, 10, 21), reason="ghi nhầm")
    actions.record_donation(front, fund, donor=donor(front, fund, name="Người khác"), date=dt.date(2025, 10, 20),
                            value_vnd=1_000_000)
    return partner, kept


def test_the_partner_page_lists_its_donations(client, commune_officer, partner_gave):
    partner, kept = partner_gave
    client.force_login(commune_officer)
    assert f"/support/partners/{partner.pk}/" in client.get("/support/partners/").content.decode()
    page = client.get(f"/support/partners/{partner.pk}/").content.decode()
    assert "25.000.000" in page and "Tháng cao điểm 2025" in page and kept.receipt in page
    assert "đã hủy" in page                                   # the reversed one, marked
    assert "1 lượt" in page                                   # counted: not the void one, not another donor's
    assert "1.000.000" not in page.replace("25.000.000", "")


def test_scoped(client, partner_gave, other_commune_officer, village_head):
    partner, _ = partner_gave
    client.force_login(other_commune_officer)
    assert client.get(f"/support/partners/{partner.pk}/").status_code == 404
    client.force_login(village_head)
    assert client.get(f"/support/partners/{partner.pk}/").status_code == 200
    assert client.get("/support/partners/999999999/").status_code == 404
    client.logout()
    assert client.get(f"/support/partners/{partner.pk}/").status_code == 302

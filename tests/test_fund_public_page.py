"""The public page (no login) shows published periods only: donations by donor name or
"Nhà hảo tâm giấu tên", allocations, payments by purpose and place without naming households,
and the balance at the end of the period; reversed entries are left out."""
import datetime as dt

import pytest

from chungtay.fund import actions
from chungtay.households.models import Household
from tests.fund_helpers import commune_front, donor, fund_of


@pytest.fixture
def published(my_commune):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    day = dt.date(2025, 10, 20)
    actions.record_donation(front, fund, donor=donor(front, fund, name="Công ty TNHH Minh Phát"), date=day,
                            value_vnd=30_000_000)
    actions.record_donation(front, fund, donor=donor(front, fund, name="Lê Văn Kín", kind="individual", anonymous=True),
                            date=day, value_vnd=2_000_000)
    wrong = actions.record_donation(front, fund, donor=donor(front, fund, name="Nhầm Lẫn"), date=day, value_vnd=999)
    actions.reverse(front, wrong.txn, date=day, reason="ghi trùng")
    actions.decide_allocation(front, fund, decision_no="3/QĐ-MTTQ", decision_date=day, title="",
                              lines=[("house", my_commune, 20_000_000)])
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id").first()
    actions.record_disbursement(front, fund, household=hh, purpose="house", amount_vnd=15_000_000, date=day)
    period = actions.publish_period(front, fund, start=dt.date(2025, 10, 1), end=dt.date(2025, 11, 30))
    return period, hh


def test_anyone_reads_a_published_period(client, published):
    period, hh = published
    assert f"/fund/public/{period.pk}/" in client.get("/fund/public/").content.decode()
    page = client.get(f"/fund/public/{period.pk}/").content.decode()
    assert "Công ty TNHH Minh Phát" in page and "Nhà hảo tâm giấu tên" in page
    assert "Lê Văn Kín" not in page and "Nhầm Lẫn" not in page          # anonymous; reversed
    assert "32.000.000" in page and "20.000.000" in page and "15.000.000" in page   # received, allocated, paid
    assert "17.000.000" in page                                         # held at the end
    assert hh.code not in page and hh.head_name not in page             # no household named


def test_an_unpublished_period_is_not_found(client, published):
    period, _ = published
    assert client.get(f"/fund/public/{period.pk + 1000}/").status_code == 404

"""The fund's writes: a donation with its receipt, an allocation, a disbursement that is also a
support of the household, a transfer seen at both ends, a reversal, and refusals."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.fund import actions, queries
from chungtay.fund.models import Donation, LedgerTransaction
from chungtay.households.models import Household
from chungtay.support.models import Support
from tests.fund_helpers import DAY, commune_front, front_user, fund_of, give, province_front


@pytest.fixture
def front(my_commune):
    return commune_front(my_commune)


@pytest.fixture
def fund(front, my_commune):
    return fund_of(front, my_commune)


def test_a_donation_gets_the_next_receipt_and_lands_in_the_bank(front, fund):
    a = give(front, fund, 2_000_000, bank_reference="FT001")
    b = give(front, fund, 500_000, channel="cash")
    c = give(front, fund, 3_000_000, form=Donation.IN_KIND, goods="100 bao gạo")
    assert [a.receipt_no, b.receipt_no, c.receipt_no] == [1, 2, 3]
    assert a.receipt == f"{fund.code}-2025-00001"
    assert queries.balances(fund) == {"bank": 2_000_000, "cash": 500_000, "goods": 3_000_000, "unallocated": -5_500_000}
    assert give(front, fund, 1, d=dt.date(2024, 11, 1)).receipt_no == 1        # each year starts at 1


def test_allocate_then_disburse_records_a_support(front, fund, my_commune):
    give(front, fund, 60_000_000)
    alloc = actions.decide_allocation(front, fund, decision_no="01/QĐ-MTTQ", decision_date=DAY, title="Phân bổ 2025",
                                      lines=[("house", my_commune, 50_000_000), ("scholarship", my_commune, 5_000_000)])
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id").first()
    d = actions.record_disbursement(front, fund, household=hh, purpose="house", amount_vnd=40_000_000, date=DAY,
                                    allocation=alloc)
    s = Support.objects.get(entry=d.support_entry, is_current=True)
    assert (s.value_vnd, s.kind, s.part.code, s.source, s.provider_unit_id) == (40_000_000, "house", "QVNN.NHA", "fund", my_commune.pk)
    assert [(f.source.code, f.share) for f in s.funding.all()] == [("QVNN", 100)]
    b = queries.balances(fund)
    assert b["bank"] == 20_000_000 and b["earmarked:house"] == -10_000_000 and b["unallocated"] == -5_000_000
    with pytest.raises(ValidationError, match="Vượt số còn lại"):
        actions.record_disbursement(front, fund, household=hh, purpose="house", amount_vnd=10_000_001, date=DAY)
    actions.reverse(front, d.txn, date=DAY, reason="chi nhầm hộ")
    assert Support.objects.get(entry=d.support_entry, is_current=True).status == "cancelled"
    assert queries.balances(fund)["bank"] == 60_000_000
    assert queries.balances(fund)["earmarked:house"] == -50_000_000
    with pytest.raises(ValidationError, match="đã được đảo"):
        actions.reverse(front, d.txn, date=DAY, reason="lần nữa")


def test_a_transfer_appears_at_both_ends(front, fund, my_commune):
    pfront = province_front(my_commune)
    pfund = fund_of(pfront, my_commune.parent)
    give(pfront, pfund, 10_000_000)
    t = actions.record_transfer(pfront, pfund, fund, amount_vnd=4_000_000, date=DAY, reference="CK-01")
    assert queries.balances(pfund)["bank"] == 6_000_000 and queries.balances(fund)["bank"] == 4_000_000
    assert t.txn in queries.transactions_of(fund) and t.txn in queries.transactions_of(pfund)
    with pytest.raises(PermissionDenied):                    # the province reads, the commune writes its own books
        give(pfront, fund, 1)
    with pytest.raises(ValidationError, match="Không đủ số dư"):
        actions.record_transfer(pfront, pfund, fund, amount_vnd=6_000_001, date=DAY)


def test_other_roles_and_other_communes_are_refused(fund, commune_officer, other_commune_officer, other_commune, front):
    with pytest.raises(PermissionDenied, match="Ủy ban MTTQ Việt Nam"):
        actions.record_donation(commune_officer, fund, donor=None, date=DAY, value_vnd=1)
    other = front_user(other_commune, "mttq-xa2")
    with pytest.raises(PermissionDenied, match="ngoài địa bàn"):
        actions.record_donation(other, fund, donor=None, date=DAY, value_vnd=1)
    with pytest.raises(ValidationError) as e:
        actions.record_donation(front, fund, donor=None, date=DAY, value_vnd=0)
    assert set(e.value.error_dict) == {"donor", "value_vnd"}
    assert not LedgerTransaction.objects.filter(fund=fund).exists()


def test_a_house_follows_its_stages_with_its_contributions(front, fund, my_commune):
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id").first()
    h = actions.create_house(front, fund, household=hh, fund_vnd=40_000_000, state_vnd=20_000_000,
                             community_vnd=5_000_000, household_vnd=10_000_000)
    assert h.total_vnd == 75_000_000 and h.stage == "planned"
    h = actions.advance_house(front, h, stage="started", date=dt.date(2025, 3, 1))
    h = actions.advance_house(front, h, stage="handed_over", date=dt.date(2025, 8, 1))
    assert h.stage_dates == {"started": "2025-03-01", "handed_over": "2025-08-01"}
    with pytest.raises(ValidationError, match="sau giai đoạn hiện tại"):
        actions.advance_house(front, h, stage="roof", date=dt.date(2025, 8, 2))

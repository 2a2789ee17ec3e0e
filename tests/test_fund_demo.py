"""The Fund for the Poor demo (chungtay/fund/demo.py) on the test world: written through the
actions, the books balance (every balance is the sum of its lines, each fund's lines sum to 0), the
receipts run 1..n per fund and year, the payments are supports of the households, a period is
published, and a second call writes nothing."""
from collections import defaultdict

from django.db.models import Sum

from chungtay.accounts.models import AuditEvent
from chungtay.fund import queries
from chungtay.fund.demo import create_demo_front_user, create_demo_fund
from chungtay.fund.models import (Campaign, Disbursement, Donation, Donor, Fund, HouseProject, LedgerLine,
                                  LedgerTransaction, PublishedPeriod, Transfer)
from chungtay.support.models import Support


def test_the_demo_fund_is_written_through_the_actions_and_balances(db, my_commune):
    mttq, mttqtinh = create_demo_front_user()
    assert mttq.check_password("chungtay2025")
    assert (mttq.assignments.get().role, mttq.assignments.get().unit) == ("front_committee", my_commune)
    assert mttqtinh.assignments.get().unit == my_commune.parent
    out = create_demo_fund(donations=60)
    assert out["created"]
    funds = {f.level: f for f in Fund.objects.filter(unit__in=[my_commune, my_commune.parent])}
    assert set(funds) == {"commune", "province"}
    for f in funds.values():
        assert f.bank_accounts.count() == 1 and f.committee
        lines = LedgerLine.objects.filter(fund=f)
        assert lines.aggregate(s=Sum("amount"))["s"] == 0                          # each fund sums to 0
        sums = defaultdict(int)
        for account, amount in lines.values_list("account", "amount"):
            sums[account] += amount
        assert queries.balances(f) == dict(sums)
        assert all(v >= 0 for a, v in sums.items() if a in ("cash", "bank", "goods"))
        assert all(v <= 0 for a, v in sums.items() if a == "unallocated" or a.startswith("earmarked:"))
        by_year = defaultdict(list)
        for year, no in Donation.objects.filter(fund=f).values_list("receipt_year", "receipt_no"):
            by_year[year].append(no)
        assert sorted(by_year) == [2021, 2022, 2023, 2024, 2025]
        assert all(sorted(v) == list(range(1, len(v) + 1)) for v in by_year.values())   # unbroken
        assert PublishedPeriod.objects.filter(fund=f).exists()
        assert Campaign.objects.filter(fund=f, kind=Campaign.PEAK).count() == 5
    assert {k for k, _ in Donor.KIND_CHOICES} <= set(Donor.objects.filter(fund__in=funds.values()).values_list("kind", flat=True))
    assert Donor.objects.filter(anonymous=True).exists()
    assert Campaign.objects.filter(kind=Campaign.DISASTER).exists()
    assert Donation.objects.filter(form=Donation.IN_KIND).exists()
    assert set(Donation.objects.filter(form=Donation.MONEY).values_list("channel", flat=True)) == {"cash", "bank", "payroll"}
    assert Transfer.objects.filter(from_fund=funds["province"], to_fund=funds["commune"]).count() == 1
    assert LedgerTransaction.objects.filter(kind=LedgerTransaction.REVERSAL).count() == 1
    assert HouseProject.objects.filter(stage="handed_over").count() >= 1
    paid = Disbursement.objects.filter(fund=funds["commune"])
    assert {"house", "livelihood", "scholarship", "health_insurance"} <= set(paid.values_list("purpose", flat=True))
    for d in Disbursement.objects.all():
        s = Support.objects.get(entry=d.support_entry, is_current=True)
        assert (s.household_id, s.value_vnd, s.source) == (d.household_id, d.amount_vnd, "fund")
    assert AuditEvent.objects.filter(action="fund.donation", actor=mttq).exists()
    assert AuditEvent.objects.filter(action="fund.donation", actor=mttqtinh).exists()

    counts = (LedgerLine.objects.count(), Donor.objects.count(), AuditEvent.objects.count(), Support.objects.count())
    assert create_demo_fund(donations=60) == {"created": False}
    create_demo_front_user()
    assert (LedgerLine.objects.count(), Donor.objects.count(), AuditEvent.objects.count(), Support.objects.count()) == counts

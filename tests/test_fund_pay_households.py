"""An allocation decision's list paid at once (``fund.payments.pay_households``): each payment is
written exactly as ``record_disbursement`` writes one (ledger transaction and lines, support,
disbursement, audit), the books still agree, and a list with any problem — a line outside the area,
a bad amount, a day in the closed books, a total the fund does not hold, another commune's user —
writes nothing and names every bad line."""
import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from chungtay.accounts.models import AuditEvent
from chungtay.fund import actions, queries
from chungtay.fund.models import Disbursement, LedgerLine, LedgerTransaction
from chungtay.fund.payments import Payment, pay_households
from chungtay.households.models import Household
from chungtay.support.models import Support, SupportEntry
from tests.fund_helpers import DAY, commune_front, fund_of, give

LATER = dt.date(2025, 11, 3)


@pytest.fixture
def books(my_commune):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    give(front, fund, 30_000_000)
    give(front, fund, 5_000_000, channel="cash")
    alloc = actions.decide_allocation(front, fund, decision_no="07/QĐ-MTTQ", decision_date=DAY, title="Tết 2026",
                                      lines=[("scholarship", my_commune, 6_000_000), ("house", my_commune, 25_000_000)])
    households = list(Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id")[:4])
    return front, fund, alloc, households


def _written():
    return (LedgerTransaction.objects.count(), LedgerLine.objects.count(), Disbursement.objects.count(),
            SupportEntry.objects.count(), Support.objects.count(), AuditEvent.objects.count())


def _picture(d: Disbursement) -> tuple:
    """Everything a payment wrote, without ids, dates of writing or the household's own code."""
    t = d.txn
    s = Support.objects.get(entry_id=d.support_entry_id, is_current=True)
    events = {e.action: {k: v for k, v in e.changes.items() if k not in ("household", "entry", "support_entry")}
              for e in AuditEvent.objects.filter(object_id__in=[str(d.pk), str(s.pk)],
                                                 action__in=["fund.disbursement", "support.record"])}
    return ((d.purpose, d.paid_from, d.amount_vnd, d.date, d.document_no, d.description, d.allocation_id,
             d.village_id == d.household.village_id, d.province_id == d.household.province_id, d.created_by_id),
            (t.kind, t.date, t.memo.rsplit(" ", 1)[0], t.reference, t.created_by_id, t.fund_id),
            sorted(t.lines.values_list("account", "amount")),
            (s.kind, s.part.code, s.value_vnd, s.quantity, s.unit_of_measure, s.status, s.source, s.document_no,
             s.description, s.provider_unit_id, s.date, s.year, s.recorded_by_id, s.version),
            sorted(s.funding.values_list("source__code", "share", "amount_vnd")), events)


def test_each_payment_is_written_as_record_disbursement_writes_one(books):
    front, fund, alloc, hh = books
    one = actions.record_disbursement(front, fund, household=hh[0], purpose="scholarship", amount_vnd=1_500_000,
                                      date=LATER, allocation=alloc, description="Học bổng năm học 2025–2026")
    many = pay_households(front, fund, allocation=alloc, payments=[
        Payment(hh[1], "scholarship", 1_500_000, LATER, description="Học bổng năm học 2025–2026"),
        Payment(hh[2], "house", 20_000_000, LATER, paid_from="bank"),
        Payment(hh[3], "scholarship", 1_500_000, LATER, paid_from="cash", description="Học bổng năm học 2025–2026")])
    assert [d.household_id for d in many] == [hh[1].pk, hh[2].pk, hh[3].pk]
    assert _picture(many[0]) == _picture(one)
    assert many[2].paid_from == "cash" and many[1].txn.memo == f"Chi xây, sửa nhà đại đoàn kết cho hộ {hh[2].code}"
    assert queries.check_balances([fund.pk]) == []           # the prepared balances are the sums of the lines
    b = queries.balances(fund)
    assert (b["bank"], b["cash"]) == (30_000_000 - 1_500_000 - 1_500_000 - 20_000_000, 5_000_000 - 1_500_000)
    assert (b["earmarked:scholarship"], b["earmarked:house"]) == (-1_500_000, -5_000_000)
    listed = AuditEvent.objects.get(action="fund.payments")
    assert listed.changes == {"decision_no": "07/QĐ-MTTQ", "households": 3, "total_vnd": 23_000_000,
                              "purposes": {"scholarship": 3_000_000, "house": 20_000_000}, "last_date": "2025-11-03"}
    assert listed.actor_id == front.pk and listed.unit_id == fund.unit_id


def test_a_list_with_bad_lines_writes_nothing_and_names_each(books, other_commune):
    front, fund, alloc, hh = books
    stranger = Household.objects.filter(commune=other_commune, status="active").first()
    before = _written()
    with pytest.raises(ValidationError) as e:
        pay_households(front, fund, allocation=alloc, payments=[
            Payment(hh[0], "scholarship", 1_500_000, LATER),
            Payment(stranger, "scholarship", 1_500_000, LATER),
            Payment(hh[1], "scholarship", 0, LATER),
            Payment(hh[2], "picnic", 1_000, LATER),
            Payment(hh[3], "scholarship", 1_000, dt.date.today() + dt.timedelta(days=3))])
    messages = e.value.messages
    assert any(m.startswith(f"Dòng 2 (hộ {stranger.code}): Hộ không thuộc địa bàn của quỹ") for m in messages)
    assert any(m.startswith(f"Dòng 3 (hộ {hh[1].code}): Số tiền phải là số đồng nguyên dương") for m in messages)
    assert any(m.startswith(f"Dòng 4 (hộ {hh[2].code}): Mục đích không hợp lệ") for m in messages)
    assert any(m.startswith(f"Dòng 5 (hộ {hh[3].code}): Ngày không hợp lệ") for m in messages)
    assert not any(m.startswith("Dòng 1 ") for m in messages)
    assert _written() == before


def test_the_lists_total_may_not_overdraw_an_account(books):
    front, fund, alloc, hh = books
    before = _written()
    # each payment alone is within the 6,000,000 earmarked for scholarships; the four are not
    with pytest.raises(ValidationError, match="Vượt số còn lại"):
        pay_households(front, fund, allocation=alloc,
                       payments=[Payment(h, "scholarship", 1_600_000, LATER) for h in hh])
    with pytest.raises(ValidationError, match="Không đủ số dư"):            # 5,000,000 in cash
        pay_households(front, fund, allocation=alloc, payments=[
            Payment(hh[0], "house", 4_000_000, LATER, paid_from="cash"),
            Payment(hh[1], "house", 4_000_000, LATER, paid_from="cash")])
    assert _written() == before


def test_no_payment_is_dated_inside_the_closed_books(books):
    front, fund, alloc, hh = books
    actions.publish_period(front, fund, start=dt.date(2025, 10, 1), end=dt.date(2025, 10, 31))
    before = _written()
    with pytest.raises(ValidationError) as e:
        pay_households(front, fund, allocation=alloc, payments=[
            Payment(hh[0], "scholarship", 1_000_000, LATER), Payment(hh[1], "scholarship", 1_000_000, dt.date(2025, 10, 30))])
    assert len(e.value.messages) == 1 and e.value.messages[0].startswith(f"Dòng 2 (hộ {hh[1].code}): Sổ quỹ")
    assert _written() == before


def test_it_rejects_another_communes_committee_and_another_funds_decision(books, other_commune):
    front, fund, alloc, hh = books
    with pytest.raises(PermissionDenied):
        pay_households(commune_front_of(other_commune), fund, allocation=alloc,
                       payments=[Payment(hh[0], "scholarship", 1_000_000, LATER)])
    other_front = commune_front_of(other_commune)
    other_fund = fund_of(other_front, other_commune)
    give(other_front, other_fund, 2_000_000)
    theirs = actions.decide_allocation(other_front, other_fund, decision_no="1/QĐ", decision_date=DAY, title="",
                                       lines=[("scholarship", other_commune, 2_000_000)])
    with pytest.raises(ValidationError, match="quỹ khác"):
        pay_households(front, fund, allocation=theirs, payments=[Payment(hh[0], "scholarship", 1_000_000, LATER)])
    with pytest.raises(ValidationError, match="không có hộ nào"):
        pay_households(front, fund, allocation=alloc, payments=[])


def commune_front_of(commune):
    from tests.fund_helpers import front_user
    return front_user(commune, "mttq-xa-khac")

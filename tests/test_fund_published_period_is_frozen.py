"""A published period never changes: the fund's books are closed up to the end of its latest
published period. No entry (donation, allocation, payment, transfer, reversal) can be dated inside
them, in the action, the form, the Excel import or at the other end of a transfer; a correction is a
reversal dated later, which shows in the later period and leaves the published statement, its
downloadable figures and its public page exactly as they were."""
import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from chungtay.fund import actions, public, statements
from chungtay.fund.models import Donation, LedgerTransaction
from chungtay.households.models import Household
from tests.fund_helpers import commune_front, donor, fund_of, province_front

START, END = dt.date(2025, 10, 1), dt.date(2025, 11, 30)
INSIDE, AFTER = dt.date(2025, 11, 2), dt.date(2025, 12, 5)


@pytest.fixture
def books(my_commune):
    front = commune_front(my_commune)
    fund = fund_of(front, my_commune)
    giver = donor(front, fund, name="Công ty TNHH Minh Phát")
    first = actions.record_donation(front, fund, donor=giver, date=dt.date(2025, 10, 20), value_vnd=2_000_000)
    actions.record_donation(front, fund, donor=giver, date=dt.date(2025, 10, 21), value_vnd=30_000_000)
    actions.decide_allocation(front, fund, decision_no="3/QĐ-MTTQ", decision_date=dt.date(2025, 10, 25), title="",
                              lines=[("house", my_commune, 20_000_000)])
    hh = Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id").first()
    pay = actions.record_disbursement(front, fund, household=hh, purpose="house", amount_vnd=15_000_000,
                                      date=dt.date(2025, 11, 1))
    period = actions.publish_period(front, fund, start=START, end=END)
    return front, fund, giver, first, pay, hh, period


def _snapshot(period):
    s = public.statement(period)
    full = statements.full_statement(period)
    return (s.received, s.held_at_end, s.allocated, s.paid, s.donations, s.by_purpose, s.by_unit,
            full.movement, full.donation_count, full.received, list(statements.donation_rows(period)))


def test_it_refuses_every_kind_of_entry_dated_inside_the_published_period(books, my_commune):
    front, fund, giver, first, pay, hh, period = books
    attempts = [
        lambda: actions.record_donation(front, fund, donor=giver, date=INSIDE, value_vnd=1_000_000),
        lambda: actions.decide_allocation(front, fund, decision_no="4/QĐ", decision_date=INSIDE, title="",
                                          lines=[("house", my_commune, 1_000_000)]),
        lambda: actions.record_disbursement(front, fund, household=hh, purpose="house", amount_vnd=1_000_000, date=INSIDE),
        lambda: actions.reverse(front, first.txn, date=INSIDE, reason="ghi nhầm"),
        lambda: actions.record_donation(front, fund, donor=giver, date=dt.date(2024, 5, 1), value_vnd=1_000),  # before it too
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError) as e:
            attempt()
        assert "đã khóa đến hết ngày 30/11/2025" in str(e.value) and "01/12/2025" in str(e.value)
    assert LedgerTransaction.objects.filter(fund=fund).count() == 4


def test_a_transfer_cannot_reach_into_the_closed_books_of_the_other_fund(books, my_commune):
    front, fund, *_ = books
    pf = province_front(my_commune)
    province_fund = fund_of(pf, my_commune.parent)
    actions.record_donation(pf, province_fund, donor=donor(pf, province_fund), date=dt.date(2025, 11, 10),
                            value_vnd=50_000_000)
    with pytest.raises(ValidationError, match="QVNN-.*đã khóa"):
        actions.record_transfer(pf, province_fund, fund, amount_vnd=5_000_000, date=INSIDE)
    t = actions.record_transfer(pf, province_fund, fund, amount_vnd=5_000_000, date=AFTER)
    assert t.txn.date == AFTER


def test_a_later_correction_leaves_the_published_statement_as_it_was(books):
    front, fund, giver, first, pay, hh, period = books
    before = _snapshot(period)
    assert before[0] == 32_000_000 and before[1] == 17_000_000 and before[3] == 15_000_000
    actions.reverse(front, pay.txn, date=AFTER, reason="chi nhầm hộ")
    actions.reverse(front, first.txn, date=AFTER, reason="ghi nhầm nhà tài trợ")
    actions.record_donation(front, fund, donor=giver, date=AFTER, value_vnd=7_000_000)
    assert _snapshot(period) == before
    assert public.figures(period) == public.figures_by_definition(period) == (before[0], before[1])
    later = actions.publish_period(front, fund, start=dt.date(2025, 12, 1), end=dt.date(2025, 12, 31))
    s, m = public.statement(later), statements.movement(later)
    assert s.received == 7_000_000                          # the later donation; the reversals are corrections
    assert m.corrections == -2_000_000 + 15_000_000 and m.balanced()
    assert s.held_at_end == 17_000_000 - 2_000_000 + 15_000_000 + 7_000_000


def test_the_public_page_shows_the_same_figures_after_a_correction(client, books):
    front, fund, giver, first, pay, hh, period = books
    page = client.get(f"/fund/public/{period.pk}/").content.decode()
    actions.reverse(front, pay.txn, date=AFTER, reason="chi nhầm hộ")
    actions.reverse(front, first.txn, date=AFTER, reason="ghi nhầm")
    again = client.get(f"/fund/public/{period.pk}/").content.decode()
    assert "32.000.000" in page and "17.000.000" in page
    assert "32.000.000" in again and "17.000.000" in again


def test_the_donation_form_says_why_in_vietnamese(client, books):
    front, fund, giver, *_ = books
    client.force_login(front)
    r = client.post(f"/fund/{fund.pk}/donations/new/", {"donor": giver.pk, "date": "2025-11-02", "value_vnd": "1000000",
                                                         "form": "money", "channel": "bank"})
    assert r.status_code == 200
    assert "Sổ quỹ" in r.content.decode() and "đã khóa đến hết ngày 30/11/2025" in r.content.decode()
    assert not Donation.objects.filter(fund=fund, date=dt.date(2025, 11, 2)).exists()


def test_the_fund_page_says_up_to_when_the_books_are_closed(client, books):
    front, fund, *_ = books
    client.force_login(front)
    page = client.get(f"/fund/{fund.pk}/").content.decode()
    assert 'id="books-closed"' in page and "Sổ đã khóa đến hết ngày 30/11/2025" in page

"""The fund's reads at 100,000 donations (issue 11 §6) without changing what they show:

- the prepared balances (``FundBalance``, kept by ``ledger.post``) always equal the sums of the lines,
  in every fund, after random sequences of donations, allocations, payments, transfers between the
  commune and the province fund and reversals of any of them (transfers included); a posting that
  fails after its lines are written leaves neither lines nor balances;
- a fund's entries read by index (own transactions + ``FundCrossEntry``) are exactly the
  transactions with a line in the fund, in the same order, and ``ledger.rebuild`` gives the same
  figures as the postings;
- the donation list read by keyset shows the same rows as OFFSET paging, on every page, by number
  and through its previous / next links, across two receipt years.
"""
import datetime as dt
import os

import pytest
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chungtay.fund import actions, ledger, queries
from chungtay.fund.models import Donation, Fund, FundBalance, FundCrossEntry, LedgerLine, LedgerTransaction
from tests.fund_helpers import two_level_books, commune_front, donor, fund_of, give, province_front
from tests.test_fund_ledger_property import BIG, DATES, OPS, WHO, _apply, _Rollback


@pytest.fixture
def books(my_commune):
    return two_level_books(my_commune)


def _old_entries(fund):
    """The definition the page used before: a line in the fund or recorded by it (OR + DISTINCT)."""
    return list(LedgerTransaction.objects.filter(Q(fund=fund) | Q(lines__fund=fund)).distinct()
                .order_by("-date", "-id").values_list("id", flat=True))


def _same(funds):
    assert queries.check_balances() == []
    for f in funds:
        assert queries.balances(f) == queries.line_sums(f)
        entries = _old_entries(f)
        assert sorted(queries.transactions_of(f).values_list("id", flat=True)) == sorted(entries)
        for n in (1, 5, 30):
            assert [t.pk for t in queries.recent_transactions(f, n)] == entries[:n]


@pytest.mark.django_db
def test_prepared_balances_equal_the_sums_of_lines_through_transfers_and_reversals(books):
    users, funds, donors, households = books

    @settings(max_examples=int(os.environ.get("FUND_PROPERTY_EXAMPLES", "25")), deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.just("donate"), WHO, BIG, st.just("bank"), DATES), min_size=1, max_size=2),
           st.lists(st.one_of(OPS, st.tuples(st.just("transfer"), WHO, BIG),
                              st.tuples(st.just("reverse"), WHO, st.integers(0, 30))), min_size=1, max_size=25))
    def run(start, ops):
        try:
            with transaction.atomic():
                fresh = [Fund.objects.get(pk=f.pk) for f in funds]
                for op in start + ops:
                    try:
                        _apply(op, users, fresh, donors, households)
                    except ValidationError:
                        pass
                    _same(fresh)
                # rebuilt from the lines alone, the prepared figures are the same
                before = sorted(FundBalance.objects.values_list("fund_id", "account", "amount"))
                cross = sorted(FundCrossEntry.objects.values_list("fund_id", "txn_id", "date"))
                ledger.rebuild([f.pk for f in fresh])
                assert sorted(FundBalance.objects.values_list("fund_id", "account", "amount")) == before
                assert sorted(FundCrossEntry.objects.values_list("fund_id", "txn_id", "date")) == cross
                raise _Rollback
        except _Rollback:
            pass

    run()


@pytest.mark.django_db
def test_a_transfer_and_its_reversal_show_in_both_funds_and_move_both_balances(my_commune):
    cf, pf = commune_front(my_commune), province_front(my_commune)
    fund, pfund = fund_of(cf, my_commune), fund_of(pf, my_commune.parent)
    give(cf, fund, 10_000_000, channel="bank")
    t = actions.record_transfer(cf, fund, pfund, amount_vnd=4_000_000, date=dt.date(2025, 10, 21))
    assert queries.balances(fund)["bank"] == 6_000_000 and queries.balances(pfund)["bank"] == 4_000_000
    assert [x.pk for x in queries.recent_transactions(pfund)] == [t.txn_id]
    r = actions.reverse(cf, t.txn, date=dt.date(2025, 10, 22), reason="chuyển nhầm")
    assert [x.pk for x in queries.recent_transactions(pfund)] == [r.pk, t.txn_id]
    assert queries.balances(fund)["bank"] == 10_000_000 and queries.balances(pfund)["bank"] == 0
    _same([fund, pfund])


@pytest.mark.django_db
def test_a_posting_that_fails_after_its_lines_leaves_no_line_and_no_balance(my_commune, monkeypatch):
    cf = commune_front(my_commune)
    fund = fund_of(cf, my_commune)
    give(cf, fund, 3_000_000, channel="cash")
    counts = (LedgerLine.objects.count(), LedgerTransaction.objects.count())
    before = queries.balances(fund)

    def boom(*a, **kw):
        raise RuntimeError("the database went away")
    monkeypatch.setattr(ledger, "add_to_balances", boom)
    with pytest.raises(RuntimeError):
        give(cf, fund, 5_000_000, channel="cash")
    assert (LedgerLine.objects.count(), LedgerTransaction.objects.count()) == counts
    assert queries.balances(fund) == before == queries.line_sums(fund)


@pytest.mark.django_db
def test_the_donation_list_by_keyset_shows_the_offset_pages(client, my_commune):
    cf = commune_front(my_commune)
    fund = fund_of(cf, my_commune)
    d = donor(cf, fund)
    for i in range(63):
        give(cf, fund, 100_000 + i, d=dt.date(2024, 11, 1), donor=d, channel="cash")
    for i in range(71):
        give(cf, fund, 200_000 + i, d=dt.date(2025, 11, 1), donor=d, channel="bank")
    actions.reverse(cf, Donation.objects.get(receipt_year=2025, receipt_no=7).txn, date=dt.date(2025, 11, 2),
                    reason="ghi nhầm")
    expected = list(Donation.objects.filter(fund=fund).order_by("-receipt_year", "-receipt_no").values_list("pk", flat=True))
    offset = [expected[i:i + 50] for i in range(0, len(expected), 50)]
    assert len(offset) == 3

    p = Paginator(queries.DonationPages(fund), 50)
    assert p.count == 134 and p.num_pages == 3
    for n, rows in enumerate(offset, start=1):
        assert [x.pk for x in p.page(n)] == rows
    key = "{0.receipt_year}-{0.receipt_no}".format

    def page_ids(url):
        r = client.get(url)
        assert r.status_code == 200
        return [x.pk for x in r.context["page"]], r

    client.force_login(cf)
    url = f"/fund/{fund.pk}/donations/"
    ids, r = page_ids(url)
    assert ids == offset[0]
    for n in (2, 3):                                  # forward by the "next" links, back by "previous"
        assert f'?page={n}&amp;after={r.context["after"]}' in r.content.decode()
        ids, r = page_ids(f'{url}?page={n}&after={r.context["after"]}')
        assert ids == offset[n - 1]
        assert page_ids(f"{url}?page={n}")[0] == offset[n - 1]        # by number alone
    for n in (2, 1):
        assert f'?page={n}&amp;before={r.context["before"]}' in r.content.decode()
        ids, r = page_ids(f'{url}?page={n}&before={r.context["before"]}')
        assert ids == offset[n - 1]
    last = Donation.objects.get(pk=offset[0][-1])
    assert page_ids(f"{url}?page=2&after={key(last)}")[0] == offset[1]
    for bad in ("x", "2025-", "²⁰²⁵-1", "2025-99999999999999", "-1"):         # a broken cursor: the page by number
        assert page_ids(f"{url}?page=2&after={bad}")[0] == offset[1]
    assert "đã hủy" in client.get(f"{url}?page=2").content.decode()       # the reversed donation 2025-7 is on page 2

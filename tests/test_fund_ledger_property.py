"""Property test of the fund's books (issue 11 §4): random sequences of donations, transfers,
allocations, disbursements and reversals, on a commune fund and its province's fund. After every
step:

- each fund's balances are the sums of its lines, every fund sums to 0, assets are never below 0
  and capital never above 0;
- the ledger agrees with the records: money held = donations − disbursements ± transfers and the
  money allocated to a purpose = allocations − disbursements (reversed records left out);
- receipts of each fund and year are 1..n, never skipping or repeating (reversed donations keep
  their number);
- no entry can be changed or deleted (instance and queryset, update and delete all raise);
- a published period's statement (figures, lists, movement) never changes afterwards: an entry dated
  inside the closed books is refused, a later reversal is a correction of the later period.

Runs on SQLite and, with ``DATABASE_URL=postgres://…``, on PostgreSQL. ``FUND_PROPERTY_EXAMPLES``
sets the number of sequences (default 25)."""
import datetime as dt
import os
from collections import defaultdict

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from chungtay.core import ledger as core
from chungtay.fund import actions, public, queries, statements
from chungtay.fund.models import (PURPOSE_NAMES, AllocationLine, Disbursement, Donation, Fund, ImmutableError,
                                  LedgerLine, LedgerTransaction, Transfer)
from chungtay.households.models import Household
from tests.fund_helpers import commune_front, donor, fund_of, province_front

PURPOSES = sorted(PURPOSE_NAMES)
AMOUNT = st.one_of(st.integers(1, 20).map(lambda n: n * 1_000_000), st.integers(1, 50_000_000))
BIG = st.integers(5, 100).map(lambda n: n * 1_000_000)
DATES = st.sampled_from([dt.date(2024, 10, 20), dt.date(2024, 11, 5), dt.date(2025, 10, 17), dt.date(2025, 11, 18)])
WHO = st.integers(0, 1)                     # 0 = the commune fund, 1 = the province fund
DISBURSE = st.tuples(st.just("disburse"), WHO, st.integers(0, 4), AMOUNT, st.sampled_from(["bank", "bank", "cash", "goods"]),
                     st.integers(0, 2), st.booleans())
OPS = st.one_of(
    DISBURSE, DISBURSE,
    st.tuples(st.just("donate"), WHO, BIG | AMOUNT, st.sampled_from(["bank", "cash", "payroll", "in_kind"]), DATES),
    st.tuples(st.just("transfer"), WHO, AMOUNT),
    st.tuples(st.just("allocate"), WHO, st.sampled_from(PURPOSES), AMOUNT, st.booleans()),
    st.tuples(st.just("allocate"), WHO, st.sampled_from(PURPOSES), AMOUNT, st.just(True)),
    st.tuples(st.just("reverse"), WHO, st.integers(0, 30)),
    st.tuples(st.just("publish"), WHO, st.sampled_from([dt.date(2024, 12, 31), dt.date(2025, 10, 31),
                                                        dt.date(2025, 11, 18)])),
)
LATE = dt.date(2025, 12, 31)


class _Rollback(Exception):
    pass


@pytest.fixture
def books(my_commune):
    cf, pf = commune_front(my_commune), province_front(my_commune)
    funds = [fund_of(cf, my_commune), fund_of(pf, my_commune.parent)]
    users = [cf, pf]
    donors = [donor(u, f) for u, f in zip(users, funds)]
    households = list(Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id")[:3])
    return users, funds, donors, households


def _apply(op, users, funds, donors, households):
    kind, who = op[0], op[1]
    u, f = users[who], funds[who]
    if kind == "donate":
        _, _, amount, channel, day = op
        form = "in_kind" if channel == "in_kind" else "money"
        actions.record_donation(u, f, donor=donors[who], date=day, value_vnd=amount, form=form,
                                channel="" if form == "in_kind" else channel, goods="gạo" if form == "in_kind" else "")
    elif kind == "transfer":
        actions.record_transfer(u, f, funds[1 - who], amount_vnd=op[2], date=LATE)
    elif kind == "allocate":
        _, _, purpose, amount, fit = op
        left = -queries.balances(f).get("unallocated", 0)
        if fit and left > 0:                  # half the time: an amount the fund holds (else most are refused)
            amount = 1 + amount % left
        actions.decide_allocation(u, f, decision_no="QĐ", decision_date=LATE, title="", lines=[(purpose, f.unit, amount)])
    elif kind == "disburse":
        _, _, i, amount, paid_from, h, fit = op
        # a purpose with money allocated, if any, and half the time an amount within it and what
        # the account holds (else nearly every payment would be refused)
        b = queries.balances(f)
        open_ = sorted(a.split(":")[1] for a, v in b.items() if a.startswith("earmarked:") and v < 0)
        purpose = (open_ or PURPOSES)[i % len(open_ or PURPOSES)]
        if fit:
            paid_from = max(("bank", "cash", "goods"), key=lambda a: b.get(a, 0))
            room = min(-b.get(f"earmarked:{purpose}", 0), b.get(paid_from, 0))
            if room > 0:
                amount = 1 + amount % room
        actions.record_disbursement(u, f, household=households[h], purpose=purpose, amount_vnd=amount, date=LATE,
                                    paid_from=paid_from)
    elif kind == "publish":
        return actions.publish_period(u, f, start=dt.date(2024, 1, 1), end=op[2])
    else:
        txns = list(LedgerTransaction.objects.filter(fund=f).order_by("id"))
        if txns:
            actions.reverse(u, txns[op[2] % len(txns)], date=LATE, reason="ghi nhầm")


def _alive(qs):
    return qs.filter(txn__reversal__isnull=True)


def _check(funds):
    for f in funds:
        lines = list(LedgerLine.objects.filter(fund=f).values_list("account", "amount"))
        sums = defaultdict(int)
        for a, v in lines:
            sums[a] += v
        b = queries.balances(f)
        assert b == dict(sums)                                    # balances are the sums of the lines
        assert sum(b.values()) == 0                               # every fund's books balance
        assert all(v >= 0 for a, v in b.items() if core.is_asset(a))
        assert all(v <= 0 for a, v in b.items() if not core.is_asset(a))
        held = sum(v for a, v in b.items() if core.is_asset(a))
        expected = (sum(_alive(Donation.objects.filter(fund=f)).values_list("value_vnd", flat=True))
                    - sum(_alive(Disbursement.objects.filter(fund=f)).values_list("amount_vnd", flat=True))
                    + sum(_alive(Transfer.objects.filter(to_fund=f)).values_list("amount_vnd", flat=True))
                    - sum(_alive(Transfer.objects.filter(from_fund=f)).values_list("amount_vnd", flat=True)))
        assert held == expected
        for p in PURPOSES:
            allocated = sum(AllocationLine.objects.filter(allocation__fund=f, purpose=p,
                                                          allocation__txn__reversal__isnull=True)
                            .values_list("amount_vnd", flat=True))
            paid = sum(_alive(Disbursement.objects.filter(fund=f, purpose=p)).values_list("amount_vnd", flat=True))
            assert -b.get(f"earmarked:{p}", 0) == allocated - paid
        for year in (2024, 2025):
            core.check_unbroken(Donation.objects.filter(fund=f, receipt_year=year).values_list("receipt_no", flat=True))
    for t in LedgerTransaction.objects.filter(reverses__isnull=False).select_related("reverses"):
        mine = sorted((ln.fund_id, ln.account, ln.amount) for ln in t.lines.all())
        theirs = sorted((ln.fund_id, ln.account, -ln.amount) for ln in t.reverses.lines.all())
        assert mine == theirs


def statement_figures(period):
    """Everything a published statement shows, to compare before and after later writes."""
    s = public.statement(period)
    return (s.received, s.held_at_end, s.allocated, s.paid, s.donations, s.allocations, s.by_purpose, s.by_unit,
            statements.movement(period), statements.donation_count(period))


def _immutable():
    for model in (LedgerLine, LedgerTransaction, Donation):
        row = model.objects.order_by("?").first()
        if row is None:
            continue
        with pytest.raises(ImmutableError):
            row.save()
        with pytest.raises(ImmutableError):
            row.delete()
        with pytest.raises(ImmutableError):
            model.objects.filter(pk=row.pk).update(date=LATE) if model is not LedgerLine else \
                model.objects.filter(pk=row.pk).update(amount=1)
        with pytest.raises(ImmutableError):
            model.objects.filter(pk=row.pk).delete()
    line = LedgerLine.objects.first()
    if line is not None:
        line.amount += 1
        with pytest.raises(ImmutableError):
            line.save()


@pytest.mark.django_db
def test_random_sequences_keep_the_books_exact(books):
    users, funds, donors, households = books

    @settings(max_examples=int(os.environ.get("FUND_PROPERTY_EXAMPLES", "25")), deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.lists(st.tuples(st.just("donate"), WHO, BIG, st.just("bank"), DATES), min_size=1, max_size=2)
           .flatmap(lambda ds: st.just(ds + [("allocate", d[1], "house", d[2] // 2, True) for d in ds])),
           st.lists(OPS, min_size=1, max_size=25))
    def run(start, ops):
        ops = start + ops
        try:
            with transaction.atomic():
                fresh = [Fund.objects.get(pk=f.pk) for f in funds]
                published = []
                for op in ops:
                    try:
                        period = _apply(op, users, fresh, donors, households)
                    except ValidationError:
                        pass                       # refused (overdraft, a reversal twice, closed books): nothing written
                    else:
                        if period is not None:
                            published.append((period, statement_figures(period)))
                    _check(fresh)
                    for period, figures in published:
                        assert statement_figures(period) == figures
                _immutable()
                raise _Rollback
        except _Rollback:
            pass

    run()

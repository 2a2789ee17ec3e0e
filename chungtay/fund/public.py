"""The public statement of a fund for one published period (no login): donations received (donor
names, or "Nhà hảo tâm giấu tên"), allocations, disbursements by purpose and by unit (totals and
counts, no household named), and the balance at the end of the period. Reversed entries and their
reversals are left out (they cancel). Only periods the Front committee has published are shown."""
from __future__ import annotations

from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Sum

from .models import (PURPOSE_NAMES, AllocationLine, Disbursement, Donation, Donor, FundBalance, FundCrossEntry,
                     LedgerLine, LedgerTransaction, PublishedPeriod)


@dataclass
class Statement:
    period: PublishedPeriod
    donations: list = field(default_factory=list)          # (date, public name, form, amount)
    received: int = 0
    allocations: list = field(default_factory=list)        # (decision, date, purpose, unit, amount)
    allocated: int = 0
    by_purpose: list = field(default_factory=list)         # (purpose code, households, amount)
    by_unit: list = field(default_factory=list)            # (unit name, households, amount)
    paid: int = 0
    held_at_end: int = 0


ASSETS = ("cash", "bank", "goods")


def alive(qs, end, txn="txn"):
    """The rows whose entry was not reversed by the end of the period. A reversal dated later (the
    books of a published period are closed, so every later correction is) belongs to a later period:
    the published statement does not change."""
    return qs.exclude(**{f"{txn}__reversal__date__lte": end})


LATER_MAX = 5000      # entries dated after the end read one by one; more (an old period): sum up to the end


@contextmanager
def one_snapshot():
    """On PostgreSQL the reads inside see one state of the books (a read-only REPEATABLE READ
    transaction). Not on SQLite, where a transaction begins IMMEDIATE (the write lock: an anonymous
    page must not hold it), and not inside a transaction already (tests, a caller's block): there
    each read is its own statement, as before."""
    conn = transaction.get_connection()
    if conn.in_atomic_block or conn.vendor != "postgresql":
        yield
        return
    with transaction.atomic():
        with conn.cursor() as c:
            c.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield


def reversed_txns(fund, end) -> list[int]:
    """Ids of the fund's entries reversed by ``end`` (a reversal is recorded by the fund of the entry
    it cancels): few, read by the partial index ``fund_ledgertxn_reversals``."""
    return sorted(LedgerTransaction.objects.filter(fund=fund, reverses__isnull=False, date__lte=end).order_by()
                  .values_list("reverses_id", flat=True))


def figures(period: PublishedPeriod, reversed_ids: list[int] | None = None) -> tuple[int, int]:
    """(donations received in the period and not reversed, money held at the end of the period),
    without a pass over joined rows (call inside :func:`one_snapshot`):

    * received = the donations of the period (an index-only sum over ``fund_donation_by_date``) − those
      of them whose entry was reversed (looked up by id: the fund's few reversed entries);
    * held at the end = the prepared balances of cash, bank and goods (``FundBalance``, = the sums of
      all the lines) − the lines on those accounts of the entries dated after the end (the fund's own,
      by ``fund_ledgertxn_recent``, and other funds' entries with a line in it, by ``fund_cross_recent``;
      more than ``LATER_MAX`` of them — an old period —: the sum of the lines up to the end, as defined).

    Both equal their definitions (:func:`figures_by_definition`), which the tests compare."""
    fund, a, b = period.fund, period.start, period.end
    rev = reversed_txns(fund, period.end) if reversed_ids is None else reversed_ids
    dons = Donation.objects.filter(fund=fund, date__range=(a, b)).order_by()
    received = dons.aggregate(t=Sum("value_vnd"))["t"] or 0
    if rev:
        received -= dons.filter(txn_id__in=rev).aggregate(t=Sum("value_vnd"))["t"] or 0
    later = list(LedgerTransaction.objects.filter(fund=fund, date__gt=b).order_by().values_list("id", flat=True)
                 .union(FundCrossEntry.objects.filter(fund=fund, date__gt=b).order_by()
                        .values_list("txn_id", flat=True), all=True)[:LATER_MAX + 1])
    if len(later) > LATER_MAX:
        return received, figures_by_definition(period)[1]
    held = FundBalance.objects.filter(fund=fund, account__in=ASSETS).aggregate(t=Sum("amount"))["t"] or 0
    if later:
        held -= (LedgerLine.objects.filter(fund=fund, account__in=ASSETS, txn_id__in=later)
                 .aggregate(t=Sum("amount"))["t"] or 0)
    return received, held


def figures_by_definition(period: PublishedPeriod) -> tuple[int, int]:
    """The same two figures as sums over every row (the reads before migration 0003; tests and checks)."""
    fund, a, b = period.fund, period.start, period.end
    received = alive(Donation.objects.filter(fund=fund, date__range=(a, b)), b).aggregate(t=Sum("value_vnd"))["t"] or 0
    held = (LedgerLine.objects.filter(fund=fund, txn__date__lte=b, account__in=ASSETS)
            .aggregate(t=Sum("amount"))["t"] or 0)
    return received, held


def first_donations(period: PublishedPeriod, limit: int, reversed_ids: list[int] | None = None) -> list:
    """The first ``limit`` donations of the period not reversed, by date then id: (date, public name,
    form, amount). Read in ``fund_donation_by_date`` order and stopped after ``limit`` rows (no sort of
    the period's donations, no join to find the reversed: they are the fund's few reversals)."""
    if limit <= 0:
        return []
    fund = period.fund
    rev = reversed_txns(fund, period.end) if reversed_ids is None else reversed_ids
    rows = list(Donation.objects.filter(fund=fund, date__range=(period.start, period.end))
                .exclude(txn_id__in=rev).order_by("date", "id")
                .values_list("date", "donor_id", "form", "value_vnd")[:limit])
    donors = Donor.objects.only("name", "anonymous").in_bulk({r[1] for r in rows})
    return [(d, donors[who].public_name, form, v) for d, who, form, v in rows]


def statement(period: PublishedPeriod, limit: int = 1000) -> Statement:
    with one_snapshot():            # the figures, the rows and the totals from one state of the books
        return _statement(period, limit)


def _statement(period: PublishedPeriod, limit: int) -> Statement:
    fund, a, b = period.fund, period.start, period.end
    s = Statement(period)
    rev = reversed_txns(fund, b)
    s.received, s.held_at_end = figures(period, rev)
    s.donations = first_donations(period, limit, rev)
    lines = (alive(AllocationLine.objects.filter(allocation__fund=fund, allocation__decision_date__range=(a, b)),
                   b, "allocation__txn")
             .select_related("allocation", "unit").order_by("allocation__decision_date", "id"))
    lines = list(lines)
    from chungtay.units.labels import labels_for
    names = labels_for([x.unit for x in lines])     # a village line told apart from its namesakes, one look-up
    s.allocations = [(x.allocation.decision_no, x.allocation.decision_date, x.purpose, names[x.unit_id], x.amount_vnd)
                     for x in lines]
    s.allocated = sum(x[4] for x in s.allocations)
    purposes, units = defaultdict(lambda: [set(), 0]), defaultdict(lambda: [set(), 0])
    for d in alive(Disbursement.objects.filter(fund=fund, date__range=(a, b)), b).select_related("commune"):
        purposes[d.purpose][0].add(d.household_id)
        purposes[d.purpose][1] += d.amount_vnd
        units[d.commune.full_name][0].add(d.household_id)
        units[d.commune.full_name][1] += d.amount_vnd
    s.by_purpose = [(p, len(v[0]), v[1]) for p, v in sorted(purposes.items(), key=lambda kv: list(PURPOSE_NAMES).index(kv[0]))]
    s.by_unit = [(u, len(v[0]), v[1]) for u, v in sorted(units.items())]
    s.paid = sum(v[2] for v in s.by_purpose)
    return s

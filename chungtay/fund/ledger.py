"""Writing the books of the Fund for the Poor: one transaction's lines, and with them (in the same
database transaction) the prepared balances and the cross-fund index.

``post`` is the only writer of ``LedgerLine`` in the application (``actions._post`` checks and calls
it, under the lock of the funds). The lines stay the books; ``FundBalance`` is their sum per fund and
account kept up to date here, and ``FundCrossEntry`` notes a transaction recorded by another fund
that has a line in this one. ``rebuild`` recomputes both from the lines (for data written in bulk
outside ``post``, e.g. the benchmark's load).
"""
from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.db.models import F, Sum

from .models import FundBalance, FundCrossEntry, LedgerLine, LedgerTransaction


def add_to_balances(deltas: dict[tuple[int, str], int]) -> None:
    """(fund id, account) → amount to add. Call inside the posting's transaction, funds locked."""
    for (fid, account), d in sorted(deltas.items()):
        if not FundBalance.objects.filter(fund_id=fid, account=account).update(amount=F("amount") + d):
            FundBalance.objects.create(fund_id=fid, account=account, amount=d)


def post(t: LedgerTransaction, lines) -> list[LedgerLine]:
    """Write the lines of ``t`` — (fund, account, amount) — and update the prepared balances and the
    cross-fund index in the same database transaction."""
    return post_many([(t, lines)])


def post_many(postings) -> list[LedgerLine]:
    """:func:`post` for many transactions at once: [(transaction, lines)], in a few statements."""
    with transaction.atomic():
        rows = LedgerLine.objects.bulk_create([LedgerLine(txn=t, fund=f, account=a, amount=amt)
                                               for t, lines in postings for f, a, amt in lines])
        deltas: dict[tuple[int, str], int] = defaultdict(int)
        for _, lines in postings:
            for f, a, amt in lines:
                deltas[(f.pk, a)] += amt
        add_to_balances(deltas)
        FundCrossEntry.objects.bulk_create([FundCrossEntry(fund_id=fid, txn=t, date=t.date) for t, lines in postings
                                            for fid in sorted({f.pk for f, _, _ in lines} - {t.fund_id})])
    return rows


@transaction.atomic
def rebuild(fund_ids) -> None:
    """Recompute the prepared balances and cross entries of these funds from their lines (after a
    bulk load that wrote lines directly). The lines are only read."""
    fund_ids = list(fund_ids)
    FundBalance.objects.filter(fund_id__in=fund_ids).delete()
    FundBalance.objects.bulk_create([
        FundBalance(fund_id=r["fund_id"], account=r["account"], amount=r["s"])
        for r in LedgerLine.objects.filter(fund_id__in=fund_ids).values("fund_id", "account")
        .annotate(s=Sum("amount")).order_by()])
    have = set(FundCrossEntry.objects.filter(fund_id__in=fund_ids).values_list("fund_id", "txn_id"))
    missing = {(fid, tid, d) for fid, tid, d in LedgerLine.objects.filter(fund_id__in=fund_ids)
               .exclude(fund_id=F("txn__fund_id")).values_list("fund_id", "txn_id", "txn__date")
               if (fid, tid) not in have}
    FundCrossEntry.objects.bulk_create([FundCrossEntry(fund_id=fid, txn_id=tid, date=d)
                                        for fid, tid, d in sorted(missing)])

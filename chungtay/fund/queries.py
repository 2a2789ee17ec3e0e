"""Reads of the Fund for the Poor: balances (prepared, and as sums of lines), a fund's entries, pledge
fulfilment. Every list starts from ``Fund.objects.for_user(user)``."""
from __future__ import annotations

from django.db.models import Q, Sum
from django.http import Http404

from chungtay.core import ledger as core

from .models import (ACCOUNTS, Donation, Fund, FundBalance, FundCrossEntry, FundPledge, LedgerLine,
                     LedgerTransaction)


def fund_for_user(user, pk) -> Fund:
    f = Fund.objects.for_user(user).select_related("unit", "province", "commune").filter(pk=pk).first()
    if f is None:
        raise Http404("Không tìm thấy quỹ")
    return f


def key(fund_id: int, account: str) -> str:
    return f"{fund_id}:{account}"


def line_sums(fund: Fund | int) -> dict[str, int]:
    """Account → sum of the fund's lines: the definition of a balance (reads every line)."""
    fid = fund if isinstance(fund, int) else fund.pk
    return {r["account"]: r["s"] for r in LedgerLine.objects.filter(fund_id=fid).values("account")
            .annotate(s=Sum("amount")).order_by("account")}


def balances(fund: Fund | int) -> dict[str, int]:
    """Account → balance, read from the prepared figures (``FundBalance``) that ``ledger.post`` keeps
    equal to :func:`line_sums` in the transaction of each posting."""
    fid = fund if isinstance(fund, int) else fund.pk
    return dict(FundBalance.objects.filter(fund_id=fid).order_by("account").values_list("account", "amount"))


def keyed_balances(fund_ids) -> dict[str, int]:
    return {key(fid, a): v for fid, a, v in FundBalance.objects.filter(fund_id__in=list(fund_ids))
            .values_list("fund_id", "account", "amount")}


def check_balances(fund_ids=None) -> list[tuple[int, str, int | None, int | None]]:
    """(fund id, account, prepared, sum of lines) wherever the two differ; [] when the books agree."""
    lines = LedgerLine.objects.all() if fund_ids is None else LedgerLine.objects.filter(fund_id__in=list(fund_ids))
    prepared = FundBalance.objects.all() if fund_ids is None else FundBalance.objects.filter(fund_id__in=list(fund_ids))
    sums = {(r["fund_id"], r["account"]): r["s"] for r in lines.values("fund_id", "account")
            .annotate(s=Sum("amount")).order_by()}
    have = {(f, a): v for f, a, v in prepared.values_list("fund_id", "account", "amount")}
    return sorted((f, a, have.get((f, a)), sums.get((f, a))) for f, a in set(sums) | set(have)
                  if have.get((f, a)) != sums.get((f, a)))


def summary(fund: Fund) -> dict:
    b = balances(fund)
    held = sum(v for a, v in b.items() if core.is_asset(a))
    earmarked = -sum(v for a, v in b.items() if a.startswith("earmarked:"))
    return {"held": held, "cash": b.get("cash", 0), "bank": b.get("bank", 0), "goods": b.get("goods", 0),
            "unallocated": -b.get("unallocated", 0), "earmarked": earmarked,
            "rows": [(a, ACCOUNTS.get(a, (a, a)), v) for a, v in b.items()]}


def transactions_of(fund: Fund):
    """Transactions with a line in the fund (a transfer shows in both funds): the fund's own and the
    ones another fund recorded with a line in it (``FundCrossEntry``)."""
    return (LedgerTransaction.objects.filter(Q(fund=fund) | Q(pk__in=FundCrossEntry.objects.filter(fund=fund)
                                                                  .values("txn_id")))
            .select_related("reversal", "reverses", "created_by"))


def recent_transactions(fund: Fund, n: int = 30) -> list[LedgerTransaction]:
    """The newest ``n`` of :func:`transactions_of` (date, then id, descending), read by index: the
    fund's own ``n`` newest and its ``n`` newest cross entries, merged; then those rows with their
    lines."""
    own = list(LedgerTransaction.objects.filter(fund=fund).order_by("-date", "-id").values_list("date", "id")[:n])
    cross = list(FundCrossEntry.objects.filter(fund=fund).order_by("-date", "-txn_id").values_list("date", "txn_id")[:n])
    ids = [i for _, i in sorted(set(own) | set(cross), reverse=True)[:n]]
    rows = {t.pk: t for t in LedgerTransaction.objects.filter(pk__in=ids)
            .select_related("reversal", "reverses", "created_by").prefetch_related("lines__fund")}
    return [rows[i] for i in ids]


def reversed_ids(fund: Fund) -> set[int]:
    return set(LedgerTransaction.objects.filter(fund=fund, reverses__isnull=False).values_list("reverses_id", flat=True))


def pledge_rows(pledges):
    """(pledge, paid VND, share %) — paid = linked donations not reversed."""
    out = []
    for p in pledges:
        paid = (Donation.objects.filter(pledge=p, txn__reversal__isnull=True).aggregate(s=Sum("value_vnd"))["s"] or 0)
        out.append((p, paid, min(100, round(100 * paid / p.amount_vnd)) if p.amount_vnd else 0))
    return out


def pledges_for(user):
    return FundPledge.objects.for_user(user).select_related("donor", "fund", "campaign")


class DonationPages:
    """A fund's donations, newest receipt first (receipt year, number descending), as the object list
    of a ``Paginator`` that reads by keyset instead of ``OFFSET`` over joined rows.

    A page's rows are read from a key (year, number) by the ``(fund, receipt_year, receipt_no)``
    index: after the last row of the page before (``after``, the "next" link), before the first row of
    the page after (``before``, the "previous" link), or — for a page asked for by number alone — from
    the key of its first row, found in that index alone (an index-only seek, no join). Each read is at
    most two range scans of the index (the key's year, then the years before it)."""

    def __init__(self, fund: Fund, *, after: tuple[int, int] | None = None, before: tuple[int, int] | None = None):
        self.fund, self.after, self.before = fund, after, before
        self.base = Donation.objects.filter(fund=fund)

    def count(self) -> int:
        return self.base.count()

    def _rows(self, qs):
        return list(qs.select_related("donor", "campaign", "txn__reversal"))

    def _down(self, year: int, no: int, n: int, inclusive: bool) -> list:
        """``n`` rows from (year, no) towards older receipts."""
        order = ("-receipt_year", "-receipt_no")
        rows = self._rows(self.base.filter(receipt_year=year, **{"receipt_no__lte" if inclusive else "receipt_no__lt": no})
                          .order_by(*order)[:n])
        if len(rows) < n:
            rows += self._rows(self.base.filter(receipt_year__lt=year).order_by(*order)[:n - len(rows)])
        return rows

    def _up(self, year: int, no: int, n: int) -> list:
        """``n`` rows newer than (year, no), returned newest first."""
        order = ("receipt_year", "receipt_no")
        rows = self._rows(self.base.filter(receipt_year=year, receipt_no__gt=no).order_by(*order)[:n])
        if len(rows) < n:
            rows += self._rows(self.base.filter(receipt_year__gt=year).order_by(*order)[:n - len(rows)])
        return rows[::-1]

    def __getitem__(self, s):
        if not isinstance(s, slice):
            raise TypeError("DonationPages is read by page")
        n = s.stop - s.start
        if self.after:
            rows = self._down(*self.after, n, inclusive=False)
        elif self.before:
            rows = self._up(*self.before, n)
        else:
            first = self.base.order_by("-receipt_year", "-receipt_no").values_list("receipt_year", "receipt_no")[s.start:s.start + 1]
            first = list(first)
            rows = self._down(*first[0], n, inclusive=True) if first else []
        for d in rows:
            d.fund = self.fund
        return rows

"""Reads of the Fund for the Poor: balances as sums of lines, a fund's entries, pledge
fulfilment. Every list starts from ``Fund.objects.for_user(user)``."""
from __future__ import annotations

from django.db.models import Q, Sum
from django.http import Http404

from chungtay.core import ledger as core

from .models import ACCOUNTS, Donation, Fund, FundPledge, LedgerLine, LedgerTransaction


def fund_for_user(user, pk) -> Fund:
    f = Fund.objects.for_user(user).select_related("unit", "province", "commune").filter(pk=pk).first()
    if f is None:
        raise Http404("Không tìm thấy quỹ")
    return f


def key(fund_id: int, account: str) -> str:
    return f"{fund_id}:{account}"


def balances(fund: Fund | int) -> dict[str, int]:
    """Account → sum of the fund's lines (the one definition of a balance)."""
    fid = fund if isinstance(fund, int) else fund.pk
    return {r["account"]: r["s"] for r in LedgerLine.objects.filter(fund_id=fid).values("account")
            .annotate(s=Sum("amount")).order_by("account")}


def keyed_balances(fund_ids) -> dict[str, int]:
    return {key(r["fund_id"], r["account"]): r["s"] for r in LedgerLine.objects.filter(fund_id__in=list(fund_ids))
            .values("fund_id", "account").annotate(s=Sum("amount")).order_by()}


def summary(fund: Fund) -> dict:
    b = balances(fund)
    held = sum(v for a, v in b.items() if core.is_asset(a))
    earmarked = -sum(v for a, v in b.items() if a.startswith("earmarked:"))
    return {"held": held, "cash": b.get("cash", 0), "bank": b.get("bank", 0), "goods": b.get("goods", 0),
            "unallocated": -b.get("unallocated", 0), "earmarked": earmarked,
            "rows": [(a, ACCOUNTS.get(a, (a, a)), v) for a, v in b.items()]}


def transactions_of(fund: Fund):
    """Transactions with a line in the fund (a transfer shows in both funds)."""
    return (LedgerTransaction.objects.filter(Q(fund=fund) | Q(lines__fund=fund)).distinct()
            .select_related("reversal", "reverses", "created_by"))


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

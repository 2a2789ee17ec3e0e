"""The public statement of a fund for one published period (no login): donations received (donor
names, or "Nhà hảo tâm giấu tên"), allocations, disbursements by purpose and by unit (totals and
counts, no household named), and the balance at the end of the period. Reversed entries and their
reversals are left out (they cancel). Only periods the Front committee has published are shown."""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Sum

from .models import PURPOSE_NAMES, AllocationLine, Disbursement, Donation, LedgerLine, PublishedPeriod


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


def _alive(qs):
    return qs.filter(txn__reversal__isnull=True)


def statement(period: PublishedPeriod, limit: int = 1000) -> Statement:
    fund, a, b = period.fund, period.start, period.end
    s = Statement(period)
    dons = _alive(Donation.objects.filter(fund=fund, date__range=(a, b))).select_related("donor").order_by("date", "id")
    s.received = dons.aggregate(t=Sum("value_vnd"))["t"] or 0
    s.donations = [(d.date, d.donor.public_name, d.form, d.value_vnd) for d in dons[:limit]]
    lines = (AllocationLine.objects.filter(allocation__fund=fund, allocation__decision_date__range=(a, b),
                                           allocation__txn__reversal__isnull=True)
             .select_related("allocation", "unit").order_by("allocation__decision_date", "id"))
    lines = list(lines)
    from chungtay.units.labels import labels_for
    names = labels_for([x.unit for x in lines])     # a village line told apart from its namesakes, one look-up
    s.allocations = [(x.allocation.decision_no, x.allocation.decision_date, x.purpose, names[x.unit_id], x.amount_vnd)
                     for x in lines]
    s.allocated = sum(x[4] for x in s.allocations)
    purposes, units = defaultdict(lambda: [set(), 0]), defaultdict(lambda: [set(), 0])
    for d in _alive(Disbursement.objects.filter(fund=fund, date__range=(a, b))).select_related("commune"):
        purposes[d.purpose][0].add(d.household_id)
        purposes[d.purpose][1] += d.amount_vnd
        units[d.commune.full_name][0].add(d.household_id)
        units[d.commune.full_name][1] += d.amount_vnd
    s.by_purpose = [(p, len(v[0]), v[1]) for p, v in sorted(purposes.items(), key=lambda kv: list(PURPOSE_NAMES).index(kv[0]))]
    s.by_unit = [(u, len(v[0]), v[1]) for u, v in sorted(units.items())]
    s.paid = sum(v[2] for v in s.by_purpose)
    s.held_at_end = (LedgerLine.objects.filter(fund=fund, txn__date__lte=b, account__in=["cash", "bank", "goods"])
                     .aggregate(t=Sum("amount"))["t"] or 0)
    return s

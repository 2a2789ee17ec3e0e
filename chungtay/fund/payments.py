"""The payments of one allocation decision, many households at once (the December list of Tết gifts,
a year's scholarships or health-insurance cards): :func:`pay_households`.

Each payment is checked as ``actions.record_disbursement`` checks one (purpose, source, amount,
date, the household in the fund's area and in the user's, the support it becomes), and the whole
list as one posting (no day inside the closed books, no account overdrawn by the list's total).
One problem and nothing is written; every problem is listed with its line. Then each payment is
written as ``record_disbursement`` writes it — its own ledger transaction, its support in the
support ledger, its Disbursement and audit records — in a few statements whatever the number of
households, and one more audit record for the list.
"""
from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chungtay.accounts.models import AuditEvent
from chungtay.core import ledger as core
from chungtay.households.actions import audit, retry_on_clash
from chungtay.households.models import Household
from chungtay.i18n import tr

from . import actions, ledger, queries
from .models import Allocation, Disbursement, Fund, LedgerTransaction

MAX_PAYMENTS = 5000           # one list, as one distribution of the support ledger


@dataclass(frozen=True)
class Payment:
    household: Household
    purpose: str
    amount_vnd: int
    date: dt.date
    paid_from: str = "bank"         # bank / cash / goods
    description: str = ""


def _check_size(n: int) -> None:
    if n > MAX_PAYMENTS:
        raise ValidationError(tr(f"Một danh sách tối đa {MAX_PAYMENTS} hộ", f"At most {MAX_PAYMENTS} households at once"))


def resolve_codes(actor, fund: Fund, codes: list[str]) -> tuple[dict[str, Household], list[tuple[int, str, int | None]]]:
    """A list's household codes (stripped) → (code → household of the fund's unit and the user's
    area, the bad lines). A bad line is (its index, its code, the index of the earlier line with the
    same code, or None when the code is unknown or outside the area: the two read alike)."""
    _check_size(len(codes))
    known = actions.households_for(actor, fund, codes)
    bad, seen = [], {}
    for i, code in enumerate(codes):
        if code in seen or code not in known:
            bad.append((i, code, seen.get(code)))
        seen.setdefault(code, i)
    return known, bad


def _line(i: int, p: Payment, message: str) -> str:
    code = getattr(p.household, "code", "?")
    return tr(f"Dòng {i} (hộ {code}): {message}", f"Line {i} (household {code}): {message}")


@retry_on_clash
@transaction.atomic
def pay_households(actor, fund: Fund, *, allocation: Allocation, payments: list[Payment]) -> list[Disbursement]:
    """Pay every household of ``payments`` from the money ``allocation`` earmarked, all or none."""
    from chungtay.support import actions as support
    from chungtay.support.models import ProgrammePart
    actions.require_fund(actor, "disbursement_record", fund)
    if allocation is None:
        raise ValidationError(tr("Chọn quyết định phân bổ của danh sách", "Choose the list's allocation decision"))
    if allocation.fund_id != fund.pk:
        raise ValidationError(tr("Quyết định phân bổ của quỹ khác", "An allocation of another fund"))
    if not payments:
        raise ValidationError(tr("Danh sách chi trả không có hộ nào", "The list pays no household"))
    _check_size(len(payments))
    parts = {code: ProgrammePart.objects.filter(code=code).first() for code, _, _ in actions.PURPOSE_SUPPORT.values()}
    doc = allocation.decision_no
    area: dict[int, str | None] = {}             # village → why the user may not pay there (None: may)
    problems: dict[str, list[str]] = {}          # "payments[i]" (from 0, as the API names them) → messages
    facts = []
    for i, p in enumerate(payments):
        found = actions.payment_problems(fund, p.household, p.purpose, p.amount_vnd, p.date, p.paid_from, allocation)
        if not found:
            v = p.household.village_id
            if v not in area:
                try:
                    support._require_household(actor, p.household, "disbursement_record")
                    area[v] = None
                except PermissionDenied as e:
                    area[v] = str(e)
            f = actions.payment_facts(fund, parts[actions.PURPOSE_SUPPORT[p.purpose][0]], p.purpose, p.amount_vnd,
                                      p.date, doc, p.description)
            found = {"area": area[v]} if area[v] else support.check_facts(actor, p.household, f)
            facts.append(f)
        if found:
            problems[f"payments[{i}]"] = [_line(i + 1, p, m) for m in found.values()]
    if problems:
        raise ValidationError(problems)
    actions._lock(fund)
    last = max(p.date for p in payments)
    closed = actions.closed_until({fund.pk})
    if closed is not None and min(p.date for p in payments) <= closed[1]:
        raise ValidationError({f"payments[{i}]": [_line(i + 1, p, actions.closed_problem({fund.pk}, p.date))]
                               for i, p in enumerate(payments) if p.date <= closed[1]})
    totals: dict[str, int] = defaultdict(int)
    for p in payments:
        totals[f"earmarked:{p.purpose}"] += p.amount_vnd
        totals[p.paid_from] -= p.amount_vnd
    try:         # every payment moves each account the same way: the total is the worst moment of the list
        core.check_no_overdraft(queries.keyed_balances({fund.pk}),
                                [core.Line(queries.key(fund.pk, a), v) for a, v in sorted(totals.items())],
                                actions._names({fund.pk}))
    except core.LedgerError as e:
        raise ValidationError(tr(e.vi, e.en)) from None
    by = actions._by(actor)
    txns = LedgerTransaction.objects.bulk_create([
        LedgerTransaction(fund=fund, kind=LedgerTransaction.DISBURSEMENT, date=p.date,
                          memo=actions.payment_memo(p.purpose, p.household)[:300], reference=doc[:100], created_by=by)
        for p in payments])
    ledger.post_many([(t, [(fund, f"earmarked:{p.purpose}", p.amount_vnd), (fund, p.paid_from, -p.amount_vnd)])
                      for t, p in zip(txns, payments)])
    supports = support.write_new(actor, [(p.household, f) for p, f in zip(payments, facts)], source="fund")
    rows = Disbursement.objects.bulk_create([
        actions.disbursement_row(actor, fund, p.household, p.purpose, p.paid_from, p.amount_vnd, p.date, doc,
                                 p.description, allocation, s.entry_id, t)
        for p, s, t in zip(payments, supports, txns)])
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=by, action="fund.disbursement", object_type="disbursement", object_id=str(d.pk),
                   unit_id=p.household.village_id, changes={"household": p.household.code, "purpose": p.purpose,
                                                      "amount_vnd": p.amount_vnd, "support_entry": s.entry_id})
        for d, p, s in zip(rows, payments, supports)])
    per_purpose = {a.split(":", 1)[1]: v for a, v in totals.items() if a.startswith("earmarked:")}
    audit(actor, "fund.payments", allocation, fund.unit, decision_no=doc, households=len(payments),
          total_vnd=sum(per_purpose.values()), purposes=per_purpose, last_date=last.isoformat())
    return rows

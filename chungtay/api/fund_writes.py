"""Money out of the Fund for the Poor through the API: allocation decisions, payments to
households (each one also a support of the household), transfers between a province fund and a
commune fund, and reversals. Each calls the same action as the page (``chungtay.fund.actions``), so
the role, the own level, the closed books of a published period, the balances and the audit are
those of the page; the fund is looked up in the key's area first (404 outside it). Registered on
the fund router (``api/fund.py``)."""
import datetime as dt
from typing import Literal, Optional

from django.db.models import Prefetch
from ninja import Field, Schema, Status

from chungtay.fund import actions, payments
from chungtay.fund.models import Allocation, AllocationLine, Disbursement, LedgerTransaction
from chungtay.units.models import Unit

from .base import ApiError, write
from .common import WRITE_ERRORS
from .fund import (ID, MAX_VND, AllocationOut, DisbursementOut, EntryOut, PaidFrom, Purpose, _allocation, _bad,
                   _disbursement, _entry, _kept, _one, router)
from .revolving import _renamed


class AllocationLineIn(Schema):
    purpose: Purpose
    unit_id: int = Field(**ID, description="the fund's unit or a commune / village inside it")
    amount_vnd: int = Field(ge=1, le=MAX_VND, strict=True, description="positive whole VND")


class AllocationIn(Schema):
    decision_no: str = Field(min_length=1, max_length=60, description="e.g. 03/QĐ-MTTQ")
    decision_date: dt.date = Field(description="from 2000, not after today, after the closed books")
    title: str = Field("", max_length=300)
    lines: list[AllocationLineIn] = Field(min_length=1, max_length=200)


@router.post("/funds/{int:fund_id}/allocations", response={201: AllocationOut, **WRITE_ERRORS},
             url_name="fund_allocation_create")
@write
def create_allocation(request, fund_id: int, payload: AllocationIn):
    """An allocation decision (fund.actions.decide_allocation; allocation_decide): the lines move
    their total from the unallocated money to each purpose."""
    f = _kept(request, fund_id, "allocation_decide")
    units = Unit.objects.in_bulk({ln.unit_id for ln in payload.lines})
    for i, ln in enumerate(payload.lines):
        if ln.unit_id not in units:
            raise _bad(f"lines[{i}].unit_id", "Không có đơn vị này", "No such unit")
    a = actions.decide_allocation(request.auth, f, decision_no=payload.decision_no,
                                  decision_date=payload.decision_date, title=payload.title,
                                  lines=[(ln.purpose, units[ln.unit_id], ln.amount_vnd) for ln in payload.lines])
    a = (Allocation.objects.select_related("txn__reversal")
         .prefetch_related(Prefetch("lines", AllocationLine.objects.select_related("unit"))).get(pk=a.pk))
    return Status(201, _allocation(a))


class PaymentIn(Schema):
    household_code: str = Field(min_length=1, max_length=40, description="a household of the fund's area and yours")
    purpose: Purpose
    amount_vnd: int = Field(ge=1, le=MAX_VND, strict=True, description="positive whole VND")
    date: dt.date = Field(description="from 2000, not after today, after the closed books")
    paid_from: PaidFrom = "bank"
    description: str = Field("", max_length=200)


class DisbursementIn(PaymentIn):
    allocation_id: Optional[int] = Field(None, **ID, description="the decision it is paid under")
    document_no: str = Field("", max_length=60, description="default: the decision's number")
    description: str = Field("", max_length=300)


@router.post("/funds/{int:fund_id}/disbursements", response={201: DisbursementOut, **WRITE_ERRORS},
             url_name="fund_disbursement_create")
@write
def create_disbursement(request, fund_id: int, payload: DisbursementIn):
    """Pay a household from the money allocated to the purpose (fund.actions.record_disbursement;
    disbursement_record). The payment is also a support in the household's support ledger."""
    user = request.auth
    f = _kept(request, fund_id, "disbursement_record")
    allocation = _one(f.allocations.all(), payload.allocation_id, "allocation_id",
                      "Không có quyết định phân bổ này trong quỹ", "No such allocation in this fund")
    with _renamed({"household": "household_code", "allocation": "allocation_id"}):
        hh = actions.household_for(user, f, payload.household_code)
        d = actions.record_disbursement(user, f, household=hh, purpose=payload.purpose, amount_vnd=payload.amount_vnd,
                                        date=payload.date, paid_from=payload.paid_from,
                                        document_no=payload.document_no, description=payload.description,
                                        allocation=allocation)
    return Status(201, _disbursement(Disbursement.objects.select_related("household", "txn__reversal").get(pk=d.pk)))


class PaymentListIn(Schema):
    allocation_id: int = Field(**ID, description="the decision the list is paid under (its number: each document_no)")
    payments: list[PaymentIn] = Field(min_length=1, max_length=payments.MAX_PAYMENTS)


class PaymentListOut(Schema):
    allocation_id: int
    households: int
    total_vnd: int
    disbursements: list[DisbursementOut]


@router.post("/funds/{int:fund_id}/disbursement-lists", response={201: PaymentListOut, **WRITE_ERRORS},
             url_name="fund_disbursement_list_create")
@write
def create_disbursement_list(request, fund_id: int, payload: PaymentListIn):
    """An allocation decision's list paid at once (fund.payments.pay_households; disbursement_record):
    each payment checked as one, the list's total against the balances, all or nothing — a bad
    line is named as ``payments[i]`` (or ``payments[i].household_code``). Each payment is also a
    support in its household's support ledger."""
    user = request.auth
    f = _kept(request, fund_id, "disbursement_record")
    allocation = _one(f.allocations.all(), payload.allocation_id, "allocation_id",
                      "Không có quyết định phân bổ này trong quỹ", "No such allocation in this fund")
    codes = [p.household_code.strip() for p in payload.payments]
    with _renamed({"household": "payments"}):
        known, bad = payments.resolve_codes(user, f, codes)
    fields = [(f"payments[{i}].household_code", f"Mã hộ {code} đã có ở payments[{j}]",
               f"Household {code} is already payments[{j}]") if j is not None else
              (f"payments[{i}].household_code", f"Mã hộ {code}: không có trong {f.unit.full_name}",
               f"Household {code}: not in {f.unit.full_name}") for i, code, j in bad]
    if fields:
        raise ApiError(400, "invalid", fields[0][1], fields[0][2], fields)
    paid = payments.pay_households(user, f, allocation=allocation, payments=[
        payments.Payment(known[code], p.purpose, p.amount_vnd, p.date, p.paid_from, p.description)
        for code, p in zip(codes, payload.payments)])
    rows = Disbursement.objects.select_related("household", "txn__reversal").filter(pk__in=[d.pk for d in paid])
    return Status(201, {"allocation_id": allocation.pk, "households": len(paid),
                        "total_vnd": sum(d.amount_vnd for d in paid),
                        "disbursements": [_disbursement(d) for d in sorted(rows, key=lambda d: d.pk)]})


class TransferIn(Schema):
    to_fund_id: int = Field(**ID, description="the province fund above, or a commune fund below")
    amount_vnd: int = Field(ge=1, le=MAX_VND, strict=True)
    date: dt.date
    paid_from: Literal["cash", "bank"] = "bank"
    reference: str = Field("", max_length=100)


class TransferOut(Schema):
    id: int
    from_fund_id: int
    to_fund_id: int
    amount_vnd: int
    date: dt.date
    reference: str
    ledger_entry_id: int


@router.post("/funds/{int:fund_id}/transfers", response={201: TransferOut, **WRITE_ERRORS},
             url_name="fund_transfer_create")
@write
def create_transfer(request, fund_id: int, payload: TransferIn):
    """Unallocated money sent to the fund of the level above or below (fund.actions.record_transfer;
    disbursement_record): one entry with lines in both funds."""
    f = _kept(request, fund_id, "disbursement_record")
    to = _one(actions.related_funds(f), payload.to_fund_id, "to_fund_id",         # the level above or below
              "Chỉ chuyển giữa quỹ Trung ương và quỹ tỉnh, hoặc giữa quỹ tỉnh và quỹ của một xã thuộc tỉnh",
              "Transfers go between the national fund and a province fund, or a province fund and its communes' funds")
    with _renamed({"to_fund": "to_fund_id"}):
        t = actions.record_transfer(request.auth, f, to, amount_vnd=payload.amount_vnd, date=payload.date,
                                    reference=payload.reference, paid_from=payload.paid_from)
    return Status(201, {**{k: getattr(t, k) for k in ("id", "from_fund_id", "to_fund_id", "amount_vnd", "date",
                                                      "reference")}, "ledger_entry_id": t.txn_id})


class ReversalIn(Schema):
    date: dt.date = Field(description="after the closed books of every fund the entry touches")
    reason: str = Field(min_length=1, max_length=300)


@router.post("/funds/{int:fund_id}/entries/{int:ledger_entry_id}/reversal", response={201: EntryOut, **WRITE_ERRORS},
             url_name="fund_entry_reverse")
@write
def reverse_entry(request, fund_id: int, ledger_entry_id: int, payload: ReversalIn):
    """Reverse an entry of the fund (fund.actions.reverse; ledger_reverse): a new entry with every
    line negated. A reversed payment also cancels the household's support; a reversed donation's
    receipt is void and its number stays used."""
    f = _kept(request, fund_id, "ledger_reverse")
    txn = _one(LedgerTransaction.objects.filter(fund=f), ledger_entry_id, "ledger_entry_id",
               "Không có bút toán này trong quỹ", "No such entry in this fund")
    r = actions.reverse(request.auth, txn, date=payload.date, reason=payload.reason)
    return Status(201, _entry(LedgerTransaction.objects.prefetch_related("lines").get(pk=r.pk)))


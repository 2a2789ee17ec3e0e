"""The Fund for the Poor (docs/fund.md): funds of your area with their balances (the sums of the
ledger's lines, integer VND), and each fund's campaigns, donors, pledges with their fulfilment,
donations with their receipt numbers, allocation decisions with their lines, payments to
households (each one a support of the household), Great Unity house projects with their stages,
ledger entries (immutable; a correction is a reversing entry, shown as such) and published
periods. Reads start from ``Fund.objects.for_user`` as the pages do (a commune's Front committee:
its own fund; a province's: the province fund and its communes'; another commune: 404); payments
and houses are those of the households of your area, as on the payments page.

Writes go only through ``chungtay.fund.actions`` (``require_fund``: the Front committee of the
fund's own unit — 403 with the page's message — then the action's checks and its AuditEvent):
register a donor, open a campaign, record a pledge, record a donation (with the next receipt
number of the fund and year).

An anonymous donor's name (and the partner behind it) is shown only to a user with the
``fund_manage`` right on the fund's unit; anyone else reads "Nhà hảo tâm giấu tên", as the
public page prints it. No contact detail, no bank reference and no citizen ID is answered."""

import datetime as dt
from typing import Literal, Optional

from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status

from chungtay.accounts.roles import can
from chungtay.core import ledger as core
from chungtay.fund import actions
from chungtay.fund.models import (ACCOUNTS, PURPOSE_NAMES, PURPOSES, Allocation, Campaign, Disbursement, Donation,
                                  Donor, Fund, FundBalance, FundPledge, HouseProject, LedgerLine, LedgerTransaction,
                                  PublishedPeriod)
from chungtay.households.models import Household
from chungtay.units.models import Unit

from .base import Page, page, write
from .common import CURSOR, LIMIT, MAX_YEAR, MIN_YEAR, READ_ERRORS, UNIT, WRITE_ERRORS, unit_in_area
from .errors import ApiError
from .revolving import _renamed

router = Router(tags=["fund"])

Level = Literal["national", "province", "commune"]
Purpose = Literal["house", "livelihood", "scholarship", "health_insurance", "emergency"]
CampaignKind = Literal["peak_month", "disaster", "other"]
DonorKind = Literal["individual", "organisation", "enterprise", "unit", "armed_forces"]
Form = Literal["money", "in_kind"]
Channel = Literal["cash", "bank", "payroll"]
EntryKind = Literal["donation", "allocation", "disbursement", "transfer", "reversal"]
PaidFrom = Literal["cash", "bank", "goods"]
Stage = Literal["planned", "started", "frame", "roof", "finished", "handed_over"]
assert set(Purpose.__args__) == {k for k, *_ in PURPOSES}
assert set(CampaignKind.__args__) == {k for k, *_ in Campaign.KINDS}
assert set(DonorKind.__args__) == {k for k, *_ in Donor.KINDS}
assert set(Form.__args__) == {k for k, *_ in Donation.FORMS}
assert set(Channel.__args__) == {k for k, *_ in Donation.CHANNELS}
assert set(EntryKind.__args__) == {k for k, _ in LedgerTransaction.KINDS}
assert set(Stage.__args__) == set(HouseProject.STAGE_ORDER)

ANONYMOUS = ("Nhà hảo tâm giấu tên", "Anonymous donor")
MAX_VND = actions.MAX_VALUE
ID = dict(ge=1, le=2 ** 62)


def _names(pairs) -> dict:
    return {k: (vi, en) for k, vi, en in pairs}


CAMPAIGN_NAMES, DONOR_NAMES = _names(Campaign.KINDS), _names(Donor.KINDS)
FORM_NAMES, CHANNEL_NAMES, STAGE_NAMES = _names(Donation.FORMS), _names(Donation.CHANNELS), _names(HouseProject.STAGES)


# --- schemas -------------------------------------------------------------------------------

class BalanceOut(Schema):
    account: str = Field(description="cash, bank, goods, unallocated or earmarked:<purpose>")
    name_vi: str
    name_en: str
    balance_vnd: int = Field(description="the sum of the fund's ledger lines on this account (debit +, credit −)")


class BankAccountOut(Schema):
    bank: str
    number: str
    holder: str


class FundOut(Schema):
    id: int
    code: str
    name: str
    level: Level
    unit_id: Optional[int] = Field(description="null for the national fund")
    province_id: Optional[int] = Field(description="null for the national fund")
    commune_id: Optional[int]
    committee: str
    opened_on: dt.date
    held_vnd: int = Field(description="cash + bank + goods")
    cash_vnd: int
    bank_vnd: int
    goods_vnd: int
    unallocated_vnd: int = Field(description="received, not yet allocated (held = unallocated + earmarked)")
    earmarked_vnd: int = Field(description="allocated, not yet paid out")
    balances: list[BalanceOut] = Field(description="every account with lines, by account name")


class FundPage(Page):
    items: list[FundOut]


class FundDetail(FundOut):
    bank_accounts: list[BankAccountOut]
    donations: int = Field(description="donations recorded (reversed ones included)")
    received_vnd: int = Field(description="donations not reversed")
    published_periods: int


class CampaignOut(Schema):
    id: int
    fund_id: int
    kind: CampaignKind
    kind_vi: str
    kind_en: str
    name: str
    start: dt.date
    end: dt.date
    target_vnd: int
    received_vnd: int = Field(description="donations to the campaign, not reversed")
    donations: int = Field(description="donations to the campaign, not reversed")


class CampaignPage(Page):
    items: list[CampaignOut]


class DonorOut(Schema):
    id: int
    fund_id: int
    kind: DonorKind
    kind_vi: str
    kind_en: str
    name: str = Field(description="the donor's name; an anonymous donor's only with the fund_manage right, "
                                  "else “Nhà hảo tâm giấu tên”")
    anonymous: bool = Field(description="shown as “Nhà hảo tâm giấu tên” on public pages")
    partner_id: Optional[int] = Field(description="the support partner this donor is (hidden with the name)")


class DonorPage(Page):
    items: list[DonorOut]


class PledgeOut(Schema):
    id: int
    fund_id: int
    donor_id: int
    donor_name: str
    campaign_id: Optional[int]
    amount_vnd: int
    made_on: dt.date
    due_date: dt.date
    note: str
    paid_vnd: int = Field(description="the linked donations, not reversed")
    paid_percent: int = Field(description="paid / pledged, 0–100")
    fulfilled: bool


class PledgePage(Page):
    items: list[PledgeOut]


class DonationOut(Schema):
    id: int
    fund_id: int
    receipt: str = Field(description="the printed receipt number, e.g. QVNN-51-23317-2025-00001")
    receipt_year: int
    receipt_no: int = Field(description="unbroken sequence per fund and year")
    date: dt.date
    donor_id: int
    donor_name: str
    donor_kind: DonorKind
    anonymous: bool
    form: Form
    channel: Optional[Channel] = Field(description="money only")
    goods: str = Field(description="in kind: what (valued at value_vnd)")
    value_vnd: int
    campaign_id: Optional[int]
    campaign_name: str
    pledge_id: Optional[int]
    ledger_entry_id: int = Field(description="its ledger entry (GET /funds/{fund_id}/entries)")
    reversed: bool = Field(description="void: reversed by a later entry (the receipt keeps its number)")
    receipt_url: str = Field(description="the receipt PDF (a signed-in browser)")


class DonationPage(Page):
    items: list[DonationOut]


class AllocationLineOut(Schema):
    purpose: Purpose
    purpose_vi: str
    purpose_en: str
    unit_id: int
    unit_name: str
    amount_vnd: int


class AllocationOut(Schema):
    id: int
    fund_id: int
    decision_no: str
    decision_date: dt.date
    title: str
    total_vnd: int
    ledger_entry_id: int
    reversed: bool
    lines: list[AllocationLineOut]


class AllocationPage(Page):
    items: list[AllocationOut]


class DisbursementOut(Schema):
    id: int
    fund_id: int
    household_id: int
    household_code: str
    village_id: int
    commune_id: int
    purpose: Purpose
    purpose_vi: str
    purpose_en: str
    paid_from: PaidFrom
    amount_vnd: int
    date: dt.date
    document_no: str
    description: str
    allocation_id: Optional[int]
    support_entry_id: int = Field(description="the household's support (GET /supports/{entry_id})")
    ledger_entry_id: int
    reversed: bool = Field(description="reversed (the support is cancelled)")


class DisbursementPage(Page):
    items: list[DisbursementOut]


class StageOut(Schema):
    stage: Stage
    name_vi: str
    name_en: str
    reached_on: Optional[dt.date]


class HouseOut(Schema):
    id: int
    fund_id: int
    household_id: int
    household_code: str
    village_id: int
    stage: Stage
    stage_vi: str
    stage_en: str
    stages: list[StageOut] = Field(description="every stage in order, with the date it was reached (or null)")
    fund_vnd: int
    state_vnd: int
    community_vnd: int
    household_vnd: int
    total_vnd: int
    disbursement_id: Optional[int]


class HousePage(Page):
    items: list[HouseOut]


class LineOut(Schema):
    fund_id: int = Field(description="a transfer has lines in both funds")
    account: str
    amount_vnd: int = Field(description="debit +, credit −; the lines of an entry sum to 0")


class EntryOut(Schema):
    id: int
    fund_id: int = Field(description="the recording fund")
    kind: EntryKind
    date: dt.date
    memo: str
    reference: str
    reverses_id: Optional[int] = Field(description="a reversal: the entry it cancels")
    reversed_by_id: Optional[int] = Field(description="the reversal that cancels this entry")
    donation_id: Optional[int]
    allocation_id: Optional[int]
    disbursement_id: Optional[int]
    transfer_id: Optional[int]
    recorded_at: dt.datetime
    lines: list[LineOut]


class EntryPage(Page):
    items: list[EntryOut]


class PeriodOut(Schema):
    id: int
    fund_id: int
    start: dt.date
    end: dt.date
    published_at: dt.datetime
    public_url: str = Field(description="the public statement of the period (no login)")


class PeriodPage(Page):
    items: list[PeriodOut]


# --- reading ---------------------------------------------------------------------------------

def _fund(user, fund_id: int) -> Fund:
    if not 1 <= fund_id < 2 ** 62:
        raise Http404
    return get_object_or_404(Fund.objects.for_user(user).select_related("unit"), pk=fund_id)


def _summary(fid: int, sums: dict) -> dict:
    b = {a: v for (f, a), v in sums.items() if f == fid}
    return {"held_vnd": sum(v for a, v in b.items() if core.is_asset(a)), "cash_vnd": b.get("cash", 0),
            "bank_vnd": b.get("bank", 0), "goods_vnd": b.get("goods", 0), "unallocated_vnd": -b.get("unallocated", 0),
            "earmarked_vnd": -sum(v for a, v in b.items() if a.startswith("earmarked:")),
            "balances": [{"account": a, "name_vi": ACCOUNTS.get(a, (a, a))[0], "name_en": ACCOUNTS.get(a, (a, a))[1],
                          "balance_vnd": v} for a, v in sorted(b.items())]}


def _sums(fund_ids) -> dict:
    """(fund id, account) → balance, read from the prepared balances (``queries.balances``: kept by
    ``ledger.post`` equal to the sums of the lines), not summed over the lines."""
    return {(fid, a): v for fid, a, v in FundBalance.objects.filter(fund_id__in=list(fund_ids))
            .values_list("fund_id", "account", "amount")}


def _fund_out(f: Fund, sums: dict) -> dict:
    return {**{k: getattr(f, k) for k in ("id", "code", "name", "level", "unit_id", "province_id", "commune_id",
                                          "committee", "opened_on")}, **_summary(f.pk, sums)}


@router.get("/funds", response={200: FundPage, 304: None, **READ_ERRORS}, url_name="funds")
def list_funds(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
               level: Optional[Level] = Query(None)):
    """Funds of your area (the fund list page) with their balances: a commune's users see the
    commune's fund, a province's the province fund and its communes', the national level (the
    administrator, the Front's Central Committee) every fund and the national one. `unit`: a 2025 province
    (its fund and its communes') or commune (its fund)."""
    user = request.auth
    qs = Fund.objects.for_user(user)
    if (u := unit_in_area(user, unit)) is not None:
        if u.system != Unit.SYSTEM_2025 or u.level not in (Unit.PROVINCE, Unit.COMMUNE):
            qs = qs.none()
        else:
            qs = qs.filter(province=u) if u.level == Unit.PROVINCE else qs.filter(unit=u)
    if level is not None:
        qs = qs.filter(level=level)
    rows, nxt = page(qs, cursor, limit)
    sums = _sums([f.pk for f in rows])
    return {"items": [_fund_out(f, sums) for f in rows], "next_cursor": nxt, "limit": limit}


@router.get("/funds/{int:fund_id}", response={200: FundDetail, 304: None, **READ_ERRORS}, url_name="fund")
def get_fund(request, fund_id: int):
    """One fund (the fund page): balances by account, bank accounts, totals."""
    f = _fund(request.auth, fund_id)
    alive = Donation.objects.filter(fund=f, txn__reversal__isnull=True).aggregate(s=Sum("value_vnd"))["s"] or 0
    return {**_fund_out(f, _sums([f.pk])),
            "bank_accounts": [{"bank": b.bank, "number": b.number, "holder": b.holder}
                              for b in f.bank_accounts.order_by("id")],
            "donations": f.donations.count(), "received_vnd": alive, "published_periods": f.published.count()}


def _campaign(c: Campaign, sums: dict) -> dict:
    vi, en = CAMPAIGN_NAMES[c.kind]
    s = sums.get(c.pk, {})
    return {**{k: getattr(c, k) for k in ("id", "fund_id", "kind", "name", "start", "end", "target_vnd")},
            "kind_vi": vi, "kind_en": en, "received_vnd": s.get("s") or 0, "donations": s.get("n") or 0}


def _campaign_sums(ids) -> dict:
    return {r["campaign_id"]: r for r in Donation.objects.filter(campaign_id__in=list(ids), txn__reversal__isnull=True)
            .values("campaign_id").annotate(s=Sum("value_vnd"), n=Count("id")).order_by()}


@router.get("/funds/{int:fund_id}/campaigns", response={200: CampaignPage, 304: None, **READ_ERRORS},
            url_name="fund_campaigns")
def list_campaigns(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                   kind: Optional[CampaignKind] = Query(None),
                   year: Optional[int] = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="started that year")):
    """The fund's campaigns (peak months, disaster appeals, others) with what each received."""
    f = _fund(request.auth, fund_id)
    qs = Campaign.objects.filter(fund=f)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if year is not None:
        qs = qs.filter(start__year=year)
    rows, nxt = page(qs, cursor, limit)
    sums = _campaign_sums([c.pk for c in rows])
    return {"items": [_campaign(c, sums) for c in rows], "next_cursor": nxt, "limit": limit}


def _sees_names(user, fund: Fund) -> bool:
    """An anonymous donor's name is for those who may manage the fund (fund_manage on its unit)."""
    return can(user, "fund_manage", fund.unit)


def _donor_name(d: Donor, names: bool) -> str:
    return d.name if (names or not d.anonymous) else ANONYMOUS[0]


def _donor(d: Donor, names: bool) -> dict:
    vi, en = DONOR_NAMES[d.kind]
    hidden = d.anonymous and not names
    return {"id": d.pk, "fund_id": d.fund_id, "kind": d.kind, "kind_vi": vi, "kind_en": en,
            "name": _donor_name(d, names), "anonymous": d.anonymous, "partner_id": None if hidden else d.partner_id}


@router.get("/funds/{int:fund_id}/donors", response={200: DonorPage, 304: None, **READ_ERRORS},
            url_name="fund_donors")
def list_donors(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                kind: Optional[DonorKind] = Query(None), anonymous: Optional[bool] = Query(None)):
    """The fund's donors. An anonymous donor's name only with the fund_manage right."""
    f = _fund(request.auth, fund_id)
    qs = Donor.objects.filter(fund=f)
    if kind is not None:
        qs = qs.filter(kind=kind)
    if anonymous is not None:
        qs = qs.filter(anonymous=anonymous)
    rows, nxt = page(qs, cursor, limit)
    names = _sees_names(request.auth, f)
    return {"items": [_donor(d, names) for d in rows], "next_cursor": nxt, "limit": limit}


def _paid(pledge_ids) -> dict:
    return dict(Donation.objects.filter(pledge_id__in=list(pledge_ids), txn__reversal__isnull=True)
                .values("pledge_id").annotate(s=Sum("value_vnd")).values_list("pledge_id", "s").order_by())


def _pledge(p: FundPledge, paid: dict, names: bool) -> dict:
    got = paid.get(p.pk) or 0
    return {**{k: getattr(p, k) for k in ("id", "fund_id", "donor_id", "campaign_id", "amount_vnd", "made_on",
                                          "due_date", "note")},
            "donor_name": _donor_name(p.donor, names), "paid_vnd": got,
            "paid_percent": min(100, round(100 * got / p.amount_vnd)) if p.amount_vnd else 0,
            "fulfilled": got >= p.amount_vnd}


@router.get("/funds/{int:fund_id}/pledges", response={200: PledgePage, 304: None, **READ_ERRORS},
            url_name="fund_pledges")
def list_pledges(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                 donor: Optional[int] = Query(None, **ID, description="one donor's"),
                 campaign: Optional[int] = Query(None, **ID, description="one campaign's")):
    """The fund's pledges (who, how much, by when) with their fulfilment: the linked donations
    that are not reversed, as on the pledges page."""
    f = _fund(request.auth, fund_id)
    qs = FundPledge.objects.filter(fund=f).select_related("donor")
    if donor is not None:
        qs = qs.filter(donor_id=donor)
    if campaign is not None:
        qs = qs.filter(campaign_id=campaign)
    rows, nxt = page(qs, cursor, limit)
    paid, names = _paid([p.pk for p in rows]), _sees_names(request.auth, f)
    return {"items": [_pledge(p, paid, names) for p in rows], "next_cursor": nxt, "limit": limit}


def _donation(d: Donation, names: bool) -> dict:
    return {**{k: getattr(d, k) for k in ("id", "fund_id", "receipt_year", "receipt_no", "date", "donor_id", "form",
                                          "goods", "value_vnd", "campaign_id", "pledge_id")},
            "receipt": core.receipt_label(d.receipt_year, d.receipt_no, d.fund.code),
            "donor_name": _donor_name(d.donor, names), "donor_kind": d.donor.kind, "anonymous": d.donor.anonymous,
            "channel": d.channel or None, "campaign_name": d.campaign.name if d.campaign_id else "",
            "ledger_entry_id": d.txn_id, "reversed": hasattr(d.txn, "reversal"),
            "receipt_url": reverse("fund:receipt", args=[d.pk])}


def _donations(qs):
    return qs.select_related("fund", "donor", "campaign", "txn__reversal")


@router.get("/funds/{int:fund_id}/donations", response={200: DonationPage, 304: None, **READ_ERRORS},
            url_name="fund_donations")
def list_donations(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                   year: Optional[int] = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="dated that year"),
                   campaign: Optional[int] = Query(None, **ID, description="one campaign's"),
                   donor: Optional[int] = Query(None, **ID, description="one donor's"),
                   form: Optional[Form] = Query(None), reversed: Optional[bool] = Query(None)):
    """The fund's donations by id: receipt, date, donor (anonymous ones as on the public page
    unless you may manage the fund), money (channel) or in kind (goods), value, campaign; void
    ones (reversed) marked."""
    f = _fund(request.auth, fund_id)
    qs = Donation.objects.filter(fund=f)
    if year is not None:
        qs = qs.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    if campaign is not None:
        qs = qs.filter(campaign_id=campaign)
    if donor is not None:
        qs = qs.filter(donor_id=donor)
    if form is not None:
        qs = qs.filter(form=form)
    if reversed is not None:
        qs = qs.filter(txn__reversal__isnull=not reversed)
    rows, nxt = page(_donations(qs), cursor, limit)
    names = _sees_names(request.auth, f)
    return {"items": [_donation(d, names) for d in rows], "next_cursor": nxt, "limit": limit}


def _allocation(a: Allocation) -> dict:
    return {**{k: getattr(a, k) for k in ("id", "fund_id", "decision_no", "decision_date", "title", "total_vnd")},
            "ledger_entry_id": a.txn_id, "reversed": hasattr(a.txn, "reversal"),
            "lines": [{"purpose": ln.purpose, "purpose_vi": PURPOSE_NAMES[ln.purpose][0],
                       "purpose_en": PURPOSE_NAMES[ln.purpose][1], "unit_id": ln.unit_id,
                       "unit_name": ln.unit.full_name,
                       "amount_vnd": ln.amount_vnd} for ln in a.lines.all()]}


@router.get("/funds/{int:fund_id}/allocations", response={200: AllocationPage, 304: None, **READ_ERRORS},
            url_name="fund_allocations")
def list_allocations(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                     year: Optional[int] = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="decided that year")):
    """The fund's allocation decisions with their lines (purpose, unit, amount)."""
    f = _fund(request.auth, fund_id)
    qs = Allocation.objects.filter(fund=f)
    if year is not None:
        qs = qs.filter(decision_date__gte=dt.date(year, 1, 1), decision_date__lte=dt.date(year, 12, 31))
    rows, nxt = page(qs.select_related("txn__reversal").prefetch_related("lines__unit"), cursor, limit)
    return {"items": [_allocation(a) for a in rows], "next_cursor": nxt, "limit": limit}


def _disbursement(d: Disbursement) -> dict:
    return {**{k: getattr(d, k) for k in ("id", "fund_id", "household_id", "village_id", "commune_id", "purpose",
                                          "paid_from", "amount_vnd", "date", "document_no", "description",
                                          "allocation_id", "support_entry_id")},
            "household_code": d.household.code, "purpose_vi": PURPOSE_NAMES[d.purpose][0],
            "purpose_en": PURPOSE_NAMES[d.purpose][1], "ledger_entry_id": d.txn_id,
            "reversed": hasattr(d.txn, "reversal")}


@router.get("/funds/{int:fund_id}/disbursements", response={200: DisbursementPage, 304: None, **READ_ERRORS},
            url_name="fund_disbursements")
def list_disbursements(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                       year: Optional[int] = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="paid that year"),
                       purpose: Optional[Purpose] = Query(None),
                       household: Optional[int] = Query(None, **ID, description="one household's"),
                       allocation: Optional[int] = Query(None, **ID, description="paid under one decision")):
    """The fund's payments to households of your area (as the payments page: a village head sees
    the own village's): household code, purpose, amount, and the household's support."""
    user = request.auth
    f = _fund(user, fund_id)
    qs = Disbursement.objects.filter(fund=f, household__in=Household.objects.for_user(user))
    if year is not None:
        qs = qs.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    if purpose is not None:
        qs = qs.filter(purpose=purpose)
    if household is not None:
        qs = qs.filter(household_id=household)
    if allocation is not None:
        qs = qs.filter(allocation_id=allocation)
    rows, nxt = page(qs.select_related("household", "txn__reversal"), cursor, limit)
    return {"items": [_disbursement(d) for d in rows], "next_cursor": nxt, "limit": limit}


def _house(h: HouseProject) -> dict:
    dates = h.stage_dates or {}
    vi, en = STAGE_NAMES[h.stage]
    return {**{k: getattr(h, k) for k in ("id", "fund_id", "household_id", "stage", "fund_vnd", "state_vnd",
                                          "community_vnd", "household_vnd", "total_vnd", "disbursement_id")},
            "household_code": h.household.code, "village_id": h.household.village_id, "stage_vi": vi, "stage_en": en,
            "stages": [{"stage": s, "name_vi": STAGE_NAMES[s][0], "name_en": STAGE_NAMES[s][1],
                        "reached_on": dt.date.fromisoformat(dates[s]) if dates.get(s) else None}
                       for s in HouseProject.STAGE_ORDER]}


@router.get("/funds/{int:fund_id}/houses", response={200: HousePage, 304: None, **READ_ERRORS},
            url_name="fund_houses")
def list_houses(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                stage: Optional[Stage] = Query(None)):
    """The Great Unity houses the fund supports, of households of your area: the stage reached,
    the date of each stage, the contributions of the fund, the state, the community and the
    household."""
    user = request.auth
    f = _fund(user, fund_id)
    qs = HouseProject.objects.filter(fund=f, household__in=Household.objects.for_user(user))
    if stage is not None:
        qs = qs.filter(stage=stage)
    rows, nxt = page(qs.select_related("household"), cursor, limit)
    return {"items": [_house(h) for h in rows], "next_cursor": nxt, "limit": limit}


def _entry(t: LedgerTransaction) -> dict:
    def one(name):       # a reverse one-to-one: absent → RelatedObjectDoesNotExist (an AttributeError)
        return getattr(t, name).pk if hasattr(t, name) else None
    return {**{k: getattr(t, k) for k in ("id", "fund_id", "kind", "date", "memo", "reference", "reverses_id")},
            "reversed_by_id": one("reversal"), "donation_id": one("donation"),
            "allocation_id": one("allocation"), "disbursement_id": one("disbursement"),
            "transfer_id": one("transfer"), "recorded_at": t.created_at,
            "lines": [{"fund_id": ln.fund_id, "account": ln.account, "amount_vnd": ln.amount} for ln in t.lines.all()]}


@router.get("/funds/{int:fund_id}/entries", response={200: EntryPage, 304: None, **READ_ERRORS},
            url_name="fund_entries")
def list_entries(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                 kind: Optional[EntryKind] = Query(None),
                 year: Optional[int] = Query(None, ge=MIN_YEAR, le=MAX_YEAR, description="dated that year")):
    """The fund's ledger by id: every entry with a line in the fund (a transfer shows in both
    funds), its lines, and its reversal. Entries are never changed: a correction is a later
    entry of kind `reversal` (`reverses_id`), and the entry it cancels has `reversed_by_id`."""
    f = _fund(request.auth, fund_id)
    ids = LedgerLine.objects.filter(fund=f).values("txn_id")
    qs = LedgerTransaction.objects.filter(Q(fund=f) | Q(pk__in=ids))
    if kind is not None:
        qs = qs.filter(kind=kind)
    if year is not None:
        qs = qs.filter(date__gte=dt.date(year, 1, 1), date__lte=dt.date(year, 12, 31))
    rows, nxt = page(qs.select_related("reversal", "donation", "allocation", "disbursement", "transfer")
                     .prefetch_related("lines"), cursor, limit)
    return {"items": [_entry(t) for t in rows], "next_cursor": nxt, "limit": limit}


@router.get("/funds/{int:fund_id}/periods", response={200: PeriodPage, 304: None, **READ_ERRORS},
            url_name="fund_periods")
def list_periods(request, fund_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT):
    """The periods the committee has published (each has a public page, no login)."""
    f = _fund(request.auth, fund_id)
    rows, nxt = page(PublishedPeriod.objects.filter(fund=f), cursor, limit)
    return {"items": [{**{k: getattr(p, k) for k in ("id", "fund_id", "start", "end", "published_at")},
                       "public_url": reverse("fund:public_period", args=[p.pk])} for p in rows],
            "next_cursor": nxt, "limit": limit}


# --- writes --------------------------------------------------------------------------------

def _bad(field: str, vi: str, en: str):
    return ApiError(400, "invalid", vi, en, [(field, vi, en)])


def _kept(request, fund_id: int, action: str) -> Fund:
    """The fund (404 outside the area), then the role and the own level as on the page (403)."""
    f = _fund(request.auth, fund_id)
    actions.require_fund(request.auth, action, f)
    return f


def _one(qs, pk, field: str, vi: str, en: str):
    if pk is None:
        return None
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise _bad(field, vi, en)
    return obj


def _donor_of(f: Fund, pk) -> Donor:
    return _one(f.donors.all(), pk, "donor_id", "Chọn nhà tài trợ của quỹ này", "Choose a donor of this fund")


def _campaign_of(f: Fund, pk) -> Optional[Campaign]:
    return _one(f.campaigns.all(), pk, "campaign_id", "Không có đợt vận động này trong quỹ",
                "No such campaign in this fund")


RENAMED = {"donor": "donor_id", "campaign": "campaign_id", "pledge": "pledge_id"}


class DonorIn(Schema):
    kind: DonorKind
    name: str = Field(min_length=1, max_length=200)
    anonymous: bool = Field(False, description="show as “Nhà hảo tâm giấu tên” on public pages")
    partner_id: Optional[int] = Field(None, **ID, description="a support partner of your area this donor is")
    contact: str = Field("", max_length=200, description="kept for the committee; never answered by the API")


@router.post("/funds/{int:fund_id}/donors", response={201: DonorOut, **WRITE_ERRORS}, url_name="fund_donor_create")
@write
def create_donor(request, fund_id: int, payload: DonorIn):
    """Register a donor of the fund (fund.actions.create_donor; fund_manage)."""
    from chungtay.support.models import Partner
    user = request.auth
    f = _kept(request, fund_id, "fund_manage")
    partner = _one(Partner.objects.for_user(user), payload.partner_id, "partner_id",
                   "Không có tổ chức này trong địa bàn", "No such partner in your area")
    d = actions.create_donor(user, f, kind=payload.kind, name=payload.name, partner=partner,
                             anonymous=payload.anonymous, contact=payload.contact)
    return Status(201, _donor(d, True))


class CampaignIn(Schema):
    kind: CampaignKind
    name: str = Field("", max_length=200, description="default: “Tháng cao điểm Vì người nghèo <year>”")
    start: dt.date
    end: dt.date
    target_vnd: int = Field(0, ge=0, le=MAX_VND, strict=True)


@router.post("/funds/{int:fund_id}/campaigns", response={201: CampaignOut, **WRITE_ERRORS},
             url_name="fund_campaign_create")
@write
def create_campaign(request, fund_id: int, payload: CampaignIn):
    """Open a campaign (fund.actions.create_campaign; fund_manage)."""
    f = _kept(request, fund_id, "fund_manage")
    c = actions.create_campaign(request.auth, f, kind=payload.kind, name=payload.name, start=payload.start,
                                end=payload.end, target_vnd=payload.target_vnd)
    return Status(201, _campaign(c, {}))


class PledgeIn(Schema):
    donor_id: int = Field(**ID, description="a donor of the fund")
    amount_vnd: int = Field(ge=1, le=MAX_VND, strict=True, description="positive whole VND")
    made_on: Optional[dt.date] = Field(None, description="default: today")
    due_date: dt.date
    campaign_id: Optional[int] = Field(None, **ID)
    note: str = Field("", max_length=300)


@router.post("/funds/{int:fund_id}/pledges", response={201: PledgeOut, **WRITE_ERRORS}, url_name="fund_pledge_create")
@write
def create_pledge(request, fund_id: int, payload: PledgeIn):
    """Record a pledge (fund.actions.record_pledge; fund_manage): who, how much, by when."""
    f = _kept(request, fund_id, "fund_manage")
    donor, campaign = _donor_of(f, payload.donor_id), _campaign_of(f, payload.campaign_id)
    with _renamed(RENAMED):
        p = actions.record_pledge(request.auth, f, donor=donor, amount_vnd=payload.amount_vnd,
                                  due_date=payload.due_date, made_on=payload.made_on, campaign=campaign,
                                  note=payload.note)
    return Status(201, _pledge(p, {}, True))


class DonationIn(Schema):
    donor_id: int = Field(**ID, description="a donor of the fund (POST /funds/{fund_id}/donors)")
    date: dt.date = Field(description="from 2000, not after today; the receipt is numbered in its year")
    value_vnd: int = Field(ge=1, le=MAX_VND, strict=True, description="positive whole VND (in kind: the valuation)")
    form: Form = "money"
    channel: Channel = Field("bank", description="money only: cash, bank transfer, payroll deduction")
    goods: str = Field("", max_length=300, description="in kind: what (required)")
    campaign_id: Optional[int] = Field(None, **ID)
    pledge_id: Optional[int] = Field(None, **ID, description="a pledge of the same donor it pays")
    bank_reference: str = Field("", max_length=100, description="the bank's reference (for reconciliation)")


@router.post("/funds/{int:fund_id}/donations", response={201: DonationOut, **WRITE_ERRORS},
             url_name="fund_donation_create")
@write
def create_donation(request, fund_id: int, payload: DonationIn):
    """Record a donation in money or in kind (fund.actions.record_donation; donation_record): the
    next receipt number of the fund and the donation's year, and its ledger entry."""
    f = _kept(request, fund_id, "donation_record")
    donor, campaign = _donor_of(f, payload.donor_id), _campaign_of(f, payload.campaign_id)
    pledge = _one(f.pledges.all(), payload.pledge_id, "pledge_id", "Không có cam kết này trong quỹ",
                  "No such pledge in this fund")
    with _renamed(RENAMED):
        d = actions.record_donation(request.auth, f, donor=donor, date=payload.date, value_vnd=payload.value_vnd,
                                    form=payload.form, channel=payload.channel, campaign=campaign, pledge=pledge,
                                    goods=payload.goods, bank_reference=payload.bank_reference, source="api")
    return Status(201, _donation(_donations(Donation.objects.filter(pk=d.pk)).get(), True))


__all__ = ["router"]

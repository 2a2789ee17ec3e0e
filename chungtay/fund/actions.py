"""Every write of the Fund for the Poor: each takes the acting user, checks role and area
(``roles.require``) and that the user is the Front committee **of the fund's own unit**,
validates, writes and leaves an AuditEvent (amounts and codes, no personal data).

Money moves only through :func:`_post`: the lines are checked by ``chungtay.core.ledger``
(balanced, whole VND, no overdraft against the balances read under a lock of the funds'
rows), then written once. A correction is :func:`reverse` (a new transaction), never an edit.
"""
from __future__ import annotations

import datetime as dt
import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chungtay.accounts.roles import FRONT, _grants, require
from chungtay.core import ledger as core
from chungtay.households.actions import audit, retry_on_clash
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.units.models import Unit

from . import ledger, queries
from .models import (ACCOUNTS, PURPOSE_NAMES, Allocation, AllocationLine, BankAccount, BankStatement, Campaign,
                     Disbursement, Donation, Donor, Fund, FundPledge, HouseContribution, HouseProject, LedgerLine,
                     LedgerTransaction, PublishedPeriod, ReceiptCounter, Transfer)

MAX_VALUE = 10 ** 13
FIRST_DATE = dt.date(2000, 1, 1)
# purpose → (catalogue part, support kind, unit of measure) of the support the household receives
PURPOSE_SUPPORT = {"house": ("QVNN.NHA", "house", "căn"), "livelihood": ("QVNN.SX", "cash", "suất"),
                   "scholarship": ("QVNN.HT", "scholarship", "suất"), "health_insurance": ("QVNN.YT", "health_card", "thẻ"),
                   "emergency": ("QVNN", "cash", "suất")}


def _by(actor):
    return actor if getattr(actor, "pk", None) else None


def require_fund(actor, action: str, fund: Fund) -> None:
    """Role and area (roles.require on the fund's unit), then the own level: only the committee
    assigned to the fund's unit itself keeps its books (a province committee reads, and does not
    write, a commune fund)."""
    require(actor, action, fund.unit)          # the national fund (no unit): the role, anywhere
    if not any(role == FRONT and unit_id == fund.unit_id for role, unit_id in _grants(actor)):
        place = fund.place.full_name
        raise PermissionDenied(tr(f"Sổ quỹ của {place} do Ủy ban MTTQ Việt Nam {place} ghi",
                                  f"The books of {place} are kept by its own Fatherland Front committee"))


def inside(fund: Fund, household: Household) -> bool:
    """Does the household live in the fund's area? (The national fund pays no household: it
    sends money to the provinces' funds.)"""
    if fund.level == Fund.COMMUNE:
        return household.commune_id == fund.unit_id
    return fund.level == Fund.PROVINCE and household.province_id == fund.unit_id


def outside_message(fund: Fund) -> str:
    if fund.level == Fund.NATIONAL:
        return tr("Quỹ Trung ương không chi trực tiếp cho hộ: chuyển tiền về quỹ của tỉnh",
                  "The national fund pays no household directly: transfer the money to a province fund")
    return tr("Hộ không thuộc địa bàn của quỹ", "The household is outside the fund's area")


def related_funds(fund: Fund):
    """The funds money may be transferred to: the level above (a commune's province, a province's
    national fund) and the level below (a province's communes, the national fund's provinces)."""
    from django.db.models import Q
    if fund.level == Fund.NATIONAL:
        return Fund.objects.filter(level=Fund.PROVINCE)
    if fund.level == Fund.PROVINCE:
        return Fund.objects.filter(Q(level=Fund.NATIONAL) | Q(level=Fund.COMMUNE, province_id=fund.unit_id))
    return Fund.objects.filter(level=Fund.PROVINCE, unit_id=fund.unit.parent_id)


def _amount(value, field: str = "value_vnd") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_VALUE:
        raise ValidationError({field: tr("Số tiền phải là số đồng nguyên dương", "The amount must be positive whole VND")})
    return value


def _date(value, field: str = "date") -> dt.date:
    if not isinstance(value, dt.date) or value < FIRST_DATE or value > dt.date.today():
        raise ValidationError({field: tr("Ngày không hợp lệ (từ năm 2000, không sau hôm nay)",
                                         "Invalid date (from 2000, not after today)")})
    return value


def _lock(*funds: Fund) -> None:
    """Serialise the postings of these funds (in id order: no deadlock between two transfers)."""
    for f in sorted(funds, key=lambda f: f.pk):
        Fund.objects.select_for_update().filter(pk=f.pk).first()


def _names(fund_ids) -> dict[str, str]:
    codes = dict(Fund.objects.filter(pk__in=list(fund_ids)).values_list("pk", "code"))
    return {queries.key(fid, a): f"{ACCOUNTS[a][0]} ({codes[fid]})" for fid in codes for a in ACCOUNTS}


def closed_until(fund_ids) -> tuple[str, dt.date] | None:
    """(fund code, last day) of the latest published period among these funds: their books are
    closed up to that day, so that a published statement never changes."""
    p = (PublishedPeriod.objects.filter(fund_id__in=list(fund_ids)).order_by("-end")
         .values_list("fund__code", "end").first())
    return (p[0], p[1]) if p else None


def closed_problem(fund_ids, date) -> str | None:
    """The message refusing an entry dated inside the closed books of one of these funds, or None."""
    closed = closed_until(fund_ids)
    if closed is None or not isinstance(date, dt.date) or date > closed[1]:
        return None
    code, end = closed
    nxt = end + dt.timedelta(days=1)
    return tr(f"Sổ quỹ {code} đã khóa đến hết ngày {end:%d/%m/%Y} vì kỳ đó đã công khai: ghi bút toán "
              f"(kể cả đảo bút toán để điều chỉnh) từ ngày {nxt:%d/%m/%Y} trở đi",
              f"The books of {code} are closed up to {end:%d/%m/%Y} (a published period): date the entry, "
              f"or the reversal that corrects one, {nxt:%d/%m/%Y} or later")


def _post(actor, fund: Fund, kind: str, date: dt.date, lines: list[tuple[Fund, str, int]], *, memo: str = "",
          reference: str = "", reverses: LedgerTransaction | None = None) -> LedgerTransaction:
    """Check and write one transaction. ``lines``: (fund, account, amount). Call with the funds locked.
    No entry is dated inside a published period (:func:`closed_until`): what was published stays."""
    problem = closed_problem({f.pk for f, _, _ in lines}, date)
    if problem:
        raise ValidationError(problem)
    keyed = [core.Line(queries.key(f.pk, a), amt) for f, a, amt in lines]
    try:
        core.check_lines(keyed)
        ids = {f.pk for f, _, _ in lines}
        core.check_no_overdraft(queries.keyed_balances(ids), keyed, _names(ids))
    except core.LedgerError as e:
        raise ValidationError(tr(e.vi, e.en)) from None
    t = LedgerTransaction.objects.create(fund=fund, kind=kind, date=date, memo=memo[:300], reference=reference[:100],
                                         reverses=reverses, created_by=_by(actor))
    ledger.post(t, lines)          # the lines, and in the same transaction the prepared balances
    return t


# ------------------------------------------------------------------ the fund and its registers

@transaction.atomic
def open_fund(actor, unit: Unit | None, *, committee: str = "", opened_on: dt.date | None = None) -> Fund:
    """The fund of a commune or province of 2025 (one per unit), opened by its own committee; with
    ``unit=None`` the national fund, opened by the Central Committee (a Front assignment without a unit)."""
    if unit is None:
        return _open_national(actor, committee=committee, opened_on=opened_on)
    require(actor, "fund_manage", unit)
    if unit.system != Unit.SYSTEM_2025 or unit.level not in (Unit.PROVINCE, Unit.COMMUNE):
        raise ValidationError(tr("Quỹ mở ở cấp tỉnh hoặc xã", "A fund is opened for a province or a commune"))
    if not any(role == FRONT and uid == unit.pk for role, uid in _grants(actor)):
        raise PermissionDenied(tr("Quỹ do Ủy ban MTTQ Việt Nam của chính đơn vị đó mở",
                                  "A fund is opened by the unit's own Fatherland Front committee"))
    if Fund.objects.filter(unit=unit).exists():
        raise ValidationError(tr(f"{unit.full_name} đã có Quỹ Vì người nghèo", f"{unit.full_name} already has a fund"))
    province = unit if unit.level == Unit.PROVINCE else unit.parent
    code = f"QVNN-{province.code}" + (f"-{unit.code}" if unit.level == Unit.COMMUNE else "")
    f = Fund.objects.create(code=code, name=f"Quỹ Vì người nghèo {unit.full_name}", level=unit.level, unit=unit,
                            province=province, commune=unit if unit.level == Unit.COMMUNE else None,
                            committee=(committee or f"Ủy ban MTTQ Việt Nam {unit.full_name}").strip()[:200],
                            opened_on=opened_on or dt.date.today(), created_by=_by(actor))
    audit(actor, "fund.open", f, unit, code=code)
    return f


def _open_national(actor, *, committee: str, opened_on: dt.date | None) -> Fund:
    require(actor, "fund_manage")
    if (FRONT, None) not in _grants(actor):
        raise PermissionDenied(tr("Quỹ Trung ương do Ủy ban Trung ương MTTQ Việt Nam mở",
                                  "The national fund is opened by the Central Committee of the Fatherland Front"))
    if Fund.objects.filter(level=Fund.NATIONAL).exists():
        raise ValidationError(tr("Đã có Quỹ Vì người nghèo Trung ương", "The national fund already exists"))
    f = Fund.objects.create(code="QVNN-TW", name="Quỹ Vì người nghèo Trung ương", level=Fund.NATIONAL,
                            committee=(committee or "Ủy ban Trung ương MTTQ Việt Nam").strip()[:200],
                            opened_on=opened_on or dt.date.today(), created_by=_by(actor))
    audit(actor, "fund.open", f, None, code=f.code)
    return f


@transaction.atomic
def add_bank_account(actor, fund: Fund, *, bank: str, number: str, holder: str = "") -> BankAccount:
    require_fund(actor, "fund_manage", fund)
    if not bank.strip() or not number.strip():
        raise ValidationError(tr("Cần tên ngân hàng và số tài khoản", "Give the bank and the account number"))
    if BankAccount.objects.filter(fund=fund, number=number.strip()).exists():
        raise ValidationError(tr("Tài khoản này đã có", "This account is already registered"))
    b = BankAccount.objects.create(fund=fund, bank=bank.strip()[:120], number=number.strip()[:40],
                                   holder=(holder or fund.committee).strip()[:200])
    audit(actor, "fund.bank_account", b, fund.unit, bank=b.bank)
    return b


@transaction.atomic
def create_campaign(actor, fund: Fund, *, kind: str, name: str, start: dt.date, end: dt.date, target_vnd: int = 0) -> Campaign:
    require_fund(actor, "fund_manage", fund)
    if kind not in dict(Campaign.KIND_CHOICES):
        raise ValidationError({"kind": tr("Loại đợt vận động không hợp lệ", "Unknown kind of campaign")})
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start:
        raise ValidationError({"end": tr("Ngày kết thúc phải sau ngày bắt đầu", "The end must be after the start")})
    if not isinstance(target_vnd, int) or target_vnd < 0:
        raise ValidationError({"target_vnd": tr("Chỉ tiêu là số đồng nguyên không âm", "The target is whole VND, not negative")})
    c = Campaign.objects.create(fund=fund, kind=kind, name=(name or "").strip()[:200] or
                                f"Tháng cao điểm Vì người nghèo {start.year}", start=start, end=end, target_vnd=target_vnd)
    audit(actor, "fund.campaign", c, fund.unit, kind=kind, target_vnd=target_vnd)
    return c


def peak_month(year: int) -> tuple[dt.date, dt.date]:
    """The peak month "Vì người nghèo": from the Day for the Poor (17 October) to 18 November."""
    return dt.date(year, 10, 17), dt.date(year, 11, 18)


@transaction.atomic
def create_donor(actor, fund: Fund, *, kind: str, name: str, partner=None, anonymous: bool = False,
                 contact: str = "") -> Donor:
    require_fund(actor, "fund_manage", fund)
    if kind not in dict(Donor.KIND_CHOICES):
        raise ValidationError({"kind": tr("Loại nhà tài trợ không hợp lệ", "Unknown kind of donor")})
    if not (name or "").strip():
        raise ValidationError({"name": tr("Cần tên nhà tài trợ", "Give the donor's name")})
    d = Donor.objects.create(fund=fund, kind=kind, name=name.strip()[:200], partner=partner, anonymous=bool(anonymous),
                             contact=(contact or "").strip()[:200])
    audit(actor, "fund.donor", d, fund.unit, kind=kind, anonymous=d.anonymous, partner=bool(partner))
    return d


@transaction.atomic
def record_pledge(actor, fund: Fund, *, donor: Donor, amount_vnd: int, due_date: dt.date,
                  made_on: dt.date | None = None, campaign: Campaign | None = None, note: str = "") -> FundPledge:
    require_fund(actor, "fund_manage", fund)
    _amount(amount_vnd, "amount_vnd")
    made_on = made_on or dt.date.today()
    if donor.fund_id != fund.pk or (campaign and campaign.fund_id != fund.pk):
        raise ValidationError(tr("Nhà tài trợ / đợt vận động thuộc quỹ khác", "The donor or campaign belongs to another fund"))
    if not isinstance(due_date, dt.date) or due_date < made_on:
        raise ValidationError({"due_date": tr("Hạn nộp không được trước ngày cam kết", "The due date cannot precede the pledge")})
    p = FundPledge.objects.create(fund=fund, donor=donor, campaign=campaign, amount_vnd=amount_vnd, made_on=made_on,
                                  due_date=due_date, note=(note or "").strip()[:300], created_by=_by(actor))
    audit(actor, "fund.pledge", p, fund.unit, amount_vnd=amount_vnd, due_date=due_date.isoformat())
    return p


# ------------------------------------------------------------------ money in

def _next_receipt(fund: Fund, year: int) -> int:
    counter, _ = ReceiptCounter.objects.get_or_create(fund=fund, year=year)
    counter = ReceiptCounter.objects.select_for_update().get(pk=counter.pk)
    counter.last = core.next_receipt(counter.last)
    counter.save(update_fields=["last"])
    return counter.last


def check_donation(fund: Fund, *, donor: Donor | None, date, value_vnd, form: str, channel: str,
                   campaign: Campaign | None = None, pledge: FundPledge | None = None, goods: str = "") -> dict[str, str]:
    """Field → message for every problem (the form and the Excel import share it)."""
    errors: dict[str, str] = {}
    if donor is None or donor.fund_id != fund.pk:
        errors["donor"] = tr("Chọn nhà tài trợ của quỹ này", "Choose a donor of this fund")
    if not isinstance(value_vnd, int) or isinstance(value_vnd, bool) or not 0 < value_vnd <= MAX_VALUE:
        errors["value_vnd"] = tr("Số tiền / giá trị phải là số đồng nguyên dương", "The value must be positive whole VND")
    if not isinstance(date, dt.date) or date < FIRST_DATE or date > dt.date.today():
        errors["date"] = tr("Ngày không hợp lệ (từ năm 2000, không sau hôm nay)", "Invalid date (from 2000, not after today)")
    if form not in (Donation.MONEY, Donation.IN_KIND):
        errors["form"] = tr("Hình thức: tiền hoặc hiện vật", "Form: money or in kind")
    elif form == Donation.MONEY and channel not in dict(Donation.CHANNEL_CHOICES):
        errors["channel"] = tr("Kênh: tiền mặt, chuyển khoản hoặc trích lương", "Channel: cash, bank transfer or payroll")
    elif form == Donation.IN_KIND and not (goods or "").strip():
        errors["goods"] = tr("Ghi hiện vật ủng hộ (loại, số lượng)", "Describe the goods (what, how many)")
    if campaign is not None and campaign.fund_id != fund.pk:
        errors["campaign"] = tr("Đợt vận động thuộc quỹ khác", "The campaign belongs to another fund")
    if pledge is not None and (pledge.fund_id != fund.pk or (donor is not None and pledge.donor_id != donor.pk)):
        errors["pledge"] = tr("Cam kết không phải của nhà tài trợ này", "The pledge is not this donor's")
    if "date" not in errors and (problem := closed_problem([fund.pk], date)):
        errors["date"] = problem
    return errors


@retry_on_clash
@transaction.atomic
def record_donation(actor, fund: Fund, *, donor: Donor, date: dt.date, value_vnd: int, form: str = Donation.MONEY,
                    channel: str = "bank", campaign: Campaign | None = None, pledge: FundPledge | None = None,
                    goods: str = "", bank_reference: str = "", source: str = "form") -> Donation:
    """A donation in money or in kind, with the next receipt number of the fund and year."""
    require_fund(actor, "donation_record", fund)
    errors = check_donation(fund, donor=donor, date=date, value_vnd=value_vnd, form=form, channel=channel,
                            campaign=campaign, pledge=pledge, goods=goods)
    if errors:
        raise ValidationError(errors)
    _lock(fund)
    account = "goods" if form == Donation.IN_KIND else ("cash" if channel == "cash" else "bank")
    number = _next_receipt(fund, date.year)
    label = core.receipt_label(date.year, number, fund.code)
    t = _post(actor, fund, LedgerTransaction.DONATION, date, [(fund, account, value_vnd), (fund, "unallocated", -value_vnd)],
              memo=f"Biên lai {label}", reference=(bank_reference or label).strip())
    d = Donation.objects.create(fund=fund, donor=donor, campaign=campaign, pledge=pledge, form=form,
                                goods=(goods or "").strip()[:300], value_vnd=value_vnd,
                                channel=channel if form == Donation.MONEY else "", date=date, receipt_year=date.year,
                                receipt_no=number, bank_reference=(bank_reference or "").strip()[:100], txn=t,
                                created_by=_by(actor))
    audit(actor, "fund.donation", d, fund.unit, receipt=label, value_vnd=value_vnd, form=form, channel=d.channel,
          source=source)
    return d


# ------------------------------------------------------------------ allocation, money out

@retry_on_clash
@transaction.atomic
def decide_allocation(actor, fund: Fund, *, decision_no: str, decision_date: dt.date, title: str,
                      lines: list[tuple[str, Unit, int]]) -> Allocation:
    """An allocation decision: (purpose, unit, amount) lines. The unit is the fund's unit or one of
    its communes / villages. Moves the total from ``unallocated`` to ``earmarked:<purpose>``."""
    require_fund(actor, "allocation_decide", fund)
    problems = []
    if not (decision_no or "").strip():
        problems.append(tr("Cần số quyết định", "Give the decision number"))
    if not lines:
        problems.append(tr("Cần ít nhất một dòng phân bổ", "Give at least one allocation line"))
    per_purpose: dict[str, int] = {}
    for i, (purpose, unit, amount) in enumerate(lines, start=1):
        if purpose not in PURPOSE_NAMES:
            problems.append(tr(f"Dòng {i}: mục đích không hợp lệ", f"Line {i}: unknown purpose"))
            continue
        if not isinstance(amount, int) or isinstance(amount, bool) or not 0 < amount <= MAX_VALUE:
            problems.append(tr(f"Dòng {i}: số tiền phải là số đồng nguyên dương", f"Line {i}: amount must be positive whole VND"))
            continue
        chain, u = [], unit
        while u is not None:
            chain.append(u.pk)
            u = u.parent
        if unit is None or (fund.unit_id is not None and fund.unit_id not in chain):
            problems.append(tr(f"Dòng {i}: đơn vị không thuộc địa bàn của quỹ", f"Line {i}: the unit is outside the fund's area"))
            continue
        per_purpose[purpose] = per_purpose.get(purpose, 0) + amount
    try:
        _date(decision_date, "decision_date")
    except ValidationError as e:
        problems += [m for m in e.messages]
    if problems:
        raise ValidationError(problems)
    _lock(fund)
    total = sum(per_purpose.values())
    t = _post(actor, fund, LedgerTransaction.ALLOCATION, decision_date,
              [(fund, "unallocated", total)] + [(fund, f"earmarked:{p}", -v) for p, v in per_purpose.items()],
              memo=title or decision_no, reference=decision_no.strip())
    a = Allocation.objects.create(fund=fund, decision_no=decision_no.strip()[:60], decision_date=decision_date,
                                  title=(title or "").strip()[:300], total_vnd=total, txn=t, created_by=_by(actor))
    AllocationLine.objects.bulk_create([AllocationLine(allocation=a, purpose=p, unit=u, amount_vnd=v) for p, u, v in lines])
    audit(actor, "fund.allocation", a, fund.unit, decision_no=a.decision_no, total_vnd=total, purposes=per_purpose)
    return a


def household_for(actor, fund: Fund, code: str) -> Household:
    """The household of that code inside the fund's unit and the user's area (else a message that
    does not tell an unknown code from one outside the area)."""
    found = households_for(actor, fund, [code])
    if not found:
        raise ValidationError({"household": not_in_fund(fund, code)})
    return next(iter(found.values()))


def households_for(actor, fund: Fund, codes: list[str]) -> dict[str, Household]:
    """Code → household, for the codes of households inside the fund's unit and the user's area
    (one query; the others are left out: :func:`not_in_fund` says so without telling which)."""
    if fund.level == Fund.NATIONAL:
        raise ValidationError({"household": outside_message(fund)})
    qs = Household.objects.for_user(actor).select_related("village", "commune", "province")
    qs = qs.filter(commune=fund.unit) if fund.level == Fund.COMMUNE else qs.filter(province=fund.unit)
    wanted = {(c or "").strip() for c in codes}
    return {h.code: h for h in qs.filter(code__in=sorted(wanted))}


def not_in_fund(fund: Fund, code: str) -> str:
    return tr(f"Mã hộ {code}: không có trong {fund.unit.full_name}", f"Household {code}: not in {fund.unit.full_name}")


def payment_problems(fund: Fund, household: Household, purpose: str, amount_vnd, date, paid_from: str,
                     allocation: Allocation | None) -> dict[str, str]:
    """Field → message for paying one household (empty: it may be paid, if the money is there)."""
    problems: dict[str, str] = {}
    if purpose not in PURPOSE_NAMES:
        problems["purpose"] = tr("Mục đích không hợp lệ", "Unknown purpose")
    if paid_from not in ("cash", "bank", "goods"):
        problems["paid_from"] = tr("Chi từ tiền mặt, ngân hàng hoặc hiện vật", "Pay from cash, bank or goods")
    for check, value, name in ((_amount, amount_vnd, "amount_vnd"), (_date, date, "date")):
        try:
            check(value, name)
        except ValidationError as e:
            problems.update({k: v[0] for k, v in e.message_dict.items()})
    if not inside(fund, household):
        problems["household"] = outside_message(fund)
    if allocation is not None and allocation.fund_id != fund.pk:
        problems["allocation"] = tr("Quyết định phân bổ của quỹ khác", "An allocation of another fund")
    return problems


def payment_facts(fund: Fund, part, purpose: str, amount_vnd: int, date: dt.date, doc: str, description: str = "",
                  kind: str | None = None):
    """The support the household receives with a payment (support ledger: QVNN 100 %, provided by
    the fund's unit). ``part``: the catalogue part of the purpose (``PURPOSE_SUPPORT``)."""
    from chungtay.support.actions import Facts
    _, default_kind, uom = PURPOSE_SUPPORT[purpose]
    return Facts(part=part, kind=kind or default_kind, quantity=Decimal(1), unit_of_measure=uom, value_vnd=amount_vnd,
                 date=date, status="delivered", funding=[("QVNN", 100, True)],
                 description=(description or PURPOSE_NAMES[purpose][0])[:200], provider_unit=fund.unit,
                 document_no=doc[:60])


def payment_memo(purpose: str, household: Household) -> str:
    return f"Chi {PURPOSE_NAMES[purpose][0].lower()} cho hộ {household.code}"


def disbursement_row(actor, fund: Fund, household: Household, purpose: str, paid_from: str, amount_vnd: int,
                     date: dt.date, doc: str, description: str, allocation: Allocation | None, entry_id: int,
                     txn: LedgerTransaction) -> Disbursement:
    return Disbursement(fund=fund, household=household, purpose=purpose, paid_from=paid_from, amount_vnd=amount_vnd,
                        date=date, document_no=doc[:60], description=(description or "").strip()[:200],
                        allocation=allocation, support_entry_id=entry_id, txn=txn, village_id=household.village_id,
                        commune_id=household.commune_id, province_id=household.province_id, created_by=_by(actor))


@retry_on_clash
@transaction.atomic
def record_disbursement(actor, fund: Fund, *, household: Household, purpose: str, amount_vnd: int, date: dt.date,
                        paid_from: str = "bank", document_no: str = "", description: str = "",
                        allocation: Allocation | None = None, kind: str | None = None) -> Disbursement:
    """Pay a household from the money allocated to ``purpose``; the payment is also a support of
    the household (support ledger, funding source QVNN 100%, provided by the fund's unit). Many
    households of one decision at once: ``payments.pay_households``."""
    require_fund(actor, "disbursement_record", fund)
    from chungtay.support import actions as support
    from chungtay.support.models import ProgrammePart
    problems = payment_problems(fund, household, purpose, amount_vnd, date, paid_from, allocation)
    if problems:
        field, message = next(iter(problems.items()))
        raise ValidationError({field: message})          # the first, as the form has always shown it
    _lock(fund)
    doc = (document_no or (allocation.decision_no if allocation else "")).strip()
    t = _post(actor, fund, LedgerTransaction.DISBURSEMENT, date,
              [(fund, f"earmarked:{purpose}", amount_vnd), (fund, paid_from, -amount_vnd)],
              memo=payment_memo(purpose, household), reference=doc)
    facts = payment_facts(fund, ProgrammePart.objects.filter(code=PURPOSE_SUPPORT[purpose][0]).first(), purpose,
                          amount_vnd, date, doc, description, kind)
    s = support.record_support(actor, household, facts, source="fund", action="disbursement_record")
    d = disbursement_row(actor, fund, household, purpose, paid_from, amount_vnd, date, doc, description, allocation,
                         s.entry_id, t)
    d.save(force_insert=True)
    audit(actor, "fund.disbursement", d, household.village, household=household.code, purpose=purpose,
          amount_vnd=amount_vnd, support_entry=s.entry_id)
    return d


@retry_on_clash
@transaction.atomic
def record_transfer(actor, from_fund: Fund, to_fund: Fund, *, amount_vnd: int, date: dt.date, reference: str = "",
                    paid_from: str = "bank") -> Transfer:
    """Unallocated money sent to the fund of the level above or below (a province and one of its
    communes). One transaction with lines in both funds: it appears at both ends."""
    require_fund(actor, "disbursement_record", from_fund)
    _amount(amount_vnd, "amount_vnd")
    _date(date)
    if paid_from not in ("cash", "bank"):
        raise ValidationError({"paid_from": tr("Chuyển từ tiền mặt hoặc ngân hàng", "Send from cash or bank")})
    if not related_funds(from_fund).filter(pk=to_fund.pk).exists():
        raise ValidationError({"to_fund": tr("Chỉ chuyển giữa quỹ Trung ương và quỹ tỉnh, hoặc giữa quỹ tỉnh và quỹ của "
                                             "một xã thuộc tỉnh",
                                             "Transfers go between the national fund and a province fund, or between a "
                                             "province fund and one of its communes' funds")})
    _lock(from_fund, to_fund)
    t = _post(actor, from_fund, LedgerTransaction.TRANSFER, date,
              [(from_fund, paid_from, -amount_vnd), (from_fund, "unallocated", amount_vnd),
               (to_fund, "bank", amount_vnd), (to_fund, "unallocated", -amount_vnd)],
              memo=f"Chuyển {from_fund.code} → {to_fund.code}", reference=(reference or "").strip())
    tr_ = Transfer.objects.create(from_fund=from_fund, to_fund=to_fund, amount_vnd=amount_vnd, date=date,
                                  reference=(reference or "").strip()[:100], txn=t, created_by=_by(actor))
    audit(actor, "fund.transfer", tr_, from_fund.unit, to_fund=to_fund.code, amount_vnd=amount_vnd)
    return tr_


@retry_on_clash
@transaction.atomic
def reverse(actor, txn: LedgerTransaction, *, date: dt.date, reason: str) -> LedgerTransaction:
    """A reversing transaction (every line negated, ``reverses`` → the original). A reversed
    disbursement also cancels the household's support; a reversed donation keeps its receipt
    number (the receipt is void, the sequence stays unbroken)."""
    require_fund(actor, "ledger_reverse", txn.fund)
    if not (reason or "").strip():
        raise ValidationError({"reason": tr("Cần ghi lý do đảo bút toán", "Give the reason for the reversal")})
    _date(date)
    funds = list(Fund.objects.filter(pk__in=txn.lines.values("fund_id")))
    _lock(*funds)
    txn = LedgerTransaction.objects.get(pk=txn.pk)
    if LedgerTransaction.objects.filter(reverses=txn).exists():
        raise ValidationError(tr("Bút toán này đã được đảo rồi", "This transaction has already been reversed"))
    lines = list(txn.lines.select_related("fund"))
    original = core.Transaction(tuple(core.Line(queries.key(ln.fund_id, ln.account), ln.amount) for ln in lines),
                                txn.date, txn.memo, txn.reverses_id, txn.pk)
    try:
        core.reversal(original, date)
    except core.LedgerError as e:
        raise ValidationError(tr(e.vi, e.en)) from None
    r = _post(actor, txn.fund, LedgerTransaction.REVERSAL, date, [(ln.fund, ln.account, -ln.amount) for ln in lines],
              memo=f"Đảo bút toán #{txn.pk}: {reason.strip()}"[:300], reference=txn.reference, reverses=txn)
    d = Disbursement.objects.filter(txn=txn).first()
    if d is not None:
        from chungtay.support import actions as support
        from chungtay.support.models import Support
        current = Support.objects.filter(entry_id=d.support_entry_id, is_current=True).first()
        if current is not None and current.status != "cancelled":
            support.cancel_support(actor, current, reason=f"Đảo chi Quỹ: {reason.strip()}", action="ledger_reverse")
    audit(actor, "fund.reverse", r, txn.fund.unit, reverses=txn.pk, kind=txn.kind, reason=reason.strip()[:300])
    return r


# ------------------------------------------------------------------ bank, publication, houses

@transaction.atomic
def import_statement(actor, fund: Fund, *, name: str, data: bytes, window_days: int = 3) -> tuple[BankStatement, core.Reconciliation]:
    """Read a bank statement CSV (all or nothing: the first bad cell refuses the file, naming
    file, row and column) and match it to the fund's bank-account lines."""
    require_fund(actor, "bank_reconcile", fund)
    try:
        rows = core.parse_statement(data, name)
    except core.LedgerError as e:
        raise ValidationError(tr(e.vi, e.en)) from None
    entries = [core.Entry(ln.pk, ln.txn.date, ln.amount, ln.txn.reference)
               for ln in LedgerLine.objects.filter(fund=fund, account="bank").select_related("txn")]
    result = core.reconcile(rows, entries, window_days)
    match = {s.row: e.id for s, e in result.matched}
    st = BankStatement.objects.create(
        fund=fund, name=name[:200], sha256=hashlib.sha256(data if isinstance(data, bytes) else data.encode()).hexdigest(),
        lines=[{"row": s.row, "date": s.date.isoformat(), "amount": s.amount, "reference": s.reference,
                "description": s.description, "entry": match.get(s.row)} for s in rows],
        matched=len(result.matched), unmatched_statement=len(result.unmatched_statement),
        unmatched_ledger=[e.id for e in result.unmatched_ledger], uploaded_by=_by(actor))
    audit(actor, "fund.bank_statement", st, fund.unit, rows=len(rows), matched=st.matched,
          unmatched_statement=st.unmatched_statement, unmatched_ledger=len(st.unmatched_ledger))
    return st, result


@transaction.atomic
def publish_period(actor, fund: Fund, *, start: dt.date, end: dt.date) -> PublishedPeriod:
    require_fund(actor, "period_publish", fund)
    if not isinstance(start, dt.date) or not isinstance(end, dt.date) or end < start or end > dt.date.today():
        raise ValidationError(tr("Kỳ công khai: từ ngày ≤ đến ngày ≤ hôm nay", "Period: start ≤ end ≤ today"))
    if PublishedPeriod.objects.filter(fund=fund, start=start, end=end).exists():
        raise ValidationError(tr("Kỳ này đã công khai", "This period is already published"))
    p = PublishedPeriod.objects.create(fund=fund, start=start, end=end, published_by=_by(actor))
    audit(actor, "fund.publish", p, fund.unit, start=start.isoformat(), end=end.isoformat())
    return p


HOUSE_SOURCES = [("fund", "Quỹ Vì người nghèo", "Fund for the Poor"), ("state", "Ngân sách nhà nước", "State budget"),
                 ("community", "Cộng đồng, nhà hảo tâm", "Community, benefactors"),
                 ("household", "Hộ gia đình tự góp", "The household itself")]
HOUSE_SOURCE_NAMES = {k: (vi, en) for k, vi, en in HOUSE_SOURCES}


def house_disbursement_problem(fund: Fund, household: Household, disbursement: Disbursement | None) -> str | None:
    """Why this payment cannot be the fund's payment for this household's house (None: it can)."""
    if disbursement is None:
        return None
    if disbursement.fund_id != fund.pk or disbursement.household_id != household.pk or disbursement.purpose != "house":
        return tr("Khoản chi phải là khoản chi nhà Đại đoàn kết của quỹ này cho chính hộ này",
                  "The payment must be this fund's house payment to this very household")
    if LedgerTransaction.objects.filter(reverses_id=disbursement.txn_id).exists():
        return tr("Khoản chi này đã bị đảo bút toán", "This payment has been reversed")
    if HouseProject.objects.filter(disbursement=disbursement).exists():
        return tr("Khoản chi này đã gắn với một nhà khác", "This payment is already linked to a house")
    return None


@transaction.atomic
def create_house(actor, fund: Fund, *, household: Household, fund_vnd: int = 0, state_vnd: int = 0, community_vnd: int = 0,
                 household_vnd: int = 0, disbursement: Disbursement | None = None) -> HouseProject:
    """A Great Unity house of a household of the fund's area, at the stage "planned", with the
    contributions known at the start (each source whole VND, not negative; the fund's above 0: a
    house the fund supports). A household has one
    house being built at a time; the fund's payment, when given, is a house payment of this fund to
    this household, not reversed and not linked to another house."""
    require_fund(actor, "fund_manage", fund)
    if not inside(fund, household):
        raise ValidationError({"household": outside_message(fund)})
    for v in (fund_vnd, state_vnd, community_vnd, household_vnd):
        if not isinstance(v, int) or isinstance(v, bool) or not 0 <= v <= MAX_VALUE:
            raise ValidationError(tr("Các khoản đóng góp là số đồng nguyên không âm", "Contributions are whole VND, not negative"))
    if (problem := house_disbursement_problem(fund, household, disbursement)) is not None:
        raise ValidationError({"disbursement": problem})
    if fund_vnd <= 0:
        raise ValidationError({"fund_vnd": tr("Nhà do Quỹ hỗ trợ: ghi số tiền Quỹ hỗ trợ hoặc chọn khoản chi nhà của Quỹ",
                                              "A house the fund supports: give the fund's amount or choose its house payment")})
    _lock(fund)
    open_ = HouseProject.objects.filter(household=household).exclude(stage="handed_over").first()
    if open_ is not None:
        raise ValidationError({"household": tr(
            f"Hộ {household.code} đang có nhà Đại đoàn kết chưa bàn giao ({open_.get_stage_display().lower()})",
            f"Household {household.code} already has a house not yet handed over")})
    h = HouseProject.objects.create(fund=fund, household=household, fund_vnd=fund_vnd, state_vnd=state_vnd,
                                    community_vnd=community_vnd, household_vnd=household_vnd, disbursement=disbursement,
                                    created_by=_by(actor))
    today = dt.date.today()
    HouseContribution.objects.bulk_create([
        HouseContribution(house=h, source=src, amount_vnd=v, created_by=_by(actor), at_start=True,
                          date=disbursement.date if src == "fund" and disbursement is not None else today)
        for src, v in (("fund", fund_vnd), ("state", state_vnd), ("community", community_vnd), ("household", household_vnd))
        if v])
    audit(actor, "fund.house", h, household.village, household=household.code, total_vnd=h.total_vnd,
          fund_vnd=fund_vnd, state_vnd=state_vnd, community_vnd=community_vnd, household_vnd=household_vnd,
          disbursement=disbursement.pk if disbursement else None)
    return h


def house_stage_problem(house: HouseProject, stage: str, date) -> tuple[str, str] | None:
    """(field, why) ``house`` cannot reach ``stage`` on ``date`` (None: it can): a later stage, on a
    date from 2000, not after today and not before the date of a stage already reached."""
    order = HouseProject.STAGE_ORDER
    if stage not in order or order.index(stage) <= order.index(house.stage):
        return "stage", tr("Giai đoạn phải sau giai đoạn hiện tại", "The stage must come after the current one")
    if not isinstance(date, dt.date) or date < FIRST_DATE or date > dt.date.today():
        return "date", tr("Ngày không hợp lệ (từ năm 2000, không sau hôm nay)", "Invalid date (from 2000, not after today)")
    reached = [d for d in (house.stage_dates or {}).values() if isinstance(d, str)]
    if reached and date.isoformat() < max(reached):
        last = dt.date.fromisoformat(max(reached))
        return "date", tr(f"Ngày không được trước ngày của giai đoạn đã qua ({last:%d/%m/%Y})",
                  f"The date cannot precede a stage already reached ({last:%d/%m/%Y})")
    return None


@transaction.atomic
def advance_house(actor, house: HouseProject, *, stage: str, date: dt.date, note: str = "") -> HouseProject:
    """The next stage(s) of building, start → handover; never backwards, never dated before a stage
    already reached. The audit keeps who moved it, when, from which stage, and the note."""
    require_fund(actor, "fund_manage", house.fund)
    house = HouseProject.objects.select_for_update().select_related("household__village").get(pk=house.pk)
    if (problem := house_stage_problem(house, stage, date)) is not None:
        raise ValidationError({problem[0]: problem[1]})
    before = house.stage
    dates = dict(house.stage_dates)
    dates[stage] = date.isoformat()
    HouseProject.objects.filter(pk=house.pk).update(stage=stage, stage_dates=dates)
    house.refresh_from_db()
    audit(actor, "fund.house_stage", house, house.household.village, stage=stage, date=date.isoformat(),
          **{"from": before}, note=(note or "").strip()[:300])
    return house


@transaction.atomic
def add_house_contribution(actor, house: HouseProject, *, source: str, amount_vnd: int, date: dt.date, note: str = "",
                           correction: bool = False) -> HouseProject:
    """A contribution of the state, the community or the household received after the start: the
    source's total grows by the amount, and the audit keeps the entry (amount, date, note, who).
    Append-only: a wrong entry is not edited, a **correction** (``correction=True``, a reason
    required) lowers the total, never below 0. The fund's own share is its house payment (the books)."""
    require_fund(actor, "fund_manage", house.fund)
    errors: dict[str, str] = {}
    if source not in HOUSE_SOURCE_NAMES or source == "fund":
        errors["source"] = tr("Nguồn: ngân sách nhà nước, cộng đồng hoặc hộ gia đình (khoản của Quỹ là khoản chi nhà "
                              "trong sổ Quỹ)", "Source: state, community or household (the fund's share is its house "
                              "payment in the books)")
    if not isinstance(amount_vnd, int) or isinstance(amount_vnd, bool) or not 0 < amount_vnd <= MAX_VALUE:
        errors["amount_vnd"] = tr("Số tiền phải là số đồng nguyên dương", "The amount must be positive whole VND")
    if not isinstance(date, dt.date) or date < FIRST_DATE or date > dt.date.today():
        errors["date"] = tr("Ngày không hợp lệ (từ năm 2000, không sau hôm nay)", "Invalid date (from 2000, not after today)")
    if correction and not (note or "").strip():
        errors["note"] = tr("Điều chỉnh giảm phải ghi lý do", "A correction needs its reason")
    if errors:
        raise ValidationError(errors)
    house = HouseProject.objects.select_for_update().select_related("household__village").get(pk=house.pk)
    field = f"{source}_vnd"
    delta = -amount_vnd if correction else amount_vnd
    total = getattr(house, field) + delta
    if total < 0:
        raise ValidationError({"amount_vnd": tr(
            f"Điều chỉnh giảm quá số đã ghi của nguồn này ({getattr(house, field):,} đồng)".replace(",", "."),
            f"The correction exceeds what this source has recorded ({getattr(house, field):,} VND)")})
    if total > MAX_VALUE:
        raise ValidationError({"amount_vnd": tr("Số tiền quá lớn", "The amount is too large")})
    HouseProject.objects.filter(pk=house.pk).update(**{field: total})
    HouseContribution.objects.create(house=house, source=source, amount_vnd=delta, date=date,
                                     note=(note or "").strip()[:300], created_by=_by(actor))
    house.refresh_from_db()
    audit(actor, "fund.house_contribution", house, house.household.village, source=source, amount_vnd=delta,
          date=date.isoformat(), note=(note or "").strip()[:300], total_vnd=house.total_vnd)
    return house

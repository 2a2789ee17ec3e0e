"""Every write of the support ledger: each takes the acting user, checks role and area
(``roles.require``), validates, writes and leaves an AuditEvent (no personal data).

The ledger is append-only: :func:`record_support` creates an entry and its version 1;
:func:`correct_support` and :func:`cancel_support` add version n+1 and move ``is_current``;
nothing is updated in place. A distribution (:func:`record_distribution`) checks every
household first and writes all of them or none.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chungtay.accounts.access import scope_for
from chungtay.accounts.models import AuditEvent
from chungtay.accounts.roles import require
from chungtay.households.actions import audit, retry_on_clash
from chungtay.households.models import Household, Member
from chungtay.i18n import tr
from chungtay.units.models import Unit

from . import funding as fund
from .models import (CANCELLED, DELIVERED, KIND_NAMES, PLANNED, STATUS_NAMES, Distribution, Evidence,
                     FundingSource, Partner, ProgrammePart, Support, SupportEntry, SupportFunding)

MAX_VALUE = 10 ** 12              # one support: far above any house or loan
MAX_QUANTITY = Decimal("1000000000")
MAX_DISTRIBUTION = 5000           # households in one decision
FIRST_DATE = dt.date(2000, 1, 1)


@dataclass
class Facts:
    """What a version says (everything but the household)."""
    part: ProgrammePart
    kind: str
    quantity: Decimal
    unit_of_measure: str
    value_vnd: int
    date: dt.date
    status: str
    funding: list = field(default_factory=list)        # [(source code, number, is_percent)]
    member: Member | None = None
    description: str = ""
    provider_unit: Unit | None = None
    provider_partner: Partner | None = None
    document_no: str = ""
    evidence: Evidence | None = None


def _err(vi: str, en: str) -> str:
    return tr(vi, en)


def check_facts(actor, household: Household, f: Facts, today: dt.date | None = None) -> dict[str, str]:
    """Field → message for every problem (empty: the facts may be written for the household).
    Used by the forms, the distribution and the import (which maps fields to its columns)."""
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    if f.kind not in KIND_NAMES:
        errors["kind"] = _err("Loại hỗ trợ không hợp lệ", "Unknown kind of support")
    if f.status not in STATUS_NAMES:
        errors["status"] = _err("Trạng thái không hợp lệ", "Unknown status")
    try:
        q = Decimal(f.quantity)
        if not q.is_finite() or q <= 0 or q > MAX_QUANTITY or q != q.quantize(Decimal("0.001")):
            raise InvalidOperation
    except (InvalidOperation, TypeError, ValueError):
        errors["quantity"] = _err("Số lượng phải là số dương (tối đa 3 chữ số thập phân)",
                                  "The quantity must be a positive number (at most 3 decimals)")
    if not (f.unit_of_measure or "").strip():
        errors["unit_of_measure"] = _err("Cần ghi đơn vị tính (con, kg, thẻ, suất…)",
                                         "Give the unit of measure (head, kg, card, place…)")
    if not isinstance(f.value_vnd, int) or isinstance(f.value_vnd, bool) or not 0 <= f.value_vnd <= MAX_VALUE:
        errors["value_vnd"] = _err("Giá trị phải là số đồng nguyên, không âm, tối đa 1.000 tỷ",
                                   "The value must be whole VND, not negative, at most 10^12")
    if not isinstance(f.date, dt.date) or f.date < FIRST_DATE:
        errors["date"] = _err("Ngày không hợp lệ (từ năm 2000)", "Invalid date (from 2000)")
    elif f.status == DELIVERED and f.date > today:
        errors["date"] = _err("Hỗ trợ đã trao không thể có ngày trong tương lai",
                              "A delivered support cannot be dated in the future")
    elif f.date > today + dt.timedelta(days=731):
        errors["date"] = _err("Ngày dự kiến quá xa (tối đa 2 năm tới)", "A planned date at most 2 years ahead")
    if f.part is None or not f.part.in_catalogue:
        errors["part"] = _err("Chương trình / dự án không có trong danh mục", "Programme / project not in the catalogue")
    elif isinstance(f.date, dt.date) and not f.part.start_year <= f.date.year <= f.part.end_year:
        errors["part"] = _err(f"{f.part.code} áp dụng {f.part.start_year}–{f.part.end_year}, không có hỗ trợ năm "
                              f"{f.date.year}",
                              f"{f.part.code} runs {f.part.start_year}–{f.part.end_year}, not in {f.date.year}")
    if f.member is not None and f.member.household_id != household.pk:
        errors["member"] = _err("Thành viên không thuộc hộ này", "The member is not in this household")
    if (f.provider_unit is None) == (f.provider_partner is None):
        errors["provider"] = _err("Ghi một đơn vị hoặc một tổ chức hỗ trợ", "Give one providing unit or one partner")
    elif f.provider_unit is not None and not scope_for(actor).covers(f.provider_unit) and \
            f.provider_unit.pk not in (household.commune_id, household.province_id):
        errors["provider"] = _err("Đơn vị hỗ trợ nằm ngoài địa bàn", "The providing unit is outside the area")
    elif f.provider_partner is not None and not Partner.objects.for_user(actor).filter(pk=f.provider_partner.pk).exists():
        errors["provider"] = _err("Tổ chức hỗ trợ không có trong danh sách của địa bàn", "Unknown partner in this area")
    if f.evidence is not None and f.evidence.commune_id != household.commune_id:
        errors["evidence"] = _err("Tệp minh chứng thuộc xã khác", "The evidence file belongs to another commune")
    if household.end_year is not None and isinstance(f.date, dt.date) and f.date.year > household.end_year:
        errors["date"] = _err(f"Hộ {household.code} đã kết thúc năm {household.end_year}",
                              f"Household {household.code} ended in {household.end_year}")
    if "value_vnd" not in errors:
        try:
            lines = fund.split(f.value_vnd, list(f.funding))
        except fund.FundingError as e:
            errors["funding"] = _err(e.vi, e.en)
        else:
            known = set(FundingSource.objects.filter(code__in=[ln.source for ln in lines]).values_list("code", flat=True))
            unknown = [ln.source for ln in lines if ln.source not in known]
            if unknown:
                errors["funding"] = _err(f"Không có nguồn vốn mã {', '.join(unknown)} trong danh mục",
                                         f"No funding source with code {', '.join(unknown)}")
    return errors


def _place(household: Household) -> dict:
    return {"village_id": household.village_id, "commune_id": household.commune_id,
            "province_id": household.province_id}


def _version(actor, entry: SupportEntry, household: Household, f: Facts, version: int, reason: str,
             source: str) -> Support:
    """The unsaved row of a version (its funding lines: :func:`_funding_rows`, once it has an id)."""
    return Support(
        entry=entry, version=version, is_current=True, household=household, member=f.member, part=f.part,
        programme=f.part.root, kind=f.kind, description=f.description.strip()[:200],
        quantity=Decimal(f.quantity), unit_of_measure=f.unit_of_measure.strip()[:30], value_vnd=f.value_vnd,
        date=f.date, year=f.date.year, provider_unit=f.provider_unit, provider_partner=f.provider_partner,
        document_no=f.document_no.strip()[:60], evidence=f.evidence, status=f.status, reason=reason[:300],
        source=source, recorded_by=actor if getattr(actor, "pk", None) else None, **_place(household))


def _funding_rows(s: Support, f: Facts, sources: dict) -> list[SupportFunding]:
    return [SupportFunding(support=s, source=sources[ln.source], share=ln.share, amount_vnd=ln.amount)
            for ln in fund.split(f.value_vnd, list(f.funding))]


def _write_version(actor, entry: SupportEntry, household: Household, f: Facts, version: int, reason: str,
                   source: str) -> Support:
    s = _version(actor, entry, household, f, version, reason, source)
    s.save(force_insert=True)
    SupportFunding.objects.bulk_create(_funding_rows(s, f, {x.code: x for x in FundingSource.objects.all()}))
    return s


def write_new(actor, items: list[tuple[Household, Facts]], *, source: str, distribution: Distribution | None = None,
              extra: dict | None = None) -> list[Support]:
    """New supports, checked by the caller (:func:`check_facts`, role and area): an entry and its
    version 1 for each (household, facts), each with its audit record (``extra`` added to it), in
    a few statements whatever their number (a distribution, the fund's payments of a decision)."""
    by = actor if getattr(actor, "pk", None) else None
    entries = SupportEntry.objects.bulk_create([SupportEntry(household=h, distribution=distribution, created_by=by)
                                                for h, _ in items])
    rows = Support.objects.bulk_create([_version(actor, e, h, f, 1, "", source) for e, (h, f) in zip(entries, items)])
    sources = {x.code: x for x in FundingSource.objects.all()}
    SupportFunding.objects.bulk_create([ln for s, (_, f) in zip(rows, items) for ln in _funding_rows(s, f, sources)])
    AuditEvent.objects.bulk_create([
        AuditEvent(actor=by, action="support.record", object_type="support", object_id=str(s.pk), unit_id=h.village_id,
                   changes={"entry": e.pk, "household": h.code, **(extra or {}), **_changes(s, f)})
        for e, s, (h, f) in zip(entries, rows, items)])
    return rows


def _changes(s: Support, f: Facts) -> dict:
    """Non-personal fields for the audit record."""
    return {"version": s.version, "part": f.part.code, "kind": f.kind, "quantity": str(s.quantity),
            "unit_of_measure": s.unit_of_measure, "value_vnd": f.value_vnd, "date": f.date.isoformat(), "status": f.status,
            "funding": fund.describe(fund.split(f.value_vnd, list(f.funding))), "document_no": s.document_no,
            "member": bool(f.member), "evidence": bool(f.evidence)}


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _require_household(actor, household: Household, action: str = "support_record") -> None:
    require(actor, action, household.village)
    if not scope_for(actor).covers(household.village):
        raise PermissionDenied(tr("Hộ nằm ngoài địa bàn được giao", "The household is outside your area"))


@retry_on_clash
@transaction.atomic
def record_support(actor, household: Household, facts: Facts, *, source: str = "form",
                   action: str = "support_record") -> Support:
    """A new support for one household (or one of its members): entry + version 1. ``action``: the
    role-matrix action that authorises it (``disbursement_record`` when the Fund for the Poor pays)."""
    _require_household(actor, household, action)
    _raise(check_facts(actor, household, facts))
    return write_new(actor, [(household, facts)], source=source)[0]


def _locked_current(entry_id: int) -> Support:
    SupportEntry.objects.select_for_update().filter(pk=entry_id).first()   # serialise the versions of one entry
    current = Support.objects.select_related("household", "part").filter(entry_id=entry_id, is_current=True).first()
    if current is None:
        raise ValidationError(tr("Không tìm thấy phiên bản hiện hành", "No current version"))
    return current


def facts_of(s: Support) -> Facts:
    return Facts(part=s.part, kind=s.kind, quantity=s.quantity, unit_of_measure=s.unit_of_measure,
                 value_vnd=s.value_vnd, date=s.date, status=s.status,
                 funding=[(ln.source.code, ln.share, True) for ln in s.funding.select_related("source")],
                 member=s.member, description=s.description, provider_unit=s.provider_unit,
                 provider_partner=s.provider_partner, document_no=s.document_no, evidence=s.evidence)


@retry_on_clash
@transaction.atomic
def correct_support(actor, support: Support, facts: Facts, *, reason: str) -> Support:
    """A correction: version n+1 with the corrected facts; the old version stays, superseded."""
    _require_household(actor, support.household)
    if not (reason or "").strip():
        raise ValidationError({"reason": tr("Cần ghi lý do sửa", "Give the reason for the correction")})
    current = _locked_current(support.entry_id)
    if current.status == CANCELLED:
        raise ValidationError(tr("Hỗ trợ đã thu hồi / hủy: không sửa được, hãy ghi một hỗ trợ mới",
                                 "The support is cancelled: record a new one instead"))
    if current.pk != support.pk:
        raise ValidationError(tr("Hỗ trợ vừa được người khác sửa: hãy mở lại trang để xem phiên bản mới",
                                 "Someone else has just corrected this support: reload the page"))
    _raise(check_facts(actor, current.household, facts))
    Support.objects.filter(pk=current.pk).update(is_current=False)
    s = _write_version(actor, current.entry, current.household, facts, current.version + 1, reason.strip(),
                       current.source)
    audit(actor, "support.correct", s, current.household.village, entry=current.entry_id, reason=reason.strip()[:300],
          **_changes(s, facts))
    return s


@retry_on_clash
@transaction.atomic
def cancel_support(actor, support: Support, *, reason: str, action: str = "support_record") -> Support:
    """Returned or cancelled: version n+1 with status cancelled (the facts stay as they were)."""
    _require_household(actor, support.household, action)
    if not (reason or "").strip():
        raise ValidationError({"reason": tr("Cần ghi lý do thu hồi / hủy", "Give the reason for the cancellation")})
    current = _locked_current(support.entry_id)
    if current.status == CANCELLED:
        raise ValidationError(tr("Hỗ trợ đã thu hồi / hủy rồi", "The support is already cancelled"))
    f = facts_of(current)
    f.status = CANCELLED
    Support.objects.filter(pk=current.pk).update(is_current=False)
    s = _write_version(actor, current.entry, current.household, f, current.version + 1, reason.strip(), current.source)
    audit(actor, "support.cancel", s, current.household.village, entry=current.entry_id, version=s.version,
          reason=reason.strip()[:300])
    return s


def resolve_households(actor, unit: Unit, codes: list[str]) -> tuple[list[Household], list[str]]:
    """Household codes typed for a distribution → households, and the problems (unknown code,
    outside the deciding unit or the user's area, given twice). An unknown code and a code
    outside the area read alike: the page never reveals a household outside the area."""
    problems: list[str] = []
    seen: set[str] = set()
    wanted: list[str] = []
    for raw in codes:
        code = (raw or "").strip()
        if not code:
            continue
        if code in seen:
            problems.append(tr(f"Mã hộ {code}: ghi hai lần", f"Household {code}: given twice"))
            continue
        seen.add(code)
        wanted.append(code)
    qs = Household.objects.for_user(actor).select_related("village", "commune", "province")
    if unit.level == Unit.PROVINCE:
        qs = qs.filter(province=unit)
    elif unit.level == Unit.COMMUNE:
        qs = qs.filter(commune=unit)
    else:
        qs = qs.filter(village=unit)
    found = {h.code: h for h in qs.filter(code__in=wanted)}
    for code in wanted:
        if code not in found:
            problems.append(tr(f"Mã hộ {code}: không có trong {unit.full_name} thuộc địa bàn được giao",
                               f"Household {code}: not in {unit.full_name} within your area"))
    return [found[c] for c in wanted if c in found], problems


@retry_on_clash
@transaction.atomic
def record_distribution(actor, *, unit: Unit, decision_no: str, decision_date: dt.date, title: str,
                        codes: list[str], facts: Facts) -> Distribution:
    """One decision, many households: the same facts for each (value and quantity are per
    household). Every household is checked first; one problem and nothing is written."""
    require(actor, "support_record", unit)
    if not scope_for(actor).covers(unit) or unit.system != Unit.SYSTEM_2025 or unit.level not in (
            Unit.PROVINCE, Unit.COMMUNE, Unit.VILLAGE):
        raise PermissionDenied(tr("Đơn vị nằm ngoài địa bàn được giao", "The unit is outside your area"))
    problems: list[str] = []
    if not (decision_no or "").strip():
        problems.append(tr("Cần số quyết định", "Give the decision number"))
    households, bad = resolve_households(actor, unit, codes)
    problems += bad
    if not households and not bad:
        problems.append(tr("Cần ít nhất một mã hộ", "Give at least one household code"))
    if len(households) > MAX_DISTRIBUTION:
        problems.append(tr(f"Một đợt tối đa {MAX_DISTRIBUTION} hộ", f"At most {MAX_DISTRIBUTION} households at once"))
    if households:
        # the facts are the same for every household: check them once, then what depends on the household
        first = check_facts(actor, households[0], facts)
        problems += [f"{_FIELD_NAMES.get(k, k)}: {v}" for k, v in first.items()]
        if not first:
            for h in households:
                problems += [f"{tr('Mã hộ', 'Household')} {h.code}: {v}" for k, v in check_facts(actor, h, facts).items()]
    if problems:
        raise ValidationError(problems)
    d = Distribution.objects.create(
        decision_no=decision_no.strip()[:60], decision_date=decision_date, title=title.strip()[:300], unit=unit,
        province=unit if unit.level == Unit.PROVINCE else (unit.parent if unit.level == Unit.COMMUNE else unit.parent.parent),
        commune=unit if unit.level == Unit.COMMUNE else (unit.parent if unit.level == Unit.VILLAGE else None),
        households=len(households), created_by=actor if getattr(actor, "pk", None) else None)
    if not facts.document_no:
        facts.document_no = d.decision_no
    write_new(actor, [(h, facts) for h in households], source="distribution", distribution=d,
              extra={"distribution": d.pk})
    audit(actor, "distribution.record", d, unit, decision_no=d.decision_no, households=len(households),
          part=facts.part.code, kind=facts.kind, value_each=facts.value_vnd)
    return d


_FIELD_NAMES = {"kind": "Loại hỗ trợ", "status": "Trạng thái", "quantity": "Số lượng", "unit_of_measure": "Đơn vị tính",
                "value_vnd": "Giá trị", "date": "Ngày", "part": "Chương trình", "member": "Thành viên",
                "provider": "Đơn vị hỗ trợ", "evidence": "Minh chứng", "funding": "Nguồn vốn"}

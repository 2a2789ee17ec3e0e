"""Partners, pairings and pledges: writes (actions with audit) and the derived pledge outcome."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import require
from chungtay.core.fmt import fold
from chungtay.households.actions import audit
from chungtay.households.models import Assessment, Household
from chungtay.i18n import tr
from chungtay.units.models import Unit

from .models import KIND_NAMES, Pairing, Partner, Pledge

FIRST_YEAR, LAST_YEAR = 2016, 2035


def _unit_place(unit: Unit) -> tuple[Unit, Unit | None]:
    """(province, commune) of a 2025 province or commune."""
    if unit.level == Unit.PROVINCE:
        return unit, None
    return unit.parent, unit


@transaction.atomic
def create_partner(actor, *, unit: Unit, name: str, kind: str, contact: str = "", note: str = "") -> Partner:
    require(actor, "partner_manage", unit)
    if unit.system != Unit.SYSTEM_2025 or unit.level not in (Unit.PROVINCE, Unit.COMMUNE):
        raise ValidationError({"unit": tr("Tổ chức đăng ký ở tỉnh hoặc xã", "A partner is registered at a province or a commune")})
    if not scope_for(actor).covers(unit):
        raise PermissionDenied(tr("Đơn vị nằm ngoài địa bàn được giao", "The unit is outside your area"))
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": tr("Cần tên tổ chức", "Give the partner's name")})
    if kind not in dict(Partner.KIND_CHOICES):
        raise ValidationError({"kind": tr("Loại tổ chức không hợp lệ", "Unknown kind of partner")})
    if any(fold(n) == fold(name) for n in Partner.objects.filter(unit=unit).values_list("name", flat=True)):
        raise ValidationError({"name": tr(f"{unit.full_name} đã có tổ chức tên '{name}'",
                                          f"{unit.full_name} already has a partner named '{name}'")})
    province, commune = _unit_place(unit)
    p = Partner.objects.create(name=name[:200], kind=kind, unit=unit, province=province, commune=commune,
                               contact=contact.strip()[:200], note=note.strip()[:300],
                               created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor, "partner.create", p, unit, kind=kind, name=p.name if kind != "individual" else "")
    return p


@transaction.atomic
def create_pairing(actor, *, partner: Partner | None = None, officer=None, household: Household | None = None,
                   village: Unit | None = None, start_date: dt.date, end_date: dt.date | None = None,
                   commitments: str, document_no: str = "") -> Pairing:
    """A partner or an officer paired with one household or one village for a period."""
    if (household is None) == (village is None):
        raise ValidationError(tr("Chọn một hộ hoặc một thôn", "Choose one household or one village"))
    target_village = household.village if household is not None else village
    require(actor, "pairing_record", target_village)
    scope = scope_for(actor)
    if not scope.covers(target_village) or (household is not None and
                                            not Household.objects.for_user(actor).filter(pk=household.pk).exists()):
        raise PermissionDenied(tr("Nằm ngoài địa bàn được giao", "Outside your area"))
    if target_village.level != Unit.VILLAGE or target_village.system != Unit.SYSTEM_2025:
        raise ValidationError({"village": tr("Chọn một thôn, tổ dân phố", "Choose a village")})
    errors = {}
    if (partner is None) == (officer is None):
        errors["partner"] = tr("Người giúp đỡ: một tổ chức hoặc một cán bộ", "The helper: one partner or one officer")
    elif partner is not None and not Partner.objects.for_user(actor).filter(pk=partner.pk).exists():
        errors["partner"] = tr("Tổ chức không có trong danh sách của địa bàn", "Unknown partner in this area")
    elif officer is not None and not (officer.is_active and scope_for(officer).covers(target_village)):
        errors["officer"] = tr("Cán bộ được phân công phải có địa bàn gồm thôn này",
                               "The officer's own area must hold this village")
    if not (commitments or "").strip():
        errors["commitments"] = tr("Cần ghi nội dung cam kết giúp đỡ", "Write the commitments")
    if not FIRST_YEAR <= start_date.year <= LAST_YEAR:
        errors["start_date"] = tr(f"Ngày bắt đầu trong {FIRST_YEAR}–{LAST_YEAR}", f"Start between {FIRST_YEAR} and {LAST_YEAR}")
    if end_date is not None and end_date < start_date:
        errors["end_date"] = tr("Ngày kết thúc phải sau ngày bắt đầu", "The end must follow the start")
    if errors:
        raise ValidationError(errors)
    v = target_village
    p = Pairing.objects.create(partner=partner, officer=officer, household=household, village=v, commune=v.parent,
                               province=v.parent.parent, start_date=start_date, end_date=end_date,
                               commitments=commitments.strip(), document_no=document_no.strip()[:60],
                               created_by=actor if getattr(actor, "pk", None) else None)
    audit(actor, "pairing.create", p, v, partner=partner.pk if partner else None, officer=officer.pk if officer else None,
          household=household.code if household else None, start=start_date.isoformat(),
          end=end_date.isoformat() if end_date else None)
    return p


@transaction.atomic
def end_pairing(actor, pairing: Pairing, *, ended_on: dt.date, reason: str) -> Pairing:
    require(actor, "pairing_record", pairing.village)
    if not scope_for(actor).covers(pairing.village):
        raise PermissionDenied(tr("Nằm ngoài địa bàn được giao", "Outside your area"))
    if pairing.ended_on:
        raise ValidationError(tr("Phân công đã kết thúc", "The pairing has already ended"))
    if ended_on < pairing.start_date:
        raise ValidationError(tr("Ngày kết thúc trước ngày bắt đầu", "The end precedes the start"))
    if not (reason or "").strip():
        raise ValidationError(tr("Cần ghi lý do kết thúc", "Give the reason"))
    Pairing.objects.filter(pk=pairing.pk).update(ended_on=ended_on, ended_reason=reason.strip()[:300])
    pairing.refresh_from_db()
    audit(actor, "pairing.end", pairing, pairing.village, ended_on=ended_on.isoformat(), reason=reason.strip()[:300])
    return pairing


@transaction.atomic
def record_pledge(actor, household: Household, *, year: int, plan: str, goal: str = Pledge.ESCAPE_POVERTY,
                  support_asked: str = "", kinds_asked=(), registered_on: dt.date | None = None) -> Pledge:
    """The household's registration to escape poverty (or near-poverty) in ``year``."""
    require(actor, "pledge_record", household.village)
    if not Household.objects.for_user(actor).filter(pk=household.pk).exists():
        raise PermissionDenied(tr("Hộ nằm ngoài địa bàn được giao", "The household is outside your area"))
    errors = {}
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors["year"] = tr(f"Năm từ {FIRST_YEAR} đến {LAST_YEAR}", f"A year from {FIRST_YEAR} to {LAST_YEAR}")
    if goal not in dict(Pledge.GOAL_CHOICES):
        errors["goal"] = tr("Mục tiêu không hợp lệ", "Unknown goal")
    if not (plan or "").strip():
        errors["plan"] = tr("Cần ghi kế hoạch, biện pháp thoát nghèo của hộ", "Write the household's plan")
    kinds = [k for k in kinds_asked if k]
    if any(k not in KIND_NAMES for k in kinds):
        errors["kinds_asked"] = tr("Loại hỗ trợ không hợp lệ", "Unknown kind of support")
    registered_on = registered_on or dt.date.today()
    if household.end_year is not None and isinstance(year, int) and year > household.end_year:
        errors["year"] = tr(f"Hộ đã kết thúc năm {household.end_year}", f"The household ended in {household.end_year}")
    if not errors and Pledge.objects.filter(household=household, year=year).exists():
        errors["year"] = tr(f"Hộ đã đăng ký thoát nghèo năm {year}", f"The household already pledged for {year}")
    if errors:
        raise ValidationError(errors)
    try:
        with transaction.atomic():
            p = Pledge.objects.create(household=household, year=year, goal=goal, plan=plan.strip(),
                                      support_asked=support_asked.strip(), kinds_asked=kinds, registered_on=registered_on,
                                      village=household.village, commune=household.commune, province=household.province,
                                      created_by=actor if getattr(actor, "pk", None) else None)
    except IntegrityError:
        raise ValidationError({"year": tr(f"Hộ đã đăng ký thoát nghèo năm {year}",
                                          f"The household already pledged for {year}")}) from None
    audit(actor, "pledge.record", p, household.village, household=household.code, year=year, goal=goal, kinds=kinds)
    return p


# --- was the pledge kept? ---------------------------------------------------------------

KEPT, NOT_KEPT, PENDING, NOT_APPLICABLE = "kept", "not_kept", "pending", "not_applicable"
OUTCOME_NAMES = {KEPT: ("Đã thoát", "Kept"), NOT_KEPT: ("Chưa thoát", "Not kept"),
                 PENDING: ("Chờ kết quả rà soát", "Awaiting the review"),
                 NOT_APPLICABLE: ("Năm gốc hộ không thuộc diện", "Not in the group at the baseline")}


@dataclass(frozen=True)
class Outcome:
    state: str
    before: str | None       # category in the review of year - 1 (the baseline)
    after: str | None        # category in the review of the pledge's year


def outcomes(pledges) -> dict[int, Outcome]:
    """Pledge id → outcome, from the current periodic results (one query for all pledges).

    A pledge for year Y is made at the start of Y, after the review of Y − 1 (its baseline);
    the next review is the periodic review of Y — the current periodic Assessment of the year
    following the baseline. Kept: that result is not poor (goal: escape poverty) or is
    average or above (goal: escape near-poverty). No result yet: pending. A household that was
    not poor (not poor or near-poor) at the baseline had nothing to escape: not applicable."""
    pledges = list(pledges)
    if not pledges:
        return {}
    hh = {p.household_id for p in pledges}
    years = {p.year for p in pledges} | {p.year - 1 for p in pledges}
    # every year of these households (a few hundred rows), the years kept here: with the years in the
    # query SQLite picks an index led by the year and reads every result of those years
    cats = {(h, y): c for h, y, c in Assessment.objects.filter(
        household_id__in=hh, kind=Assessment.PERIODIC, is_current=True).values_list(
        "household_id", "year", "category") if y in years}
    out = {}
    for p in pledges:
        before, after = cats.get((p.household_id, p.year - 1)), cats.get((p.household_id, p.year))
        if before is not None and before not in (("poor",) if p.goal == Pledge.ESCAPE_POVERTY else ("poor", "near_poor")):
            state = NOT_APPLICABLE        # nothing to escape from at the baseline: neither kept nor broken
        elif after is None:
            state = PENDING
        elif p.goal == Pledge.ESCAPE_NEAR:
            state = KEPT if after in ("average", "above_average") else NOT_KEPT
        else:
            state = KEPT if after != "poor" else NOT_KEPT
        out[p.pk] = Outcome(state, before, after)
    return out

"""Every write of the revolving models: each takes the acting user, checks role and area
(``roles.require``), validates (Vietnamese messages first), writes and leaves an AuditEvent.

Events are append-only: a wrong event is cancelled by a ``void`` event with a reason (only the
latest event of an asset, so the chain stays consistent), then the right one is recorded.
Setting up a model and adding its assets is ``revolving_manage`` (province, commune officers);
events are ``revolving_event`` at the village of the household holding the asset (commune
officer, the village head of that village).
"""
from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import require
from chungtay.core import revolving as core
from chungtay.households.actions import audit, retry_on_clash
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.units.models import Unit

from .models import (BIRTH, DEATH, HANDOVER, KIND_NAMES, RULE_NAMES, SALE, TRANSFER, VOID, Asset, Event,
                     PlannedHousehold, RevolvingModel)

FIRST_DATE = dt.date(2000, 1, 1)
MAX_VALUE = 10 ** 12
MAX_PLAN = 2000
CODE_RE = re.compile(r"^[\w.\-/]{1,40}$")


def _user(actor):
    return actor if getattr(actor, "pk", None) else None


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _date_error(d, today: dt.date, start: dt.date | None = None, after: dt.date | None = None) -> str | None:
    if not isinstance(d, dt.date) or d < FIRST_DATE:
        return tr("Ngày không hợp lệ (từ năm 2000)", "Invalid date (from 2000)")
    if d > today:
        return tr("Ngày không thể ở tương lai", "The date cannot be in the future")
    if start is not None and d < start:
        return tr(f"Ngày trước ngày bắt đầu mô hình ({start:%d/%m/%Y})",
                  f"The date is before the model's start ({start:%d/%m/%Y})")
    if after is not None and d < after:
        return tr(f"Ngày trước lần ghi nhận gần nhất của tài sản ({after:%d/%m/%Y})",
                  f"The date is before the asset's latest event ({after:%d/%m/%Y})")
    return None


def _value_error(v, positive: bool = False) -> str | None:
    if not isinstance(v, int) or isinstance(v, bool) or not (1 if positive else 0) <= v <= MAX_VALUE:
        return tr("Giá trị phải là số đồng nguyên, không âm, tối đa 1.000 tỷ",
                  "The value must be whole VND, not negative, at most 10^12")
    return None


# --- reading the state (used by the pages too) -------------------------------------------

def effective_events(model: RevolvingModel) -> list[Event]:
    """The model's events that count: not void events, not voided."""
    voided = set(Event.objects.filter(model=model, kind=VOID).values_list("voids_id", flat=True))
    return [e for e in Event.objects.filter(model=model).exclude(kind=VOID).order_by("date", "id") if e.pk not in voided]


def core_events(rows: list[Event]) -> list[core.Event]:
    return [core.Event(e.pk, e.kind, e.date, e.asset_id, e.to_household_id, e.new_asset_id) for e in rows]


def rule_of(model: RevolvingModel) -> core.Rule:
    return core.Rule.from_data(model.rule)


def _holder(events: list[core.Event], asset_id: int) -> tuple[int | None, int | None, dt.date | None]:
    """(current holder or None, last holder, date of the asset's latest event)."""
    hs = [h for h in core.holdings(events) if h.asset == asset_id]
    if not hs:
        return None, None, None
    last = hs[-1]
    latest = max([e.date for e in events if asset_id in (e.asset, e.new_asset)], default=last.start)
    return (last.household if last.end is None else None), last.household, latest


def _lock(model: RevolvingModel) -> RevolvingModel:
    return RevolvingModel.objects.select_for_update().get(pk=model.pk)


def _household_in_commune(model: RevolvingModel, household) -> str | None:
    if household is None or household.commune_id != model.commune_id:
        return tr(f"Hộ không thuộc {model.commune.full_name}: mô hình chỉ luân chuyển trong xã",
                  f"The household is not in {model.commune.full_name}: the model passes on within the commune")
    if household.status != "active" or household.end_year is not None:
        return tr(f"Hộ {household.code} không còn cư trú", f"Household {household.code} is no longer living here")
    return None


# --- setting up ----------------------------------------------------------------------------

@retry_on_clash
@transaction.atomic
def create_model(actor, *, commune: Unit, code: str, name: str, kind: str, rule_type: str, months: int,
                 start_date: dt.date, planned: list[str] = (), support_entry=None, description: str = "",
                 rule_note: str = "", today: dt.date | None = None) -> RevolvingModel:
    """A new model with its rule and its planned households (codes, in order)."""
    require(actor, "revolving_manage", commune)
    if commune.level != Unit.COMMUNE or commune.system != Unit.SYSTEM_2025 or not scope_for(actor).covers(commune):
        raise PermissionDenied(tr("Xã nằm ngoài địa bàn được giao", "The commune is outside your area"))
    today = today or dt.date.today()
    errors: dict[str, str] = {}
    code = (code or "").strip()
    if not CODE_RE.match(code):
        errors["code"] = tr("Mã mô hình: 1–40 ký tự, không dấu cách", "Model code: 1–40 characters, no spaces")
    elif RevolvingModel.objects.filter(code=code).exists():
        errors["code"] = tr(f"Đã có mô hình mã {code}", f"A model with code {code} exists")
    if not (name or "").strip():
        errors["name"] = tr("Cần tên mô hình", "Give the model's name")
    if kind not in KIND_NAMES:
        errors["kind"] = tr("Loại mô hình không hợp lệ", "Unknown kind of model")
    if rule_type not in RULE_NAMES:
        errors["rule_type"] = tr("Quy tắc luân chuyển không hợp lệ", "Unknown rule")
    if not isinstance(months, int) or isinstance(months, bool) or not 1 <= months <= 120:
        errors["months"] = tr("Thời hạn luân chuyển: 1–120 tháng", "Pass-on period: 1–120 months")
    if err := _date_error(start_date, today):
        errors["start_date"] = err
    households: list[Household] = []
    seen: set[str] = set()
    problems = []
    found = {h.code: h for h in Household.objects.filter(commune=commune, code__in=[c.strip() for c in planned])}
    for raw in planned:
        c = (raw or "").strip()
        if not c:
            continue
        if c in seen:
            problems.append(tr(f"{c}: ghi hai lần", f"{c}: given twice"))
            continue
        seen.add(c)
        h = found.get(c)
        if h is None:
            problems.append(tr(f"{c}: không có hộ này trong xã", f"{c}: no such household in the commune"))
        else:
            households.append(h)
    if len(households) > MAX_PLAN:
        problems.append(tr(f"Tối đa {MAX_PLAN} hộ dự kiến", f"At most {MAX_PLAN} planned households"))
    if problems:
        errors["planned"] = "; ".join(str(p) for p in problems[:20])
    if support_entry is not None and support_entry.household.commune_id != commune.pk:
        errors["support_entry"] = tr("Hỗ trợ ban đầu thuộc xã khác", "The initial support belongs to another commune")
    _raise(errors)
    m = RevolvingModel.objects.create(
        code=code, name=name.strip()[:200], kind=kind, commune=commune, province=commune.parent,
        rule={"type": rule_type, "months": months, **({"note": rule_note.strip()[:300]} if rule_note.strip() else {})},
        start_date=start_date, support_entry=support_entry, description=(description or "").strip()[:2000],
        created_by=_user(actor))
    PlannedHousehold.objects.bulk_create([PlannedHousehold(model=m, position=i + 1, household=h)
                                          for i, h in enumerate(households)])
    audit(actor, "revolving.create", m, commune, code=m.code, kind=kind, rule=m.rule, start_date=start_date.isoformat(),
          planned=[h.code for h in households], support_entry=support_entry.pk if support_entry else None)
    return m


@retry_on_clash
@transaction.atomic
def add_asset(actor, model: RevolvingModel, *, code: str, value_vnd: int, household: Household, date: dt.date,
              sex: str = "", description: str = "", witness: str = "", decision_no: str = "",
              today: dt.date | None = None) -> Asset:
    """An initial asset of the model, handed over to its first household."""
    require(actor, "revolving_manage", model.commune)
    model = _lock(model)
    today = today or dt.date.today()
    errors = _asset_errors(model, code, value_vnd, sex)
    if err := _household_in_commune(model, household):
        errors["household"] = err
    if err := _date_error(date, today, model.start_date):
        errors["date"] = err
    _raise(errors)
    a = Asset.objects.create(model=model, code=code.strip(), description=description.strip()[:200], sex=sex,
                             value_vnd=value_vnd, origin="initial", created_by=_user(actor))
    e = Event.objects.create(model=model, kind=HANDOVER, date=date, asset=a, to_household=household,
                             witness=witness.strip()[:200], decision_no=decision_no.strip()[:60], recorded_by=_user(actor))
    audit(actor, "revolving.handover", e, household.village, model=model.code, asset=a.code, value_vnd=value_vnd,
          to_household=household.code, date=date.isoformat(), decision_no=e.decision_no)
    return a


@retry_on_clash
@transaction.atomic
def add_planned(actor, model: RevolvingModel, codes: list[str]) -> list[PlannedHousehold]:
    """Households added at the end of the plan (in the order given). The plan is never
    reordered or shortened: a household that will not receive simply stays unreached."""
    require(actor, "revolving_manage", model.commune)
    model = _lock(model)
    have = set(PlannedHousehold.objects.filter(model=model).values_list("household__code", flat=True))
    wanted = list(dict.fromkeys(c.strip() for c in codes if c and c.strip()))
    found = {h.code: h for h in Household.objects.filter(commune=model.commune, code__in=wanted)}
    problems = []
    for c in wanted:
        if c in have:
            problems.append(tr(f"{c}: đã có trong kế hoạch", f"{c}: already planned"))
        elif c not in found:
            problems.append(tr(f"{c}: không có hộ này trong xã", f"{c}: no such household in the commune"))
    if not wanted:
        problems.append(tr("Cần ít nhất một mã hộ", "Give at least one household code"))
    if len(have) + len(wanted) > MAX_PLAN:
        problems.append(tr(f"Tối đa {MAX_PLAN} hộ dự kiến", f"At most {MAX_PLAN} planned households"))
    if problems:
        raise ValidationError({"planned": "; ".join(str(p) for p in problems[:20])})
    last = PlannedHousehold.objects.filter(model=model).order_by("-position").values_list("position", flat=True).first() or 0
    rows = PlannedHousehold.objects.bulk_create([PlannedHousehold(model=model, position=last + i + 1, household=found[c])
                                                 for i, c in enumerate(wanted)])
    audit(actor, "revolving.plan", model, model.commune, code=model.code, added=wanted)
    return rows


def _asset_errors(model, code, value_vnd, sex, field="code") -> dict:
    errors = {}
    code = (code or "").strip()
    if not CODE_RE.match(code):
        errors[field] = tr("Mã tài sản: 1–40 ký tự, không dấu cách", "Asset code: 1–40 characters, no spaces")
    elif Asset.objects.filter(model=model, code=code).exists():
        errors[field] = tr(f"Mô hình đã có tài sản mã {code}", f"The model already has an asset {code}")
    if err := _value_error(value_vnd):
        errors["value_vnd"] = err
    if sex not in ("", Asset.FEMALE, Asset.MALE):
        errors["sex"] = tr("Giới tính không hợp lệ", "Unknown sex")
    elif model.kind == "livestock" and not sex:
        errors["sex"] = tr("Ghi con đực hay con cái", "Give male or female")
    return errors


# --- events --------------------------------------------------------------------------------

def _prepare(actor, model: RevolvingModel, asset: Asset, date, today, *, alive: bool = True):
    """Lock the model, find the asset's holder, check the role at the holder's village and the
    common rules. Returns (locked model, holder household, core events)."""
    if asset is None or asset.model_id != model.pk:
        raise ValidationError(tr("Tài sản không thuộc mô hình này", "The asset is not in this model"))
    model = _lock(model)
    events = core_events(effective_events(model))
    holder_id, last_id, latest = _holder(events, asset.pk)
    last = Household.objects.select_related("village").filter(pk=last_id).first() if last_id else None
    require(actor, "revolving_event", last.village if last else model.commune)
    if last is not None and not scope_for(actor).covers(last.village):
        raise PermissionDenied(tr("Hộ đang giữ tài sản nằm ngoài địa bàn được giao",
                                  "The household holding the asset is outside your area"))
    if alive and holder_id is None:
        state = core.asset_states(events).get(asset.pk)
        raise ValidationError(tr(
            f"Tài sản {asset.code} đã {'chết' if state == 'dead' else 'bán' if state == 'sold' else 'không còn'}: "
            "không ghi thêm được", f"Asset {asset.code} is {state or 'gone'}: nothing more can be recorded"))
    errors = {}
    if err := _date_error(date, today, model.start_date, latest):
        errors["date"] = err
    holder = Household.objects.select_related("village").get(pk=holder_id) if holder_id else None
    return model, holder, events, errors


@retry_on_clash
@transaction.atomic
def record_transfer(actor, model: RevolvingModel, asset: Asset, *, to_household: Household, date: dt.date,
                    witness: str, decision_no: str = "", note: str = "", today: dt.date | None = None) -> Event:
    """A pass-on: the asset goes from its holder to the next household of the commune."""
    require(actor, "revolving_event", model.commune, inside=True)     # then at the holder's village
    model, holder, _events, errors = _prepare(actor, model, asset, date, today or dt.date.today())
    if err := _household_in_commune(model, to_household):
        errors["to_household"] = err
    elif to_household.pk == holder.pk:
        errors["to_household"] = tr("Hộ nhận trùng với hộ đang giữ", "The receiving household is the holder")
    if not (witness or "").strip():
        errors["witness"] = tr("Cần ghi người chứng kiến", "Give the witness")
    _raise(errors)
    e = Event.objects.create(model=model, kind=TRANSFER, date=date, asset=asset, from_household=holder,
                             to_household=to_household, witness=witness.strip()[:200],
                             decision_no=(decision_no or "").strip()[:60], note=(note or "").strip()[:300],
                             recorded_by=_user(actor))
    audit(actor, "revolving.transfer", e, holder.village, model=model.code, asset=asset.code,
          from_household=holder.code, to_household=to_household.code, date=date.isoformat(),
          decision_no=e.decision_no)
    return e


@retry_on_clash
@transaction.atomic
def record_birth(actor, model: RevolvingModel, parent: Asset, *, code: str, sex: str, value_vnd: int,
                 date: dt.date, description: str = "", today: dt.date | None = None) -> Asset:
    """An offspring of an asset: a new asset held by the parent's holder."""
    require(actor, "revolving_event", model.commune, inside=True)     # then at the holder's village
    model, holder, _events, errors = _prepare(actor, model, parent, date, today or dt.date.today())
    if model.kind != "livestock":
        errors["kind"] = tr("Chỉ mô hình con giống mới ghi sinh", "Births are for livestock models only")
    errors.update(_asset_errors(model, code, value_vnd, sex, field="new_code"))
    _raise(errors)
    a = Asset.objects.create(model=model, code=code.strip(), description=(description or "").strip()[:200], sex=sex,
                             value_vnd=value_vnd, parent=parent, origin="birth", created_by=_user(actor))
    e = Event.objects.create(model=model, kind=BIRTH, date=date, asset=parent, from_household=holder, new_asset=a,
                             recorded_by=_user(actor))
    audit(actor, "revolving.birth", e, holder.village, model=model.code, parent=parent.code, asset=a.code, sex=sex,
          value_vnd=value_vnd, date=date.isoformat())
    return a


@retry_on_clash
@transaction.atomic
def record_death(actor, model: RevolvingModel, asset: Asset, *, date: dt.date, note: str = "",
                 today: dt.date | None = None) -> Event:
    require(actor, "revolving_event", model.commune, inside=True)     # then at the holder's village
    model, holder, _events, errors = _prepare(actor, model, asset, date, today or dt.date.today())
    _raise(errors)
    e = Event.objects.create(model=model, kind=DEATH, date=date, asset=asset, from_household=holder,
                             note=(note or "").strip()[:300], recorded_by=_user(actor))
    audit(actor, "revolving.death", e, holder.village, model=model.code, asset=asset.code, date=date.isoformat())
    return e


@retry_on_clash
@transaction.atomic
def record_sale(actor, model: RevolvingModel, asset: Asset, *, date: dt.date, amount_vnd: int,
                replacement_code: str = "", replacement_value: int | None = None, replacement_sex: str = "",
                to_household: Household | None = None, witness: str = "", decision_no: str = "", note: str = "",
                today: dt.date | None = None) -> Event:
    """A sale (a male offspring, a sick animal); the money may buy a replacement, given to the
    next household (a pass-on) or kept by the seller."""
    require(actor, "revolving_event", model.commune, inside=True)     # then at the holder's village
    model, holder, _events, errors = _prepare(actor, model, asset, date, today or dt.date.today())
    if err := _value_error(amount_vnd, positive=True):
        errors["amount_vnd"] = err
    new = None
    if (replacement_code or "").strip():
        errors.update(_asset_errors(model, replacement_code, replacement_value, replacement_sex, field="new_code"))
        if to_household is not None:
            if err := _household_in_commune(model, to_household):
                errors["to_household"] = err
            elif to_household.pk == holder.pk:
                errors["to_household"] = tr("Hộ nhận trùng với hộ đang giữ", "The receiving household is the holder")
            if not (witness or "").strip():
                errors["witness"] = tr("Cần ghi người chứng kiến", "Give the witness")
    elif to_household is not None:
        errors["new_code"] = tr("Ghi mã tài sản mua thay thế để giao cho hộ nhận",
                                "Give the code of the replacement bought for the receiving household")
    _raise(errors)
    if (replacement_code or "").strip():
        new = Asset.objects.create(model=model, code=replacement_code.strip(), sex=replacement_sex,
                                   value_vnd=replacement_value, parent=None, origin="purchase",
                                   description=f"Mua bằng tiền bán {asset.code}",
                                   created_by=_user(actor))
    e = Event.objects.create(model=model, kind=SALE, date=date, asset=asset, from_household=holder,
                             to_household=to_household if new else None, new_asset=new, amount_vnd=amount_vnd,
                             witness=(witness or "").strip()[:200], decision_no=(decision_no or "").strip()[:60],
                             note=(note or "").strip()[:300], recorded_by=_user(actor))
    audit(actor, "revolving.sale", e, holder.village, model=model.code, asset=asset.code, amount_vnd=amount_vnd,
          replacement=new.code if new else None, to_household=to_household.code if new and to_household else None,
          date=date.isoformat())
    return e


@retry_on_clash
@transaction.atomic
def void_event(actor, event: Event, *, reason: str, today: dt.date | None = None) -> Event:
    """A correction: the latest event of an asset is cancelled by a new ``void`` event (the
    right event is then recorded again). The first hand-over is voided by the manager only."""
    place = (event.from_household or event.to_household)
    require(actor, "revolving_manage" if event.kind == HANDOVER else "revolving_event",
            event.model.commune if event.kind == HANDOVER or place is None else place.village)
    if place is not None and event.kind != HANDOVER and not scope_for(actor).covers(place.village):
        raise PermissionDenied(tr("Hộ nằm ngoài địa bàn được giao", "The household is outside your area"))
    model = _lock(event.model)
    if not (reason or "").strip():
        raise ValidationError({"reason": tr("Cần ghi lý do hủy ghi nhận", "Give the reason")})
    if event.kind == VOID or Event.objects.filter(voids=event).exists():
        raise ValidationError(tr("Ghi nhận này đã được hủy", "This event is already voided"))
    rows = effective_events(model)
    assets = {event.asset_id, event.new_asset_id} - {None}
    later = [e for e in rows if (e.date, e.pk) > (event.date, event.pk) and ({e.asset_id, e.new_asset_id} & assets)]
    if later:
        raise ValidationError(tr("Chỉ hủy được ghi nhận mới nhất của tài sản: hãy hủy các ghi nhận sau trước",
                                 "Only the asset's latest event can be voided: void the later ones first"))
    v = Event.objects.create(model=model, kind=VOID, date=today or dt.date.today(), asset=event.asset, voids=event,
                             reason=reason.strip()[:300], recorded_by=_user(actor))
    audit(actor, "revolving.void", v, place.village if place else model.commune, model=model.code,
          voids=event.pk, voided_kind=event.kind, reason=v.reason)
    return v

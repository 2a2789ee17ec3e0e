"""Revolving models (docs/revolving.md): the models of your area with their health, one model
(rule, assets with their holders, the chain of generations, planned vs reached, obligations),
the obligations of the area (``overdue`` filter), and the events the page records (pass-on,
birth, death, sale). Reads through ``revolving.queries.models_for`` (a village head: the models
whose plan or holders include a household of the village); every figure is computed by the
pure core from the effective events (``revolving.queries.state_of``), as on the page. Writes
only through ``chungtay.revolving.actions`` (role at the holder's village, checks, audit there).

As on the page, a household outside your own area shows its code only (``household_id`` null,
no name)."""

import datetime as dt
from contextlib import contextmanager
from typing import Literal, Optional

from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from chungtay.accounts.roles import require
from chungtay.core import revolving as core
from chungtay.households.models import Household
from chungtay.revolving import actions
from chungtay.revolving.models import KINDS, Asset, Event, PlannedHousehold, RevolvingModel
from chungtay.revolving.queries import models_for, state_of
from chungtay.units.models import Unit

from .base import Page, _decode, _encode, page, write
from .common import CURSOR, LIMIT, READ_ERRORS, UNIT, WRITE_ERRORS, unit_in_area
from .errors import ApiError

router = Router(tags=["revolving"])

ModelKind = Literal["livestock", "capital", "fertiliser", "seed", "other"]
RuleType = Literal["offspring", "rotate"]
ObligationState = Literal["open", "overdue", "on_time", "late", "lost"]
AssetState = Literal["alive", "dead", "sold", "void"]
Sex = Literal["", "female", "male"]
assert set(ModelKind.__args__) == {k for k, *_ in KINDS}
assert set(RuleType.__args__) == set(core.RULE_TYPES)
MAX_MODELS = 300          # models computed for one list of obligations (the list page shows as many)


# --- schemas -------------------------------------------------------------------------------

class RuleOut(Schema):
    type: RuleType
    months: int = Field(description="pass on / repay within this many months")
    note: str


class HealthOut(Schema):
    assets: int
    alive: int
    dead: int
    sold: int
    value_alive_vnd: int
    on_time: int = Field(description="obligations passed on by the due date")
    late: int = Field(description="obligations passed on after the due date")
    open: int = Field(description="not passed on yet, not due")
    overdue: int = Field(description="not passed on, past the due date")
    lost: int = Field(description="the asset died or was sold before the duty was met")
    generations: int
    planned: int = Field(description="households in the plan")
    reached: int = Field(description="households that received (in the plan or not)")
    reached_planned: int = Field(description="households of the plan that received")
    ok: bool = Field(description="no obligation overdue")


class ModelOut(Schema):
    id: int
    code: str
    name: str
    kind: ModelKind
    kind_vi: str
    kind_en: str
    commune_id: int
    province_id: int
    rule: RuleOut
    start_date: dt.date
    support_entry_id: Optional[int] = Field(description="the support ledger entry of the initial support")
    description: str
    created_at: dt.datetime
    health: HealthOut


class ModelPage(Page):
    items: list[ModelOut]


class HouseholdRef(Schema):
    household_id: Optional[int] = Field(description="null: outside your area (the code only, as on the page)")
    household_code: str


class HoldingOut(HouseholdRef):
    start: dt.date
    end: Optional[dt.date]
    end_reason: str = Field(description="passed / died / sold, empty while held")
    generation: int
    due: Optional[dt.date] = Field(description="pass on / repay by (null: a newborn or a kept replacement)")


class AssetOut(Schema):
    id: int
    code: str
    description: str
    sex: Sex
    value_vnd: int
    parent_id: Optional[int]
    origin: str = Field(description="initial / birth / purchase")
    state: AssetState
    holder: Optional[HouseholdRef] = Field(description="the current holder (null: dead, sold)")
    holdings: list[HoldingOut] = Field(description="every holder over time, first first")


class PlannedOut(HouseholdRef):
    position: int
    reached: bool


class ChainRow(Schema):
    depth: int
    household: Optional[HouseholdRef]
    giver: Optional[HouseholdRef] = Field(description="null: received at the first hand-over")
    generation: Optional[int]


class ObligationOut(Schema):
    event_id: int = Field(description="the hand-over, pass-on or sale that started the holding (the list's order)")
    model_id: int
    model_code: str
    asset_id: int
    asset_code: str
    household_id: Optional[int] = Field(description="null: outside your area")
    household_code: str
    generation: int
    start: dt.date
    due: dt.date
    fulfilled_on: Optional[dt.date]
    state: ObligationState
    days_overdue: int = Field(description="days past the due date today (0 unless overdue)")


class ObligationPage(Page):
    items: list[ObligationOut]


class ModelDetail(ModelOut):
    assets: list[AssetOut]
    planned: list[PlannedOut] = Field(description="the plan, in order")
    next_household: Optional[HouseholdRef] = Field(description="the first planned household not reached yet")
    outside_plan: list[HouseholdRef] = Field(description="households reached that were not in the plan")
    chain: list[ChainRow] = Field(description="the chain by generation, depth first (giver → receivers)")
    obligations: list[ObligationOut]


# --- reading -------------------------------------------------------------------------------

def _model_base(m: RevolvingModel, health: core.Health) -> dict:
    rule = actions.rule_of(m)
    vi, en = dict((k, (v, e)) for k, v, e in KINDS).get(m.kind, (m.kind, m.kind))
    return {"id": m.id, "code": m.code, "name": m.name, "kind": m.kind, "kind_vi": vi, "kind_en": en,
            "commune_id": m.commune_id, "province_id": m.province_id,
            "rule": {"type": rule.type, "months": rule.months, "note": str((m.rule or {}).get("note", ""))},
            "start_date": m.start_date, "support_entry_id": m.support_entry_id, "description": m.description,
            "created_at": m.created_at,
            "health": {**{f: getattr(health, f) for f in ("assets", "alive", "dead", "sold", "value_alive_vnd", "on_time",
                                                          "late", "open", "overdue", "lost", "generations", "planned",
                                                          "reached", "reached_planned")}, "ok": health.ok}}


def _scoped(user, unit: Optional[int]):
    qs = models_for(user)
    if (u := unit_in_area(user, unit)) is not None:
        if u.system != Unit.SYSTEM_2025:
            qs = qs.none()              # models are placed in the 2025 communes
        elif u.level == Unit.PROVINCE:
            qs = qs.filter(province=u)
        elif u.level == Unit.COMMUNE:
            qs = qs.filter(commune=u)
        else:
            qs = qs.filter(Q(pk__in=PlannedHousehold.objects.filter(household__village=u).values("model_id"))
                           | Q(pk__in=Event.objects.filter(to_household__village=u).values("model_id")))
    return qs


class _Refs:
    """Household references of one or more models: id only for a household of the user's area."""

    def __init__(self, user, ids):
        ids = set(ids) - {None}
        self.codes = dict(Household.objects.filter(pk__in=ids).values_list("id", "code"))
        self.visible = set(Household.objects.for_user(user).filter(pk__in=ids).values_list("pk", flat=True))

    def __call__(self, hh_id):
        if hh_id is None:
            return None
        return {"household_id": hh_id if hh_id in self.visible else None, "household_code": self.codes.get(hh_id, "")}


def _starts(rows) -> dict:
    """(asset, household, date) → the event that began a holding with a duty."""
    out = {}
    for e in rows:
        if e.kind in ("handover", "transfer") and e.to_household_id:
            out[(e.asset_id, e.to_household_id, e.date)] = e.pk
        elif e.kind == "sale" and e.new_asset_id and e.to_household_id:
            out[(e.new_asset_id, e.to_household_id, e.date)] = e.pk
    return out


def _obligations(m: RevolvingModel, st, refs: _Refs, codes: dict, today: dt.date) -> list[dict]:
    starts = _starts(st.rows)
    out = []
    for o in st.obligations:
        ref = refs(o.household)
        out.append({"event_id": starts.get((o.asset, o.household, o.start), 0), "model_id": m.pk, "model_code": m.code,
                    "asset_id": o.asset, "asset_code": codes.get(o.asset, ""), **ref, "generation": o.generation,
                    "start": o.start, "due": o.due, "fulfilled_on": o.fulfilled_on, "state": o.state,
                    "days_overdue": max(0, (today - o.due).days) if o.state == core.OVERDUE else 0})
    return sorted(out, key=lambda r: r["event_id"])


@router.get("/revolving-models", response={200: ModelPage, 304: None, **READ_ERRORS}, url_name="revolving_models")
def list_models(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                year: Optional[int] = Query(None, ge=2000, le=2100, description="started in this year"),
                kind: Optional[ModelKind] = Query(None)):
    """Revolving models of your area (the list page), each with its health today. `unit`: a
    2025 province or commune, or a village (the models whose plan or holders include one of its
    households)."""
    user = request.auth
    qs = _scoped(user, unit).select_related("commune")
    if year is not None:
        qs = qs.filter(start_date__year=year)
    if kind is not None:
        qs = qs.filter(kind=kind)
    rows, nxt = page(qs, cursor, limit)
    today = dt.date.today()
    return {"items": [_model_base(m, state_of(m, today).health) for m in rows], "next_cursor": nxt, "limit": limit}


def _model(user, model_id: int) -> RevolvingModel:
    if not 1 <= model_id < 2 ** 62:
        raise Http404
    return get_object_or_404(models_for(user).select_related("commune", "province"), pk=model_id)


def _detail(user, m: RevolvingModel) -> dict:
    today = dt.date.today()
    st = state_of(m, today)
    assets = list(Asset.objects.filter(model=m).order_by("id"))
    codes = {a.pk: a.code for a in assets}
    planned = list(PlannedHousehold.objects.filter(model=m).order_by("position"))
    refs = _Refs(user, {h.household for h in st.holdings} | {p.household_id for p in planned})
    gen, _tree = core.generations(st.events)
    reach = core.reach([p.household_id for p in planned], list(gen))
    holdings: dict[int, list] = {}
    for h in st.holdings:
        holdings.setdefault(h.asset, []).append({**refs(h.household), "start": h.start, "end": h.end,
                                                 "end_reason": h.end_reason, "generation": h.generation, "due": h.due})
    holder = {h.asset: h.household for h in st.holdings if h.end is None}
    return {**_model_base(m, st.health),
            "assets": [{"id": a.pk, "code": a.code, "description": a.description, "sex": a.sex, "value_vnd": a.value_vnd,
                        "parent_id": a.parent_id, "origin": a.origin, "state": st.states.get(a.pk, "void"),
                        "holder": refs(holder.get(a.pk)), "holdings": holdings.get(a.pk, [])} for a in assets],
            "planned": [{"position": p.position, **refs(p.household_id), "reached": p.household_id in gen}
                        for p in planned],
            "next_household": refs(reach.next_household),
            "outside_plan": [refs(h) for h in reach.outside_plan],
            "chain": [{"depth": d, "household": refs(h), "giver": refs(g), "generation": gen.get(h)}
                      for d, h, g in core.chain_rows(st.events)],
            "obligations": _obligations(m, st, refs, codes, today)}


@router.get("/revolving-models/{int:model_id}", response={200: ModelDetail, 304: None, **READ_ERRORS},
            url_name="revolving_model")
def get_model(request, model_id: int):
    """One model (the model page): rule, health, assets with their holders over time, the plan
    against the households reached, the chain by generation and every obligation."""
    return _detail(request.auth, _model(request.auth, model_id))


@router.get("/revolving-obligations", response={200: ObligationPage, 304: None, **READ_ERRORS},
            url_name="revolving_obligations")
def list_obligations(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                     model: Optional[int] = Query(None, ge=1, le=2 ** 62, description="one model's"),
                     state: Optional[ObligationState] = Query(None),
                     overdue: Optional[bool] = Query(None, description="only the overdue obligations (true) or "
                                                     "the others (false)")):
    """Pass-on / repayment obligations of the models of your area, computed today, ordered by
    the event that started each holding (`event_id`, the cursor's key)."""
    user = request.auth
    after = _decode(cursor, 1)[0] if cursor else 0
    qs = _scoped(user, unit).select_related("commune").order_by("id")
    if model is not None:
        qs = qs.filter(pk=model)
    today = dt.date.today()
    rows = []
    for m in qs[:MAX_MODELS]:
        st = state_of(m, today)
        codes = dict(Asset.objects.filter(model=m).values_list("id", "code"))
        refs = _Refs(user, {o.household for o in st.obligations})
        rows += [o for o in _obligations(m, st, refs, codes, today) if o["event_id"] > after]
    if state is not None:
        rows = [o for o in rows if o["state"] == state]
    if overdue is not None:
        rows = [o for o in rows if (o["state"] == core.OVERDUE) == overdue]
    rows.sort(key=lambda o: o["event_id"])
    nxt = _encode([rows[limit - 1]["event_id"]]) if len(rows) > limit else None
    return {"items": rows[:limit], "next_cursor": nxt, "limit": limit}


# --- writes: the events of the page --------------------------------------------------------

class EventOut(Schema):
    id: int
    model_id: int
    kind: Literal["handover", "transfer", "birth", "death", "sale", "void"]
    date: dt.date
    asset_id: Optional[int]
    new_asset_id: Optional[int] = Field(description="a birth: the newborn; a sale: the replacement bought")
    from_household: Optional[HouseholdRef]
    to_household: Optional[HouseholdRef]
    amount_vnd: Optional[int]
    witness: str
    decision_no: str
    note: str
    recorded_at: dt.datetime


class TransferIn(Schema):
    asset_id: int = Field(ge=1, le=2 ** 62, description="an asset of the model, alive")
    to_household_code: str = Field(min_length=1, max_length=40, description="a household of the model's commune")
    date: dt.date
    witness: str = Field(min_length=1, max_length=200)
    decision_no: str = Field("", max_length=60, description="the village decision")
    note: str = Field("", max_length=300)


class BirthIn(Schema):
    asset_id: int = Field(ge=1, le=2 ** 62, description="the mother")
    new_code: str = Field(min_length=1, max_length=40, description="the newborn's code")
    sex: Literal["female", "male"]
    value_vnd: int = Field(ge=0, le=actions.MAX_VALUE)
    date: dt.date


class DeathIn(Schema):
    asset_id: int = Field(ge=1, le=2 ** 62)
    date: dt.date
    note: str = Field("", max_length=300, description="the cause")


class SaleIn(Schema):
    asset_id: int = Field(ge=1, le=2 ** 62)
    date: dt.date
    amount_vnd: int = Field(ge=1, le=actions.MAX_VALUE)
    new_code: str = Field("", max_length=40, description="the replacement bought (optional)")
    replacement_value: Optional[int] = Field(None, ge=0, le=actions.MAX_VALUE)
    sex: Sex = Field("", description="the replacement's")
    to_household_code: str = Field("", max_length=40, description="give the replacement to this household (a pass-on)")
    witness: str = Field("", max_length=200)
    decision_no: str = Field("", max_length=60)


def _event_out(user, e: Event) -> dict:
    refs = _Refs(user, {e.from_household_id, e.to_household_id})
    return {"id": e.pk, "model_id": e.model_id, "kind": e.kind, "date": e.date, "asset_id": e.asset_id,
            "new_asset_id": e.new_asset_id, "from_household": refs(e.from_household_id),
            "to_household": refs(e.to_household_id), "amount_vnd": e.amount_vnd, "witness": e.witness,
            "decision_no": e.decision_no, "note": e.note, "recorded_at": e.recorded_at}


def _bad(field: str, vi: str, en: str):
    return ApiError(400, "invalid", vi, en, [(field, vi, en)])


def _for_event(request, model_id: int, asset_id: int) -> tuple[RevolvingModel, Asset]:
    """The model (404 outside the area), the role as on the page (403), then the asset of the model."""
    user = request.auth
    m = _model(user, model_id)
    require(user, "revolving_event", m.commune, inside=True)    # the page's check; the action checks the village
    asset = Asset.objects.filter(model=m, pk=asset_id).first()
    if asset is None:
        raise _bad("asset_id", "Tài sản không thuộc mô hình này", "The asset is not in this model")
    return m, asset


@contextmanager
def _renamed(mapping: dict):
    """An action's ValidationError with the API's field names (``to_household`` → ``to_household_code``)."""
    try:
        yield
    except ValidationError as e:
        if not hasattr(e, "error_dict"):
            raise
        raise ValidationError({mapping.get(k, k): v for k, v in e.error_dict.items()}) from None


TO = {"to_household": "to_household_code"}


def _receiver(m: RevolvingModel, code: str, field: str = "to_household_code"):
    """As the page: a household of the model's commune by its code."""
    code = (code or "").strip()
    hh = Household.objects.filter(commune=m.commune, code=code).select_related("village").first() if code else None
    if hh is None:
        raise _bad(field, "Không có hộ này trong xã: mô hình chỉ luân chuyển trong xã",
                   "No such household in the commune")
    return hh


@router.post("/revolving-models/{int:model_id}/transfers", response={201: EventOut, **WRITE_ERRORS},
             url_name="revolving_transfer_create")
@write
def create_transfer(request, model_id: int, payload: TransferIn):
    """A pass-on: the asset goes from its holder to the next household of the commune
    (revolving.actions.record_transfer: role at the holder's village, checks, audit)."""
    m, asset = _for_event(request, model_id, payload.asset_id)
    to = _receiver(m, payload.to_household_code)
    with _renamed(TO):
        e = actions.record_transfer(request.auth, m, asset, to_household=to, date=payload.date,
                                    witness=payload.witness, decision_no=payload.decision_no, note=payload.note)
    return Status(201, _event_out(request.auth, e))


@router.post("/revolving-models/{int:model_id}/births", response={201: EventOut, **WRITE_ERRORS},
             url_name="revolving_birth_create")
@write
def create_birth(request, model_id: int, payload: BirthIn):
    """An offspring of an animal, held by the mother's holder (revolving.actions.record_birth;
    livestock models only)."""
    m, asset = _for_event(request, model_id, payload.asset_id)
    a = actions.record_birth(request.auth, m, asset, code=payload.new_code, sex=payload.sex,
                             value_vnd=payload.value_vnd, date=payload.date)
    e = Event.objects.get(model=m, kind="birth", new_asset=a)
    return Status(201, _event_out(request.auth, e))


@router.post("/revolving-models/{int:model_id}/deaths", response={201: EventOut, **WRITE_ERRORS},
             url_name="revolving_death_create")
@write
def create_death(request, model_id: int, payload: DeathIn):
    """A death or loss (revolving.actions.record_death)."""
    m, asset = _for_event(request, model_id, payload.asset_id)
    e = actions.record_death(request.auth, m, asset, date=payload.date, note=payload.note)
    return Status(201, _event_out(request.auth, e))


@router.post("/revolving-models/{int:model_id}/sales", response={201: EventOut, **WRITE_ERRORS},
             url_name="revolving_sale_create")
@write
def create_sale(request, model_id: int, payload: SaleIn):
    """A sale; the money may buy a replacement (`new_code`, `replacement_value`, `sex`), given
    to the next household (`to_household_code`, `witness`: a pass-on) or kept by the seller
    (revolving.actions.record_sale)."""
    m, asset = _for_event(request, model_id, payload.asset_id)
    p = payload
    to = None
    if p.to_household_code.strip():
        code = p.to_household_code.strip()
        to = Household.objects.filter(commune=m.commune, code=code).select_related("village").first()
        if to is None:
            raise _bad("to_household_code", "Không có hộ này trong xã", "No such household in the commune")
    with _renamed(TO):
        e = actions.record_sale(request.auth, m, asset, date=p.date, amount_vnd=p.amount_vnd,
                                replacement_code=p.new_code, replacement_value=p.replacement_value,
                                replacement_sex=p.sex, to_household=to, witness=p.witness, decision_no=p.decision_no)
    return Status(201, _event_out(request.auth, e))


__all__ = ["router"]

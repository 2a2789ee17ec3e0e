"""Partners, pairings and pledges (docs/support.md §3): read through the support app's scoped
querysets (``partners_for``, ``pairings_for``, ``pledges_for``), written only through
``chungtay.support.people`` (role, area, audit there). A pledge carries its derived outcome
(``people.outcomes``: kept / not kept / pending / not applicable), never typed."""

import datetime as dt
from typing import Literal, Optional

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from chungtay.accounts.access import unit_for_user
from chungtay.households.models import Household
from chungtay.support import people
from chungtay.support.models import Pairing, Partner, Pledge
from chungtay.support.queries import pairings_for, partners_for, pledges_for, unit_filter
from chungtay.units.models import Unit

from .base import Page, page, write
from .common import CURSOR, LIMIT, READ_ERRORS, UNIT, WRITE_ERRORS, YEAR, unit_in_area
from .errors import ApiError
from .supports import Kind

router = Router(tags=["supports"])

PartnerKind = Literal["department", "fatherland_front", "womens_union", "farmers_association", "youth_union",
                      "veterans_association", "enterprise", "armed_forces", "school", "red_cross", "ngo",
                      "individual", "other"]
assert set(PartnerKind.__args__) == {k for k, *_ in Partner.KINDS}
Goal = Literal["escape_poverty", "escape_near_poverty"]
OutcomeState = Literal["kept", "not_kept", "pending", "not_applicable"]
Category = Optional[Literal["poor", "near_poor", "average", "above_average"]]
HOUSEHOLD = Query(None, ge=1, le=2 ** 62, description="one household's")


def _bad(field: str, vi: str, en: str):
    return ApiError(400, "invalid", vi, en, [(field, vi, en)])


def _household(user, household_id: int) -> Household:
    return get_object_or_404(Household.objects.for_user(user).select_related("village", "commune", "province"),
                             pk=household_id)


def _place_filter(qs, user, unit):
    if (u := unit_in_area(user, unit)) is not None:
        qs = qs.filter(**unit_filter(u)) if u.system == Unit.SYSTEM_2025 else qs.none()
    return qs


# --- partners ---------------------------------------------------------------------------------

class PartnerOut(Schema):
    id: int
    name: str
    kind: PartnerKind
    kind_en: str
    unit_id: int = Field(description="where registered (a province or a commune)")
    province_id: int
    commune_id: Optional[int]
    contact: str
    note: str
    created_at: dt.datetime


class PartnerPage(Page):
    items: list[PartnerOut]


def _partner(p: Partner) -> dict:
    return {**{f: getattr(p, f) for f in ("id", "name", "kind", "unit_id", "province_id", "commune_id", "contact",
                                          "note", "created_at")}, "kind_en": Partner.KIND_EN.get(p.kind, "")}


@router.get("/partners", response={200: PartnerPage, 304: None, **READ_ERRORS}, url_name="partners")
def list_partners(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, kind: Optional[PartnerKind] = Query(None),
                  unit: Optional[int] = Query(None, ge=1, le=2 ** 62, description="registered at this province or "
                                              "commune of your area")):
    """Partners of your area: those registered in your province or commune and your province's
    own (a provincial Women's Union helps in every commune)."""
    user = request.auth
    qs = partners_for(user)
    if (u := unit_in_area(user, unit)) is not None:
        qs = qs.filter(unit=u)
    if kind is not None:
        qs = qs.filter(kind=kind)
    rows, nxt = page(qs, cursor, limit)
    return {"items": [_partner(p) for p in rows], "next_cursor": nxt, "limit": limit}


class PartnerIn(Schema):
    unit_id: int = Field(ge=1, le=2 ** 62, description="a province or a commune of your area")
    name: str = Field(min_length=1, max_length=200)
    kind: PartnerKind
    contact: str = Field("", max_length=200)
    note: str = Field("", max_length=300)


@router.post("/partners", response={201: PartnerOut, **WRITE_ERRORS}, url_name="partner_create")
@write
def create_partner(request, payload: PartnerIn):
    """Register a partner (support.people.create_partner: role partner_manage, area, audit)."""
    user = request.auth
    unit = unit_for_user(user, payload.unit_id)
    p = people.create_partner(user, unit=unit, name=payload.name, kind=payload.kind, contact=payload.contact,
                              note=payload.note)
    return Status(201, _partner(p))


# --- pairings ---------------------------------------------------------------------------------

class PairingOut(Schema):
    id: int
    partner_id: Optional[int]
    officer_id: Optional[int]
    helper_name: str
    household_id: Optional[int] = Field(description="null: the pairing is with the whole village")
    household_code: Optional[str]
    village_id: int
    commune_id: int
    province_id: int
    start_date: dt.date
    end_date: Optional[dt.date]
    commitments: str
    document_no: str
    ended_on: Optional[dt.date]
    ended_reason: str
    created_at: dt.datetime


class PairingPage(Page):
    items: list[PairingOut]


def _pairing(p: Pairing) -> dict:
    return {**{f: getattr(p, f) for f in ("id", "partner_id", "officer_id", "household_id", "village_id", "commune_id",
                                          "province_id", "start_date", "end_date", "commitments", "document_no",
                                          "ended_on", "ended_reason", "created_at")},
            "helper_name": p.helper_name, "household_code": p.household.code if p.household_id else None}


@router.get("/pairings", response={200: PairingPage, 304: None, **READ_ERRORS}, url_name="pairings")
def list_pairings(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                  household: Optional[int] = HOUSEHOLD,
                  active_on: Optional[dt.date] = Query(None, description="only the pairings active on this day")):
    """Pairings (giúp đỡ theo địa chỉ) of your area. `household`: the household's own pairings and
    those of its whole village."""
    user = request.auth
    qs = _place_filter(pairings_for(user), user, unit).select_related("partner", "officer", "household")
    if household is not None:
        hh = Household.objects.for_user(user).filter(pk=household).first()
        qs = qs.filter(Q(household_id=household) | Q(household=None, village_id=hh.village_id)) if hh else qs.none()
    if active_on is not None:
        qs = qs.filter(Q(start_date__lte=active_on), Q(end_date__isnull=True) | Q(end_date__gte=active_on),
                       Q(ended_on__isnull=True) | Q(ended_on__gt=active_on))
    rows, nxt = page(qs, cursor, limit)
    return {"items": [_pairing(p) for p in rows], "next_cursor": nxt, "limit": limit}


class PairingIn(Schema):
    """One helper (a partner or an officer) and one target (a household or a village)."""
    partner_id: Optional[int] = Field(None, ge=1, le=2 ** 62)
    officer_id: Optional[int] = Field(None, ge=1, le=2 ** 62, description="a user whose own area holds the village")
    household_id: Optional[int] = Field(None, ge=1, le=2 ** 62)
    village_id: Optional[int] = Field(None, ge=1, le=2 ** 62)
    start_date: dt.date
    end_date: Optional[dt.date] = None
    commitments: str = Field(min_length=1, max_length=5000)
    document_no: str = Field("", max_length=60)


@router.post("/pairings", response={201: PairingOut, **WRITE_ERRORS}, url_name="pairing_create")
@write
def create_pairing(request, payload: PairingIn):
    """Record a pairing (support.people.create_pairing: role pairing_record, area, audit)."""
    user = request.auth
    p = payload
    if (p.household_id is None) == (p.village_id is None):
        raise _bad("household_id", "Chọn một hộ hoặc một thôn", "Choose one household or one village")
    household = _household(user, p.household_id) if p.household_id is not None else None
    village = unit_for_user(user, p.village_id) if p.village_id is not None else None
    if (p.partner_id is None) == (p.officer_id is None):
        raise _bad("partner_id", "Người giúp đỡ: một tổ chức hoặc một cán bộ", "The helper: one partner or one officer")
    partner = officer = None
    if p.partner_id is not None:
        partner = partners_for(user).filter(pk=p.partner_id).first()
        if partner is None:
            raise _bad("partner_id", "Tổ chức không có trong danh sách của địa bàn", "Unknown partner in this area")
    else:
        officer = get_user_model().objects.filter(pk=p.officer_id, is_active=True).first()
        if officer is None:
            raise _bad("officer_id", "Cán bộ được phân công phải có địa bàn gồm thôn này",
                       "The officer's own area must hold this village")
    out = people.create_pairing(user, partner=partner, officer=officer, household=household, village=village,
                                start_date=p.start_date, end_date=p.end_date, commitments=p.commitments,
                                document_no=p.document_no)
    return Status(201, _pairing(Pairing.objects.select_related("partner", "officer", "household").get(pk=out.pk)))


class EndPairingIn(Schema):
    ended_on: dt.date
    reason: str = Field(min_length=1, max_length=300)


@router.post("/pairings/{int:pairing_id}/end", response={201: PairingOut, **WRITE_ERRORS}, url_name="pairing_end")
@write
def end_pairing(request, pairing_id: int, payload: EndPairingIn):
    """End a pairing with the date and the reason (support.people.end_pairing: role, area, audit)."""
    user = request.auth
    if not 1 <= pairing_id < 2 ** 62:
        raise Http404
    p = get_object_or_404(pairings_for(user), pk=pairing_id)
    people.end_pairing(user, p, ended_on=payload.ended_on, reason=payload.reason)
    return Status(201, _pairing(Pairing.objects.select_related("partner", "officer", "household").get(pk=p.pk)))


# --- pledges ----------------------------------------------------------------------------------

class OutcomeOut(Schema):
    state: OutcomeState = Field(description="derived from the reviews: kept / not_kept / pending / not_applicable")
    before: Category = Field(description="category in the periodic review of year − 1 (the baseline)")
    after: Category = Field(description="category in the periodic review of the pledge's year")
    name_vi: str
    name_en: str


class PledgeOut(Schema):
    id: int
    household_id: int
    household_code: str
    year: int
    goal: Goal
    plan: str
    support_asked: str
    kinds_asked: list[str]
    registered_on: dt.date
    village_id: int
    commune_id: int
    province_id: int
    created_at: dt.datetime
    outcome: OutcomeOut


class PledgePage(Page):
    items: list[PledgeOut]


def _pledges(rows) -> list[dict]:
    outs = people.outcomes(rows)
    return [{**{f: getattr(p, f) for f in ("id", "household_id", "year", "goal", "plan", "support_asked", "kinds_asked",
                                           "registered_on", "village_id", "commune_id", "province_id", "created_at")},
             "household_code": p.household.code,
             "outcome": {"state": outs[p.pk].state, "before": outs[p.pk].before, "after": outs[p.pk].after,
                         "name_vi": people.OUTCOME_NAMES[outs[p.pk].state][0],
                         "name_en": people.OUTCOME_NAMES[outs[p.pk].state][1]}} for p in rows]


@router.get("/pledges", response={200: PledgePage, 304: None, **READ_ERRORS}, url_name="pledges")
def list_pledges(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                 year: Optional[int] = YEAR, household: Optional[int] = HOUSEHOLD,
                 outcome: Optional[OutcomeState] = Query(None, description="only pledges with this outcome "
                                                         "(filtered on the page of rows read)")):
    """Households' pledges to escape poverty in your area, each with its derived outcome (the
    review of the pledge's year against the baseline year − 1; a corrected result changes it)."""
    user = request.auth
    qs = _place_filter(pledges_for(user), user, unit).select_related("household")
    for name, value in (("year", year), ("household_id", household)):
        if value is not None:
            qs = qs.filter(**{name: value})
    if outcome is None:
        rows, nxt = page(qs, cursor, limit)
        return {"items": _pledges(rows), "next_cursor": nxt, "limit": limit}
    # the outcome is derived: scan in id order until the page is full (keyset stays stable)
    items, nxt, cur = [], None, cursor
    while True:
        rows, more = page(qs, cur, 200)
        for p, d in zip(rows, _pledges(rows)):
            if d["outcome"]["state"] == outcome:
                items.append(d)
                if len(items) == limit:
                    break
        if len(items) == limit:
            from .base import _encode
            last = items[-1]["id"]
            nxt = _encode([last]) if qs.filter(id__gt=last).exists() else None
            break
        if more is None:
            break
        cur = more
    return {"items": items, "next_cursor": nxt, "limit": limit}


class PledgeIn(Schema):
    household_id: int = Field(ge=1, le=2 ** 62)
    year: int = Field(ge=people.FIRST_YEAR, le=people.LAST_YEAR)
    goal: Goal = "escape_poverty"
    plan: str = Field(min_length=1, max_length=5000)
    support_asked: str = Field("", max_length=5000)
    kinds_asked: list[Kind] = Field([], max_length=12)
    registered_on: Optional[dt.date] = None


@router.post("/pledges", response={201: PledgeOut, **WRITE_ERRORS}, url_name="pledge_create")
@write
def create_pledge(request, payload: PledgeIn):
    """Record a household's pledge (support.people.record_pledge: role pledge_record — the commune
    officer —, area, one pledge per household and year, audit)."""
    user = request.auth
    hh = _household(user, payload.household_id)
    p = people.record_pledge(user, hh, year=payload.year, plan=payload.plan, goal=payload.goal,
                             support_asked=payload.support_asked, kinds_asked=list(dict.fromkeys(payload.kinds_asked)),
                             registered_on=payload.registered_on)
    return Status(201, _pledges([Pledge.objects.select_related("household").get(pk=p.pk)])[0])


__all__ = ["router"]

"""Support to households (docs/support.md): the programme catalogue and funding sources, the
support ledger (entries and their versions, with funding lines). Reads through
``Support.objects.for_user``; writes only through ``chungtay.support.actions`` (role, area, checks,
audit there). Never a member's citizen ID: a member is named by its number in the household."""

import datetime as dt
from decimal import Decimal
from typing import Literal, Optional

from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from chungtay.households.models import Household
from chungtay.support import actions
from chungtay.support.models import KINDS, STATUSES, FundingSource, ProgrammePart, Support
from chungtay.support.queries import distributions_for, partners_for, supports_for, unit_filter
from chungtay.units.models import Unit

from .base import Page, page, write
from .common import CURSOR, LIMIT, READ_ERRORS, UNIT, WRITE_ERRORS, YEAR, unit_in_area
from .errors import ApiError

router = Router(tags=["supports"])

Kind = Literal["cash", "livestock", "seed", "fertiliser", "tools", "barn", "house", "health_card", "scholarship",
               "training", "job", "loan"]
Status_ = Literal["planned", "delivered", "cancelled"]
assert set(Kind.__args__) == {k for k, *_ in KINDS} and set(Status_.__args__) == {k for k, *_ in STATUSES}
ID = Field(ge=1, le=2 ** 62)


# --- the catalogue ---------------------------------------------------------------------------

class ProgrammeOut(Schema):
    id: int
    code: str = Field(description="full dotted code, e.g. GNBV2125.DA3.TDA1; never changes meaning")
    level: Literal["programme", "project", "subproject"]
    kind: str
    parent_id: Optional[int]
    programme_id: Optional[int] = Field(description="the top programme (null for a programme)")
    name_vi: str
    name_en: str
    start_year: int
    end_year: int
    legal_basis: str
    provisional: bool
    verified: bool = Field(description="false: the name is not in the sources read (see note)")
    note: str
    in_catalogue: bool = Field(description="false: gone from the data files, kept for old supports")


class ProgrammePage(Page):
    items: list[ProgrammeOut]


class FundingSourceOut(Schema):
    id: int
    code: str
    name_vi: str
    name_en: str


class FundingSourcePage(Page):
    items: list[FundingSourceOut]


@router.get("/programmes", response={200: ProgrammePage, 304: None, **READ_ERRORS}, url_name="programmes")
def list_programmes(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                    level: Optional[Literal["programme", "project", "subproject"]] = Query(None),
                    programme: Optional[str] = Query(None, max_length=60, description="code of a programme or "
                                                     "project: it and the parts under it"),
                    in_catalogue: Optional[bool] = Query(None, description="only the parts in the data files (true)")):
    """The catalogue (programmes, projects, sub-projects) as a flat list by id; `parent_id` makes
    the tree. The same for every user (no data of an area)."""
    qs = ProgrammePart.objects.all()
    if level is not None:
        qs = qs.filter(level=level)
    if programme:
        qs = qs.filter(_under("code", programme))
    if in_catalogue is not None:
        qs = qs.filter(in_catalogue=in_catalogue)
    rows, nxt = page(qs, cursor, limit)
    return {"items": rows, "next_cursor": nxt, "limit": limit}


def _under(field: str, code: str) -> Q:
    """The part of ``code`` and the parts under it (dotted codes)."""
    code = code.strip()
    return Q(**{field: code}) | Q(**{f"{field}__startswith": code + "."})


@router.get("/funding-sources", response={200: FundingSourcePage, 304: None, **READ_ERRORS},
            url_name="funding_sources")
def list_funding_sources(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT):
    """The funding sources a support's shares name (NSTW, NSDP, …, HO = the household's own)."""
    rows, nxt = page(FundingSource.objects.all(), cursor, limit)
    return {"items": rows, "next_cursor": nxt, "limit": limit}


# --- the ledger ------------------------------------------------------------------------------

class FundingLineOut(Schema):
    source: str = Field(description="funding source code")
    share: int = Field(description="integer percent; the shares of a version sum to 100")
    amount_vnd: int = Field(description="integer VND; the amounts of a version sum to value_vnd")


class SupportOut(Schema):
    """One version of a support."""
    id: int = Field(description="id of this version")
    entry_id: int
    version: int
    is_current: bool
    household_id: int
    household_code: str
    member_no: Optional[int] = Field(description="the member's number in the household, if to one member")
    part_id: int
    part_code: str
    programme_id: int
    programme_code: str
    kind: Kind
    description: str
    quantity: str = Field(description="decimal, up to 3 places, as a string")
    unit_of_measure: str
    value_vnd: int
    date: dt.date
    year: int
    status: Status_
    provider_unit_id: Optional[int]
    provider_partner_id: Optional[int]
    provider_name: str
    document_no: str
    has_evidence: bool
    reason: str = Field(description="why this version (a correction, a cancellation)")
    village_id: int
    commune_id: int
    province_id: int
    source: str = Field(description="form / distribution / import / api")
    distribution_id: Optional[int]
    recorded_at: dt.datetime
    funding: list[FundingLineOut]


class SupportPage(Page):
    items: list[SupportOut]


class SupportEntryOut(Schema):
    entry_id: int
    household_id: int
    household_code: str
    distribution_id: Optional[int]
    created_at: dt.datetime
    current: SupportOut
    versions: list[SupportOut] = Field(description="every version, 1 first; never edited")


def _support(s: Support) -> dict:
    return {"id": s.id, "entry_id": s.entry_id, "version": s.version, "is_current": s.is_current,
            "household_id": s.household_id, "household_code": s.household.code,
            "member_no": s.member.member_no if s.member_id else None,
            "part_id": s.part_id, "part_code": s.part.code, "programme_id": s.programme_id,
            "programme_code": s.programme.code, "kind": s.kind, "description": s.description,
            "quantity": format(s.quantity.normalize(), "f"),
            "unit_of_measure": s.unit_of_measure, "value_vnd": s.value_vnd, "date": s.date, "year": s.year,
            "status": s.status, "provider_unit_id": s.provider_unit_id, "provider_partner_id": s.provider_partner_id,
            "provider_name": s.provider_name, "document_no": s.document_no, "has_evidence": s.evidence_id is not None,
            "reason": s.reason, "village_id": s.village_id, "commune_id": s.commune_id, "province_id": s.province_id,
            "source": s.source, "distribution_id": s.entry.distribution_id, "recorded_at": s.recorded_at,
            "funding": [{"source": f.source.code, "share": f.share, "amount_vnd": f.amount_vnd}
                        for f in s.funding.all()]}


def _rich(qs):
    return qs.select_related("household", "member", "part", "programme", "entry", "provider_unit",
                             "provider_partner").prefetch_related("funding__source")


@router.get("/supports", response={200: SupportPage, 304: None, **READ_ERRORS}, url_name="supports")
def list_supports(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                  year: Optional[int] = YEAR,
                  programme: Optional[str] = Query(None, max_length=60, description="code of a programme, project "
                                                   "or sub-project: its supports and those of the parts under it"),
                  kind: Optional[Kind] = Query(None), status: Optional[Status_] = Query(None),
                  household: Optional[int] = Query(None, ge=1, le=2 ** 62, description="one household's"),
                  versions: Literal["current", "all"] = Query("current", description="current versions only, or "
                                                              "every version (the history)")):
    """Supports in your area (the ledger page), by id: one row per version. By default the
    current version of each support; `versions=all` adds the superseded ones."""
    user = request.auth
    qs = supports_for(user)
    if versions == "current":
        qs = qs.filter(is_current=True)
    if (u := unit_in_area(user, unit)) is not None:
        if u.system != Unit.SYSTEM_2025:
            qs = qs.none()              # supports are placed in the 2025 units
        else:
            qs = qs.filter(**unit_filter(u))
    if year is not None:
        qs = qs.filter(year=year)
    if programme:
        qs = qs.filter(_under("part__code", programme))
    for name, value in (("kind", kind), ("status", status), ("household_id", household)):
        if value is not None:
            qs = qs.filter(**{name: value})
    rows, nxt = page(_rich(qs), cursor, limit)
    return {"items": [_support(s) for s in rows], "next_cursor": nxt, "limit": limit}


def _versions(user, entry_id: int) -> list[Support]:
    vs = list(_rich(supports_for(user).filter(entry_id=entry_id)).order_by("version")) \
        if 1 <= entry_id < 2 ** 62 else []
    if not vs:
        raise Http404
    return vs


def _entry(vs: list[Support]) -> dict:
    cur = next((s for s in vs if s.is_current), vs[-1])
    return {"entry_id": cur.entry_id, "household_id": cur.household_id, "household_code": cur.household.code,
            "distribution_id": cur.entry.distribution_id, "created_at": cur.entry.created_at,
            "current": _support(cur), "versions": [_support(s) for s in vs]}


@router.get("/supports/{int:entry_id}", response={200: SupportEntryOut, 304: None, **READ_ERRORS},
            url_name="support")
def get_support(request, entry_id: int):
    """One support (an entry): its current version and every version with its funding lines."""
    return _entry(_versions(request.auth, entry_id))


# --- writes ----------------------------------------------------------------------------------

class FundingLineIn(Schema):
    source: str = Field(min_length=1, max_length=20, description="funding source code (GET /funding-sources)")
    share: Optional[int] = Field(None, ge=1, le=100, description="percent (give share or amount_vnd, the "
                                 "same for every line)")
    amount_vnd: Optional[int] = Field(None, ge=0, le=actions.MAX_VALUE)


class SupportFactsIn(Schema):
    part: str = Field(min_length=1, max_length=60, description="catalogue code, e.g. GNBV2125.DA3.TDA1")
    kind: Kind
    description: str = Field("", max_length=200)
    quantity: Decimal = Field(gt=0, le=actions.MAX_QUANTITY, max_digits=13, decimal_places=3)
    unit_of_measure: str = Field(min_length=1, max_length=30)
    value_vnd: int = Field(ge=0, le=actions.MAX_VALUE)
    date: dt.date
    status: Literal["planned", "delivered"] = "delivered"
    funding: list[FundingLineIn] = Field(min_length=1, max_length=10,
                                         description="shares (summing to 100) or amounts (summing to value_vnd)")
    member_no: Optional[int] = Field(None, ge=1, le=1000, description="to one member of the household")
    provider_unit_id: Optional[int] = Field(None, ge=1, le=2 ** 62, description="default: the household's commune")
    provider_partner_id: Optional[int] = Field(None, ge=1, le=2 ** 62, description="a registered partner instead")
    document_no: str = Field("", max_length=60)


class SupportIn(SupportFactsIn):
    household_id: int = ID


class CorrectionIn(Schema):
    """Only the fields that change (the others are the current version's), and the reason."""
    reason: str = Field(min_length=1, max_length=300)
    version: Optional[int] = Field(None, ge=1, le=10000, description="the version you correct (default: the "
                                   "current one); a superseded version is refused")
    part: Optional[str] = Field(None, min_length=1, max_length=60)
    kind: Optional[Kind] = None
    description: Optional[str] = Field(None, max_length=200)
    quantity: Optional[Decimal] = Field(None, gt=0, le=actions.MAX_QUANTITY, max_digits=13, decimal_places=3)
    unit_of_measure: Optional[str] = Field(None, min_length=1, max_length=30)
    value_vnd: Optional[int] = Field(None, ge=0, le=actions.MAX_VALUE)
    date: Optional[dt.date] = None
    status: Optional[Literal["planned", "delivered"]] = None
    funding: Optional[list[FundingLineIn]] = Field(None, min_length=1, max_length=10)
    member_no: Optional[int] = Field(None, ge=1, le=1000, description="null: to the whole household")
    provider_unit_id: Optional[int] = Field(None, ge=1, le=2 ** 62)
    provider_partner_id: Optional[int] = Field(None, ge=1, le=2 ** 62)
    document_no: Optional[str] = Field(None, max_length=60)


class CancelIn(Schema):
    reason: str = Field(min_length=1, max_length=300)


def _bad(field: str, vi: str, en: str):
    return ApiError(400, "invalid", vi, en, [(field, vi, en)])


def _funding(lines: list[FundingLineIn]) -> list[tuple[str, int, bool]]:
    out = []
    for i, ln in enumerate(lines):
        if (ln.share is None) == (ln.amount_vnd is None):
            raise _bad(f"funding.{i}", "Mỗi nguồn vốn ghi một tỷ lệ (share) hoặc một số tiền (amount_vnd)",
                       "Give each funding line a share or an amount_vnd, not both")
        out.append((ln.source.strip().upper(), ln.share if ln.share is not None else ln.amount_vnd,
                    ln.share is not None))
    return out


def _member(hh: Household, member_no: Optional[int]):
    if member_no is None:
        return None
    m = hh.members.filter(member_no=member_no).first()
    if m is None:
        raise _bad("member_no", "Hộ không có thành viên số này", "The household has no member with this number")
    return m


def _provider(user, hh: Household, unit_id, partner_id):
    if unit_id is not None and partner_id is not None:
        raise _bad("provider_unit_id", "Ghi một đơn vị hoặc một tổ chức hỗ trợ", "Give one providing unit or one partner")
    if partner_id is not None:
        p = partners_for(user).filter(pk=partner_id).first()
        if p is None:
            raise _bad("provider_partner_id", "Tổ chức hỗ trợ không có trong danh sách của địa bàn",
                       "Unknown partner in this area")
        return None, p
    if unit_id is not None:
        u = Unit.objects.filter(pk=unit_id).first()
        if u is None:
            raise _bad("provider_unit_id", "Đơn vị hỗ trợ nằm ngoài địa bàn", "The providing unit is outside the area")
        return u, None
    return hh.commune, None


def _part(code: str):
    return ProgrammePart.objects.filter(code=code.strip()).first()     # unknown: check_facts says so


def _household(user, household_id: int) -> Household:
    return get_object_or_404(Household.objects.for_user(user).select_related("village", "commune", "province"),
                             pk=household_id)


@router.post("/supports", response={201: SupportEntryOut, **WRITE_ERRORS}, url_name="support_create")
@write
def create_support(request, payload: SupportIn):
    """Record a support for one household (or one member): support.actions.record_support —
    the role (province or commune officer), the area, the catalogue period, the funding and
    the audit are checked there. The answer is the new entry with version 1."""
    user = request.auth
    hh = _household(user, payload.household_id)
    p = payload
    unit, partner = _provider(user, hh, p.provider_unit_id, p.provider_partner_id)
    facts = actions.Facts(part=_part(p.part), kind=p.kind, quantity=p.quantity, unit_of_measure=p.unit_of_measure,
                          value_vnd=p.value_vnd, date=p.date, status=p.status, funding=_funding(p.funding),
                          member=_member(hh, p.member_no), description=p.description, provider_unit=unit,
                          provider_partner=partner, document_no=p.document_no)
    s = actions.record_support(user, hh, facts, source="api")
    return Status(201, _entry(_versions(user, s.entry_id)))


@router.post("/supports/{int:entry_id}/versions", response={201: SupportEntryOut, **WRITE_ERRORS},
             url_name="support_correct")
@write
def correct_support(request, entry_id: int, payload: CorrectionIn):
    """Correct a support: version n+1 with the changed fields and the reason
    (support.actions.correct_support); the earlier versions stay as they were."""
    user = request.auth
    vs = _versions(user, entry_id)
    current = next((s for s in vs if s.is_current), vs[-1])
    base = current
    if payload.version is not None:
        base = next((s for s in vs if s.version == payload.version), None)
        if base is None:
            raise _bad("version", "Không có phiên bản này", "No such version")
    f = actions.facts_of(current)
    given = payload.model_fields_set
    for name in ("kind", "description", "quantity", "unit_of_measure", "value_vnd", "date", "status",
                 "document_no"):
        if name in given and getattr(payload, name) is not None:
            setattr(f, name, getattr(payload, name))
    if "part" in given and payload.part is not None:
        f.part = _part(payload.part)
    if "funding" in given and payload.funding is not None:
        f.funding = _funding(payload.funding)
    hh = current.household
    if "member_no" in given:
        f.member = _member(hh, payload.member_no)
    if given & {"provider_unit_id", "provider_partner_id"}:
        f.provider_unit, f.provider_partner = _provider(user, hh, payload.provider_unit_id, payload.provider_partner_id)
    actions.correct_support(user, base, f, reason=payload.reason)
    return Status(201, _entry(_versions(user, entry_id)))


@router.post("/supports/{int:entry_id}/cancel", response={201: SupportEntryOut, **WRITE_ERRORS},
             url_name="support_cancel")
@write
def cancel_support(request, entry_id: int, payload: CancelIn):
    """Returned or cancelled: version n+1 with status `cancelled` and the reason
    (support.actions.cancel_support). Final: record a new support instead of correcting it."""
    user = request.auth
    vs = _versions(user, entry_id)
    current = next((s for s in vs if s.is_current), vs[-1])
    actions.cancel_support(user, current, reason=payload.reason)
    return Status(201, _entry(_versions(user, entry_id)))


# --- distributions: one decision, many households (all or nothing) ---------------------------

class DistributionOut(Schema):
    id: int
    decision_no: str
    decision_date: dt.date
    title: str
    unit_id: int = Field(description="the deciding unit (province, commune or village)")
    province_id: int
    commune_id: Optional[int]
    households: int = Field(description="households in the decision")
    created_at: dt.datetime


class DistributionDetail(DistributionOut):
    supports: list[SupportOut] = Field(description="the current versions of its supports in your area")


class DistributionPage(Page):
    items: list[DistributionOut]


_DIST_FIELDS = ("id", "decision_no", "decision_date", "title", "unit_id", "province_id", "commune_id", "households",
                "created_at")


def _distribution(d) -> dict:
    return {f: getattr(d, f) for f in _DIST_FIELDS}


@router.get("/distributions", response={200: DistributionPage, 304: None, **READ_ERRORS}, url_name="distributions")
def list_distributions(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                       year: Optional[int] = Query(None, ge=2000, le=2100, description="year of the decision")):
    """Distribution decisions of your area (a village head: those reaching the own village)."""
    qs = distributions_for(request.auth)
    if year is not None:
        qs = qs.filter(decision_date__year=year)
    rows, nxt = page(qs, cursor, limit)
    return {"items": [_distribution(d) for d in rows], "next_cursor": nxt, "limit": limit}


def _distribution_detail(user, distribution_id: int) -> dict:
    if not 1 <= distribution_id < 2 ** 62:
        raise Http404
    d = get_object_or_404(distributions_for(user), pk=distribution_id)
    rows = _rich(supports_for(user).filter(entry__distribution=d, is_current=True)).order_by("id")
    return {**_distribution(d), "supports": [_support(s) for s in rows]}


@router.get("/distributions/{int:distribution_id}", response={200: DistributionDetail, 304: None, **READ_ERRORS},
            url_name="distribution")
def get_distribution(request, distribution_id: int):
    return _distribution_detail(request.auth, distribution_id)


class DistributionIn(Schema):
    """The same facts for every household (quantity and value are per household)."""
    unit_id: int = Field(ge=1, le=2 ** 62, description="the deciding unit: a 2025 province, commune or village")
    decision_no: str = Field(min_length=1, max_length=60)
    decision_date: dt.date
    title: str = Field("", max_length=300)
    household_codes: list[str] = Field(min_length=1, max_length=actions.MAX_DISTRIBUTION)
    part: str = Field(min_length=1, max_length=60)
    kind: Kind
    description: str = Field("", max_length=200)
    quantity: Decimal = Field(gt=0, le=actions.MAX_QUANTITY, max_digits=13, decimal_places=3)
    unit_of_measure: str = Field(min_length=1, max_length=30)
    value_vnd: int = Field(ge=0, le=actions.MAX_VALUE)
    date: dt.date
    status: Literal["planned", "delivered"] = "delivered"
    funding: list[FundingLineIn] = Field(min_length=1, max_length=10)
    provider_unit_id: Optional[int] = Field(None, ge=1, le=2 ** 62, description="default: the deciding unit")
    provider_partner_id: Optional[int] = Field(None, ge=1, le=2 ** 62)
    document_no: str = Field("", max_length=60, description="default: the decision number")


@router.post("/distributions", response={201: DistributionDetail, **WRITE_ERRORS}, url_name="distribution_create")
@write
def create_distribution(request, payload: DistributionIn):
    """One decision, many households (support.actions.record_distribution): every household is
    checked first; one problem and nothing is written — the answer lists every problem in
    `fields` (each naming its household code or its field)."""
    from django.core.exceptions import ValidationError

    from chungtay.accounts.access import unit_for_user

    from .errors import both
    user = request.auth
    p = payload
    unit = unit_for_user(user, p.unit_id)
    if p.provider_unit_id is not None and p.provider_partner_id is not None:
        raise _bad("provider_unit_id", "Ghi một đơn vị hoặc một tổ chức hỗ trợ", "Give one providing unit or one partner")
    prov_unit, partner = unit, None
    if p.provider_partner_id is not None:
        prov_unit, partner = None, partners_for(user).filter(pk=p.provider_partner_id).first()
        if partner is None:
            raise _bad("provider_partner_id", "Tổ chức hỗ trợ không có trong danh sách của địa bàn",
                       "Unknown partner in this area")
    elif p.provider_unit_id is not None:
        prov_unit = Unit.objects.filter(pk=p.provider_unit_id).first()
        if prov_unit is None:
            raise _bad("provider_unit_id", "Đơn vị hỗ trợ nằm ngoài địa bàn", "The providing unit is outside the area")
    facts = actions.Facts(part=_part(p.part), kind=p.kind, quantity=p.quantity, unit_of_measure=p.unit_of_measure,
                          value_vnd=p.value_vnd, date=p.date, status=p.status, funding=_funding(p.funding),
                          description=p.description, provider_unit=prov_unit, provider_partner=partner,
                          document_no=p.document_no)
    try:
        d = actions.record_distribution(user, unit=unit, decision_no=p.decision_no, decision_date=p.decision_date,
                                        title=p.title, codes=p.household_codes, facts=facts)
    except ValidationError as e:
        if hasattr(e, "error_dict"):
            raise
        msgs = [both(err.message % err.params if err.params else err.message) for err in e.error_list] or \
            [("Dữ liệu gửi lên không hợp lệ", "The request is not valid")]
        raise ApiError(400, "invalid", msgs[0][0], msgs[0][1], [(None, vi, en) for vi, en in msgs]) from None
    return Status(201, _distribution_detail(user, d.pk))


__all__ = ["router"]

"""Administrative units of both hierarchies (2025 and before), with the old → new mapping.
What a user may list is what ``Scope.covers`` lets them open (accounts.access)."""

from datetime import date
from typing import Literal, Optional

from django.db.models import Q
from ninja import Query, Router, Schema

from chungtay.accounts.access import LEGACY_TO_NEW, scope_for, unit_for_user
from chungtay.units.models import Unit, UnitMapping

from .base import Page, page
from .common import CURSOR, LIMIT, READ_ERRORS, unit_in_area

router = Router(tags=["units"])


class UnitOut(Schema):
    id: int
    system: str
    level: str
    code: str
    name: str
    full_name: str
    kind: str
    parent_id: Optional[int]
    legacy_parent_id: Optional[int]
    is_urban: bool
    valid_from: Optional[date]
    valid_to: Optional[date]
    lat: Optional[float]
    lon: Optional[float]


class MappingOut(Schema):
    legacy_id: int
    new_id: int
    is_default: bool


class UnitDetail(UnitOut):
    ancestors: list[int]
    maps_to: list[MappingOut]
    maps_from: list[MappingOut]


class UnitPage(Page):
    items: list[UnitOut]


def units_for(user):
    """The units ``scope_for(user).covers`` accepts, as one query: the user's 2025 units with
    everything below them, and the pre-2025 units of the user's provinces (tests/test_api_units.py
    checks it against covers())."""
    scope = scope_for(user)
    if scope.everything:
        return Unit.objects.all()
    ids = scope.province_ids | scope.commune_ids | scope.village_ids
    q = Q(system=Unit.SYSTEM_2025) & (Q(id__in=ids) | Q(parent_id__in=ids) | Q(parent__parent_id__in=ids))
    old = [o for o, new in LEGACY_TO_NEW.items() if new in scope.province_new_codes]
    if old:
        top = Q(system=Unit.SYSTEM_LEGACY, level=Unit.PROVINCE, code__in=old)
        q |= Q(system=Unit.SYSTEM_LEGACY) & (
            (Q(level=Unit.PROVINCE) & Q(code__in=old))
            | Q(parent__in=Unit.objects.filter(top))
            | Q(parent__parent__in=Unit.objects.filter(top)))
    return Unit.objects.filter(q)


@router.get("/units", response={200: UnitPage, 304: None, **READ_ERRORS}, url_name="units")
def list_units(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
               unit: Optional[int] = Query(None, ge=1, le=2 ** 62, description="children of this unit"),
               system: Optional[Literal["2025", "legacy"]] = None,
               level: Optional[Literal["province", "district", "commune", "village"]] = None):
    """Units you may open, by id. `unit`: its children (a 2025 commune's villages, a pre-2025
    district's communes, …)."""
    user = request.auth
    qs = units_for(user)
    if (u := unit_in_area(user, unit)) is not None:
        qs = qs.filter(parent_id=u.id)
    if system:
        qs = qs.filter(system=system)
    if level:
        qs = qs.filter(level=level)
    rows, nxt = page(qs, cursor, limit)
    return {"items": rows, "next_cursor": nxt, "limit": limit}


@router.get("/units/{int:unit_id}", response={200: UnitDetail, 304: None, **READ_ERRORS}, url_name="unit")
def get_unit(request, unit_id: int):
    """One unit with its ancestors (ids, nearest first) and the mapping between the hierarchies:
    a pre-2025 commune `maps_to` its 2025 commune(s) (one default), a 2025 commune `maps_from` the
    old communes merged into it."""
    u = unit_for_user(request.auth, unit_id)
    anc, p = [], u
    while p.parent_id is not None:
        anc.append(p.parent_id)
        p = p.parent
    out = UnitOut.model_validate(u, from_attributes=True).model_dump()

    def rows(qs):
        return [{"legacy_id": m.legacy_id, "new_id": m.new_id, "is_default": m.is_default}
                for m in qs.order_by("legacy_id", "new_id")]
    return {**out, "ancestors": anc, "maps_to": rows(UnitMapping.objects.filter(legacy=u)),
            "maps_from": rows(UnitMapping.objects.filter(new=u))}

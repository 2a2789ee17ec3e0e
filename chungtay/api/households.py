"""Households and members: the registry within the user's area (Household.objects.for_user);
writes through households.actions. Citizen ID numbers are only ever shown masked."""

from datetime import datetime
from typing import Literal, Optional

from django.db.models import BigIntegerField, Exists, OuterRef, Q
from django.db.models.functions import Cast
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from chungtay.accounts.access import unit_for_user
from chungtay.accounts.models import AuditEvent
from chungtay.households import actions
from chungtay.households.completeness import HOUSEHOLD_FILTER
from chungtay.households.models import Assessment, Household, Member

from .base import Page, page, write
from .common import CATEGORY, CURSOR, EM, LIMIT, SINCE, UNIT, WRITE_ERRORS, YEAR, READ_ERRORS, Category, aware, \
    need_year, unit_in_area

router = Router(tags=["households"])


class HouseholdOut(Schema):
    id: int
    code: str
    village_id: int
    commune_id: int
    province_id: int
    address: str
    is_urban: bool
    head_name: str
    ethnic_minority: bool
    status: str
    start_year: Optional[int]
    end_year: Optional[int]
    source: str
    created_at: datetime


class MemberOut(Schema):
    member_no: int
    full_name: str
    sex: str
    birth_year: int
    ethnicity: str
    relation: str
    citizen_id_masked: str = Field(description="masked (e.g. 0**********5); never in clear")
    health_insurance: bool
    schooling: str
    disability: bool
    work: str


class HouseholdDetail(HouseholdOut):
    members: list[MemberOut]


class HouseholdPage(Page):
    items: list[HouseholdOut]


class MemberPage(Page):
    items: list[MemberOut]


def _member(m: Member) -> dict:
    return {f: getattr(m, f) for f in MemberOut.model_fields}


def changed_since_q(since) -> Q:
    """Households registered, edited (members, closing), assessed or imported into since ``since``.
    An import is recorded per commune, so after one every household of the commune is listed: a
    client may get a few unchanged households, never miss a changed one."""
    touched = (AuditEvent.objects.filter(object_type="household", at__gte=since)
               .annotate(oid=Cast("object_id", BigIntegerField())).values("oid"))
    imported = AuditEvent.objects.filter(action="import.apply", at__gte=since).values("unit_id")
    assessed = Assessment.objects.filter(household=OuterRef("pk"), recorded_at__gte=since)
    return Q(created_at__gte=since) | Q(id__in=touched) | Q(commune_id__in=imported) | Q(Exists(assessed))


@router.get("/households", response={200: HouseholdPage, 304: None, **READ_ERRORS}, url_name="households")
def list_households(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                    year: Optional[int] = YEAR, category: Optional[Category] = CATEGORY,
                    ethnic_minority: Optional[bool] = EM, changed_since: Optional[datetime] = SINCE):
    """Households of your area, by id. `year`: those that existed that year (as the web list);
    `category` (with `year`): by the year's current periodic result."""
    user = request.auth
    need_year(year, category)
    qs = Household.objects.for_user(user)
    if (u := unit_in_area(user, unit)) is not None:
        qs = qs.filter(**{HOUSEHOLD_FILTER[(u.system, u.level)]: u.id})
    if year is not None:
        qs = qs.filter(Q(start_year__isnull=True) | Q(start_year__lte=year),
                       Q(end_year__isnull=True) | Q(end_year__gte=year))
    if category is not None:
        qs = qs.filter(Exists(Assessment.objects.filter(household=OuterRef("pk"), year=year, is_current=True,
                                                        kind=Assessment.PERIODIC, category=category)))
    if ethnic_minority is not None:
        qs = qs.filter(ethnic_minority=ethnic_minority)
    if changed_since is not None:
        qs = qs.filter(changed_since_q(aware(changed_since)))
    rows, nxt = page(qs, cursor, limit)
    return {"items": rows, "next_cursor": nxt, "limit": limit}


def _household(user, household_id: int) -> Household:
    return get_object_or_404(Household.objects.for_user(user).select_related("village"), pk=household_id)


@router.get("/households/{int:household_id}", response={200: HouseholdDetail, 304: None, **READ_ERRORS},
            url_name="household")
def get_household(request, household_id: int):
    hh = _household(request.auth, household_id)
    out = HouseholdOut.model_validate(hh, from_attributes=True).model_dump()
    return {**out, "members": [_member(m) for m in hh.members.all()]}


@router.get("/households/{int:household_id}/members", response={200: MemberPage, 304: None, **READ_ERRORS},
            url_name="members")
def list_members(request, household_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT):
    hh = _household(request.auth, household_id)
    rows, nxt = page(hh.members.all(), cursor, limit)
    return {"items": [_member(m) for m in rows], "next_cursor": nxt, "limit": limit}


class MemberIn(Schema):
    full_name: str = Field(min_length=1, max_length=120)
    sex: Literal["M", "F"]
    birth_year: int = Field(ge=1900, le=2100)
    ethnicity: str = Field("Kinh", min_length=1, max_length=40)
    citizen_id: str = Field("", max_length=20, description="12 digits; stored encrypted, answered masked")
    health_insurance: bool = False
    schooling: Literal["", "none", "primary", "lower_secondary", "upper_secondary", "higher", "in_school"] = ""
    disability: bool = False
    work: Literal["", "farming", "wage", "self_employed", "unemployed", "student", "retired", "none"] = ""


class NewMemberIn(MemberIn):
    relation: Literal["spouse", "child", "parent", "grandchild", "other", "head"]


class HouseholdIn(Schema):
    code: str = Field(min_length=1, max_length=40)
    village_id: int = Field(ge=1, le=2 ** 62)
    address: str = Field("", max_length=200)
    head: MemberIn


@router.post("/households", response={201: HouseholdDetail, **WRITE_ERRORS}, url_name="household_create")
@write
def create_household(request, payload: HouseholdIn):
    """Register a household with its head (households.actions.create_household: role, area, audit)."""
    user = request.auth
    village = unit_for_user(user, payload.village_id)
    hh = actions.create_household(user, code=payload.code.strip(), village=village, address=payload.address,
                                  head=payload.head.model_dump())
    return Status(201, get_household(request, hh.pk))


@router.post("/households/{int:household_id}/members", response={201: MemberOut, **WRITE_ERRORS},
             url_name="member_create")
@write
def add_member(request, household_id: int, payload: NewMemberIn):
    """Add a member (households.actions.add_member: role, area, audit)."""
    hh = _household(request.auth, household_id)
    m = actions.add_member(request.auth, hh, payload.model_dump())
    return Status(201, _member(m))


__all__ = ["router"]

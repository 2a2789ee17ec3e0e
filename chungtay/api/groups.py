"""Groups (docs/groups.md): cooperatives, savings-and-loan and livelihood groups of your area,
one group with its members (and each member's balance), its meetings and its savings totals.
Reads through ``groups.queries.groups_for`` (a village head: the groups of the own village);
writes only through ``chungtay.groups.actions`` (``group_manage``: role, area, checks, audit
there). A member appears as the household's code and the person's number in it; never a
citizen ID."""

import datetime as dt
from typing import Literal, Optional

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from chungtay.accounts.roles import require
from chungtay.groups import actions
from chungtay.groups.models import ENTRY_KINDS, KINDS, ROLES, Group, Meeting, Membership, SavingsEntry
from chungtay.groups.queries import groups_for, member_balances, totals
from chungtay.households.models import Household
from chungtay.units.models import Unit

from .base import Page, page, write
from .common import CURSOR, LIMIT, READ_ERRORS, UNIT, WRITE_ERRORS, unit_in_area
from .errors import ApiError
from .revolving import _renamed

router = Router(tags=["groups"])

GroupKind = Literal["cooperative_group", "cooperative", "savings_loan", "livelihood"]
Role = Literal["leader", "deputy", "treasurer", "secretary", "member"]
EntryKind = Literal["deposit", "withdrawal", "loan", "repayment"]
assert set(GroupKind.__args__) == {k for k, *_ in KINDS} and set(Role.__args__) == {k for k, *_ in ROLES}
assert set(EntryKind.__args__) == {k for k, *_ in ENTRY_KINDS}
ACTION = "group_manage"
MEETINGS = 200            # the newest meetings in a group's answer, as on the page


class GroupOut(Schema):
    id: int
    name: str
    kind: GroupKind
    kind_vi: str
    kind_en: str
    village_id: Optional[int]
    commune_id: int
    province_id: int
    run_by_partner_id: Optional[int]
    run_by_unit_id: Optional[int]
    runner_name: str
    founded_on: dt.date
    purpose: str
    created_at: dt.datetime
    members: int = Field(description="active memberships")
    savings_vnd: int = Field(description="deposits − withdrawals of every member")
    loans_vnd: int = Field(description="loans − repayments (outstanding)")
    fund_vnd: int = Field(description="the group's fund: savings − loans outstanding")


class GroupPage(Page):
    items: list[GroupOut]


class BalanceOut(Schema):
    savings_vnd: int
    loans_vnd: int


class MembershipOut(Schema):
    id: int
    group_id: int
    household_id: int
    household_code: str
    member_no: Optional[int] = Field(description="one person of the household (null: the household)")
    name: str = Field(description="the person's name, or the household head's")
    role: Role
    joined_on: dt.date
    left_on: Optional[dt.date]
    left_reason: str
    active: bool
    balance: BalanceOut


class MeetingOut(Schema):
    id: int
    group_id: int
    held_on: dt.date
    attendees: int
    topic: str
    minutes: str
    recorded_at: dt.datetime


class GroupDetail(GroupOut):
    memberships: list[MembershipOut] = Field(description="every membership, past ones included")
    meetings: list[MeetingOut] = Field(description=f"the newest {MEETINGS} meetings, newest first")
    meetings_total: int


class EntryOut(Schema):
    id: int
    group_id: int
    membership_id: int
    household_code: str
    kind: EntryKind
    amount_vnd: int
    date: dt.date
    note: str
    reverses_id: Optional[int] = Field(description="a reversing entry: the entry it corrects")
    reversed: bool = Field(description="corrected by a later reversing entry")
    recorded_at: dt.datetime


class EntryPage(Page):
    items: list[EntryOut]


_KIND_NAMES = {k: (vi, en) for k, vi, en in KINDS}


def _group(g: Group, sums: dict) -> dict:
    vi, en = _KIND_NAMES.get(g.kind, (g.kind, g.kind))
    return {**{f: getattr(g, f) for f in ("id", "name", "kind", "village_id", "commune_id", "province_id",
                                          "run_by_partner_id", "run_by_unit_id", "founded_on", "purpose",
                                          "created_at")},
            "kind_vi": vi, "kind_en": en, "runner_name": g.runner_name, "members": sums["members"],
            "savings_vnd": sums["savings"], "loans_vnd": sums["loans"], "fund_vnd": sums["savings"] - sums["loans"]}


def _rich(qs):
    return qs.select_related("commune", "village", "province", "run_by_partner", "run_by_unit")


@router.get("/groups", response={200: GroupPage, 304: None, **READ_ERRORS}, url_name="groups")
def list_groups(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                kind: Optional[GroupKind] = Query(None)):
    """Groups of your area (the list page) with their member count and savings totals. `unit`: a
    2025 province, commune or village."""
    user = request.auth
    qs = groups_for(user)
    if (u := unit_in_area(user, unit)) is not None:
        if u.system != Unit.SYSTEM_2025:
            qs = qs.none()
        else:
            qs = qs.filter(**{{Unit.PROVINCE: "province", Unit.COMMUNE: "commune"}.get(u.level, "village"): u})
    if kind is not None:
        qs = qs.filter(kind=kind)
    rows, nxt = page(_rich(qs), cursor, limit)
    sums = totals([g.pk for g in rows])
    return {"items": [_group(g, sums[g.pk]) for g in rows], "next_cursor": nxt, "limit": limit}


def _get(user, group_id: int) -> Group:
    if not 1 <= group_id < 2 ** 62:
        raise Http404
    return get_object_or_404(_rich(groups_for(user)), pk=group_id)


def _membership(m: Membership, balances: dict) -> dict:
    b = balances.get(m.pk)
    return {**{f: getattr(m, f) for f in ("id", "group_id", "household_id", "role", "joined_on", "left_on",
                                          "left_reason")},
            "household_code": m.household.code, "member_no": m.member.member_no if m.member_id else None,
            "name": m.name, "active": m.active,
            "balance": {"savings_vnd": b.savings if b else 0, "loans_vnd": b.loans if b else 0}}


def _meeting(m: Meeting) -> dict:
    return {f: getattr(m, f) for f in ("id", "group_id", "held_on", "attendees", "topic", "minutes", "recorded_at")}


def _detail(g: Group) -> dict:
    memberships = list(g.memberships.select_related("household", "member").order_by("left_on", "joined_on", "id"))
    balances = member_balances(g)
    return {**_group(g, totals([g.pk])[g.pk]),
            "memberships": [_membership(m, balances) for m in memberships],
            "meetings": [_meeting(m) for m in g.meetings.order_by("-held_on", "-id")[:MEETINGS]],
            "meetings_total": g.meetings.count()}


@router.get("/groups/{int:group_id}", response={200: GroupDetail, 304: None, **READ_ERRORS}, url_name="group")
def get_group(request, group_id: int):
    """One group (the group page): members with their balances, meetings, the savings totals."""
    return _detail(_get(request.auth, group_id))


def _entry(e: SavingsEntry, reversed_ids: set) -> dict:
    return {**{f: getattr(e, f) for f in ("id", "group_id", "membership_id", "kind", "amount_vnd", "date", "note",
                                          "reverses_id", "recorded_at")},
            "household_code": e.membership.household.code, "reversed": e.pk in reversed_ids}


@router.get("/groups/{int:group_id}/savings", response={200: EntryPage, 304: None, **READ_ERRORS},
            url_name="group_savings")
def list_savings(request, group_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT,
                 membership: Optional[int] = Query(None, ge=1, le=2 ** 62, description="one membership's")):
    """The group's savings ledger (append-only; a correction is a reversing entry), by id."""
    g = _get(request.auth, group_id)
    qs = g.savings.select_related("membership__household")
    if membership is not None:
        qs = qs.filter(membership_id=membership)
    rows, nxt = page(qs, cursor, limit)
    rev = set(SavingsEntry.objects.filter(reverses__in=[e.pk for e in rows]).values_list("reverses_id", flat=True))
    return {"items": [_entry(e, rev) for e in rows], "next_cursor": nxt, "limit": limit}


# --- writes --------------------------------------------------------------------------------

def _bad(field: str, vi: str, en: str):
    return ApiError(400, "invalid", vi, en, [(field, vi, en)])


def _managed(request, group_id: int) -> Group:
    """The group (404 outside the area), then the role as on the page (403)."""
    g = _get(request.auth, group_id)
    require(request.auth, ACTION, g.unit)
    return g


class MemberIn(Schema):
    household_id: int = Field(ge=1, le=2 ** 62, description="a household of your area living in the group's commune")
    member_no: Optional[int] = Field(None, ge=1, le=99, description="one person of the household (default: the household)")
    role: Role = "member"
    joined_on: dt.date


@router.post("/groups/{int:group_id}/members", response={201: MembershipOut, **WRITE_ERRORS},
             url_name="group_member_create")
@write
def create_member(request, group_id: int, payload: MemberIn):
    """A household (or one person of it) joins the group (groups.actions.add_member)."""
    user = request.auth
    g = _managed(request, group_id)
    hh = get_object_or_404(Household.objects.for_user(user), pk=payload.household_id)
    member = None
    if payload.member_no is not None:
        member = hh.members.filter(member_no=payload.member_no).first()
        if member is None:
            raise _bad("member_no", "Hộ không có người số này", "No person with this number in the household")
    with _renamed({"household": "household_id", "member": "member_no"}):
        m = actions.add_member(user, g, household=hh, member=member, role=payload.role, joined_on=payload.joined_on)
    m = Membership.objects.select_related("household", "member").get(pk=m.pk)
    return Status(201, _membership(m, member_balances(g)))


class MeetingIn(Schema):
    held_on: dt.date
    attendees: int = Field(ge=1, le=actions.MAX_ATTENDEES)
    topic: str = Field(min_length=1, max_length=300)
    minutes: str = Field("", max_length=20000)


@router.post("/groups/{int:group_id}/meetings", response={201: MeetingOut, **WRITE_ERRORS},
             url_name="group_meeting_create")
@write
def create_meeting(request, group_id: int, payload: MeetingIn):
    """Record a meeting (groups.actions.record_meeting)."""
    g = _managed(request, group_id)
    m = actions.record_meeting(request.auth, g, held_on=payload.held_on, attendees=payload.attendees,
                               topic=payload.topic, minutes=payload.minutes)
    return Status(201, _meeting(m))


class EntryIn(Schema):
    membership_id: int = Field(ge=1, le=2 ** 62, description="a membership of the group")
    kind: EntryKind
    amount_vnd: int = Field(ge=1, le=10 ** 12, description="positive whole VND")
    date: dt.date
    note: str = Field("", max_length=300)


@router.post("/groups/{int:group_id}/savings", response={201: EntryOut, **WRITE_ERRORS},
             url_name="group_savings_create")
@write
def create_entry(request, group_id: int, payload: EntryIn):
    """One line of the savings ledger (groups.actions.record_entry): a withdrawal over the
    member's savings, a repayment over the loan, a loan or withdrawal over the fund are refused."""
    g = _managed(request, group_id)
    m = g.memberships.select_related("household").filter(pk=payload.membership_id).first()
    if m is None:
        raise _bad("membership_id", "Người này không phải thành viên của tổ", "Not a member of this group")
    with _renamed({"membership": "membership_id"}):
        e = actions.record_entry(request.auth, g, membership=m, kind=payload.kind, amount_vnd=payload.amount_vnd,
                                 date=payload.date, note=payload.note)
    e = SavingsEntry.objects.select_related("membership__household").get(pk=e.pk)
    return Status(201, _entry(e, set()))


__all__ = ["router"]

"""Every write of the groups app: each takes the acting user, checks role and area first
(``roles.require(user, "group_manage", unit)``), validates, writes and leaves an AuditEvent
(no personal data: codes and amounts, never names).

Nothing is deleted or edited in place: leaving a group closes the membership (``left_on``),
and a wrong savings entry is corrected by a reversing entry (:func:`reverse_entry`).
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from chungtay.accounts.roles import require
from chungtay.core import savings as core
from chungtay.core.fmt import fold
from chungtay.households.actions import audit
from chungtay.households.models import Household, Member
from chungtay.i18n import tr
from chungtay.support.models import Partner
from chungtay.units.models import Unit

from .models import KIND_NAMES, ROLE_NAMES, Group, Meeting, Membership, SavingsEntry

FIRST_DATE = dt.date(1990, 1, 1)
MAX_ATTENDEES = 10_000


def _by(actor):
    return actor if getattr(actor, "pk", None) else None


def _date_error(d, label_vi: str, label_en: str, today: dt.date) -> str | None:
    if not isinstance(d, dt.date):
        return tr(f"{label_vi}: ngày không hợp lệ", f"{label_en}: invalid date")
    if d > today:
        return tr(f"{label_vi} không thể ở trong tương lai", f"{label_en} cannot be in the future")
    if d < FIRST_DATE:
        return tr(f"{label_vi}: ngày quá xa (từ năm 1990)", f"{label_en}: too early (from 1990)")
    return None


def _raise(errors: dict) -> None:
    if errors:
        raise ValidationError(errors)


def _locked(group: Group) -> Group:
    Group.objects.select_for_update().filter(pk=group.pk).values_list("pk", flat=True).first()   # serialise writes
    return Group.objects.select_related("commune", "village", "province").get(pk=group.pk)


@transaction.atomic
def create_group(actor, *, commune: Unit, name: str, kind: str, founded_on: dt.date, village: Unit | None = None,
                 partner: Partner | None = None, run_by_unit: Unit | None = None, purpose: str = "",
                 today: dt.date | None = None) -> Group:
    require(actor, "group_manage", village or commune)
    today = today or dt.date.today()
    errors = {}
    if commune.system != Unit.SYSTEM_2025 or commune.level != Unit.COMMUNE:
        errors["commune"] = tr("Chọn một xã, phường", "Choose a commune")
    if village is not None and (village.level != Unit.VILLAGE or village.parent_id != commune.pk):
        errors["village"] = tr("Thôn không thuộc xã đã chọn", "The village is not in this commune")
    name = " ".join((name or "").split())
    if not name:
        errors["name"] = tr("Cần tên tổ, nhóm", "Give the group's name")
    elif any(fold(n) == fold(name) for n in Group.objects.filter(commune=commune).values_list("name", flat=True)):
        errors["name"] = tr(f"{commune.full_name} đã có tổ, nhóm tên '{name}'",
                            f"{commune.full_name} already has a group named '{name}'")
    if kind not in KIND_NAMES:
        errors["kind"] = tr("Loại tổ, nhóm không hợp lệ", "Unknown kind of group")
    if partner is not None and run_by_unit is not None:
        errors["runner"] = tr("Ghi một tổ chức hoặc một đơn vị phụ trách, không cả hai",
                              "Give one partner or one unit running the group, not both")
    elif partner is not None and not Partner.objects.for_user(actor).filter(pk=partner.pk).exists():
        errors["runner"] = tr("Tổ chức không có trong danh sách của địa bàn", "Unknown partner in this area")
    elif partner is not None and partner.province_id != commune.parent_id:
        errors["runner"] = tr("Tổ chức thuộc tỉnh khác", "The partner belongs to another province")
    elif run_by_unit is not None and run_by_unit.pk not in (commune.pk, commune.parent_id,
                                                            getattr(village, "pk", None)):
        errors["runner"] = tr("Đơn vị phụ trách phải là xã, thôn hoặc tỉnh của tổ", "The unit must be the group's own")
    bad = _date_error(founded_on, "Ngày thành lập", "The founding date", today)
    if bad:
        errors["founded_on"] = bad
    _raise(errors)
    g = Group.objects.create(name=name[:200], kind=kind, village=village, commune=commune, province=commune.parent,
                             run_by_partner=partner, run_by_unit=run_by_unit, founded_on=founded_on,
                             purpose=(purpose or "").strip(), created_by=_by(actor))
    audit(actor, "group.create", g, g.unit, kind=kind, name=g.name, partner=partner.pk if partner else None,
          run_by_unit=run_by_unit.pk if run_by_unit else None, founded_on=founded_on.isoformat())
    return g


@transaction.atomic
def add_member(actor, group: Group, *, household: Household, member: Member | None = None, role: str = "member",
               joined_on: dt.date, today: dt.date | None = None) -> Membership:
    """A household (or one person of it) joins the group."""
    require(actor, "group_manage", group.unit)
    group = _locked(group)
    today = today or dt.date.today()
    errors = {}
    if household.commune_id != group.commune_id:
        errors["household"] = tr(f"Hộ {household.code} không cư trú tại {group.commune.full_name}",
                                 f"Household {household.code} does not live in {group.commune.full_name}")
    elif household.status != "active":
        errors["household"] = tr(f"Hộ {household.code} không còn cư trú (đã chuyển đi, nhập hộ…)",
                                 f"Household {household.code} is no longer active")
    if member is not None and member.household_id != household.pk:
        errors["member"] = tr("Người này không thuộc hộ đã chọn", "The person is not in this household")
    if role not in ROLE_NAMES:
        errors["role"] = tr("Vai trò không hợp lệ", "Unknown role")
    bad = _date_error(joined_on, "Ngày tham gia", "The joining date", today)
    if bad:
        errors["joined_on"] = bad
    elif joined_on < group.founded_on:
        errors["joined_on"] = tr(f"Ngày tham gia trước ngày thành lập tổ ({group.founded_on:%d/%m/%Y})",
                                 f"Joined before the group was founded ({group.founded_on:%d/%m/%Y})")
    if not errors:
        same = group.memberships.filter(household=household, left_on=None, member=member)
        if same.exists():
            errors["household"] = tr(f"Hộ {household.code} (người này) đang là thành viên của tổ",
                                     f"Household {household.code} (this person) is already a member")
    _raise(errors)
    m = Membership.objects.create(group=group, household=household, member=member, role=role, joined_on=joined_on,
                                  created_by=_by(actor))
    audit(actor, "group.member_add", m, group.unit, group=group.pk, household=household.code,
          person=bool(member), role=role, joined_on=joined_on.isoformat())
    return m


@transaction.atomic
def leave_group(actor, membership: Membership, *, left_on: dt.date, reason: str,
                today: dt.date | None = None) -> Membership:
    """Close the membership (the record stays; a member who comes back gets a new one)."""
    require(actor, "group_manage", membership.group.unit)
    group = _locked(membership.group)
    membership = Membership.objects.select_related("household").get(pk=membership.pk)
    today = today or dt.date.today()
    errors = {}
    if membership.left_on is not None:
        errors["left_on"] = tr("Thành viên đã rời tổ", "The member has already left")
    else:
        bad = _date_error(left_on, "Ngày rời tổ", "The leaving date", today)
        if bad:
            errors["left_on"] = bad
        elif left_on < membership.joined_on:
            errors["left_on"] = tr("Ngày rời tổ trước ngày tham gia", "The leaving date precedes the joining date")
        elif membership.savings.filter(date__gt=left_on, reverses=None).exists():   # corrections may come later
            errors["left_on"] = tr("Có giao dịch tiết kiệm sau ngày rời tổ", "There are savings entries after that date")
    if not (reason or "").strip():
        errors["reason"] = tr("Cần ghi lý do rời tổ", "Give the reason")
    _raise(errors)
    Membership.objects.filter(pk=membership.pk).update(left_on=left_on, left_reason=reason.strip()[:300])
    membership.refresh_from_db()
    audit(actor, "group.member_leave", membership, group.unit, group=group.pk, household=membership.household.code,
          left_on=left_on.isoformat(), reason=reason.strip()[:300])
    return membership


@transaction.atomic
def record_meeting(actor, group: Group, *, held_on: dt.date, attendees: int, topic: str, minutes: str = "",
                   today: dt.date | None = None) -> Meeting:
    require(actor, "group_manage", group.unit)
    group = _locked(group)
    today = today or dt.date.today()
    errors = {}
    bad = _date_error(held_on, "Ngày sinh hoạt", "The meeting date", today)
    if bad:
        errors["held_on"] = bad
    elif held_on < group.founded_on:
        errors["held_on"] = tr("Ngày sinh hoạt trước ngày thành lập tổ", "The meeting precedes the group's founding")
    if not isinstance(attendees, int) or isinstance(attendees, bool) or not 0 < attendees <= MAX_ATTENDEES:
        errors["attendees"] = tr("Số người dự phải là số nguyên dương", "The attendance must be a positive whole number")
    if not (topic or "").strip():
        errors["topic"] = tr("Cần ghi nội dung sinh hoạt", "Give the topic")
    _raise(errors)
    m = Meeting.objects.create(group=group, held_on=held_on, attendees=attendees, topic=topic.strip()[:300],
                               minutes=(minutes or "").strip(), recorded_by=_by(actor))
    audit(actor, "group.meeting", m, group.unit, group=group.pk, held_on=held_on.isoformat(), attendees=attendees)
    return m


def _balances(group: Group, membership_id: int) -> tuple[core.Balance, int]:
    """(the member's balance, the group's fund), read after the group row is locked."""
    by: dict[int, core.Balance] = {}
    for mid, kind, amount, rev in group.savings.values_list("membership_id", "kind", "amount_vnd", "reverses_id"):
        by[mid] = by.get(mid, core.Balance()).plus(kind, amount, -1 if rev else 1)
    return by.get(membership_id, core.Balance()), core.fund(by.values())


@transaction.atomic
def record_entry(actor, group: Group, *, membership: Membership, kind: str, amount_vnd: int, date: dt.date,
                 note: str = "", today: dt.date | None = None) -> SavingsEntry:
    """One line of the savings ledger: deposit, withdrawal, loan or repayment (integer VND)."""
    require(actor, "group_manage", group.unit)
    group = _locked(group)
    today = today or dt.date.today()
    errors = {}
    membership = Membership.objects.filter(pk=membership.pk, group=group).first() or membership   # fresh left_on
    if membership.group_id != group.pk:
        errors["membership"] = tr("Người này không phải thành viên của tổ", "Not a member of this group")
    bad = _date_error(date, "Ngày giao dịch", "The entry date", today)
    if bad:
        errors["date"] = bad
    elif "membership" not in errors:
        if date < membership.joined_on:
            errors["date"] = tr("Ngày giao dịch trước ngày tham gia tổ", "The entry precedes the joining date")
        elif membership.left_on is not None and date > membership.left_on:
            errors["date"] = tr("Thành viên đã rời tổ trước ngày này", "The member had left the group by then")
    if not errors:
        mine, fund = _balances(group, membership.pk)
        try:
            core.check(mine, fund, kind, amount_vnd)
        except core.EntryError as e:
            errors["amount_vnd" if kind in core.KINDS else "kind"] = tr(e.vi, e.en)
    _raise(errors)
    e = SavingsEntry.objects.create(group=group, membership=membership, kind=kind, amount_vnd=amount_vnd, date=date,
                                    note=(note or "").strip()[:300], recorded_by=_by(actor))
    audit(actor, "group.savings", e, group.unit, group=group.pk, membership=membership.pk, kind=kind,
          amount_vnd=amount_vnd, date=date.isoformat())
    return e


@transaction.atomic
def reverse_entry(actor, entry: SavingsEntry, *, reason: str, date: dt.date | None = None,
                  today: dt.date | None = None) -> SavingsEntry:
    """Correct a wrong line: a reversing entry with the same kind and amount and the opposite
    effect. The wrong line stays in the ledger, marked as reversed."""
    require(actor, "group_manage", entry.group.unit)
    group = _locked(entry.group)
    today = today or dt.date.today()
    date = date or today
    entry = SavingsEntry.objects.select_related("membership").get(pk=entry.pk)
    errors = {}
    if entry.reverses_id is not None:
        errors["entry"] = tr("Đây là bút toán điều chỉnh: không điều chỉnh tiếp được, hãy ghi giao dịch mới",
                             "This is a reversing entry: record a new entry instead")
    elif SavingsEntry.objects.filter(reverses=entry).exists():
        errors["entry"] = tr("Giao dịch này đã được điều chỉnh", "This entry has already been reversed")
    if not (reason or "").strip():
        errors["reason"] = tr("Cần ghi lý do điều chỉnh", "Give the reason for the correction")
    bad = _date_error(date, "Ngày điều chỉnh", "The correction date", today)
    if bad:
        errors["date"] = bad
    elif date < entry.date:
        errors["date"] = tr("Ngày điều chỉnh trước ngày giao dịch", "The correction precedes the entry")
    if not errors:
        mine, fund = _balances(group, entry.membership_id)
        try:
            core.check(mine, fund, entry.kind, entry.amount_vnd, sign=-1)
        except core.EntryError as e:
            errors["entry"] = tr("Không điều chỉnh được: " + e.vi, "Cannot reverse: " + e.en)
    _raise(errors)
    r = SavingsEntry.objects.create(group=group, membership=entry.membership, kind=entry.kind,
                                    amount_vnd=entry.amount_vnd, date=date, reverses=entry,
                                    note=reason.strip()[:300], recorded_by=_by(actor))
    audit(actor, "group.savings_reverse", r, group.unit, group=group.pk, reverses=entry.pk, kind=entry.kind,
          amount_vnd=entry.amount_vnd, reason=reason.strip()[:300])
    return r

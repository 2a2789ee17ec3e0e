"""Pages of the groups app (reads scoped through queries.*, writes through actions.*)."""
from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.accounts.roles import can, require
from chungtay.households.models import Household
from chungtay.i18n import tr
from chungtay.support.queries import partner_choices, partners_for
from chungtay.support.views import form_errors
from chungtay.units.models import Unit
from chungtay.core import fmt

from . import actions
from .forms import EntryForm, GroupForm, LeaveForm, MeetingForm, MemberForm, ReverseForm
from .models import KIND_NAMES
from .queries import groups_for, member_balances, totals

ACTION = "group_manage"


def _communes(user) -> list[Unit]:
    """The communes where the user may manage groups."""
    out = []
    for u in scope_for(user).top_units():
        if u.level == Unit.PROVINCE and can(user, ACTION, u):
            out += list(Unit.objects.filter(parent=u, level=Unit.COMMUNE).order_by("sort_name"))
        elif u.level == Unit.COMMUNE and can(user, ACTION, u):
            out.append(u)
    return out


def _group_form(request, communes):
    villages = Unit.objects.filter(parent__in=communes, level=Unit.VILLAGE).select_related("parent").order_by(
        "parent__sort_name", "sort_name")[:5000]
    runners = partner_choices(request.user)
    runners += [("commune", tr("UBND xã, phường của tổ", "The group's commune")),
                ("province", tr("UBND tỉnh, sở, ngành tỉnh", "The province"))]
    return GroupForm(request.POST or None, communes=communes, villages=villages, runners=runners)


@login_required
def group_list(request):
    communes = _communes(request.user)
    if request.method == "POST":
        require(request.user, ACTION)
    form = _group_form(request, communes) if communes else None
    if request.method == "POST" and form.is_valid():
        cd = form.cleaned_data
        try:
            commune = unit_for_user(request.user, cd["commune"])
            village = Unit.objects.filter(pk=cd["village"], level=Unit.VILLAGE).first() if cd["village"] else None
            partner = unit = None
            runner = cd["runner"] or ""
            if runner.startswith("p") and runner[1:].isdigit():
                partner = partners_for(request.user).filter(pk=int(runner[1:])).first()
            elif runner == "commune":
                unit = commune
            elif runner == "province":
                unit = commune.parent
            g = actions.create_group(request.user, commune=commune, village=village, name=cd["name"], kind=cd["kind"],
                                     partner=partner, run_by_unit=unit, founded_on=cd["founded_on"],
                                     purpose=cd["purpose"])
        except ValidationError as e:
            form_errors(form, e)
        except (PermissionDenied, Http404):
            form.add_error("commune", tr("Xã nằm ngoài địa bàn được giao", "The commune is outside your area"))
        else:
            messages.success(request, tr("Đã lập tổ, nhóm", "Group created"))
            return redirect("groups:detail", g.pk)
    qs = groups_for(request.user).select_related("commune", "village", "run_by_partner", "run_by_unit")
    kind = request.GET.get("kind") or ""
    if kind in KIND_NAMES:
        qs = qs.filter(kind=kind)
    q = (request.GET.get("q") or "").strip()[:100]
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(commune__name__icontains=q))
    rows = sorted(qs.select_related("commune"), key=lambda g: (g.commune.sort_name, fmt.sort_key(g.name)))   # "Đ" after "D"
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    sums = totals([g.pk for g in page.object_list])
    rows = [(g, sums[g.pk]) for g in page.object_list]
    return render(request, "groups/list.html", {
        "page": page, "rows": rows, "form": form, "kind": kind, "q": q, "kinds": KIND_NAMES,
        "total_members": sum(s["members"] for s in sums.values()),
        "total_savings": sum(s["savings"] for s in sums.values())})


def _group(request, pk: int):
    return get_object_or_404(groups_for(request.user).select_related(
        "commune", "village", "province", "run_by_partner", "run_by_unit"), pk=pk)


def _page(request, group, status=200, **forms):
    may = can(request.user, ACTION, group.unit)
    memberships = list(group.memberships.select_related("household", "member").order_by("left_on", "joined_on", "id"))
    balances = member_balances(group)
    entries = list(group.savings.select_related("membership__household", "membership__member", "reverses")
                   .order_by("-date", "-id"))
    reversed_ids = {e.reverses_id for e in entries if e.reverses_id}
    ctx = {
        "group": group, "may": may,
        "members": [(m, balances.get(m.pk)) for m in memberships],
        "active_count": sum(1 for m in memberships if m.left_on is None),
        "meetings": list(group.meetings.all()[:200]),
        "entries": [(e, e.pk in reversed_ids) for e in entries[:500]],
        "entries_more": max(0, len(entries) - 500),
        "total_savings": sum(b.savings for b in balances.values()),
        "total_loans": sum(b.loans for b in balances.values()),
    }
    ctx["fund"] = ctx["total_savings"] - ctx["total_loans"]
    if may:
        active = [m for m in memberships if m.left_on is None]
        ctx["member_form"] = forms.get("member_form") or MemberForm()
        ctx["meeting_form"] = forms.get("meeting_form") or MeetingForm()
        ctx["entry_form"] = forms.get("entry_form") or EntryForm(memberships=active or memberships)
        ctx["leave_form"] = LeaveForm(auto_id=False)
        ctx["reverse_form"] = ReverseForm(auto_id=False)
    return render(request, "groups/detail.html", ctx, status=status)


@login_required
def group_detail(request, pk: int):
    return _page(request, _group(request, pk))


@login_required
@require_POST
def member_add(request, pk: int):
    group = _group(request, pk)
    require(request.user, ACTION, group.unit)
    form = MemberForm(request.POST)
    if form.is_valid():
        cd = form.cleaned_data
        hh = Household.objects.for_user(request.user).filter(code=cd["household_code"].strip()).first()
        member = None
        if hh is None:
            form.add_error("household_code", tr("Không có hộ mã này trong địa bàn", "No such household in your area"))
        elif cd["member_no"]:
            member = hh.members.filter(member_no=cd["member_no"]).first()
            if member is None:
                form.add_error("member_no", tr("Hộ không có người số này", "No person with this number in the household"))
        if not form.errors:
            try:
                actions.add_member(request.user, group, household=hh, member=member, role=cd["role"],
                                   joined_on=cd["joined_on"])
            except ValidationError as e:
                form_errors(form, e)
            else:
                messages.success(request, tr("Đã thêm thành viên", "Member added"))
                return redirect("groups:detail", group.pk)
    return _page(request, group, member_form=form)


@login_required
@require_POST
def member_leave(request, pk: int):
    from .models import Membership
    m = get_object_or_404(Membership.objects.filter(group__in=groups_for(request.user)).select_related("group"), pk=pk)
    require(request.user, ACTION, m.group.unit)
    form = LeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, tr("Cần ngày và lý do rời tổ", "Give the date and the reason"))
    else:
        try:
            actions.leave_group(request.user, m, **form.cleaned_data)
        except ValidationError as e:
            messages.error(request, " ".join(e.messages))
        else:
            messages.success(request, tr("Đã ghi thành viên rời tổ", "The member has left the group"))
    return redirect("groups:detail", m.group_id)


@login_required
@require_POST
def meeting_add(request, pk: int):
    group = _group(request, pk)
    require(request.user, ACTION, group.unit)
    form = MeetingForm(request.POST)
    if form.is_valid():
        try:
            actions.record_meeting(request.user, group, **form.cleaned_data)
        except ValidationError as e:
            form_errors(form, e)
        else:
            messages.success(request, tr("Đã ghi buổi sinh hoạt", "Meeting recorded"))
            return redirect("groups:detail", group.pk)
    return _page(request, group, meeting_form=form)


@login_required
@require_POST
def entry_add(request, pk: int):
    group = _group(request, pk)
    require(request.user, ACTION, group.unit)
    memberships = list(group.memberships.select_related("household", "member"))
    form = EntryForm(request.POST, memberships=memberships)
    if form.is_valid():
        cd = form.cleaned_data
        m = next(x for x in memberships if x.pk == cd.pop("membership"))
        try:
            actions.record_entry(request.user, group, membership=m, **cd)
        except ValidationError as e:
            form_errors(form, e)
        else:
            messages.success(request, tr("Đã ghi sổ tiết kiệm", "Savings entry recorded"))
            return redirect("groups:detail", group.pk)
    return _page(request, group, entry_form=form)


@login_required
@require_POST
def entry_reverse(request, pk: int):
    from .models import SavingsEntry
    e = get_object_or_404(SavingsEntry.objects.filter(group__in=groups_for(request.user)).select_related("group"), pk=pk)
    require(request.user, ACTION, e.group.unit)
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, tr("Cần ghi lý do điều chỉnh", "Give the reason for the correction"))
    else:
        try:
            actions.reverse_entry(request.user, e, reason=form.cleaned_data["reason"])
        except ValidationError as err:
            messages.error(request, " ".join(err.messages))
        else:
            messages.success(request, tr("Đã ghi bút toán điều chỉnh", "Reversing entry recorded"))
    return redirect("groups:detail", e.group_id)

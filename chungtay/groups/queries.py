"""Scoped reads of the groups app: every page and panel starts from these."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Q

from chungtay.core import savings as core

from .models import Group, Meeting, Membership, SavingsEntry


def groups_for(user):
    """Groups in the user's area (a village head: the groups of the own village)."""
    return Group.objects.for_user(user)


def memberships_for(user):
    return Membership.objects.filter(group__in=groups_for(user))


def meetings_for(user):
    return Meeting.objects.filter(group__in=groups_for(user))


def savings_for(user):
    return SavingsEntry.objects.filter(group__in=groups_for(user))


def member_balances(group) -> dict[int, core.Balance]:
    """Membership id → balance (every membership of the group, zero when no entry)."""
    out = {m: core.Balance() for m in group.memberships.values_list("id", flat=True)}
    for mid, kind, amount, rev in group.savings.values_list("membership_id", "kind", "amount_vnd", "reverses_id"):
        out[mid] = out[mid].plus(kind, amount, -1 if rev else 1)
    return out


def totals(group_ids) -> dict[int, dict]:
    """Group id → {"members": active memberships, "savings": savings balance, "loans": loans
    outstanding} for a page of groups (two queries)."""
    out = {g: {"members": 0, "savings": 0, "loans": 0} for g in group_ids}
    for row in (Membership.objects.filter(group_id__in=group_ids, left_on=None).values("group_id")
                .annotate(n=Count("id"))):
        out[row["group_id"]]["members"] = row["n"]
    bal = defaultdict(core.Balance)
    for gid, kind, amount, rev in SavingsEntry.objects.filter(group_id__in=group_ids).values_list(
            "group_id", "kind", "amount_vnd", "reverses_id"):
        bal[gid] = bal[gid].plus(kind, amount, -1 if rev else 1)
    for gid, b in bal.items():
        out[gid]["savings"], out[gid]["loans"] = b.savings, b.loans
    return out


def household_memberships(user, hh):
    """The household's memberships (its own and its members'), in groups the user may see."""
    return (memberships_for(user).filter(household=hh).select_related("group", "member", "group__run_by_partner",
                                                                      "group__run_by_unit")
            .order_by("left_on", "-joined_on"))


def active_q() -> Q:
    return Q(left_on__isnull=True)

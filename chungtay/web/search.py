"""Household search helpers shared by the household list and the review round page.

The search itself is one indexed-free substring test on ``Household.search_text`` (the folded
code and member names); telling *which* member matched is done afterwards, only for the rows
of the page shown (at most one page, one query).
"""
from __future__ import annotations

from dataclasses import dataclass

from chungtay.core import fmt
from chungtay.households.models import Member

RELATION_NAMES = {"head": ("chủ hộ", "head"), "spouse": ("vợ/chồng", "spouse"), "child": ("con", "child"),
                  "parent": ("bố/mẹ", "parent"), "grandchild": ("cháu", "grandchild"), "other": ("khác", "other")}


@dataclass(frozen=True)
class MemberMatch:
    name: str
    relation: str

    @property
    def relation_vi(self) -> str:
        return RELATION_NAMES.get(self.relation, (self.relation, self.relation))[0]

    @property
    def relation_en(self) -> str:
        return RELATION_NAMES.get(self.relation, (self.relation, self.relation))[1]


def search_filter(q: str) -> dict:
    """Queryset filter for a household search box (accents and case do not matter)."""
    folded = fmt.fold(q)
    return {"search_text__contains": folded} if folded else {}


def member_matches(households, q: str) -> dict[int, list[MemberMatch]]:
    """{household id: members other than the head whose name matches ``q``} for the households
    given (those of one page), left out where the code or the head's name already matches."""
    folded = fmt.fold(q)
    if not folded:
        return {}
    pending = {h.id for h in households if folded not in fmt.fold(h.code) and folded not in fmt.fold(h.head_name)}
    if not pending:
        return {}
    out: dict[int, list[MemberMatch]] = {}
    for hid, name, relation in (Member.objects.filter(household_id__in=pending).exclude(relation="head")
                                .order_by("household_id", "member_no").values_list("household_id", "full_name",
                                                                                   "relation")):
        if folded in fmt.fold(name):
            out.setdefault(hid, []).append(MemberMatch(name, relation))
    return out

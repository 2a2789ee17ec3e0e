"""Scoped reads of the support app: every page and panel starts from these."""
from __future__ import annotations

from collections import defaultdict

from django.db.models import Q

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import can
from chungtay.households.models import Assessment
from chungtay.units.models import Unit

from .models import Distribution, Pairing, Partner, Pledge, Support


def supports_for(user):
    return Support.objects.for_user(user)


def distributions_for(user):
    scope = scope_for(user)
    if scope.everything:
        return Distribution.objects.all()
    mine = Support.objects.for_user(user).exclude(entry__distribution=None).values("entry__distribution_id")
    return Distribution.objects.filter(Q(province_id__in=scope.province_ids) | Q(commune_id__in=scope.commune_ids)
                                       | Q(pk__in=mine))


def partners_for(user):
    return Partner.objects.for_user(user)


def partner_choices(user, limit: int = 500) -> list[tuple[str, str]]:
    """("p<id>", "name (kind)") of the partners of the user's area, in Vietnamese order ("Đ" after
    "D", which ORDER BY name does not give), for the provider / runner / helper choices."""
    from chungtay.core import fmt
    partners = sorted(partners_for(user)[:limit], key=lambda p: fmt.sort_key(p.name))
    return [(f"p{p.id}", f"{p.name} ({p.get_kind_display()})") for p in partners]


def pairings_for(user):
    return Pairing.objects.for_user(user)


def pledges_for(user):
    return Pledge.objects.for_user(user)


def acting_units(user, action: str) -> list[Unit]:
    """The provinces and communes where the user may do ``action`` (for the unit choices)."""
    scope = scope_for(user)
    out = []
    for u in scope.top_units():
        if u.level == Unit.PROVINCE and can(user, action, u):
            out.append(u)
            out += list(Unit.objects.filter(parent=u, level=Unit.COMMUNE).order_by("sort_name")) \
                if action == "partner_manage" else []
        elif u.level == Unit.COMMUNE and can(user, action, u):
            out.append(u)
    return out


def unit_filter(unit: Unit) -> dict:
    return {Unit.PROVINCE: {"province": unit}, Unit.COMMUNE: {"commune": unit},
            Unit.VILLAGE: {"village": unit}}.get(unit.level, {"pk__in": []})


def household_history(user, hh) -> list[dict]:
    """One row per year, newest first: the year's current periodic result beside the supports
    dated that year (current versions), the pledge for that year with its outcome and the
    pairings active in that year."""
    from .people import outcomes
    supports = list(Support.objects.for_user(user).filter(household=hh, is_current=True)
                    .select_related("part", "provider_unit", "provider_partner", "member", "evidence")
                    .prefetch_related("funding__source").order_by("-date", "-id"))
    results = {a.year: a for a in Assessment.objects.filter(household=hh, kind=Assessment.PERIODIC, is_current=True)}
    pledges = list(Pledge.objects.for_user(user).filter(household=hh))
    outs = outcomes(pledges)
    pairings = list(Pairing.objects.for_user(user).filter(Q(household=hh) | Q(household=None, village=hh.village))
                    .select_related("partner", "officer"))
    by_year = defaultdict(list)
    for s in supports:
        by_year[s.year].append(s)
    years = sorted(set(by_year) | {p.year for p in pledges} | set(results), reverse=True)
    rows = []
    for y in years:
        rows.append({"year": y, "result": results.get(y), "supports": by_year.get(y, []),
                     "total": sum(s.value_vnd for s in by_year.get(y, []) if s.status != "cancelled"),
                     "pledges": [(p, outs[p.pk]) for p in pledges if p.year == y],
                     "pairings": [p for p in pairings if _active_in(p, y)]})
    return rows


def _active_in(p: Pairing, year: int) -> bool:
    end = p.ended_on or p.end_date
    return p.start_date.year <= year and (end is None or end.year >= year)

"""``{% load support %}``: the household panel, the unit panel and bilingual labels of the
support app (so that chungtay/web keeps one line per page for it)."""
from __future__ import annotations

from django import template

from ..models import KIND_NAMES, STATUS_NAMES, Partner, Pledge

register = template.Library()


def _en(context) -> bool:
    return context.get("lang") == "en"


@register.simple_tag(takes_context=True)
def kind_label(context, code):
    names = KIND_NAMES.get(code)
    return (names[1] if _en(context) else names[0]) if names else code


@register.simple_tag(takes_context=True)
def status_label(context, code):
    names = STATUS_NAMES.get(code)
    return (names[1] if _en(context) else names[0]) if names else code


@register.simple_tag(takes_context=True)
def part_name(context, part):
    if part is None:
        return ""
    return part.name_en if _en(context) else part.name_vi


@register.simple_tag(takes_context=True)
def partner_kind(context, code):
    if _en(context):
        return Partner.KIND_EN.get(code, code)
    return dict(Partner.KIND_CHOICES).get(code, code)


@register.simple_tag(takes_context=True)
def goal_label(context, code):
    return Pledge.GOAL_EN.get(code, code) if _en(context) else dict(Pledge.GOAL_CHOICES).get(code, code)


@register.simple_tag(takes_context=True)
def outcome_label(context, state):
    from ..people import OUTCOME_NAMES
    names = OUTCOME_NAMES.get(state)
    return (names[1] if _en(context) else names[0]) if names else state


@register.simple_tag
def quantity(value):
    """1.000 → 1; 2.500 → 2,5 (Vietnamese decimal comma)."""
    if value is None:
        return ""
    text = f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)
    return text.replace(".", ",")


@register.inclusion_tag("support/panel_household.html", takes_context=True)
def support_panel(context, hh):
    """The support history beside each year's result, the pairings and the pledges of a household."""
    from chungtay.accounts.roles import can

    from ..queries import household_history
    user = context.get("user") or context["request"].user
    return {"hh": hh, "rows": household_history(user, hh), "lang": context.get("lang", "vi"), "user": user,
            "may_record": can(user, "support_record", hh.village), "may_pledge": can(user, "pledge_record", hh.village),
            "may_pair": can(user, "pairing_record", hh.village), "request": context.get("request")}


@register.inclusion_tag("support/panel_unit.html", takes_context=True)
def support_unit_panel(context, unit, year=None):
    """Counts of supports, pairings and pledges of a unit (links to the scoped lists)."""
    from django.db.models import Count, Sum

    from ..queries import pairings_for, pledges_for, supports_for, unit_filter
    user = context.get("user") or context["request"].user
    f = unit_filter(unit)
    supports = supports_for(user).filter(is_current=True, **f).exclude(status="cancelled")
    if year:
        supports = supports.filter(year=year)
    agg = supports.aggregate(n=Count("id"), households=Count("household", distinct=True), value=Sum("value_vnd"))
    return {"unit": unit, "year": year, "agg": agg, "lang": context.get("lang", "vi"),
            "pairings": pairings_for(user).filter(ended_on=None, **f).count(),
            "pledges": pledges_for(user).filter(**f, **({"year": year} if year else {})).count(),
            "radar_rules": RADAR_RULES}


# the radar card of the unit page: short titles (the radar page has the full ones and the rules)
RADAR_RULES = [("persistent", "Nghèo từ 3 năm liên tiếp", "Poor 3+ years in a row"),
               ("unsupported", "Nghèo, cận nghèo chưa được hỗ trợ 2 năm", "Poor or near-poor, no support in 2 years"),
               ("fell_back", "Tái nghèo, rơi xuống cận nghèo", "Fell back"),
               ("pledges", "Đăng ký thoát nghèo chưa được hỗ trợ", "Pledges with no support"),
               ("near_escape", "Sắp thoát nghèo, thiếu hụt chưa được giải quyết", "Near escape, not addressed")]

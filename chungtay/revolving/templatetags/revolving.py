"""``{% load revolving %}``: bilingual labels of the revolving models and the household panel
``{% revolving_panel hh %}`` (the household's holdings: model, asset, from–to, due date, state)."""
from __future__ import annotations

from django import template

from ..models import EVENT_NAMES, KIND_NAMES, RULE_NAMES

register = template.Library()

STATE_NAMES = {"open": ("Đang giữ, chưa đến hạn", "Holding, not due yet"),
               "overdue": ("Quá hạn chưa chuyển", "Overdue, not passed on"),
               "on_time": ("Đã chuyển đúng hạn", "Passed on in time"),
               "late": ("Đã chuyển, trễ hạn", "Passed on late"),
               "lost": ("Tài sản chết / bán trước khi chuyển", "Asset died / sold before passing on"),
               "planned": ("Dự kiến nhận", "Planned to receive"),
               "alive": ("Còn", "Alive"), "dead": ("Chết, mất", "Dead, lost"), "sold": ("Đã bán", "Sold"),
               "void": ("Đã hủy ghi nhận", "Voided"), "passed": ("Đã chuyển", "Passed on"),
               "died": ("Chết, mất", "Died, lost"), "": ("", "")}


def _pick(context, names, code):
    n = names.get(code)
    return (n[1] if context.get("lang") == "en" else n[0]) if n else code


@register.simple_tag(takes_context=True)
def rv_kind(context, code):
    return _pick(context, KIND_NAMES, code)


@register.simple_tag(takes_context=True)
def rv_rule(context, code):
    return _pick(context, RULE_NAMES, code)


@register.simple_tag(takes_context=True)
def rv_event(context, code):
    return _pick(context, EVENT_NAMES, code)


@register.simple_tag(takes_context=True)
def rv_state(context, code):
    return _pick(context, STATE_NAMES, code)


@register.inclusion_tag("revolving/panel_household.html", takes_context=True)
def revolving_panel(context, hh):
    from ..queries import household_holdings
    user = context.get("user") or context["request"].user
    return {"hh": hh, "rows": household_holdings(user, hh), "lang": context.get("lang", "vi"), "user": user}

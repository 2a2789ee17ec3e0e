"""``{% load groups_tags %}``: bilingual labels of the groups app and the household panel
(``{% groups_panel hh %}`` on the household page)."""
from __future__ import annotations

from django import template

from ..models import ENTRY_KIND_NAMES, KIND_NAMES, ROLE_NAMES

register = template.Library()


def _pick(context, names, code):
    vi, en = names.get(code, (code, code))
    return en if context.get("lang") == "en" else vi


@register.simple_tag(takes_context=True)
def group_kind(context, code):
    return _pick(context, KIND_NAMES, code)


@register.simple_tag(takes_context=True)
def group_role(context, code):
    return _pick(context, ROLE_NAMES, code)


@register.simple_tag(takes_context=True)
def entry_kind(context, code):
    return _pick(context, ENTRY_KIND_NAMES, code)


@register.inclusion_tag("groups/panel_household.html", takes_context=True)
def groups_panel(context, hh):
    """The household's group memberships (its own and its members'), past ones included. The
    page showing it has already checked that the user may see the household; a group outside
    the user's area (a village head and a commune-wide group) is named without a link."""
    from ..models import Membership
    from ..queries import groups_for
    user = context.get("user") or context["request"].user
    rows = list(Membership.objects.filter(household=hh).select_related(
        "group", "group__commune", "group__run_by_partner", "group__run_by_unit", "member", "household")
        .order_by("left_on", "-joined_on", "id"))
    visible = set(groups_for(user).filter(pk__in={m.group_id for m in rows}).values_list("pk", flat=True))
    return {"hh": hh, "rows": [(m, m.group_id in visible) for m in rows], "lang": context.get("lang", "vi"),
            "user": user, "request": context.get("request")}

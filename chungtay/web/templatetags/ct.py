"""Template helpers: bilingual text and Vietnamese number formats."""
from functools import lru_cache

from django import template

from chungtay.core import fmt
from chungtay.core.standards import CATEGORY_NAMES

register = template.Library()


@register.simple_tag(takes_context=True)
def t(context, vi: str, en: str) -> str:
    """{% t "Hộ nghèo" "Poor" %}: the UI is Vietnamese first, English when switched."""
    return en if context.get("lang") == "en" else vi


def _lang(context):
    return context.get("lang", "vi")


@register.simple_tag(takes_context=True)
def num(context, value, decimals=0):
    # a missing figure (None, or "" for a lookup on a missing object such as tp.actual.value) is "–"
    if value is None or isinstance(value, str) or isinstance(value, bool):
        return "–"
    return fmt.number(value, decimals, _lang(context))


@register.simple_tag(takes_context=True)
def pct(context, value, decimals=2):
    return fmt.percent(value, decimals, _lang(context))


@register.simple_tag(takes_context=True)
def money(context, value):
    return fmt.money(value, _lang(context))


@register.simple_tag(takes_context=True)
def category(context, code):
    if not code:
        return "–"
    return CATEGORY_NAMES[code][1 if _lang(context) == "en" else 0]


@register.simple_tag(takes_context=True)
def bi(context, obj, field):
    """obj.<field>_vi or obj.<field>_en."""
    return getattr(obj, f"{field}_{'en' if _lang(context) == 'en' else 'vi'}", "")


@register.simple_tag(takes_context=True)
def date_vi(context, value):
    if not value:
        return "–"
    from django.utils import timezone
    value = timezone.localtime(value) if hasattr(value, "tzinfo") and value.tzinfo else value
    return value.strftime("%d/%m/%Y %H:%M") if _lang(context) == "vi" else value.strftime("%Y-%m-%d %H:%M")


@register.filter
def get(d, key):
    try:
        return d[key]
    except (KeyError, IndexError, TypeError):
        return None


@register.simple_tag(takes_context=True)
def qs(context, **kwargs):
    """Current query string with some parameters replaced."""
    q = context["request"].GET.copy()
    for k, v in kwargs.items():
        if v in (None, ""):
            q.pop(k, None)
        else:
            q[k] = v
    return "?" + q.urlencode() if q else "?"


@register.simple_tag(takes_context=True)
def can(context, action: str, unit=None):
    """``{% can "round_recognise" rnd.commune as ok %}``: may the user do this on the unit or
    somewhere inside it (accounts/roles.py)? Without a unit: anywhere."""
    from chungtay.accounts.roles import can as role_can
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return user is not None and role_can(user, action, unit or None, inside=True)


@register.filter
def sum_values(values):
    return sum(values)


@register.simple_tag(takes_context=True)
def decimals(context, text):
    """A formula line in the user's number style (3.56 → 3,56 in Vietnamese)."""
    if _lang(context) != "vi":
        return text
    from chungtay.core.progress import _vi_decimals
    return _vi_decimals(str(text))


@register.simple_tag(takes_context=True)
def label(context, obj, field, code=None):
    """The display name of a choice field in the user's language: ``{% label m "relation" %}``;
    English names come from the model's ``<FIELD>_EN`` dict (Vietnamese from its choices).
    ``code`` names another value of the same field (for lists of steps)."""
    value = getattr(obj, field) if code is None else code
    if _lang(context) == "en":
        en = getattr(type(obj), f"{field.upper()}_EN", {}).get(value)
        if en:
            return en
    choices = dict(obj._meta.get_field(field).choices or ())
    return choices.get(value, value or "")


STATUS_NAMES = {"confirmed": ("đã xác nhận", "confirmed"), "provisional": ("tạm thời, chưa xác nhận", "provisional"),
                "draft": ("dự thảo", "draft"), "in_force": ("đang áp dụng", "in force")}


@register.simple_tag(takes_context=True)
def status_name(context, code):
    """The status of a standard, a line or an indicator, in the user's language."""
    names = STATUS_NAMES.get(code)
    return names[1 if _lang(context) == "en" else 0] if names else code


@register.simple_tag
def unit_labels(units) -> dict:
    """``{% unit_labels villages as names %}`` then ``{{ names|get:v.pk }}``: the labels of a whole list
    in one look-up (every commune at once), for selects and tables of many villages."""
    from chungtay.units.labels import labels_for
    return labels_for(list(units))


@register.filter
def unit_label(unit) -> str:
    """A unit's name on screen; a village told apart from its namesakes by its old commune
    (``units/labels.py``)."""
    from chungtay.units.labels import unit_label as label
    return label(unit) if unit is not None else ""


_SENTINEL = 918_273_640      # an id no table reaches: stands for the arguments in a cached URL


@register.simple_tag
def link(name: str, *ids) -> str:
    """{% link "household" h.pk %}: ``{% url %}`` for integer ids, for rows of long lists. The URL
    is reversed once per name (with stand-in ids) and the ids put in its place: ``{% url %}``
    reversed again on every row (two a row on the household lists, ~40 µs each)."""
    from django.urls import get_script_prefix
    try:
        ints = [int(i) for i in ids]
    except (TypeError, ValueError):
        ints = None
    if ints is None or any(isinstance(i, bool) or i < 0 for i in ints):
        from django.urls import reverse
        return reverse(name, args=list(ids))
    out = _link_pattern(get_script_prefix(), name, len(ints))
    for k, i in enumerate(ints):
        out = out.replace(str(_SENTINEL + k), str(i), 1)
    return out


@lru_cache(maxsize=256)
def _link_pattern(prefix: str, name: str, n: int) -> str:
    from django.urls import reverse
    return reverse(name, args=[_SENTINEL + k for k in range(n)])

"""{% pair p %}: the Vietnamese or English half of a (vi, en) pair; {% score_num x %}: points with up
to 2 decimals the Vietnamese way."""
from django import template

from chungtay.core import fmt

register = template.Library()


@register.simple_tag(takes_context=True)
def pair(context, p):
    if not p:
        return ""
    return p[1] if context.get("lang") == "en" else p[0]


@register.simple_tag(takes_context=True)
def score_num(context, x):
    if x is None:
        return "–"
    lang = context.get("lang", "vi")
    s = fmt.number(float(x), 2, lang)
    dec = "," if lang == "vi" else "."
    return s.rstrip("0").rstrip(dec) if dec in s else s

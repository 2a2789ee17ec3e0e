"""{% vnd x %}: an integer amount of đồng with the thousands separated the Vietnamese way
(2.980.000) or the English way (2,980,000)."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def vnd(context, x):
    if x is None:
        return "–"
    s = f"{int(x):,}"
    return s if context.get("lang") == "en" else s.replace(",", ".")

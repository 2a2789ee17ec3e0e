from django import template

from ..models import ACCOUNTS, PURPOSE_NAMES

register = template.Library()


@register.simple_tag(takes_context=True)
def purpose(context, code):
    vi, en = PURPOSE_NAMES.get(code, (code, code))
    return en if context.get("lang") == "en" else vi


@register.simple_tag(takes_context=True)
def account(context, code):
    vi, en = ACCOUNTS.get(code, (code, code))
    return en if context.get("lang") == "en" else vi

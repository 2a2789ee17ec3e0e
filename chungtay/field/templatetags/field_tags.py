"""``{% field_may rnd as ok %}``: may the user run the round's tablet survey (export the form and
the household list, import submissions)? Only a role that surveys the whole commune: the commune
poverty officer (roles.py ``round_survey`` on the commune itself, not inside it)."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def field_may(context, rnd) -> bool:
    from chungtay.accounts.roles import can
    user = context.get("user") or getattr(context.get("request"), "user", None)
    return bool(user is not None and rnd is not None and getattr(user, "is_authenticated", False)
                and can(user, "round_survey", rnd.commune))

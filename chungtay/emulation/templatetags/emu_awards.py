"""{% vnd x %}: an integer amount of đồng with the thousands separated the Vietnamese way
(2.980.000) or the English way (2,980,000); {% rule_source s %}: the source of a vote's rule in the
page's language."""
from django import template

register = template.Library()


@register.simple_tag(takes_context=True)
def vnd(context, x):
    if x is None:
        return "–"
    s = f"{int(x):,}"
    return s if context.get("lang") == "en" else s.replace(",", ".")


@register.simple_tag(takes_context=True)
def rule_source(context, text):
    """The source of a vote's rule with the data file's "ASSUMPTION:" mark (commendation.VOTE_RULES)
    written in the page's language."""
    text = str(text or "")
    if text.startswith("ASSUMPTION:"):
        mark = "Assumption:" if context.get("lang") == "en" else "Giả định, cần đối chiếu văn bản:"
        return mark + text[len("ASSUMPTION:"):]
    return text

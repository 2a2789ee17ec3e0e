"""Bilingual text in Python, the twin of the ``{% t "vi" "en" %}`` template tag.

``tr("Năm sinh", "Year of birth")`` is a lazy string: it becomes Vietnamese or English when it is
rendered, following the language that :class:`chungtay.web.middleware.LanguageMiddleware`
activated for the request (Vietnamese outside a request). Django's own messages ("This field is
required.", dates, numbers) come from Django's ``vi`` locale, activated by the same middleware.
"""
from __future__ import annotations

from django.utils.functional import lazy
from django.utils.translation import get_language


def pick(vi: str, en: str) -> str:
    """The text for the active language, now."""
    return en if (get_language() or "vi").startswith("en") else vi


tr = lazy(pick, str)

from django.conf import settings
from django.utils import translation

LANG_COOKIE = "chungtay_lang"


class LanguageMiddleware:
    """Vietnamese first; English when the user switched (cookie).

    The chosen language is also activated for Django, so that Django's own messages (form
    validation, the login error), dates and numbers follow it (Django ships the ``vi`` locale).
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {c for c, _ in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.COOKIES.get(LANG_COOKIE, settings.LANGUAGE_CODE)
        request.lang = lang if lang in self.codes else settings.LANGUAGE_CODE
        translation.activate(request.lang)
        request.LANGUAGE_CODE = request.lang
        try:
            response = self.get_response(request)
        finally:
            translation.deactivate()
        response.headers.setdefault("Content-Language", request.lang)
        return response

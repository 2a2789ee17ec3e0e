from django.conf import settings

LANG_COOKIE = "chungtay_lang"


class LanguageMiddleware:
    """Vietnamese first; English when the user switched (cookie)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {c for c, _ in settings.LANGUAGES}

    def __call__(self, request):
        lang = request.COOKIES.get(LANG_COOKIE, settings.LANGUAGE_CODE)
        request.lang = lang if lang in self.codes else settings.LANGUAGE_CODE
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", request.lang)
        return response

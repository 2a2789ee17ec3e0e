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


class InputGuardMiddleware:
    """Refuse (400) a request whose query or form carries a NUL character: no page means one, and
    PostgreSQL cannot store or compare text containing it (it would answer 500)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if _has_nul(request.GET) or (request.method == "POST" and _post_has_nul(request)):
            from .errors import bad_request
            if request.path.startswith("/api/"):    # the API answers in its JSON error shape (docs/api.md)
                from chungtay.api.errors import response as api_error
                return api_error(request, 400, "invalid", "Dữ liệu gửi lên có ký tự NUL", "The request contains a NUL character")
            return bad_request(request)
        return self.get_response(request)


def _has_nul(q) -> bool:
    return any("\x00" in k or any("\x00" in v for v in vs) for k, vs in q.lists())


def _post_has_nul(request) -> bool:
    """Only URL-encoded forms are checked (the body is read once and stays readable for the view);
    multipart uploads carry files, where NUL bytes are normal, and their fields go through forms."""
    if request.content_type != "application/x-www-form-urlencoded":
        return False
    try:
        body = request.body
    except Exception:       # noqa: BLE001 - too large or unreadable: Django's own checks report it
        return False
    return b"%00" in body or b"\x00" in body

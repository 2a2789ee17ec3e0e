"""Error pages (403, 404, 500, CSRF failure): styled like the rest of the site, in the user's
language, with the navigation.

The 500 page must render even when the database is down, so it never touches the session or
the user (it shows the navigation only when the user was already loaded for this request) and
falls back to a plain page if even the template fails.
"""
from __future__ import annotations

import logging

from django.http import HttpResponseBadRequest, HttpResponseForbidden, HttpResponseNotFound, HttpResponseServerError
from django.template import loader

log = logging.getLogger(__name__)

PAGES = {
    400: (("Yêu cầu không hợp lệ", "Bad request"),
          ("Địa chỉ hoặc dữ liệu gửi lên có ký tự không hợp lệ. Hãy quay lại và nhập lại.",
           "The address or the data sent contains invalid characters. Go back and enter it again.")),
    403: (("Không có quyền truy cập", "Access denied"),
          ("Trang này nằm ngoài địa bàn hoặc quyền hạn được giao cho tài khoản của bạn.",
           "This page is outside the area or the role assigned to your account.")),
    404: (("Không tìm thấy trang", "Page not found"),
          ("Địa chỉ không đúng, hoặc mục này không còn tồn tại hay không thuộc địa bàn của bạn.",
           "The address is wrong, or the item no longer exists or is outside your area.")),
    500: (("Hệ thống gặp sự cố", "Something went wrong"),
          ("Yêu cầu chưa được thực hiện và không có gì bị ghi dở. Vui lòng thử lại sau ít phút; nếu vẫn lỗi, "
           "hãy báo cho quản trị viên kèm thời điểm xảy ra.",
           "Nothing was done and nothing was half-written. Please try again in a few minutes; if it "
           "persists, tell the administrator when it happened.")),
    "csrf": (("Phiên làm việc đã hết hạn", "Your session expired"),
             ("Biểu mẫu đã quá hạn hoặc được gửi từ trang khác. Hãy tải lại trang rồi gửi lại.",
              "The form expired or was sent from another page. Reload the page and send it again.")),
}

PLAIN_500 = ("<!doctype html><html lang=\"vi\"><meta charset=\"utf-8\"><title>500 · Chung Tay</title>"
             "<body style=\"font-family:sans-serif;max-width:40em;margin:3em auto\"><h1>Hệ thống gặp sự cố</h1>"
             "<p>Vui lòng thử lại sau ít phút. / Something went wrong: please try again in a few minutes.</p>"
             "<p><a href=\"/\">Chung Tay</a></p></body></html>")


def _lang(request) -> str:
    return getattr(request, "lang", None) or "vi"


def _context(request, key, code, detail=""):
    heading, text = PAGES[key]
    return {"code": code, "heading": heading, "text": text, "detail": detail, "lang": _lang(request)}


def bad_request(request, exception=None):
    return HttpResponseBadRequest(loader.render_to_string("400.html", _context(request, 400, 400),
                                                          request=request))


def permission_denied(request, exception=None):
    # Our refusals are written in the user's language (roles.require uses tr()).
    detail = str(exception) if exception and str(exception) else ""
    return HttpResponseForbidden(loader.render_to_string("403.html", _context(request, 403, 403, detail),
                                                         request=request))


def page_not_found(request, exception=None):
    return HttpResponseNotFound(loader.render_to_string("404.html", _context(request, 404, 404),
                                                        request=request))


def csrf_failure(request, reason=""):
    return HttpResponseForbidden(loader.render_to_string("403.html", _context(request, "csrf", 403),
                                                         request=request))


class _KnownUser:
    """The user already loaded for this request, without another database query."""
    is_authenticated = True

    def __init__(self, user):
        self.username = user.username
        self._full = user.get_full_name()

    def get_full_name(self):
        return self._full


def server_error(request):
    try:
        ctx = _context(request, 500, 500)
        cached = getattr(request, "_cached_user", None)   # set by auth's middleware once loaded
        ctx["user"] = _KnownUser(cached) if cached is not None and cached.is_authenticated else None
        ctx["request"] = request
        # no request=: context processors (auth, messages) would read the session / database
        return HttpResponseServerError(loader.render_to_string("500.html", ctx))
    except Exception:           # the error page itself must never fail
        log.exception("the 500 page could not be rendered")
        return HttpResponseServerError(PLAIN_500, content_type="text/html; charset=utf-8")

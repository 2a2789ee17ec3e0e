"""One error shape for every answer of the API (docs/api.md, "Errors"):

    {"error": "<message in the request's language>", "code": "invalid", "status": 400,
     "message": {"vi": "…", "en": "…"}, "field": "income",
     "fields": [{"field": "income", "message": {"vi": "…", "en": "…"}}]}

``error`` is the message in the language of the request (Vietnamese unless ``Accept-Language``
or the language switch asks for English); ``field`` is the first field at fault (or null).
"""
from __future__ import annotations

import json
import logging

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpResponse
from django.utils import translation
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

log = logging.getLogger(__name__)

GENERIC = {
    400: ("Dữ liệu gửi lên không hợp lệ", "The request is not valid"),
    401: ("Cần đăng nhập hoặc khóa API (Authorization: Bearer …)",
          "Authentication required (a session or Authorization: Bearer …)"),
    403: ("Không có quyền thực hiện việc này", "You may not do this"),
    404: ("Không tìm thấy, hoặc mục này không thuộc địa bàn của bạn",
          "Not found, or outside your assigned area"),
    405: ("Phương thức không được hỗ trợ", "Method not allowed"),
    409: ("Yêu cầu xung đột với một yêu cầu trước", "The request conflicts with an earlier one"),
    429: ("Quá nhiều yêu cầu: hãy chờ rồi thử lại", "Too many requests: wait and try again"),
    500: ("Hệ thống gặp sự cố, không có gì bị ghi dở", "Something went wrong; nothing was half-written"),
}
CODES = {400: "invalid", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 429: "rate_limited", 500: "server_error"}


class ApiError(Exception):
    """Raise from a view to answer with the error shape."""

    def __init__(self, status: int, code: str, vi: str, en: str, fields=(), headers: dict | None = None):
        super().__init__(en)
        self.status, self.code, self.vi, self.en = status, code, vi, en
        self.fields = list(fields)        # [(field, vi, en)]
        self.headers = headers or {}


def both(message) -> tuple[str, str]:
    """(Vietnamese, English) of a message: a lazy ``tr()`` string renders in both languages; a plain
    string (Vietnamese-only messages of older actions) is the same text in both."""
    with translation.override("vi"):
        vi = str(message)
    with translation.override("en"):
        en = str(message)
    return vi, en


def request_lang(request) -> str:
    """The browser's choice on the site (the language switch's cookie) first; a client without a
    session (a key) may ask with Accept-Language; otherwise Vietnamese."""
    from django.conf import settings

    from chungtay.web.middleware import LANG_COOKIE
    if LANG_COOKIE in request.COOKIES or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return "en" if getattr(request, "lang", "vi") == "en" else "vi"
    accept = (request.META.get("HTTP_ACCEPT_LANGUAGE") or "").strip().lower()
    return "en" if accept.startswith("en") else "vi"


def body(request, status: int, code: str, vi: str, en: str, fields=()) -> dict:
    fields = [{"field": f, "message": {"vi": fv, "en": fe}} for f, fv, fe in fields]
    return {"error": en if request_lang(request) == "en" else vi, "code": code, "status": status,
            "message": {"vi": vi, "en": en}, "field": fields[0]["field"] if fields else None, "fields": fields}


def response(request, status: int, code: str | None = None, vi: str | None = None, en: str | None = None,
             fields=(), headers: dict | None = None) -> HttpResponse:
    gvi, gen = GENERIC.get(status, GENERIC[400])
    r = HttpResponse(json.dumps(body(request, status, code or CODES.get(status, "error"), vi or gvi, en or gen,
                                     fields), ensure_ascii=False),
                     status=status, content_type="application/json; charset=utf-8")
    for k, v in (headers or {}).items():
        r[k] = v
    r["Cache-Control"] = "no-store"
    return r


# --- ninja's validation errors (query, path, body) ------------------------------------------

PYDANTIC_VI = {
    "missing": "Thiếu giá trị bắt buộc", "int_parsing": "Phải là một số nguyên", "int_type": "Phải là một số nguyên",
    "int_from_float": "Phải là một số nguyên", "float_parsing": "Phải là một số", "float_type": "Phải là một số",
    "finite_number": "Phải là một số hữu hạn", "bool_parsing": "Phải là true hoặc false",
    "bool_type": "Phải là true hoặc false", "string_type": "Phải là chuỗi ký tự", "string_too_long": "Quá dài",
    "string_too_short": "Quá ngắn", "greater_than_equal": "Giá trị nhỏ hơn mức cho phép",
    "greater_than": "Giá trị nhỏ hơn mức cho phép", "less_than_equal": "Giá trị lớn hơn mức cho phép",
    "less_than": "Giá trị lớn hơn mức cho phép",
    "datetime_parsing": "Phải là thời điểm ISO 8601, ví dụ 2025-01-31T00:00:00+07:00",
    "datetime_from_date_parsing": "Phải là thời điểm ISO 8601, ví dụ 2025-01-31T00:00:00+07:00",
    "datetime_type": "Phải là thời điểm ISO 8601", "date_parsing": "Phải là ngày dạng YYYY-MM-DD",
    "date_from_datetime_parsing": "Phải là ngày dạng YYYY-MM-DD", "date_type": "Phải là ngày dạng YYYY-MM-DD",
    "literal_error": "Giá trị không nằm trong danh sách cho phép", "enum": "Giá trị không nằm trong danh sách cho phép",
    "list_type": "Phải là một danh sách", "dict_type": "Phải là một đối tượng JSON",
    "model_type": "Phải là một đối tượng JSON", "model_attributes_type": "Phải là một đối tượng JSON",
    "json_invalid": "Nội dung gửi lên không phải JSON hợp lệ", "extra_forbidden": "Trường này không được phép",
    "too_long": "Quá nhiều phần tử", "too_short": "Quá ít phần tử", "string_pattern_mismatch": "Sai định dạng",
    "int_too_big": "Số quá lớn", "value_error": "Giá trị không hợp lệ", "uuid_parsing": "Sai định dạng",
}


def _field(loc) -> str | None:
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "header", "cookie", "form", "file"):
        source = parts.pop(0)
        if source == "body" and len(parts) > 1:
            parts.pop(0)          # the payload parameter's own name
    return ".".join(parts) or None


def _validation(request, exc: NinjaValidationError) -> HttpResponse:
    fields = []
    for e in exc.errors:
        t = e.get("type", "")
        en = str(e.get("msg", "Invalid value"))
        vi = PYDANTIC_VI.get(t, "Giá trị không hợp lệ")
        if t == "value_error" and en.startswith("Value error, "):
            en = en[len("Value error, "):]
            vi = en.split(" / ")[0] if " / " in en else vi
            en = en.split(" / ")[-1]
        fields.append((_field(e.get("loc", ())), vi, en))
    first = fields[0] if fields else (None, "", "")
    return response(request, 400, "invalid", f"Dữ liệu gửi lên không hợp lệ: {first[1]}",
                    f"The request is not valid: {first[2]}", fields)


def _django_validation(request, exc: DjangoValidationError) -> HttpResponse:
    fields = []
    if hasattr(exc, "error_dict"):
        for name, errs in exc.error_dict.items():
            for err in errs:
                msg = err.message % err.params if err.params else err.message
                vi, en = both(msg)
                fields.append((None if name == "__all__" else name, vi, en))
    else:
        for err in exc.error_list:
            msg = err.message % err.params if err.params else err.message
            vi, en = both(msg)
            fields.append((None, vi, en))
    vi, en = (fields[0][1], fields[0][2]) if fields else GENERIC[400]
    return response(request, 400, getattr(exc, "code", None) or "invalid", vi, en,
                    [f for f in fields if f[0]] if any(f[0] for f in fields) else [])


def _permission(request, exc: PermissionDenied) -> HttpResponse:
    vi, en = both(exc.args[0]) if exc.args and str(exc.args[0]) else GENERIC[403]
    return response(request, 403, "forbidden", vi, en)


def _http(request, exc: HttpError) -> HttpResponse:
    status = exc.status_code
    headers = {}
    if isinstance(exc, AuthenticationError):
        headers["WWW-Authenticate"] = 'Bearer realm="chungtay"'
        return response(request, 401, "unauthenticated", headers=headers)
    if isinstance(exc, Throttled):
        return response(request, 429, "rate_limited")
    if status == 403 and "CSRF" in str(exc):
        return response(request, 403, "csrf_failed", "Thiếu hoặc sai mã CSRF (phiên đăng nhập cần X-CSRFToken "
                        "khi ghi)", "CSRF check failed (a session needs X-CSRFToken for writes)")
    return response(request, status)


def _api_error(request, exc: ApiError) -> HttpResponse:
    return response(request, exc.status, exc.code, exc.vi, exc.en, exc.fields, exc.headers)


def _server_error(request, exc: Exception) -> HttpResponse:
    log.exception("API error on %s %s", request.method, request.path)
    return response(request, 500, "server_error")


def install(api) -> None:
    api.add_exception_handler(NinjaValidationError, _validation)
    api.add_exception_handler(DjangoValidationError, _django_validation)
    api.add_exception_handler(PermissionDenied, _permission)
    api.add_exception_handler(Http404, lambda request, exc: response(request, 404, "not_found"))
    api.add_exception_handler(HttpError, _http)
    api.add_exception_handler(ApiError, _api_error)
    api.add_exception_handler(Exception, _server_error)

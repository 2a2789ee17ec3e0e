"""The API object and what every resource module shares: authentication (token or session),
rate limits, ETag/304, idempotent writes, cursor pagination (docs/api.md)."""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import math
import time
from datetime import datetime, timedelta
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpResponse, HttpResponseNotModified
from django.utils import timezone
from django.utils.http import parse_etags
from ninja import NinjaAPI, Schema
from ninja.security import HttpBearer
from ninja.security.session import SessionAuth
from ninja.throttling import BaseThrottle

from . import tokens
from .errors import ApiError
from .models import ApiToken, IdempotentWrite, RateWindow

# --- authentication ------------------------------------------------------------------------


class TokenAuth(HttpBearer):
    """``Authorization: Bearer ct_…``: a per-user key (read or read-write scope, expiry)."""

    def authenticate(self, request, token: str):
        try:
            t = tokens.check(token)
        except tokens.TokenRefused as e:
            raise ApiError(401, e.code, e.vi, e.en, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'})
        request.api_token = t
        request.user = t.user          # the acting user of every read and action
        return t.user


class Session(SessionAuth):
    """The app's own pages (a signed-in browser): Django's session, with CSRF on writes."""

    def _get_key(self, request):
        if not request.user.is_authenticated:
            return None            # not signed in: 401 (not a CSRF failure)
        return super()._get_key(request)

    def authenticate(self, request, key):
        if request.user.is_authenticated:
            request.api_token = None
            return request.user
        return None


# --- rate limits ---------------------------------------------------------------------------

DEFAULT_LIMITS = {"all": 600, "write": 60}      # requests per minute and token


def limits() -> dict[str, int]:
    """Requests per minute and key: the defaults, the environment (CHUNGTAY_API_RATE_ALL,
    CHUNGTAY_API_RATE_WRITE — docs/api.md), then settings.CHUNGTAY_API_RATE_LIMITS (tests)."""
    import os
    out = dict(DEFAULT_LIMITS)
    for bucket in out:
        value = os.environ.get(f"CHUNGTAY_API_RATE_{bucket.upper()}", "").strip()
        if value.isdigit() and int(value) > 0:
            out[bucket] = int(value)
    return {**out, **getattr(settings, "CHUNGTAY_API_RATE_LIMITS", {})}


def _count(token: ApiToken, bucket: str, window: int) -> int:
    """Add one request to the token's minute and return the minute's total (atomic in the database,
    so every server process shares the count)."""
    with transaction.atomic():
        n = RateWindow.objects.filter(token=token, bucket=bucket, window=window).update(count=F("count") + 1)
        if not n:
            try:
                with transaction.atomic():
                    RateWindow.objects.create(token=token, bucket=bucket, window=window, count=1)
                RateWindow.objects.filter(token=token, window__lt=window - 5).delete()
                return 1
            except IntegrityError:
                RateWindow.objects.filter(token=token, bucket=bucket, window=window).update(count=F("count") + 1)
        return RateWindow.objects.filter(token=token, bucket=bucket, window=window).values_list(
            "count", flat=True).first() or 0


class TokenRate(BaseThrottle):
    """Per-token limits (sessions are the app's own pages and are not limited here)."""

    def allow_request(self, request) -> bool:
        token = getattr(request, "api_token", None)
        if token is None:
            return True
        now = time.time()
        window = int(now // 60)
        lim = limits()
        buckets = ["all"] + (["write"] if request.method not in ("GET", "HEAD", "OPTIONS") else [])
        over = False
        for b in buckets:
            n = _count(token, b, window)
            if n > lim[b]:
                over = True
                request._rate = (b, lim[b])
        self._wait = (window + 1) * 60 - now
        if not over:
            request._rate = ("all", lim["all"])
        return not over

    def wait(self):
        return math.ceil(getattr(self, "_wait", 60))


# --- the API: ETag and 304 on every successful read ------------------------------------------


class Api(NinjaAPI):
    def create_response(self, request, data, *, status=None, temporal_response=None):
        resp = super().create_response(request, data, status=status, temporal_response=temporal_response)
        return remember(request, etag(request, resp))


def etag(request, resp: HttpResponse) -> HttpResponse:
    """ETag on 200 answers to GET (strong: a hash of the body); If-None-Match → 304."""
    resp["Vary"] = "Authorization, Cookie, Accept-Language"
    if request.method in ("GET", "HEAD") and resp.status_code == 200 and not resp.streaming:
        etag = '"' + hashlib.sha256(resp.content).hexdigest()[:32] + '"'
        resp["ETag"] = etag
        resp["Cache-Control"] = "private, no-cache"
        inm = request.META.get("HTTP_IF_NONE_MATCH")
        if inm and (etag in parse_etags(inm) or inm.strip() == "*"):
            nm = HttpResponseNotModified()
            for h in ("ETag", "Cache-Control", "Vary"):
                nm[h] = resp[h]
            return nm
    return resp


# --- writes: scope and idempotency -----------------------------------------------------------

def _request_hash(request) -> str:
    """A keyed digest of the request (HMAC-SHA256 under a key derived from SECRET_KEY, which is not in
    the database): a plain hash of a body holding a citizen ID could be reversed by trying every ID
    (docs/security.md)."""
    h = hmac.new(_idempotency_key(), digestmod=hashlib.sha256)
    h.update(f"{request.method} {request.path}?{request.META.get('QUERY_STRING', '')}\n".encode())
    try:
        h.update(request.body)
    except Exception:      # noqa: BLE001 - a multipart body already parsed: hash its fields and files
        for k in sorted(request.POST):
            h.update(f"{k}={request.POST.getlist(k)}\n".encode())
        for k in sorted(request.FILES):
            for f in request.FILES.getlist(k):
                h.update(f"{k}:{f.name}:{f.size}\n".encode())
                for chunk in f.chunks():
                    h.update(chunk)
                f.seek(0)
    return h.hexdigest()


def _idempotency_key() -> bytes:
    return hashlib.sha256(b"chungtay.api.idempotency\0" + settings.SECRET_KEY.encode()).digest()


KEEP_KEYS = timedelta(hours=24)


def forget_old_writes(now=None) -> int:
    """Drop every remembered idempotent write older than KEEP_KEYS (of every user): on each keyed
    write and in the worker's housekeeping."""
    return IdempotentWrite.objects.filter(created_at__lt=(now or timezone.now()) - KEEP_KEYS).delete()[0]


def require_write(request) -> None:
    token = getattr(request, "api_token", None)
    if token is not None and not token.can_write:
        raise ApiError(403, "token_read_only", "Khóa API này chỉ có quyền đọc: hãy tạo khóa đọc và ghi",
                       "This API key is read-only: create a read-write key")


def write(view):
    """Every write endpoint: a read-only key is refused (403); an ``Idempotency-Key`` header makes
    the write happen once — the same key and body again answer the first (successful) response,
    the same key with another body answers 409."""
    @wraps(view)
    def run(request, *args, **kwargs):
        require_write(request)
        key = request.headers.get("Idempotency-Key")
        if key is None:
            return view(request, *args, **kwargs)
        key = key.strip()
        if not key or len(key) > 100:
            raise ApiError(400, "invalid", "Idempotency-Key phải có 1 đến 100 ký tự",
                           "Idempotency-Key must have 1 to 100 characters", [("Idempotency-Key", "1–100 ký tự",
                                                                              "1–100 characters")])
        rh = _request_hash(request)
        user = request.auth
        # a key is remembered for a day (docs/api.md); older ones (of every user) are dropped here
        forget_old_writes()
        try:
            with transaction.atomic():
                rec = IdempotentWrite.objects.create(user=user, key=key, request_hash=rh, method=request.method,
                                                     path=request.path[:300])
        except IntegrityError:
            old = IdempotentWrite.objects.filter(user=user, key=key).first()
            if old is None:
                raise ApiError(409, "idempotency_in_progress", "Yêu cầu cùng Idempotency-Key đang được xử lý",
                               "A request with this Idempotency-Key is being processed") from None
            if old.request_hash != rh:
                raise ApiError(409, "idempotency_key_reused",
                               "Idempotency-Key này đã được dùng cho một yêu cầu khác: hãy dùng khóa mới",
                               "This Idempotency-Key was used for a different request: use a new key",
                               [("Idempotency-Key", "Đã dùng cho yêu cầu khác", "Used for another request")]) from None
            if old.status == 0:
                raise ApiError(409, "idempotency_in_progress", "Yêu cầu cùng Idempotency-Key đang được xử lý",
                               "A request with this Idempotency-Key is being processed") from None
            r = HttpResponse(bytes(old.body), status=old.status, content_type="application/json; charset=utf-8")
            r["Idempotent-Replayed"] = "true"
            return r
        try:
            result = view(request, *args, **kwargs)
        except BaseException:
            IdempotentWrite.objects.filter(pk=rec.pk).delete()
            raise
        request._idempotent_record = rec
        return result
    return run


def remember(request, resp: HttpResponse) -> HttpResponse:
    """Store the response of an idempotent write once ninja has rendered it (see Api); a failed
    write is forgotten (the client may send it again with the same key)."""
    rec = getattr(request, "_idempotent_record", None)
    if rec is not None:
        if 200 <= resp.status_code < 300:
            IdempotentWrite.objects.filter(pk=rec.pk).update(status=resp.status_code, body=resp.content)
        else:
            IdempotentWrite.objects.filter(pk=rec.pk).delete()
        request._idempotent_record = None
    return resp


# --- cursor pagination -----------------------------------------------------------------------

MAX_LIMIT = 200
DEFAULT_LIMIT = 50


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str, n: int) -> list:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw)
        if not isinstance(values, list) or len(values) != n or not all(
                isinstance(v, int) and not isinstance(v, bool) and abs(v) < 2 ** 62 for v in values):
            raise ValueError
        return values
    except (ValueError, TypeError, UnicodeDecodeError):
        raise ApiError(400, "invalid_cursor", "Con trỏ trang (cursor) không hợp lệ: hãy dùng next_cursor của "
                       "trang trước", "The cursor is not valid: use the next_cursor of the previous page",
                       [("cursor", "Không hợp lệ", "Not valid")]) from None


def page(qs, cursor: str | None, limit: int, order=("id",)) -> tuple[list, str | None]:
    """Keyset pagination over integer columns ``order`` (the last one unique, e.g. the id):
    a row inserted or deleted between two requests neither repeats nor skips the other rows."""
    from django.db.models import Q
    order = list(order)
    qs = qs.order_by(*order)
    if cursor:
        last = _decode(cursor, len(order))
        q = Q()
        for i in range(len(order)):
            cond = {f"{order[j]}": last[j] for j in range(i)}
            cond[f"{order[i]}__gt"] = last[i]
            q |= Q(**cond)
        qs = qs.filter(q)
    rows = list(qs[: limit + 1])
    nxt = None
    if len(rows) > limit:
        rows = rows[:limit]
        nxt = _encode([_attr(rows[-1], f) for f in order])
    return rows, nxt


def _attr(obj, name):
    for part in name.split("__"):
        obj = obj[part] if isinstance(obj, dict) else getattr(obj, part)
    return obj


class Page(Schema):
    next_cursor: str | None = None
    limit: int


def changed_since_q(value: datetime | None):
    if value is not None and timezone.is_naive(value):
        value = timezone.make_aware(value)
    return value

"""Create, revoke and check API tokens. Every create and revoke leaves an AuditEvent (the key's
name, scope, expiry and prefix — never the secret)."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from chungtay.households.actions import audit
from chungtay.i18n import tr

from .models import ApiToken

PREFIX = "ct_"
MAX_DAYS = 365
DEFAULT_DAYS = 90
MAX_ACTIVE = 20          # active keys per user
LAST_USED_EVERY = 60     # seconds: last_used_at is written at most once a minute per key


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8", "surrogatepass")).hexdigest()


@transaction.atomic
def create_token(actor, *, name: str, scope: str = ApiToken.READ, days: int = DEFAULT_DAYS,
                 via: str = "web") -> tuple[ApiToken, str]:
    """A new key for ``actor`` (a user creates keys for themselves). Returns the key and its secret,
    which is not stored anywhere and cannot be shown again."""
    if not getattr(actor, "is_authenticated", False) or not actor.is_active:
        raise PermissionDenied(tr("Tài khoản không hoạt động", "The account is not active"))
    name = (name or "").strip()[:80]
    if not name:
        raise ValidationError({"name": tr("Hãy đặt tên cho khóa (ví dụ: phần mềm của Sở)",
                                          "Give the key a name (e.g. the department's software)")})
    if scope not in (ApiToken.READ, ApiToken.WRITE):
        raise ValidationError({"scope": tr("Quyền của khóa phải là chỉ đọc hoặc đọc và ghi",
                                           "The key's scope must be read or write")})
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": tr(f"Thời hạn phải từ 1 đến {MAX_DAYS} ngày",
                                          f"The validity must be between 1 and {MAX_DAYS} days")})
    active = ApiToken.objects.filter(user=actor, revoked_at=None, expires_at__gt=timezone.now()).count()
    if active >= MAX_ACTIVE:
        raise ValidationError(tr(f"Mỗi tài khoản có tối đa {MAX_ACTIVE} khóa còn hiệu lực: hãy thu hồi khóa cũ",
                                 f"An account has at most {MAX_ACTIVE} active keys: revoke an old one"))
    body = secrets.token_urlsafe(32)
    secret = f"{PREFIX}{body}"
    token = ApiToken.objects.create(user=actor, name=name, prefix=secret[:10], digest=digest(secret), scope=scope,
                                    expires_at=timezone.now() + timedelta(days=days))
    audit(actor, "api_token.create", token, None, name=name, scope=scope, prefix=token.prefix,
          expires=token.expires_at.date().isoformat(), via=via)
    return token, secret


@transaction.atomic
def revoke_token(actor, token: ApiToken, via: str = "web") -> ApiToken:
    """Revoke one of the actor's own keys (at once: the next request with it answers 401)."""
    if token.user_id != getattr(actor, "pk", None):
        raise PermissionDenied(tr("Chỉ người tạo khóa mới thu hồi được khóa", "Only the key's owner may revoke it"))
    t = ApiToken.objects.select_for_update().get(pk=token.pk)
    if t.revoked_at is None:
        t.revoked_at = timezone.now()
        t.save(update_fields=["revoked_at"])
        audit(actor, "api_token.revoke", t, None, name=t.name, prefix=t.prefix, via=via)
    token.revoked_at = t.revoked_at
    return t


class TokenRefused(Exception):
    def __init__(self, code: str, vi: str, en: str):
        super().__init__(en)
        self.code, self.vi, self.en = code, vi, en


def check(secret: str) -> ApiToken:
    """The active key with this secret (and its user), or TokenRefused saying why."""
    secret = (secret or "").strip()
    token = None
    if secret.startswith(PREFIX) and len(secret) < 200:
        token = ApiToken.objects.select_related("user").filter(digest=digest(secret)).first()
    if token is None or not token.user.is_active:
        raise TokenRefused("token_invalid", "Khóa API không đúng", "The API key is not valid")
    if token.revoked_at is not None:
        raise TokenRefused("token_revoked", "Khóa API đã bị thu hồi", "The API key has been revoked")
    if token.expired:
        raise TokenRefused("token_expired", "Khóa API đã hết hạn: hãy tạo khóa mới",
                           "The API key has expired: create a new one")
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token

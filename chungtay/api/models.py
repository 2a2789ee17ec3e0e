"""API tokens (stored hashed), remembered idempotent writes and rate-limit counters (docs/api.md)."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    """A user's key for the REST API. Only the SHA-256 digest of the secret is stored; the secret is
    shown once, when the key is created. ``prefix`` (the secret's first characters) tells keys apart
    on the page and in the audit trail without revealing them."""
    READ, WRITE = "read", "write"
    SCOPES = [(READ, "Chỉ đọc"), (WRITE, "Đọc và ghi")]
    SCOPE_EN = {READ: "Read only", WRITE: "Read and write"}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=80)
    prefix = models.CharField(max_length=16, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=5, choices=SCOPES, default=READ)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def active(self) -> bool:
        return self.revoked_at is None and not self.expired

    @property
    def can_write(self) -> bool:
        return self.scope == self.WRITE


class IdempotentWrite(models.Model):
    """A write sent with an ``Idempotency-Key``: the same key and body again answers the stored
    response; the same key with another body is refused (409). ``status`` 0 = still running."""
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=100)
    request_hash = models.CharField(max_length=64)
    method = models.CharField(max_length=8)
    path = models.CharField(max_length=300)
    status = models.PositiveSmallIntegerField(default=0)
    body = models.BinaryField(default=b"")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="api_idempotency_key_once")]


class RateWindow(models.Model):
    """Requests of one token in one minute (``window`` = minutes since the epoch) and bucket
    ("all" or "write"). In the database, so the limit holds across every server process."""
    token = models.ForeignKey(ApiToken, on_delete=models.CASCADE, related_name="+")
    bucket = models.CharField(max_length=8)
    window = models.BigIntegerField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["token", "bucket", "window"], name="api_rate_window_once")]

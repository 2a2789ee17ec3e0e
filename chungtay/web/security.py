"""Security headers (Content-Security-Policy and friends) and the audit of failed log-ins.

The policy allows scripts only from our own origin: no inline script, no ``eval``. Data for
scripts travels in ``<script type="application/json">`` blocks written by ``json_script`` (not
executed) and in data attributes. Styles allow 'unsafe-inline' because ECharts writes its tooltips
with inline ``style`` attributes and the bar cells use ``style="--w:…"``; a style cannot run code.
See docs/security.md.
"""
from __future__ import annotations

from django.conf import settings
from django.contrib.auth.signals import user_login_failed
from django.dispatch import receiver
from django.shortcuts import render

CSP = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
])
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class SecurityHeadersMiddleware:
    """Adds the Content-Security-Policy and Permissions-Policy to every response (Django's
    SecurityMiddleware adds HSTS, nosniff, Referrer-Policy and Cross-Origin-Opener-Policy)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


TRUSTED_PROXIES = ("127.0.0.1", "::1")


def client_ip(request) -> str:
    """The client's address for the log-in throttle and its audit (AXES_CLIENT_IP_CALLABLE). Behind
    the documented proxy (``CHUNGTAY_BEHIND_PROXY=1``) every request comes from nginx on this machine,
    which sets ``X-Forwarded-For`` to the address it saw (deploy/nginx-chungtay.conf): the last entry
    of that header is taken, and only from a trusted proxy, so a client cannot choose its own address
    (a header sent by the client stays in front of nginx's). Otherwise ``REMOTE_ADDR``."""
    import ipaddress
    remote = request.META.get("REMOTE_ADDR", "") or ""
    if getattr(settings, "CHUNGTAY_BEHIND_PROXY", False) and remote in TRUSTED_PROXIES:
        forwarded = (request.META.get("HTTP_X_FORWARDED_FOR", "") or "").split(",")[-1].strip()
        try:
            return str(ipaddress.ip_address(forwarded))
        except ValueError:
            pass
    return remote[:45]


def _ip(request) -> str:
    return (getattr(request, "axes_ip_address", None) or client_ip(request) or "")[:45]


def _audit(action: str, username: str, request, **changes) -> None:
    from chungtay.accounts.models import AuditEvent
    AuditEvent.objects.create(actor=None, action=action, object_type="login", object_id=(username or "")[:40],
                              changes={"ip": _ip(request) if request is not None else "", **changes})


@receiver(user_login_failed, dispatch_uid="chungtay-login-failed-audit")
def audit_login_failure(sender, credentials, request=None, **kwargs):
    """One AuditEvent per failed log-in: the user name tried and the address, never the password
    (Django has already replaced it in ``credentials``; we do not read it anyway)."""
    _audit("login.failed", str(credentials.get("username", "")), request)


def _connect_axes() -> None:
    from axes.signals import user_locked_out

    @receiver(user_locked_out, dispatch_uid="chungtay-login-locked-out-audit", weak=False)
    def audit_lockout(sender, request=None, username=None, ip_address=None, **kwargs):
        from django.conf import settings
        _audit("login.locked_out", str(username or ""), request, failures=settings.AXES_FAILURE_LIMIT,
               minutes=int(settings.AXES_COOLOFF_TIME.total_seconds() // 60))


_connect_axes()


def lockout_response(request, original_response=None, credentials=None):
    """What a locked-out user sees: the log-in page with a clear message, status 429."""
    from django.conf import settings
    from django.contrib.auth.forms import AuthenticationForm
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "web/login.html", {"form": AuthenticationForm(request), "locked_out": True,
                                              "lockout_minutes": minutes}, status=429)

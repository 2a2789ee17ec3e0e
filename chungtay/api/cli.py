"""``chungtay tokens create|revoke|list``: API keys from the command line (the same functions as
the "Khóa API" page, audited). The secret is printed once, on standard output."""
from __future__ import annotations

import os
import sys


def add_parser(sub) -> None:
    p = sub.add_parser("tokens", help="API keys of a user (create, revoke, list)",
                       description="Per-user keys for the REST API (/api/v1/, docs/api.md). Only a hash of "
                                   "each key is stored: create prints the key once.")
    s = p.add_subparsers(dest="sub", required=True)
    c = s.add_parser("create", help="create a key for a user and print it once")
    c.add_argument("--user", required=True, metavar="USERNAME", help="the key's owner (acts with their area and role)")
    c.add_argument("--name", required=True, help="what the key is for")
    c.add_argument("--scope", choices=["read", "write"], default="read", help="read (default) or read-write")
    c.add_argument("--days", type=int, default=90, help="validity in days (1–365, default 90)")
    c.set_defaults(func=cmd_create)
    r = s.add_parser("revoke", help="revoke a key (by its id or its prefix)")
    r.add_argument("--user", required=True, metavar="USERNAME", help="the key's owner")
    r.add_argument("key", metavar="ID|PREFIX")
    r.set_defaults(func=cmd_revoke)
    ls = s.add_parser("list", help="list a user's keys (never the secrets)")
    ls.add_argument("--user", required=True, metavar="USERNAME")
    ls.set_defaults(func=cmd_list)


def _err(msg: str) -> int:
    print(f"chungtay: error: {msg}", file=sys.stderr)
    return 2


def _user(name: str):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
    import django
    django.setup()
    from django.contrib.auth import get_user_model
    return get_user_model().objects.filter(username=name, is_active=True).first()


def cmd_create(args) -> int:
    user = _user(args.user)
    if user is None:
        return _err(f"no active user named {args.user!r}")
    from django.core.exceptions import ValidationError

    from .tokens import create_token
    try:
        token, secret = create_token(user, name=args.name, scope=args.scope, days=args.days, via="cli")
    except ValidationError as e:
        return _err("; ".join(str(m) for m in e.messages))
    print(secret)
    print(f"key {token.pk} ({token.prefix}…) for {user.username}: {token.scope}, expires "
          f"{token.expires_at:%Y-%m-%d}. Shown once: store it now.", file=sys.stderr)
    return 0


def cmd_revoke(args) -> int:
    user = _user(args.user)
    if user is None:
        return _err(f"no active user named {args.user!r}")
    from .models import ApiToken
    from .tokens import revoke_token
    keys = ApiToken.objects.filter(user=user)
    found = keys.filter(pk=int(args.key)) if args.key.isdigit() else keys.filter(prefix=args.key.rstrip("…."))
    if found.count() != 1:
        return _err(f"{user.username} has no key {args.key!r}" if not found.exists()
                    else f"{args.key!r} names several keys: give the id")
    t = revoke_token(user, found.get(), via="cli")
    print(f"key {t.pk} ({t.prefix}…) revoked")
    return 0


def cmd_list(args) -> int:
    user = _user(args.user)
    if user is None:
        return _err(f"no active user named {args.user!r}")
    from .models import ApiToken
    print("id\tprefix\tscope\tstatus\texpires\tlast_used\tname")
    for t in ApiToken.objects.filter(user=user).order_by("id"):
        status = "revoked" if t.revoked_at else "expired" if t.expired else "active"
        used = f"{t.last_used_at:%Y-%m-%d %H:%M}" if t.last_used_at else "-"
        print(f"{t.pk}\t{t.prefix}…\t{t.scope}\t{status}\t{t.expires_at:%Y-%m-%d}\t{used}\t{t.name}")
    return 0

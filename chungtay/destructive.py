"""Guard for commands that delete data (replacing the demo population; restoring a backup).

Such a command:
- names who runs it (``--actor USERNAME``, an existing user): the audit event records it;
- refuses to run in production mode (``CHUNGTAY_ENV=production``) without ``--allow-production``;
- shows what it will delete and asks the operator to type ``yes`` (``--yes`` skips the question,
  for scripts). Without an answer (no terminal, end of input) nothing happens.
"""
from __future__ import annotations

import sys

from chungtay.env import is_production


class Refused(Exception):
    """The command did not run: the message says why and what to add."""


def add_arguments(parser, what: str) -> None:
    parser.add_argument("--actor", metavar="USERNAME", help=f"who {what} (required: recorded in the audit trail)")
    parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    parser.add_argument("--allow-production", action="store_true",
                        help="allow this destructive command in production mode (CHUNGTAY_ENV=production)")


def confirm(what: str, counts: dict, *, actor: str | None, yes: bool = False, allow_production: bool = False,
            ask=None, out=None):
    """Check the conditions above; returns the acting user or raises :class:`Refused`."""
    ask, out = ask or input, out or sys.stderr
    if not actor:
        raise Refused(f"{what}: --actor USERNAME is required (who runs it is recorded in the audit trail)")
    from django.contrib.auth import get_user_model
    user = get_user_model().objects.filter(username=actor, is_active=True).first()
    if user is None:
        raise Refused(f"{what}: no active user named {actor!r} (--actor)")
    if is_production() and not allow_production:
        raise Refused(f"{what}: refused in production mode (CHUNGTAY_ENV=production); "
                      "add --allow-production if this is really intended")
    summary = ", ".join(f"{k.replace('_', ' ')}: {v:,}" for k, v in counts.items())
    print(f"{what} ({summary})", file=out)
    if yes:
        return user
    try:
        answer = ask('Type "yes" to continue: ')
    except EOFError:
        answer = ""
    if answer.strip().lower() != "yes":
        raise Refused(f"{what}: not confirmed, nothing was changed (type yes, or pass --yes)")
    return user

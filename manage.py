#!/usr/bin/env python
"""Django's command-line utility for Chung Tay (``python manage.py check --deploy``, ``migrate``, …).

The everyday commands are ``chungtay …`` (see README.md); in production mode without real keys
this refuses to run, like the app (docs/security.md)."""
import os
import sys


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
    from django.core.management import execute_from_command_line

    from chungtay.keys import ProductionRefused
    try:
        execute_from_command_line(sys.argv)
    except ProductionRefused as e:
        print(f"manage.py: error: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The WSGI application (waitress via ``chungtay serve``, or gunicorn/uWSGI/waitress-serve).

In production mode without real keys the settings refuse to load: the import prints one line
on standard error and exits with status 2 (no traceback), so the server does not start. Once loaded,
every view is imported and every template compiled before the first request (``web/warm.py``)."""
import os
import sys

from django.core.wsgi import get_wsgi_application

from chungtay.keys import ProductionRefused

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
try:
    application = get_wsgi_application()
except ProductionRefused as e:
    print(f"chungtay: error: {e}", file=sys.stderr)
    raise SystemExit(2) from None

from chungtay.web.warm import warm  # noqa: E402

warm()

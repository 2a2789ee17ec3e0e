"""/api/v1/: the API (namespace ``api``), the key page, and a JSON 404 for any other path below."""
from __future__ import annotations

from functools import wraps

from django.urls import path, re_path
from django.views.decorators.csrf import csrf_exempt

from . import errors, pages
from .main import api


def _json_405(view):
    """ninja answers an unsupported method with a plain 405: give it the API's error shape."""
    @wraps(view)
    def run(request, *args, **kwargs):
        resp = view(request, *args, **kwargs)
        if resp.status_code == 405 and not resp.get("Content-Type", "").startswith("application/json"):
            out = errors.response(request, 405, "method_not_allowed")
            out["Allow"] = resp.get("Allow", "")
            return out
        return resp
    return run


@csrf_exempt        # an API path, never a form: a POST to an unknown path is a 404, not a CSRF failure
def _not_found(request, rest=""):
    return errors.response(request, 404, "not_found")


_patterns, _app, _namespace = api.urls
for _p in _patterns:
    _p.callback = _json_405(_p.callback)
_patterns.append(re_path(r"^(?P<rest>.*)$", _not_found, name="not_found"))

urlpatterns = [
    path("keys/", pages.keys_page, name="api_keys"),
    path("", (_patterns, _app, _namespace)),
]

"""The payload browser test (tests/test_e2e_xss.py) opens every page of the project (issue 7, point 1).

Its pages are listed in tests/xss_pages.py. ``test_every_url_pattern_is_opened_or_waived`` reads the
URL patterns from the resolver, resolves every path the payload test opens, and fails unless each
pattern is opened there or named in ``WAIVED`` with its reason (a file, JSON, a POST-only write, a
redirect); the operations of the JSON API (django-ninja operations of the ``api`` namespace) are JSON
by construction. A new page therefore fails here until the payload test opens it, with payloads in
the texts it shows (tests/xss_payloads.py).

``test_the_waived_urls_are_not_pages`` holds the reasons against the application: a URL waived as
POST only answers a GET with 405, one waived as a file or JSON answers something other than HTML,
a redirect redirects, a URL with no page answers 404 (the requests of the role × URL test's rows, tests/test_role_url_matrix.py)."""
from __future__ import annotations

import pytest
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse

import tests.test_role_url_matrix as matrix
from tests.xss_pages import FILE, JSON, MISSING, PAGES, POST, REDIRECT, SENT, WAIVED, templates


def _patterns(patterns, prefix="") -> dict[str, URLPattern]:
    out = {}
    for p in patterns:
        if isinstance(p, URLResolver):
            out.update(_patterns(p.url_patterns, f"{prefix}{p.namespace}:" if p.namespace else prefix))
        elif isinstance(p, URLPattern):
            out[f"{prefix}{p.name}" if p.name else f"{prefix}<unnamed {p.pattern}>"] = p
    return out


def _api_operation(name: str, p: URLPattern) -> bool:
    """An operation of the JSON API (its view is django-ninja's, wrapped by chungtay/api/urls.py)."""
    view = p.callback
    while hasattr(view, "__wrapped__") and not view.__module__.startswith("ninja."):
        view = view.__wrapped__
    return name.startswith("api:") and view.__module__ == "ninja.operation"


class _Ids(dict):
    def __missing__(self, key):
        return "1"


def opened() -> dict[str, str]:
    """URL name → the first path template of the payload test that opens it."""
    out: dict[str, str] = {}
    for t in templates():
        path = t.format_map(_Ids(q="x")).split("?")[0]
        try:
            name = resolve(path).view_name
        except Resolver404:
            pytest.fail(f"tests/xss_pages.py opens {t!r}, which is no URL of the project")
        out.setdefault(name, t)
    return out


def test_every_url_pattern_is_opened_or_waived():
    patterns = _patterns(get_resolver().url_patterns)
    seen = opened()
    api = {n for n, p in patterns.items() if _api_operation(n, p)}
    assert len(api) > 50                      # the check above recognises the API's operations
    missing = sorted(set(patterns) - set(seen) - set(WAIVED) - api)
    assert not missing, ("pages the payload test (tests/test_e2e_xss.py) does not open: add them to PAGES in "
                         "tests/xss_pages.py, with payloads in the texts they show (tests/xss_payloads.py), or to "
                         f"WAIVED with the reason: {missing}")
    assert not sorted(set(WAIVED) - set(patterns)), "WAIVED names a URL that no longer exists"
    both = sorted(set(WAIVED) & (set(seen) | api))
    assert not both, f"opened (or an API operation) and waived: {both}"
    assert all(reason.strip() for reason in WAIVED.values())
    assert set(SENT) <= set(PAGES)


# the URLs waived that the role × URL rows do not name (the API's own, proved by its scope test)
EXTRA = {"api:openapi-json": "/api/v1/openapi.json", "api:api-root": "/api/v1/", "api:not_found": "/api/v1/nothing/"}


def _kind(reason: str) -> str:
    for kind in (POST, FILE, JSON, REDIRECT, MISSING):
        if reason.startswith(kind):
            return kind
    raise AssertionError(f"a reason of WAIVED does not start with POST, FILE, JSON, REDIRECT or MISSING: {reason!r}")


def _get(name: str, kind: str, w) -> tuple[str, str | None]:
    """(URL, user) of a GET of ``name``, from the role × URL rows: a POST-only URL as the commune
    officer (signed in: the method is refused before anything else), any other as the first user the
    rows let read it."""
    if name in EXTRA:
        return EXTRA[name], None
    cases = matrix.CASES[name]
    if kind == POST:
        return reverse(name, args=cases[0].args(w)), matrix.XA
    for code in (200, 302):                 # a reader, else (a redirect) whoever the rows send on
        for case in cases:
            if case.method == "GET":
                query = case.query(w) if callable(case.query) else case.query
                for user in matrix.USERS:
                    if case.expect[user] == code:
                        return reverse(name, args=case.args(w)) + query, (None if user == matrix.ANON else user)
    raise AssertionError(f"{name}: no GET row of tests/test_role_url_matrix.py that a user may read")


geo_layer = matrix.geo_layer           # the province's boundary layer, for dashboard_geo


@pytest.mark.django_db
def test_the_waived_urls_are_not_pages(commune_officer, my_commune, village_head, geo_layer, django_user_model):
    w = matrix.build_world(commune_officer, my_commune, village_head)
    client = Client(raise_request_exception=False)
    wrong = []
    for name, reason in sorted(WAIVED.items()):
        kind = _kind(reason)
        url, user = _get(name, kind, w)
        client.logout()
        if user is not None:
            client.force_login(django_user_model.objects.get(username=user))
        r = client.get(url)
        ctype = r.get("Content-Type", "")
        if kind == POST:
            ok = r.status_code == 405
        elif kind == REDIRECT:
            ok = r.status_code in (301, 302)
        elif kind == MISSING:
            ok = r.status_code == 404
        else:       # a file or JSON: not an HTML page (the API's 404 is JSON too)
            ok = r.status_code in ((404,) if name == "api:not_found" else (200,)) and not ctype.startswith("text/html")
        if not ok:
            label = {POST: "POST only", FILE: "a file", JSON: "JSON", REDIRECT: "a redirect", MISSING: "404"}[kind]
            wrong.append(f"{name} (waived as {label}): GET {url} as {user}: {r.status_code} {ctype}")
    assert not wrong, "waived for a reason the answer does not bear out:\n" + "\n".join(wrong)

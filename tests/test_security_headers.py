"""Every response carries the security headers, and the pages satisfy the Content-Security-Policy:
no inline script, no inline event handler, no javascript: URL; data for scripts goes through
json_script, so a name holding markup cannot end the <script> block."""
import json
import re

import pytest
from django.urls import reverse

from chungtay.units.models import Unit
from chungtay.web.security import CSP

PAYLOAD = '</script><script>window.__xss=1</script><img src=x onerror="window.__xss=1">'


def _directives(csp):
    return {d.split()[0]: d.split()[1:] for d in csp.split("; ")}


def test_the_policy_allows_no_inline_or_foreign_script():
    d = _directives(CSP)
    assert d["script-src"] == ["'self'"]
    assert d["object-src"] == ["'none'"] and d["frame-ancestors"] == ["'none'"] and d["base-uri"] == ["'none'"]
    assert "'unsafe-eval'" not in CSP and "*" not in CSP


def test_the_login_page_carries_the_security_headers(client):
    r = client.get("/login/")
    assert r["Content-Security-Policy"] == CSP
    assert r["X-Frame-Options"] == "DENY"
    assert r["X-Content-Type-Options"] == "nosniff"
    assert r["Referrer-Policy"] == "same-origin"
    assert r["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in r["Permissions-Policy"]


def test_session_cookies_are_http_only_and_expire(client, settings, db):
    assert settings.SESSION_COOKIE_AGE <= 8 * 3600 and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    r = client.post("/login/", {"username": "xa", "password": "chungtay2025"})
    assert r.status_code == 302
    cookie = r.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"] and cookie["expires"] == "" and cookie["max-age"] == ""   # browser-session cookie
    assert settings.CSRF_COOKIE_HTTPONLY


def test_all_password_validators_are_on(settings):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    names = {v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS}
    assert names == {"UserAttributeSimilarityValidator", "MinimumLengthValidator", "CommonPasswordValidator",
                     "NumericPasswordValidator"}
    for weak in ("password", "12345678901", "abc"):
        with pytest.raises(ValidationError):
            validate_password(weak)


def _pages(commune, province):
    from chungtay.households.models import Household
    from chungtay.plans.models import Target
    hh = Household.objects.filter(commune=commune).order_by("id").first()
    t = Target.objects.filter(plan__unit=province).order_by("id").first() or Target.objects.order_by("id").first()
    return {
        "xa": [reverse("home"), reverse("unit", args=[commune.pk]), reverse("households") + f"?unit={commune.pk}",
               reverse("household", args=[hh.pk]), reverse("assessment_new", args=[hh.pk]), reverse("standards"),
               reverse("rounds"), reverse("imports:upload")],
        "tinh": [reverse("dashboard", args=[province.pk]), reverse("analysis", args=[province.pk]),
                 reverse("plans")] + ([reverse("target", args=[t.pk])] if t else []),
        "admin": [reverse("national")],
    }


def _assert_csp_clean(html, url):
    for m in re.finditer(r"<script\b([^>]*)>", html):
        attrs = m.group(1)
        assert "src=" in attrs or 'type="application/json"' in attrs, (url, m.group(0))
    assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), (url, re.search(r"<[^>]+\son[a-z]+\s*=", html).group(0))
    assert "javascript:" not in html, url


def test_the_main_pages_have_no_inline_script(client, province_officer, my_commune):
    from django.contrib.auth import get_user_model
    for username, urls in _pages(my_commune, province_officer.assignments.get().unit).items():
        client.force_login(get_user_model().objects.get(username=username))
        for url in urls:
            r = client.get(url, follow=True)
            assert r.status_code == 200, url
            assert r["Content-Security-Policy"] == CSP
            _assert_csp_clean(r.content.decode(), url)


def test_a_unit_name_holding_markup_stays_data_in_the_dashboard(client, province_officer):
    province = province_officer.assignments.get().unit
    from chungtay.households.models import Household
    commune = Household.objects.filter(province=province).order_by("id").first().commune
    Unit.objects.filter(pk=commune.pk).update(name=PAYLOAD, full_name="Xã " + PAYLOAD)
    client.force_login(province_officer)
    html = client.get(reverse("dashboard", args=[province.pk])).content.decode()
    assert PAYLOAD not in html and "<script>window.__xss" not in html
    data = json.loads(re.search(r'<script id="dash-data" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert any(PAYLOAD in c["name"] for c in data["children"])

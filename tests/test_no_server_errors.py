"""Property: no input makes the server answer 500.

Every URL pattern of the site (enumerated with ``get_resolver()``, so a new page is covered or this
test fails) is requested by every persona with random and extreme values in its query parameters,
its path numbers and its form fields: huge, negative and non-integer numbers, NaN, 1e308, unicode,
very long text, empty strings, SQL-ish text, ``../`` and NUL characters. Any status but 500 is fine
(200, 302, 400, 403, 404, 405); the test client re-raises an unhandled exception, so a failure
shows its traceback.
"""
import json
import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PERSONAS = ["admin", "tinh", "xa", "xa2", "thon", "chutich", None]

# Every query parameter any view reads (grep GET.get): each page gets all of them at random.
QUERY_PARAMS = ["year", "unit", "page", "q", "category", "em", "village", "format", "as_of", "compare", "k",
                "group", "part", "escaped", "nam", "xa", "from", "to", "list", "kind", "next", "w_income",
                "w_health_insurance", "w_housing_area"]

EXTREMES = ["", " ", "0", "-1", "1", "2025", "2016", "1900", "99999", "-99999999999999999999",
            "99999999999999999999", "9223372036854775808", "1e308", "-1e308", "1e-308", "nan", "NaN", "inf",
            "-inf", "1.5", "1,5", "1.200.000", "0x10", "abc", "Hà Nội", "xã Đắk Hà 😀", "' OR 1=1 --",
            "\"; DROP TABLE households_household; --", "../../etc/passwd", "..%2F..%2F", "<script>alert(1)</script>",
            "\x00", "a\x00b", "%00", "x" * 5000, "١٢٣", "²", "true", "null", "[]", "{}", "csv", "json", "poor",
            "near_poor", "trend", "children", "movements", "deprivations", "all", "ethnic_minority"]

values = st.one_of(
    st.sampled_from(EXTREMES),
    st.integers(min_value=-(10 ** 30), max_value=10 ** 30).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(max_size=60),
)

# Path numbers: real ids of the demo world (filled in by the fixture) and extremes.
PATH_INTS = ["0", "1", "2147483648", "9223372036854775807", "9223372036854775808", "99999999999999999999999"]


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            yield from _patterns(p, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p


def _fill(route: str, ids: list[str], data) -> str:
    def num(m):
        return data.draw(st.sampled_from(ids + PATH_INTS), label=m.group(1))
    path = re.sub(r"<int:(\w+)>", num, route)
    path = re.sub(r"<str:(\w+)>", lambda m: data.draw(st.sampled_from(["vi", "en", "xx", "../"])), path)
    return "/" + path.lstrip("^").rstrip("$")


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Real ids to put in paths: units, households, rounds, plans, targets of the demo world."""
    with django_db_blocker.unblock():
        from chungtay.households.models import Household
        from chungtay.plans.models import Plan, Target
        from chungtay.reviews.models import ReviewRound
        from chungtay.units.models import Unit
        from django.contrib.auth import get_user_model
        xa = get_user_model().objects.get(username="xa")
        commune = xa.assignments.get().unit
        ids = {commune.pk, commune.parent_id}
        ids |= set(Unit.objects.filter(parent=commune).values_list("pk", flat=True)[:2])
        ids |= set(Household.objects.filter(commune=commune).values_list("pk", flat=True)[:3])
        ids |= set(ReviewRound.objects.filter(commune=commune).values_list("pk", flat=True)[:2])
        ids |= set(Plan.objects.values_list("pk", flat=True)[:1]) | set(Target.objects.values_list("pk", flat=True)[:1])
        return sorted(str(i) for i in ids if i)


@pytest.fixture
def clients(db):
    from django.contrib.auth import get_user_model
    from django.test import Client
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[p for p in PERSONAS if p])}
    out = {}
    for name in PERSONAS:
        c = Client()
        if name:
            c.force_login(users[name])
        out[name] = c
    return out


ROUTES = sorted(r for r, _ in _patterns())


def _check(resp, what):
    assert resp.status_code != 500, f"500 on {what}"
    assert resp.status_code in (200, 204, 301, 302, 400, 401, 403, 404, 405), (resp.status_code, what)   # 401: the API without a key


HEAVY = {"reports/units/<int:pk>/posting-list.pdf", "reports/households/<int:pk>/certificate.pdf",
         "reports/units/<int:pk>/posting-list.xlsx", "reports/units/<int:pk>/summary.xlsx", "import/template.xlsx"}
FEW = settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                     HealthCheck.too_slow])
SOME = settings(max_examples=7, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                      HealthCheck.too_slow])


def _examples(route):
    return FEW if route in HEAVY else SOME


@pytest.mark.parametrize("route", ROUTES)
def test_no_query_parameter_makes_a_server_error(clients, world, route):
    @_examples(route)
    @given(data=st.data())
    def run(data):
        path = _fill(route, world, data)
        params = data.draw(st.dictionaries(st.sampled_from(QUERY_PARAMS), values, min_size=1, max_size=8),
                           label="params")
        persona = data.draw(st.sampled_from(PERSONAS), label="persona")
        c = clients[persona]
        c.cookies["chungtay_lang"] = data.draw(st.sampled_from(["vi", "en"]), label="lang")
        _check(c.get(path, params), f"GET {path} {params!r} as {persona}")
    run()


# Form fields of every form of the site (names from the forms themselves) plus the names views
# read from POST directly.
def _form_fields():
    from chungtay.plans import forms as pf
    from chungtay.reviews import forms as rf
    from chungtay.web import forms as wf
    names = set()
    for mod in (wf, rf, pf):
        for obj in vars(mod).values():
            if isinstance(obj, type) and hasattr(obj, "base_fields"):
                names |= set(obj.base_fields)
    return sorted(names | {"to", "next", "dry_run", "commune", "agree_1", "ind_income", "username", "password"})


FIELDS = _form_fields()


POST_ROUTES = [r for r in ROUTES if r not in HEAVY and not r.endswith((".json", ".geojson", ".csv"))]


@pytest.mark.parametrize("route", POST_ROUTES)
def test_no_form_input_makes_a_server_error(clients, world, route):
    @FEW
    @given(data=st.data())
    def run(data):
        path = _fill(route, world, data)
        form = data.draw(st.dictionaries(st.sampled_from(FIELDS), values, min_size=2, max_size=12), label="form")
        persona = data.draw(st.sampled_from(PERSONAS[:-1]), label="persona")
        c = clients[persona]
        c.cookies["chungtay_lang"] = data.draw(st.sampled_from(["vi", "en"]), label="lang")
        if data.draw(st.booleans(), label="urlencoded"):     # as a browser posts a plain form
            from urllib.parse import urlencode
            resp = c.post(path, urlencode(form), content_type="application/x-www-form-urlencoded")
        else:
            resp = c.post(path, form)
        _check(resp, f"POST {path} {form!r} as {persona}")
    run()


# JSON API: any JSON document.
json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20)
                           | st.sampled_from(EXTREMES), lambda kids: st.lists(kids, max_size=3)
                           | st.dictionaries(st.text(max_size=8), kids, max_size=3), max_leaves=8)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.one_of(
    st.fixed_dictionaries({}, optional={"year": json_values, "standard": json_values, "area": json_values,
                                        "income": json_values, "score_a": json_values, "deprived": json_values}),
    json_values))
def test_no_json_makes_a_server_error(clients, body):
    resp = clients["xa"].post("/api/v1/classify", json.dumps(body, allow_nan=True),
                              content_type="application/json")
    _check(resp, f"classify {body!r}")


def test_every_url_pattern_is_exercised():
    """The routes drawn from are all of the site's: a new page is covered automatically."""
    assert len(ROUTES) >= 40
    assert {"households/", "api/v1/classify", "import/", "reviews/<int:pk>/"} <= set(ROUTES)

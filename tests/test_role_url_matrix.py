"""Every URL of the project, with every role and an out-of-area user: the allowed answers
and the refused ones (docs/roles.md).

The URL patterns are read from the resolver, so a new URL without a row in ``CASES`` makes
``test_every_url_pattern_has_expectations`` fail. Each app added later keeps its rows in its own
``tests/matrix_<app>.py``: a module with ``CASES`` (merged here), optionally ``extend(world)``
(adds the app's objects to the world as attributes) and ``OWN_TESTS`` (URL namespaces proved by
the app's own every-endpoint test, e.g. the API's token scope test). Users: anonymous, ``admin`` (national),
``tinh`` (province officer), ``xa`` (commune poverty officer), ``chutich`` (commune
chairman, same commune), ``thon`` (village head of a village of that commune), ``xa2``
(the officer of another commune, against xa's objects), ``mttq`` (the Fatherland Front committee
of xa's commune) and ``mttqtinh`` (the Front committee of the province). A refused answer is 403
(role) or 404 (outside the area); no answer is ever a 500.

The Front committees read like the officers of their area (they supervise the programme: the
review, the registry, the plans, the supports) and write only what the law gives them: the books
of their own unit's Fund for the Poor (tests/matrix_fund.py) and the activities of their own unit's
emulation movements; no data entry of the review or the registry, no import, no plan, no support
(docs/roles.md). The helpers below give them the officers' reads (``area``, ``codes``) and the
refusal of every write (``only``) unless a row names them.

An "allowed" write may still answer with a validation message (the round's state, an empty
form): that proves the role check let the user through; the action tests
(tests/test_roles_*.py) prove the writes themselves.
"""
from __future__ import annotations

import importlib
import json
from pathlib import Path
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from chungtay.households.models import Assessment, Household
from chungtay.imports.models import ImportJob
from chungtay.plans import actions as plan_actions
from chungtay.plans.models import Target
from chungtay.reviews import actions as round_actions
from chungtay.reviews.models import Complaint

ANON, ADMIN, TINH, XA, CHUTICH, THON, XA2 = "anon", "admin", "tinh", "xa", "chutich", "thon", "xa2"
MTTQ, MTTQTINH = "mttq", "mttqtinh"     # the Fatherland Front committees of xa's commune and of its province
USERS = (ANON, ADMIN, TINH, XA, CHUTICH, THON, XA2, MTTQ, MTTQTINH)
ROUND_YEAR = 2026
DATA_YEAR = 2025


def codes(default: int, anon: int = 302, **by_user: int) -> dict[str, int]:
    out = {u: default for u in USERS}
    out[ANON] = anon
    out.update(by_user)
    return out


def area(ok: int = 200, **more) -> dict[str, int]:
    """A read of xa's commune: everyone whose area holds it; the village head and the other
    commune's officer are outside (404)."""
    return codes(ok, **{THON: 404, XA2: 404, **more})


def only(ok: int, allowed: tuple[str, ...], outside: tuple[str, ...] = (XA2,), refused: int = 403):
    """A write: ``allowed`` users pass, ``outside`` users cannot even see the object (404),
    everyone else is refused by the role matrix (403)."""
    out = codes(refused)
    out.update({u: 404 for u in outside})
    out.update({u: ok for u in allowed})
    return out


@dataclass
class Case:
    method: str
    args: Callable = lambda w: []
    expect: dict = field(default_factory=dict)
    query: str = ""
    data: Callable | None = None
    json: bool = False


SURVEY = {"basis": "income", "value": "2000000"}

CASES: dict[str, list[Case]] = {
    # --- web ---
    "home": [Case("GET", expect=codes(302))],
    "login": [Case("GET", expect=codes(200, anon=200))],
    "logout": [Case("GET", expect=codes(405, anon=405)), Case("POST", expect=codes(302, anon=302))],
    "set_language": [Case("GET", lambda w: ["en"], codes(302, anon=302))],
    "unit": [Case("GET", lambda w: [w.commune.pk], area(), f"?year={DATA_YEAR}"),
             Case("GET", lambda w: [w.village.pk], area(**{THON: 200}), f"?year={DATA_YEAR}")],
    "households": [Case("GET", expect=codes(200))],
    "household_create": [Case("GET", expect=only(200, (XA, XA2), outside=())),
                         Case("POST", expect=only(200, (XA, XA2), outside=()), data=lambda w: {})],
    "household": [Case("GET", lambda w: [w.hh.pk], area(**{THON: 200}))],
    "member_add": [Case("GET", lambda w: [w.hh.pk], only(200, (XA,))),
                   Case("POST", lambda w: [w.hh.pk], only(200, (XA,)), data=lambda w: {})],
    "assessment_new": [Case("GET", lambda w: [w.hh.pk], only(200, (XA,))),
                       Case("POST", lambda w: [w.hh.pk], only(200, (XA,)), data=lambda w: {})],
    "standards": [Case("GET", expect=codes(200))],
    "healthz": [Case("GET", expect=codes(200, anon=200)), Case("POST", expect=codes(405, anon=405))],
    # --- import ---
    "imports:upload": [Case("GET", expect=only(200, (XA, XA2), outside=())),
                       Case("POST", expect=only(200, (XA, XA2), outside=()), data=lambda w: {})],
    "imports:template": [Case("GET", expect=area(), query=lambda w: f"?nam={DATA_YEAR}&xa={w.commune.pk}")],
    "imports:job": [Case("GET", lambda w: [w.job.pk], codes(404, **{XA: 200}))],
    "imports:job_json": [Case("GET", lambda w: [w.job.pk], codes(404, **{XA: 200}))],
    "imports:job_errors": [Case("GET", lambda w: [w.job.pk], codes(404, **{XA: 200}))],
    # --- review rounds (the round is in the survey step) ---
    "rounds": [Case("GET", expect=codes(200)),
               Case("POST", expect=only(200, (XA, XA2), outside=()), data=lambda w: {})],
    "round": [Case("GET", lambda w: [w.rnd.pk], codes(200, **{XA2: 404}))],
    "round_add": [Case("POST", lambda w: [w.rnd.pk], only(302, (XA,)),
                       data=lambda w: {"code": w.extra.code, "reason": "requested"})],
    "round_advance": [Case("POST", lambda w: [w.rnd.pk], only(302, (XA,)), data=lambda w: {"to": "meeting"}),
                      Case("POST", lambda w: [w.rnd.pk], only(302, (CHUTICH,)), data=lambda w: {"to": "locked"})],
    "round_survey": [Case("GET", lambda w: [w.rnd.pk, w.hh.pk], only(200, (XA, THON))),
                     Case("POST", lambda w: [w.rnd.pk, w.hh.pk], only(302, (XA, THON)), data=lambda w: SURVEY)],
    "round_meeting": [Case("POST", lambda w: [w.rnd.pk], only(302, (XA, THON)), data=lambda w: {
        "village": w.village.pk, "held_on": f"{ROUND_YEAR}-10-01", "chaired_by": "A", "attendees": 10,
        "minutes": "Biên bản"})],
    "round_posting": [Case("POST", lambda w: [w.rnd.pk], only(302, (XA,)),
                           data=lambda w: {"posted_from": f"{ROUND_YEAR}-10-05", "places": "UBND xã"}),
                      Case("POST", lambda w: [w.rnd.pk], only(302, (XA,)), data=lambda w: {
                          "code": w.hh.code, "received_on": f"{ROUND_YEAR}-10-06", "complainant": "B",
                          "content": "Đề nghị phúc tra"})],
    "round_resolve": [Case("POST", lambda w: [w.rnd.pk, w.complaint.pk], only(302, (XA,)),
                           data=lambda w: {"outcome": "rejected", "resolution": "Đúng quy định"})],
    "round_recognise": [Case("POST", lambda w: [w.rnd.pk], only(302, (CHUTICH,)), data=lambda w: {
        "decision_no": "1/QĐ-UBND", "decision_date": f"{ROUND_YEAR}-11-01", "decided_by": "Chủ tịch"})],
    "movements": [Case("GET", lambda w: [w.commune.pk], area())],
    # --- plans and dashboards (a plan of xa's commune, with one target) ---
    "plans": [Case("GET", expect=codes(200, **{THON: 403})),
              Case("POST", expect=only(200, (TINH, XA, XA2), outside=()), data=lambda w: {})],
    "plan": [Case("GET", lambda w: [w.plan.pk], area()),
             Case("POST", lambda w: [w.plan.pk], only(200, (TINH, XA), outside=(THON, XA2)), data=lambda w: {})],
    "target": [Case("GET", lambda w: [w.target.pk], area()),
               Case("POST", lambda w: [w.target.pk], only(200, (TINH, XA), outside=(THON, XA2)),
                    data=lambda w: {})],
    "target_derive": [Case("GET", lambda w: [w.target.pk], codes(405)),
                      Case("POST", lambda w: [w.target.pk], only(302, (TINH,), outside=(THON, XA2)),
                           data=lambda w: {})],
    "national": [Case("GET", expect=codes(200), query=f"?year={DATA_YEAR}")],
    "national_geo": [Case("GET", expect=codes(200))],
    "dashboard": [Case("GET", lambda w: [w.commune.pk], area(), f"?year={DATA_YEAR}")],
    "analysis": [Case("GET", lambda w: [w.commune.pk], area(), f"?year={DATA_YEAR}")],
    "dashboard_csv": [Case("GET", lambda w: [w.commune.pk], area(), f"?year={DATA_YEAR}&part=trend")],
    "dashboard_geo": [Case("GET", lambda w: [w.province.pk], codes(404, **{ADMIN: 200, TINH: 200, MTTQTINH: 200}))],
    # --- reports ---
    "reports:unit": [Case("GET", lambda w: [w.commune.pk], area(), f"?year={DATA_YEAR}")],
    "reports:posting_list_pdf": [Case("GET", lambda w: [w.village.pk], area(**{THON: 200}), f"?year={DATA_YEAR}")],
    "reports:posting_list_xlsx": [Case("GET", lambda w: [w.commune.pk], area(), f"?year={DATA_YEAR}")],
    "reports:summary_xlsx": [Case("GET", lambda w: [w.commune.pk], area(), f"?year={DATA_YEAR}")],
    "reports:certificate_pdf": [Case("GET", lambda w: [w.cert.pk], only(200, (XA, CHUTICH)),
                                     f"?year={DATA_YEAR}")],
}


EXTENSIONS = [importlib.import_module(f"tests.{p.stem}") for p in sorted(Path(__file__).parent.glob("matrix_*.py"))]
OWN_TESTS: dict[str, str] = {}
for _module in EXTENSIONS:
    assert not set(_module.CASES) & set(CASES), f"{_module.__name__} repeats a URL name"
    CASES.update(_module.CASES)
    OWN_TESTS.update(getattr(_module, "OWN_TESTS", {}))


def _names(patterns, prefix="") -> list[str]:
    out = []
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = f"{prefix}{p.namespace}:" if p.namespace else prefix
            out += _names(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            out.append(f"{prefix}{p.name}" if p.name else f"{prefix}<unnamed {p.pattern}>")
    return out


def test_every_url_pattern_has_expectations():
    names = [n for n in _names(get_resolver().url_patterns) if n.split(":")[0] not in OWN_TESTS]
    missing = sorted(set(names) - set(CASES))
    assert not missing, f"URL patterns without a row in CASES (add the allowed/refused answers): {missing}"
    assert not sorted(set(CASES) - set(names)), "CASES names a URL that no longer exists"
    assert all(set(c.expect) == set(USERS) for cs in CASES.values() for c in cs)


@dataclass
class World:
    commune: object
    province: object
    village: object
    hh: object
    extra: object
    rnd: object
    complaint: object
    plan: object
    target: object
    job: object
    cert: object


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, tmp_path_factory):
    """The world, built once for the module (tests/module_db.py; each request's transaction is a
    savepoint inside the test's): every test meets the same state."""
    from django.contrib.auth import get_user_model
    from tests.module_db import rolled_back_for_the_module
    with rolled_back_for_the_module(django_db_blocker, tmp_path_factory.mktemp("matrix-data")):
        users = {u.username: u for u in get_user_model().objects.filter(username__in=[XA, THON])}
        yield build_world(users[XA], users[XA].assignments.get().unit, users[THON])


def build_world(commune_officer, my_commune, village_head) -> World:
    """The objects of every app that the rows name (also the real ids of
    tests/test_no_server_errors.py): the core ones here, each app's through its ``extend``."""
    from chungtay.fund.demo import create_demo_front_user
    create_demo_front_user()                # the personas mttq and mttqtinh (the demo's Front committees)
    village = village_head.assignments.get().unit
    hh = Household.objects.filter(village=village, status="active").order_by("id").first()
    cert = (Assessment.objects.filter(commune=my_commune, year=DATA_YEAR, kind=Assessment.PERIODIC, is_current=True,
                                      category__in=["poor", "near_poor"]).order_by("id").first().household)
    rnd = round_actions.open_round(commune_officer, my_commune, ROUND_YEAR)
    if not rnd.members.filter(household=hh).exists():
        round_actions.add_household(commune_officer, rnd, hh, "requested")
    round_actions.start_survey(commune_officer, rnd)
    extra = (Household.objects.filter(commune=my_commune, status="active")
             .exclude(id__in=rnd.members.values("household_id")).order_by("id").first())
    complaint = Complaint.objects.create(round=rnd, household=hh, received_on=date(ROUND_YEAR, 10, 6),
                                         complainant="A", content="B", recorded_by=commune_officer)
    plan = plan_actions.create_plan(commune_officer, unit=my_commune, title="Kế hoạch giảm nghèo xã",
                                    document_no="1/KH-UBND", start_year=2021, end_year=2025)
    target = plan_actions.add_target(commune_officer, plan, metric="poverty_rate", unit=my_commune,
                                     kind=Target.POINTS, low=2, high=3, counted=2.5, baseline_year=2021)
    job = ImportJob.objects.create(user=commune_officer, commune=my_commune, status="done", progress=100,
                                   files=[{"name": "a.xlsx", "path": "x", "size": 1}])
    w = World(my_commune, my_commune.parent, village, hh, extra, rnd, complaint, plan, target, job, cert)
    for module in EXTENSIONS:
        if hasattr(module, "extend"):
            module.extend(w)
    return w


@pytest.fixture
def geo_layer(settings, tmp_path, my_commune):
    """A deployment's commune boundary layer (not shipped) with one feature of the province."""
    from chungtay.plans.dashboard import province_communes_geojson
    (tmp_path / "communes-2025.geojson").write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"province_code": my_commune.parent.code, "code": my_commune.code},
         "geometry": {"type": "Point", "coordinates": [108.8, 15.1]}}]}), encoding="utf-8")
    settings.GEO_DIR = str(tmp_path)
    province_communes_geojson.cache_clear()
    yield
    province_communes_geojson.cache_clear()


class _Undo(Exception):
    def __init__(self, status):
        self.status = status


def _answer(client, user, case: Case, w: World, name: str) -> int:
    """One request in a transaction that is rolled back: each user meets the same state."""
    client.logout()
    if user is not None:
        client.force_login(user)
    query = case.query(w) if callable(case.query) else case.query
    url = reverse(name, args=case.args(w)) + query
    try:
        with transaction.atomic():
            if case.method == "GET":
                r = client.get(url)
            elif case.json:
                r = client.post(url, json.dumps(case.data(w)), content_type="application/json")
            else:
                r = client.post(url, case.data(w) if case.data else {})
            raise _Undo(r.status_code)
    except _Undo as u:
        return u.status


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_url_answers_each_role(name, db, world, geo_layer, django_user_model):
    from django.test import Client
    client = Client(raise_request_exception=False)
    users = {u: (None if u == ANON else django_user_model.objects.get(username=u)) for u in USERS}
    wrong = []
    for i, case in enumerate(CASES[name]):
        for u in USERS:
            got = _answer(client, users[u], case, world, name)
            assert got != 500, (name, case.method, u)
            if got == 202 and case.expect[u] == 200:
                got = 200      # a province's figures being prepared by the worker: allowed, shown a moment later
            if got != case.expect[u]:
                wrong.append(f"{case.method}#{i} as {u}: {got}, expected {case.expect[u]}")
    assert not wrong, f"{name}: " + "; ".join(wrong)

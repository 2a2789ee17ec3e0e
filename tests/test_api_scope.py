"""Every endpoint of the API, taken from the live OpenAPI schema (a new endpoint without a row
below fails), called with a key of ANOTHER commune's officer (xa2) aimed at xa's objects: nothing
leaks — 404 for xa's objects and for filters on xa's units, lists without any of xa's rows, writes
refused with nothing written. The same requests with xa's own key succeed (so the 404s are not
typos); the fund's writes are the Front committee's, so they are sent with the key of xa's
committee (mttq-xa). The emulation movement's objects are those of tests/test_api_emulation.py.
A village head sees no household of another village of the commune.
"""
import datetime as dt
import json
import re

import pytest
from django.test import Client

from chungtay.accounts.models import AuditEvent
from chungtay.households.models import Assessment, Household, Member
from chungtay.imports.models import ImportJob
from chungtay.reviews.models import RoundHousehold
from chungtay.units.models import Unit
from tests.test_api_emulation import emulation_bodies
from tests.test_api_support import KeyClient, operations
from types import SimpleNamespace

DATA_YEAR, ROUND_YEAR = 2025, 2026

# Endpoints that read no data of any area (the legal standards, a classification of posted figures).
NO_AREA_DATA = {("GET", "/standards"), ("GET", "/standards/{code}"), ("POST", "/classify")}

CSV = ("ma_ho,thon,dia_chi\nAPI-SCOPE-1,Thôn 1,\n").encode()


@pytest.fixture
def world(commune_officer, my_commune, village_head, commune_chairman):
    """xa's objects (as the role × URL matrix's world, without the other apps' extensions): a
    household of the village head's village, a round in the survey step with it, a plan with a
    target, an import job."""
    from chungtay.plans import actions as plan_actions
    from chungtay.plans.models import Target
    from chungtay.reviews import actions as round_actions
    village = village_head.assignments.get().unit
    hh = Household.objects.filter(village=village, status="active").order_by("id").first()
    rnd = round_actions.open_round(commune_officer, my_commune, ROUND_YEAR)
    if not rnd.members.filter(household=hh).exists():
        round_actions.add_household(commune_officer, rnd, hh, "requested")
    round_actions.start_survey(commune_officer, rnd)
    plan = plan_actions.create_plan(commune_officer, unit=my_commune, title="Kế hoạch giảm nghèo xã",
                                    document_no="1/KH-UBND", start_year=2021, end_year=2025)
    target = plan_actions.add_target(commune_officer, plan, metric="poverty_rate", unit=my_commune,
                                     kind=Target.POINTS, low=2, high=3, counted=2.5, baseline_year=2021)
    job = ImportJob.objects.create(user=commune_officer, commune=my_commune, status="done", progress=100,
                                   files=[{"name": "a.xlsx", "path": "x", "size": 1}])
    from chungtay.support import actions as support_actions
    from tests.support_helpers import facts
    from chungtay.support import people
    support = support_actions.record_support(commune_officer, hh, facts(hh))
    partner = people.create_partner(commune_officer, unit=my_commune, name="Hội Phụ nữ xã (thử)", kind="womens_union")
    pairing = people.create_pairing(commune_officer, partner=partner, household=hh, start_date=dt.date(2024, 1, 1),
                                    commitments="Giúp giống bò, hướng dẫn chăn nuôi")
    pledge = people.record_pledge(commune_officer, hh, year=DATA_YEAR, plan="Nuôi bò sinh sản")
    distribution = support_actions.record_distribution(commune_officer, unit=my_commune, decision_no="5/QĐ-UBND",
                                                       decision_date=dt.date(2024, 5, 1), title="Cấp bò giống",
                                                       codes=[hh.code], facts=facts(hh))
    from chungtay.groups import actions as group_actions
    from chungtay.revolving import actions as revolving_actions
    others = list(Household.objects.filter(commune=my_commune, status="active", end_year=None)
                  .exclude(pk=hh.pk).order_by("id")[:1])
    model = revolving_actions.create_model(commune_officer, commune=my_commune, code="API-SCOPE-DE", name="Dê giống",
                                           kind="livestock", rule_type="offspring", months=12,
                                           start_date=dt.date(2023, 1, 1), planned=[hh.code, others[0].code])
    goat = revolving_actions.add_asset(commune_officer, model, code="G1", value_vnd=3_000_000, household=hh,
                                       date=dt.date(2023, 1, 10), sex="female")
    group = group_actions.create_group(commune_officer, commune=my_commune, village=village, name="Tổ tiết kiệm (thử)",
                                       kind="savings_loan", run_by_unit=my_commune, founded_on=dt.date(2023, 1, 1))
    membership = group_actions.add_member(commune_officer, group, household=hh, joined_on=dt.date(2023, 1, 1))
    group_actions.record_entry(commune_officer, group, membership=membership, kind="deposit", amount_vnd=500_000,
                               date=dt.date(2023, 2, 1))
    from tests.test_api_fund import fund_world
    fund = fund_world(my_commune, hh)
    from tests.test_api_emulation import emulation_world
    emulation = emulation_world(commune_officer, commune_chairman, my_commune)
    return SimpleNamespace(commune=my_commune, village=village, hh=hh, rnd=rnd, plan=plan, target=target, job=job,
                           emulation=emulation, support=support, partner=partner, pairing=pairing, pledge=pledge,
                           distribution=distribution, model=model, goat=goat, receiver=others[0], group=group,
                           membership=membership, fund=fund)


def bodies(w):
    """A valid request for each write, aimed at xa's objects."""
    return {
        ("POST", "/households"): {"code": "API-SCOPE-NEW", "village_id": w.village.pk, "address": "",
                                  "head": {"full_name": "Nguyễn Văn Thử", "sex": "M", "birth_year": 1980}},
        ("POST", "/households/{household_id}/members"): {"full_name": "Trần Thị Thử", "sex": "F",
                                                         "birth_year": 2010, "relation": "child"},
        ("POST", "/assessments"): {"household_id": w.hh.pk, "year": DATA_YEAR, "kind": "regular",
                                   "income": 1_000_000, "deprived": []},
        ("POST", "/rounds/{round_id}/surveys"): {"household_id": w.hh.pk, "income": 1_200_000, "deprived": []},
        ("POST", "/classify"): {"year": DATA_YEAR, "income": 1_000_000, "deprived": []},
        ("POST", "/supports"): {"household_id": w.hh.pk, "part": "GNBV2125.DA3.TDA1", "kind": "livestock",
                                "quantity": "1", "unit_of_measure": "con", "value_vnd": 20_000_000,
                                "date": "2024-05-10", "funding": [{"source": "NSTW", "share": 100}]},
        ("POST", "/supports/{entry_id}/versions"): {"reason": "Giá trị ghi nhầm", "value_vnd": 18_000_000},
        ("POST", "/supports/{entry_id}/cancel"): {"reason": "Hộ trả lại"},
        ("POST", "/partners"): {"unit_id": w.commune.pk, "name": "Đoàn Thanh niên xã (thử)", "kind": "youth_union"},
        ("POST", "/pairings"): {"partner_id": w.partner.pk, "household_id": w.hh.pk, "start_date": "2024-02-01",
                                "commitments": "Hướng dẫn trồng trọt"},
        ("POST", "/pairings/{pairing_id}/end"): {"ended_on": "2025-01-01", "reason": "Hộ đã thoát nghèo"},
        ("POST", "/distributions"): {"unit_id": w.commune.pk, "decision_no": "6/QĐ-UBND", "decision_date": "2024-06-01",
                                     "household_codes": [w.hh.code], "part": "GNBV2125.DA3.TDA1", "kind": "seed",
                                     "quantity": "10", "unit_of_measure": "kg", "value_vnd": 500_000,
                                     "date": "2024-06-02", "funding": [{"source": "NSTW", "share": 100}]},
        ("POST", "/pledges"): {"household_id": w.hh.pk, "year": ROUND_YEAR, "plan": "Mở rộng chăn nuôi"},
        ("POST", "/revolving-models/{model_id}/transfers"): {"asset_id": w.goat.pk, "to_household_code": w.receiver.code,
                                                             "date": "2024-01-15", "witness": "Trưởng thôn"},
        ("POST", "/revolving-models/{model_id}/births"): {"asset_id": w.goat.pk, "new_code": "G1-1", "sex": "female",
                                                          "value_vnd": 1_000_000, "date": "2023-09-01"},
        ("POST", "/revolving-models/{model_id}/deaths"): {"asset_id": w.goat.pk, "date": "2024-02-01"},
        ("POST", "/revolving-models/{model_id}/sales"): {"asset_id": w.goat.pk, "date": "2024-02-01",
                                                         "amount_vnd": 2_500_000},
        ("POST", "/groups/{group_id}/members"): {"household_id": w.receiver.pk, "joined_on": "2023-03-01"},
        ("POST", "/groups/{group_id}/meetings"): {"held_on": "2023-04-01", "attendees": 12, "topic": "Góp vốn quý 2"},
        ("POST", "/groups/{group_id}/savings"): {"membership_id": w.membership.pk, "kind": "deposit",
                                                 "amount_vnd": 100_000, "date": "2023-05-01"},
        ("POST", "/funds/{fund_id}/donors"): {"kind": "individual", "name": "Ông Thử", "anonymous": True},
        ("POST", "/funds/{fund_id}/campaigns"): {"kind": "other", "name": "Vận động Tết", "start": "2025-01-02",
                                                 "end": "2025-01-30"},
        ("POST", "/funds/{fund_id}/pledges"): {"donor_id": w.fund.named.pk, "amount_vnd": 1_000_000,
                                               "made_on": "2025-10-01", "due_date": "2025-12-01"},
        ("POST", "/funds/{fund_id}/donations"): {"donor_id": w.fund.named.pk, "date": "2025-10-21",
                                                 "value_vnd": 1_000_000, "campaign_id": w.fund.camp.pk},
        ("POST", "/funds/{fund_id}/allocations"): {"decision_no": "09/QĐ-MTTQ", "decision_date": "2025-10-21",
                                                   "lines": [{"purpose": "livelihood", "unit_id": w.commune.pk,
                                                              "amount_vnd": 1_000_000}]},
        ("POST", "/funds/{fund_id}/disbursements"): {"household_code": w.fund.pay.household.code, "purpose": "house",
                                                     "amount_vnd": 1_000_000, "date": "2025-10-21"},
        ("POST", "/funds/{fund_id}/disbursement-lists"): {
            "allocation_id": w.fund.alloc.pk, "payments": [{"household_code": w.fund.pay.household.code,
                                                            "purpose": "house", "amount_vnd": 1_000_000,
                                                            "date": "2025-10-21"}]},
        ("POST", "/funds/{fund_id}/transfers"): {"to_fund_id": w.fund.pfund.pk, "amount_vnd": 1_000_000,
                                                 "date": "2025-10-21"},
        ("POST", "/funds/{fund_id}/entries/{ledger_entry_id}/reversal"): {"date": "2025-10-21", "reason": "ghi nhầm"},
        **emulation_bodies(w.emulation),
    }


def writer(method, template, xa, keeper):
    """xa's own key, or for the fund's writes the key of xa's Front committee (the fund's keeper)."""
    return keeper if method != "GET" and template.startswith("/funds") else xa


def path_args(w):
    a = Assessment.objects.filter(household=w.hh).order_by("id").first()
    return {"unit_id": w.commune.pk, "household_id": w.hh.pk, "assessment_id": a.pk, "round_id": w.rnd.pk,
            "plan_id": w.plan.pk, "target_id": w.target.pk, "job_id": w.job.pk, "code": "2021-2025",
            "entry_id": w.support.entry_id, "pairing_id": w.pairing.pk,
            "distribution_id": w.distribution.pk, "model_id": w.model.pk, "group_id": w.group.pk,
            "fund_id": w.fund.fund.pk, "ledger_entry_id": w.fund.d1.txn_id, "movement_id": w.emulation.m.pk,
            "run_id": w.emulation.run.pk, "nomination_id": w.emulation.n.pk}


def query(op) -> dict:
    return {"year": DATA_YEAR} if any(p["name"] == "year" and p.get("required") for p in op.get("parameters", [])) \
        else {}


def fill(template, args):
    return re.sub(r"\{(\w+)\}", lambda m: str(args[m.group(1)]), template)


def xa_marks(w):
    """Values that would reveal xa's commune: its units, households, assessments, round, plan, job."""
    villages = set(Unit.objects.filter(parent=w.commune).values_list("id", flat=True))
    hhs = set(Household.objects.filter(commune=w.commune).values_list("id", flat=True))
    return {"commune_id": {w.commune.pk}, "village_id": villages, "unit_id": {w.commune.pk} | villages,
            "household_id": hhs, "household_code": set(Household.objects.filter(commune=w.commune)
                                                           .values_list("code", flat=True)),
            "parent_id": {w.commune.pk},
            "entry_id": {w.support.entry_id}, "model_id": {w.model.pk}, "group_id": {w.group.pk},
            "membership_id": {w.membership.pk}, "fund_id": {w.fund.fund.pk},
            "donor_id": {w.fund.named.pk, w.fund.hidden.pk}, "support_entry_id": {w.fund.pay.support_entry_id},
            "movement_id": {w.emulation.m.pk}, "nomination_id": {w.emulation.n.pk}}


def leaks(data, marks, path="$") -> list[str]:
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            if k in marks and v in marks[k]:
                found.append(f"{path}.{k}={v}")
            found += leaks(v, marks, f"{path}.{k}")
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found += leaks(v, marks, f"{path}[{i}]")
    return found


def send(kc, method, path, template, op, w):
    if method == "GET":
        return kc.get(path, query(op))
    key = (method, template)
    if key == ("POST", "/imports"):
        from django.core.files.uploadedfile import SimpleUploadedFile
        return kc.upload(path, {"commune": w.commune.pk, "files": SimpleUploadedFile("ho.csv", CSV, "text/csv")})
    return kc.post(path, bodies(w)[key])


def written(w):
    return (AuditEvent.objects.count(), Household.objects.count(), Member.objects.count(),
            Assessment.objects.count(), ImportJob.objects.count(),
            RoundHousehold.objects.filter(round=w.rnd).exclude(step="listed").count())


@pytest.fixture
def keys(commune_officer, other_commune_officer, settings, tmp_path):
    settings.DATA_DIR = tmp_path            # uploaded files of the import go here
    return KeyClient(commune_officer), KeyClient(other_commune_officer)


def test_every_endpoint_is_covered_and_nothing_of_xa_reaches_xa2(world, keys):
    xa, xa2 = keys
    keeper = KeyClient(world.fund.cf)
    ops = operations()
    writes = {(m, p) for m, p, _ in ops if m != "GET"}
    assert writes - set(bodies(world)) - {("POST", "/imports")} == set(), "a write endpoint without a request here"
    assert len(ops) >= 20
    args, marks = path_args(world), xa_marks(world)
    problems = []
    from django.db import transaction

    class Undo(Exception):
        pass

    for method, template, op in ops:
        missing = set(re.findall(r"\{(\w+)\}", template)) - set(args)
        assert not missing, f"{method} {template}: no object for {missing} in path_args()"
        path = fill(template, args)
        params = [p["name"] for p in op.get("parameters", []) if p["in"] == "query"]
        mine = (method, template) in NO_AREA_DATA
        # 1. xa's own key: the request works (so the refusals below are about the area)
        try:
            with transaction.atomic():
                r = send(writer(method, template, xa, keeper), method, path, template, op, world)
                if r.status_code not in (200, 201, 202):
                    problems.append(f"xa {method} {template}: {r.status_code} {r.content[:200]!r}")
                raise Undo
        except Undo:
            pass
        # 2. xa2's key on the same request: 404 (or, for data-free endpoints, the same answer)
        before = written(world)
        try:
            with transaction.atomic():
                r = send(xa2, method, path, template, op, world)
                after = written(world)
                raise Undo
        except Undo:
            pass
        body = r.json() if r.content else {}
        if mine:
            if r.status_code not in (200, 201):
                problems.append(f"xa2 {method} {template}: {r.status_code}")
        elif "{" in template or method != "GET":
            if r.status_code != 404:
                problems.append(f"xa2 {method} {template}: {r.status_code}, expected 404")
            if after != before:
                problems.append(f"xa2 {method} {template}: wrote something {before} -> {after}")
        else:               # a list of xa2's own area: none of xa's rows
            if r.status_code != 200:
                problems.append(f"xa2 {method} {template}: {r.status_code}")
        if found := leaks(body, marks):
            problems.append(f"xa2 {method} {template} leaks {found[:3]}")
        # 3. a filter on xa's unit is outside xa2's area: 404, as a page
        if method == "GET" and "unit" in params:
            r = xa2.get(path, {**query(op), "unit": world.commune.pk})
            if r.status_code != 404:
                problems.append(f"xa2 {method} {template}?unit=xa's commune: {r.status_code}")
    assert not problems, "\n".join(problems)


def test_lists_of_xa2_hold_only_xa2s_area(world, keys, other_commune):
    _, xa2 = keys
    r = xa2.get("/households", {"limit": 200})
    assert r.status_code == 200 and r.json()["items"]
    assert {h["commune_id"] for h in r.json()["items"]} == {other_commune.pk}
    r = xa2.get("/assessments", {"limit": 200, "year": DATA_YEAR})
    assert {a["commune_id"] for a in r.json()["items"]} == {other_commune.pk}
    r = xa2.get("/units", {"limit": 200})
    ids = {u["id"] for u in r.json()["items"]}
    assert other_commune.pk in ids and world.commune.pk not in ids
    assert xa2.get(f"/households/{world.hh.pk}/members").status_code == 404
    assert xa2.get(f"/rounds/{world.rnd.pk}/households").status_code == 404
    assert xa2.get("/imports").json()["items"] == []


def test_a_village_head_sees_only_the_own_village(world, village_head, commune_officer):
    thon = KeyClient(village_head)
    own = village_head.assignments.get().unit
    other = Household.objects.filter(commune=world.commune).exclude(village=own).order_by("id").first()
    assert thon.get(f"/households/{other.pk}").status_code == 404
    assert thon.get(f"/households/{world.hh.pk}").status_code == 200          # own village
    items = thon.get("/households", {"limit": 200}).json()["items"]
    assert items and {h["village_id"] for h in items} == {own.pk}
    a = Assessment.objects.filter(household=other).first()
    assert thon.get(f"/assessments/{a.pk}").status_code == 404
    entries = thon.get(f"/rounds/{world.rnd.pk}/households", {"limit": 200}).json()["items"]
    assert entries and {e["village_id"] for e in entries} == {own.pk}
    assert thon.get("/units", {"unit": world.commune.pk}).status_code == 404     # the commune is above the village
    # and a write of the village head's role (the survey) outside the own village is refused
    RoundHousehold.objects.get_or_create(round=world.rnd, household=other, defaults={"reason": "requested"})
    r = thon.post(f"/rounds/{world.rnd.pk}/surveys", {"household_id": other.pk, "income": 1_000_000})
    assert r.status_code == 404


def test_the_anonymous_client_gets_401_on_every_endpoint_but_the_schema(db):
    anon = Client()
    for method, template, op in operations():
        path = "/api/v1" + re.sub(r"\{(\w+)\}", "1", template)
        r = anon.get(path) if method == "GET" else anon.post(path, "{}", content_type="application/json")
        assert r.status_code == 401, (method, template, r.status_code)
        assert json.loads(r.content)["code"] == "unauthenticated"
    assert anon.get("/api/v1/openapi.json").status_code == 200

"""Partners, pairings and pledges through the API: scoped as the pages, written through
support.people (role, area, audit), the pledge's outcome derived from the reviews."""
import datetime as dt

import pytest

from chungtay.accounts.models import AuditEvent
from chungtay.households.models import Assessment
from chungtay.support import people
from chungtay.support.models import Pairing, Partner, Pledge
from tests.support_helpers import household_in
from tests.test_api_support import KeyClient, error_shape_ok


@pytest.fixture
def own(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def partner(commune_officer, my_commune):
    return people.create_partner(commune_officer, unit=my_commune, name="Hội Nông dân xã", kind="farmers_association")


def test_partners_list_and_create(commune_officer, other_commune_officer, my_commune, partner, village_head):
    xa, xa2 = KeyClient(commune_officer), KeyClient(other_commune_officer)
    items = xa.get("/partners", {"limit": 200}).json()["items"]
    assert partner.pk in {p["id"] for p in items}
    assert partner.pk not in {p["id"] for p in xa2.get("/partners", {"limit": 200}).json()["items"]}
    r = xa.post("/partners", {"unit_id": my_commune.pk, "name": "Đoàn Thanh niên xã", "kind": "youth_union"},
                HTTP_IDEMPOTENCY_KEY="p-1")
    assert r.status_code == 201 and r.json()["kind_en"] == "Youth Union"
    assert AuditEvent.objects.filter(action="partner.create", object_id=str(r.json()["id"])).exists()
    again = xa.post("/partners", {"unit_id": my_commune.pk, "name": "Đoàn Thanh niên xã", "kind": "youth_union"},
                    HTTP_IDEMPOTENCY_KEY="p-1")
    assert again.content == r.content and again["Idempotent-Replayed"] == "true"
    dup = xa.post("/partners", {"unit_id": my_commune.pk, "name": "đoàn thanh niên XÃ", "kind": "youth_union"})
    assert dup.status_code == 400 and dup.json()["field"] == "name" and error_shape_ok(dup.json(), 400)
    r = xa2.post("/partners", {"unit_id": my_commune.pk, "name": "X", "kind": "other"})
    assert r.status_code == 404
    r = KeyClient(village_head).post("/partners", {"unit_id": my_commune.pk, "name": "Y", "kind": "other"})
    assert r.status_code in (403, 404) and error_shape_ok(r.json(), r.status_code)
    assert not Partner.objects.filter(name__in=["X", "Y"]).exists()


def test_pairings_scope_create_and_end(commune_officer, village_head, own, partner, my_commune, other_commune_officer):
    hh = household_in(own)
    xa = KeyClient(commune_officer)
    r = xa.post("/pairings", {"partner_id": partner.pk, "household_id": hh.pk, "start_date": "2024-03-01",
                              "commitments": "Hướng dẫn nuôi bò"})
    assert r.status_code == 201, r.content
    pid = r.json()["id"]
    assert r.json()["helper_name"] == partner.name and r.json()["household_code"] == hh.code
    assert AuditEvent.objects.filter(action="pairing.create", object_id=str(pid)).exists()
    thon = KeyClient(village_head)
    assert pid in {p["id"] for p in thon.get("/pairings", {"limit": 200}).json()["items"]}
    assert pid in {p["id"] for p in xa.get("/pairings", {"household": hh.pk}).json()["items"]}
    assert pid in {p["id"] for p in xa.get("/pairings", {"active_on": "2024-06-01"}).json()["items"]}
    assert pid not in {p["id"] for p in xa.get("/pairings", {"active_on": "2023-06-01"}).json()["items"]}
    assert pid not in {p["id"] for p in KeyClient(other_commune_officer).get("/pairings", {"limit": 200}).json()["items"]}
    # the village head reads but does not write
    r = thon.post(f"/pairings/{pid}/end", {"ended_on": "2025-01-01", "reason": "x"})
    assert r.status_code == 403 and error_shape_ok(r.json(), 403)
    r = xa.post(f"/pairings/{pid}/end", {"ended_on": "2025-01-01", "reason": "Hộ đã thoát nghèo"})
    assert r.status_code == 201 and r.json()["ended_on"] == "2025-01-01"
    assert Pairing.objects.get(pk=pid).ended_reason == "Hộ đã thoát nghèo"
    r = xa.post("/pairings", {"partner_id": partner.pk, "start_date": "2024-03-01", "commitments": "x"})
    assert r.status_code == 400 and r.json()["field"] == "household_id"


def test_pledges_with_derived_outcome(commune_officer, village_head, own, other_commune_officer):
    hh = household_in(own)
    base = Assessment.objects.filter(household=hh, kind="periodic", is_current=True).order_by("year").first()
    year = base.year + 1 if base else 2025
    p = people.record_pledge(commune_officer, hh, year=year, plan="Nuôi bò sinh sản")
    want = people.outcomes([p])[p.pk]
    xa = KeyClient(commune_officer)
    items = xa.get("/pledges", {"household": hh.pk}).json()["items"]
    assert [i["id"] for i in items] == [p.pk]
    out = items[0]["outcome"]
    assert (out["state"], out["before"], out["after"]) == (want.state, want.before, want.after)
    assert out["name_vi"] == people.OUTCOME_NAMES[want.state][0]
    filtered = xa.get("/pledges", {"outcome": want.state, "limit": 200}).json()["items"]
    assert p.pk in {i["id"] for i in filtered} and {i["outcome"]["state"] for i in filtered} == {want.state}
    assert KeyClient(village_head).get("/pledges", {"year": year}).json()["items"]
    assert p.pk not in {i["id"] for i in KeyClient(other_commune_officer).get("/pledges", {"limit": 200}).json()["items"]}


def test_pledge_post_commune_officer_only(commune_officer, village_head, own):
    hh = household_in(own)
    n = Pledge.objects.count()
    r = KeyClient(village_head).post("/pledges", {"household_id": hh.pk, "year": 2030, "plan": "x"})
    assert r.status_code == 403 and error_shape_ok(r.json(), 403) and Pledge.objects.count() == n
    xa = KeyClient(commune_officer)
    r = xa.post("/pledges", {"household_id": hh.pk, "year": 2030, "plan": "Trồng quế", "kinds_asked": ["seed"]})
    assert r.status_code == 201 and r.json()["outcome"]["state"] in ("pending", "not_applicable")
    assert AuditEvent.objects.filter(action="pledge.record", object_id=str(r.json()["id"])).exists()
    again = xa.post("/pledges", {"household_id": hh.pk, "year": 2030, "plan": "Trồng quế"})
    assert again.status_code == 400 and again.json()["field"] == "year"
    bad = xa.post("/pledges", {"household_id": hh.pk, "year": 2030, "plan": "x", "kinds_asked": ["spaceship"]})
    assert bad.status_code == 400 and bad.json()["field"].startswith("kinds_asked") and error_shape_ok(bad.json(), 400)
    assert dt.date.fromisoformat(r.json()["registered_on"])

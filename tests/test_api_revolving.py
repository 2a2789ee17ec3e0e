"""Revolving models through the API: scoped as the pages (another commune: 404; a village head:
the models touching the own village, other villages' households by code only), the figures of
the core, the obligations with the overdue filter and their pagination, and the events written
through revolving.actions (role at the holder's village: 403 with the web's message; audit)."""
import datetime as dt

import pytest

from chungtay.accounts.models import AuditEvent
from chungtay.households.models import Household
from chungtay.revolving import actions
from chungtay.revolving.models import Asset, Event
from chungtay.revolving.queries import state_of
from tests.test_api_support import KeyClient, error_shape_ok

D = dt.date


@pytest.fixture
def world(commune_officer, village_head, my_commune):
    """A goat model of xa: D1 held in the village head's village since 2022-01-10 (12 months:
    overdue), D2 in another village, passed on once (on time)."""
    village = village_head.assignments.get().unit
    live = Household.objects.filter(status="active", end_year=None).order_by("id")
    first = live.filter(village=village).first()
    others = list(live.filter(commune=my_commune).exclude(village=village)[:3])
    m = actions.create_model(commune_officer, commune=my_commune, code="DE-API", name="Dê luân chuyển (API)",
                             kind="livestock", rule_type="offspring", months=12, start_date=D(2022, 1, 1),
                             planned=[first.code, others[0].code, others[1].code])
    d1 = actions.add_asset(commune_officer, m, code="D1", value_vnd=3_000_000, household=first, date=D(2022, 1, 10),
                           sex="female")
    d2 = actions.add_asset(commune_officer, m, code="D2", value_vnd=2_000_000, household=others[0],
                           date=D(2022, 1, 10), sex="female")
    actions.record_transfer(commune_officer, m, d2, to_household=others[1], date=D(2022, 11, 1), witness="Cán bộ xã")
    return m, d1, d2, first, others


def test_list_and_detail_as_the_page(commune_officer, world):
    m, d1, d2, first, others = world
    xa = KeyClient(commune_officer)
    items = xa.get("/revolving-models", {"limit": 200}).json()["items"]
    row = next(i for i in items if i["id"] == m.pk)
    h = state_of(m).health
    assert row["health"]["alive"] == h.alive == 2 and row["health"]["overdue"] == h.overdue
    assert row["health"]["planned"] == 3 and row["health"]["reached"] == 3 and row["health"]["reached_planned"] == 3
    assert row["rule"] == {"type": "offspring", "months": 12, "note": ""} and row["kind_en"] == "Livestock"
    assert m.pk in {i["id"] for i in xa.get("/revolving-models", {"unit": m.commune_id, "kind": "livestock",
                                                                 "year": 2022}).json()["items"]}
    assert m.pk not in {i["id"] for i in xa.get("/revolving-models", {"year": 2021}).json()["items"]}
    r = xa.get(f"/revolving-models/{m.pk}")
    assert r.status_code == 200 and r["ETag"]
    body = r.json()
    assets = {a["code"]: a for a in body["assets"]}
    assert assets["D1"]["holder"] == {"household_id": first.pk, "household_code": first.code}
    assert assets["D2"]["holder"]["household_code"] == others[1].code
    assert [h["household_code"] for h in assets["D2"]["holdings"]] == [others[0].code, others[1].code]
    assert [p["household_code"] for p in body["planned"]] == [first.code, others[0].code, others[1].code]
    assert all(p["reached"] for p in body["planned"]) and body["next_household"] is None
    assert {(c["household"]["household_code"], c["generation"]) for c in body["chain"]} >= {(others[1].code, 2)}
    states = {(o["asset_code"], o["household_code"]): o["state"] for o in body["obligations"]}
    assert states[("D1", first.code)] == "overdue" and states[("D2", others[0].code)] == "on_time"


def test_obligations_overdue_filter_and_pages(commune_officer, world):
    m, d1, d2, first, others = world
    xa = KeyClient(commune_officer)
    over = xa.get("/revolving-obligations", {"model": m.pk, "overdue": "true"}).json()["items"]
    assert {(o["asset_code"], o["state"]) for o in over} >= {("D1", "overdue")}
    assert all(o["state"] == "overdue" and o["days_overdue"] > 0 for o in over)
    rest = xa.get("/revolving-obligations", {"model": m.pk, "overdue": "false"}).json()["items"]
    assert rest and all(o["state"] != "overdue" for o in rest)
    # pages of one: every obligation once, in event order
    seen, cursor = [], None
    while True:
        r = xa.get("/revolving-obligations", {"model": m.pk, "limit": 1, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200
        seen += [o["event_id"] for o in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(over) + len(rest) == len(state_of(m).obligations) and seen == sorted(set(seen))
    r = xa.get("/revolving-obligations", {"cursor": "!!"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"


def test_another_commune_and_the_village_head(other_commune_officer, village_head, world, my_commune):
    m, d1, d2, first, others = world
    xa2 = KeyClient(other_commune_officer)
    assert xa2.get(f"/revolving-models/{m.pk}").status_code == 404
    assert m.pk not in {i["id"] for i in xa2.get("/revolving-models", {"limit": 200}).json()["items"]}
    assert xa2.get("/revolving-models", {"unit": my_commune.pk}).status_code == 404
    assert m.pk not in {o["model_id"] for o in xa2.get("/revolving-obligations", {"limit": 200}).json()["items"]}
    r = xa2.post(f"/revolving-models/{m.pk}/deaths", {"asset_id": d1.pk, "date": "2023-01-01"})
    assert r.status_code == 404 and error_shape_ok(r.json(), 404)
    thon = KeyClient(village_head)
    body = thon.get(f"/revolving-models/{m.pk}").json()           # the plan includes a household of the village
    holders = {a["code"]: a["holder"] for a in body["assets"]}
    assert holders["D1"]["household_id"] == first.pk
    assert holders["D2"] == {"household_id": None, "household_code": others[1].code}     # the code only
    assert thon.get("/revolving-models", {"unit": my_commune.pk}).status_code == 404


def test_a_pass_on_through_the_api_leaves_the_audit(village_head, commune_officer, world):
    m, d1, d2, first, others = world
    thon = KeyClient(village_head)
    before = AuditEvent.objects.filter(action="revolving.transfer").count()
    r = thon.post(f"/revolving-models/{m.pk}/transfers",
                  {"asset_id": d1.pk, "to_household_code": others[2].code, "date": "2023-02-01",
                   "witness": "Trưởng thôn", "decision_no": "4/QĐ-thôn"}, HTTP_IDEMPOTENCY_KEY="t-1")
    assert r.status_code == 201, r.content
    assert r.json()["kind"] == "transfer" and r.json()["from_household"]["household_id"] == first.pk
    assert r.json()["to_household"] == {"household_id": None, "household_code": others[2].code}
    e = Event.objects.get(pk=r.json()["id"])
    assert (e.from_household, e.to_household, e.recorded_by) == (first, others[2], village_head)
    assert AuditEvent.objects.filter(action="revolving.transfer").count() == before + 1
    again = thon.post(f"/revolving-models/{m.pk}/transfers",
                      {"asset_id": d1.pk, "to_household_code": others[2].code, "date": "2023-02-01",
                       "witness": "Trưởng thôn", "decision_no": "4/QĐ-thôn"}, HTTP_IDEMPOTENCY_KEY="t-1")
    assert again.content == r.content and Event.objects.filter(model=m, kind="transfer").count() == 2
    # the goat now sits outside the village head's village: refused there, as on the page
    r = thon.post(f"/revolving-models/{m.pk}/deaths", {"asset_id": d1.pk, "date": "2023-03-01"})
    assert r.status_code == 403 and error_shape_ok(r.json(), 403)


def test_role_refusals_and_read_keys(commune_chairman, commune_officer, world):
    m, d1, *_ = world
    r = KeyClient(commune_chairman).post(f"/revolving-models/{m.pk}/deaths", {"asset_id": d1.pk, "date": "2023-01-01"})
    assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert "việc này do" in r.json()["message"]["vi"]                    # the web's message
    r = KeyClient(commune_officer, scope="read").post(f"/revolving-models/{m.pk}/deaths",
                                                      {"asset_id": d1.pk, "date": "2023-01-01"})
    assert r.status_code == 403 and r.json()["code"] == "token_read_only"
    assert not Event.objects.filter(model=m, kind="death").exists()


def test_bad_payloads_answer_400_in_vietnamese(commune_officer, world):
    m, d1, d2, first, others = world
    xa = KeyClient(commune_officer)
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    r = xa.post(f"/revolving-models/{m.pk}/transfers",
                {"asset_id": d1.pk, "to_household_code": others[2].code, "date": future, "witness": "x"})
    assert r.status_code == 400 and error_shape_ok(r.json(), 400)
    assert r.json()["field"] == "date" and "tương lai" in r.json()["message"]["vi"]
    r = xa.post(f"/revolving-models/{m.pk}/transfers",
                {"asset_id": d1.pk, "to_household_code": "KHONG-CO", "date": "2023-01-01", "witness": "x"})
    assert r.status_code == 400 and r.json()["field"] == "to_household_code" and "trong xã" in r.json()["error"]
    r = xa.post(f"/revolving-models/{m.pk}/transfers",
                {"asset_id": d1.pk, "to_household_code": first.code, "date": "2023-01-01", "witness": "x"})
    assert r.status_code == 400 and r.json()["field"] == "to_household_code"
    r = xa.post(f"/revolving-models/{m.pk}/births", {"asset_id": d1.pk, "new_code": "D2", "sex": "female",
                                                     "value_vnd": 1, "date": "2023-01-01"})
    assert r.status_code == 400 and r.json()["field"] == "new_code"             # a duplicate code
    r = xa.post(f"/revolving-models/{m.pk}/sales", {"asset_id": d1.pk, "date": "2023-01-01", "amount_vnd": 0})
    assert r.status_code == 400 and r.json()["field"] == "amount_vnd" and r.json()["message"]["vi"]
    r = xa.post(f"/revolving-models/{m.pk}/deaths", {"asset_id": 2 ** 40, "date": "2023-01-01"})
    assert r.status_code == 400 and r.json()["field"] == "asset_id"
    assert Event.objects.filter(model=m).exclude(kind__in=["handover", "transfer"]).count() == 0


def test_birth_and_sale_with_replacement(commune_officer, world):
    m, d1, d2, first, others = world
    xa = KeyClient(commune_officer)
    r = xa.post(f"/revolving-models/{m.pk}/births", {"asset_id": d1.pk, "new_code": "D1-1", "sex": "male",
                                                     "value_vnd": 800_000, "date": "2022-09-01"})
    assert r.status_code == 201 and r.json()["kind"] == "birth"
    kid = Asset.objects.get(model=m, code="D1-1")
    assert r.json()["new_asset_id"] == kid.pk
    r = xa.post(f"/revolving-models/{m.pk}/sales",
                {"asset_id": kid.pk, "date": "2023-01-01", "amount_vnd": 1_500_000, "new_code": "D1-R",
                 "replacement_value": 1_400_000, "sex": "female", "to_household_code": others[2].code,
                 "witness": "Trưởng thôn"})
    assert r.status_code == 201, r.content
    assert r.json()["to_household"]["household_code"] == others[2].code
    assert AuditEvent.objects.filter(action="revolving.sale", object_id=str(r.json()["id"])).exists()

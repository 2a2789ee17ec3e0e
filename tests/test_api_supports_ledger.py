"""The support part of the API (docs/api.md, docs/support.md): catalogue, ledger reads scoped as
the pages, writes through support.actions (role, area, audit), append-only corrections."""
import datetime as dt

import pytest

from chungtay.accounts.models import AuditEvent
from chungtay.support import actions
from chungtay.support.models import Support, SupportEntry
from tests.support_helpers import facts, household_in
from tests.test_api_support import KeyClient, error_shape_ok


def body(hh, **kw):
    b = {"household_id": hh.pk, "part": "GNBV2125.DA3.TDA1", "kind": "livestock", "description": "Bò cái giống",
         "quantity": "1", "unit_of_measure": "con", "value_vnd": 20_000_000, "date": "2024-05-10",
         "status": "delivered", "funding": [{"source": "NSTW", "share": 70}, {"source": "HO", "share": 30}],
         "document_no": "12/QĐ-UBND"}
    b.update(kw)
    return b


@pytest.fixture
def own(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def two(commune_officer, my_commune, own):
    """A support in the village head's village and one in another village of the commune."""
    from chungtay.households.models import Household
    hh = household_in(own)
    other = Household.objects.filter(commune=my_commune, status="active").exclude(village=own).order_by("id").first()
    s1 = actions.record_support(commune_officer, hh, facts(hh))
    s2 = actions.record_support(commune_officer, other, facts(other, kind="seed", unit_of_measure="kg"))
    return hh, other, s1, s2


def test_catalogue_and_funding_sources(commune_officer):
    xa = KeyClient(commune_officer)
    r = xa.get("/programmes", {"limit": 200})
    assert r.status_code == 200 and r["ETag"]
    codes = {p["code"]: p for p in r.json()["items"]}
    assert "GNBV2125" in codes and "GNBV2125.DA3.TDA1" in codes
    sub = codes["GNBV2125.DA3.TDA1"]
    assert sub["level"] == "subproject" and sub["programme_id"] == codes["GNBV2125"]["id"]
    assert sub["parent_id"] == codes["GNBV2125.DA3"]["id"] and sub["name_vi"] and sub["name_en"]
    r = xa.get("/programmes", {"programme": "GNBV2125.DA3", "limit": 200})
    assert {p["code"] for p in r.json()["items"]} >= {"GNBV2125.DA3", "GNBV2125.DA3.TDA1"}
    assert all(p["code"].startswith("GNBV2125.DA3") for p in r.json()["items"])
    assert xa.get("/programmes", HTTP_IF_NONE_MATCH=r["ETag"]).status_code in (200, 304)
    r2 = xa.get("/programmes", {"programme": "GNBV2125.DA3", "limit": 200}, HTTP_IF_NONE_MATCH=r["ETag"])
    assert r2.status_code == 304
    srcs = {s["code"] for s in xa.get("/funding-sources").json()["items"]}
    assert {"NSTW", "NSDP", "HO"} <= srcs


def test_village_head_sees_only_the_own_village(village_head, commune_officer, two, own):
    hh, other, s1, s2 = two
    thon, xa = KeyClient(village_head), KeyClient(commune_officer)
    items = thon.get("/supports", {"limit": 200}).json()["items"]
    assert items and {s["village_id"] for s in items} == {own.pk}
    assert s1.entry_id in {s["entry_id"] for s in items} and s2.entry_id not in {s["entry_id"] for s in items}
    assert thon.get(f"/supports/{s1.entry_id}").status_code == 200
    r = thon.get(f"/supports/{s2.entry_id}")
    assert r.status_code == 404 and error_shape_ok(r.json(), 404) and r.json()["code"] == "not_found"
    # the commune officer sees both; filters work
    ids = {s["entry_id"] for s in xa.get("/supports", {"limit": 200}).json()["items"]}
    assert {s1.entry_id, s2.entry_id} <= ids
    assert [s["entry_id"] for s in xa.get("/supports", {"household": other.pk}).json()["items"]] == [s2.entry_id]
    assert {s["kind"] for s in xa.get("/supports", {"kind": "seed", "limit": 200}).json()["items"]} == {"seed"}
    assert xa.get("/supports", {"year": 2019}).json()["items"] == []
    assert s1.entry_id in {s["entry_id"] for s in xa.get("/supports", {"programme": "GNBV2125.DA3",
                                                                       "limit": 200}).json()["items"]}
    assert xa.get("/supports", {"programme": "GNBV2125.DA3.TDA2"}).json()["items"] == []
    assert xa.get("/supports", {"unit": own.pk, "limit": 200}).json()["items"]


def test_out_of_area_404(other_commune_officer, two, my_commune):
    hh, other, s1, s2 = two
    xa2 = KeyClient(other_commune_officer)
    for path in (f"/supports/{s1.entry_id}",):
        r = xa2.get(path)
        assert r.status_code == 404 and error_shape_ok(r.json(), 404)
    assert xa2.get("/supports", {"unit": my_commune.pk}).status_code == 404
    assert s1.entry_id not in {s["entry_id"] for s in xa2.get("/supports", {"limit": 200}).json()["items"]}
    n = Support.objects.count()
    r = xa2.post(f"/supports/{s1.entry_id}/cancel", {"reason": "thử"})
    assert r.status_code == 404 and Support.objects.count() == n
    r = xa2.post("/supports", body(hh))
    assert r.status_code == 404 and Support.objects.count() == n


def test_detail_has_versions_and_funding_and_no_citizen_id(commune_officer, two):
    hh, _, s1, _ = two
    r = KeyClient(commune_officer).get(f"/supports/{s1.entry_id}")
    d = r.json()
    assert d["entry_id"] == s1.entry_id and d["household_code"] == hh.code
    assert [v["version"] for v in d["versions"]] == [1]
    assert d["current"]["funding"] == [{"source": "NSTW", "share": 70, "amount_vnd": 14_000_000},
                                       {"source": "HO", "share": 30, "amount_vnd": 6_000_000}]
    assert d["current"]["description"] == "Bò cái giống" and d["current"]["quantity"] == "1"
    text = r.content.decode()
    assert "citizen" not in text
    from chungtay.households import protect
    for m in hh.members.all():
        if m.citizen_id_encrypted:
            assert protect.decrypt(m.citizen_id_encrypted) not in text


def test_commune_officer_records_201_audited_and_idempotent(commune_officer, own):
    hh = household_in(own)
    xa = KeyClient(commune_officer)
    entries, audits = SupportEntry.objects.count(), AuditEvent.objects.filter(action="support.record").count()
    r = xa.post("/supports", body(hh), HTTP_IDEMPOTENCY_KEY="rec-1")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["current"]["version"] == 1 and d["current"]["source"] == "api" and d["household_id"] == hh.pk
    assert d["current"]["provider_unit_id"] == hh.commune_id
    assert SupportEntry.objects.count() == entries + 1
    ev = AuditEvent.objects.filter(action="support.record").order_by("-id").first()
    assert AuditEvent.objects.filter(action="support.record").count() == audits + 1
    assert ev.actor == commune_officer and ev.changes["entry"] == d["entry_id"]
    again = xa.post("/supports", body(hh), HTTP_IDEMPOTENCY_KEY="rec-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert again.content == r.content and SupportEntry.objects.count() == entries + 1
    other = xa.post("/supports", body(hh, value_vnd=1), HTTP_IDEMPOTENCY_KEY="rec-1")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    # amounts instead of shares, to one member
    m = hh.members.order_by("member_no").first()
    r = xa.post("/supports", body(hh, value_vnd=10, member_no=m.member_no,
                                  funding=[{"source": "NSDP", "amount_vnd": 7}, {"source": "HO", "amount_vnd": 3}]))
    assert r.status_code == 201
    assert r.json()["current"]["member_no"] == m.member_no
    assert r.json()["current"]["funding"] == [{"source": "NSDP", "share": 70, "amount_vnd": 7},
                                              {"source": "HO", "share": 30, "amount_vnd": 3}]


def test_village_head_post_is_refused_403(village_head, own, two):
    hh = household_in(own)
    thon = KeyClient(village_head)
    n = Support.objects.count()
    r = thon.post("/supports", body(hh))
    assert r.status_code == 403 and error_shape_ok(r.json(), 403) and r.json()["code"] == "forbidden"
    _, _, s1, _ = two
    assert thon.post(f"/supports/{s1.entry_id}/versions", {"reason": "sai", "value_vnd": 1}).status_code == 403
    assert thon.post(f"/supports/{s1.entry_id}/cancel", {"reason": "sai"}).status_code == 403
    assert Support.objects.count() == n


def test_a_correction_is_version_2_and_version_1_is_unchanged(commune_officer, two):
    _, _, s1, _ = two
    xa = KeyClient(commune_officer)
    before = Support.objects.filter(pk=s1.pk).values().get()
    funding_before = list(s1.funding.values_list("source__code", "share", "amount_vnd"))
    r = xa.post(f"/supports/{s1.entry_id}/versions", {"reason": "Giá trị ghi nhầm", "value_vnd": 18_000_000})
    assert r.status_code == 201, r.content
    d = r.json()
    assert [v["version"] for v in d["versions"]] == [1, 2]
    assert d["current"]["version"] == 2 and d["current"]["value_vnd"] == 18_000_000
    assert d["current"]["reason"] == "Giá trị ghi nhầm" and d["current"]["kind"] == "livestock"
    assert d["current"]["funding"] == [{"source": "NSTW", "share": 70, "amount_vnd": 12_600_000},
                                       {"source": "HO", "share": 30, "amount_vnd": 5_400_000}]
    after = Support.objects.filter(pk=s1.pk).values().get()
    assert {k: v for k, v in after.items() if k != "is_current"} == {k: v for k, v in before.items()
                                                                     if k != "is_current"}
    assert after["is_current"] is False
    assert list(s1.funding.values_list("source__code", "share", "amount_vnd")) == funding_before
    assert AuditEvent.objects.filter(action="support.correct", changes__entry=s1.entry_id).exists()
    # history vs current in the list
    cur = xa.get("/supports", {"household": s1.household_id, "limit": 200}).json()["items"]
    hist = xa.get("/supports", {"household": s1.household_id, "versions": "all", "limit": 200}).json()["items"]
    assert [s["version"] for s in cur if s["entry_id"] == s1.entry_id] == [2]
    assert sorted(s["version"] for s in hist if s["entry_id"] == s1.entry_id) == [1, 2]
    # correcting the superseded version is refused; then cancel is final
    r = xa.post(f"/supports/{s1.entry_id}/versions", {"reason": "x", "version": 1, "value_vnd": 1})
    assert r.status_code == 400 and error_shape_ok(r.json(), 400)
    r = xa.post(f"/supports/{s1.entry_id}/cancel", {"reason": "Hộ trả lại"})
    assert r.status_code == 201 and r.json()["current"]["status"] == "cancelled" and r.json()["current"]["version"] == 3
    r = xa.post(f"/supports/{s1.entry_id}/versions", {"reason": "x", "value_vnd": 1})
    assert r.status_code == 400 and error_shape_ok(r.json(), 400)


@pytest.mark.parametrize("change, field", [
    ({"value_vnd": -1}, "value_vnd"),
    ({"kind": "spaceship"}, "kind"),
    ({"quantity": "0"}, "quantity"),
    ({"funding": []}, "funding"),
    ({"date": "2024-13-40"}, "date"),
    ({"part": "NOPE.X"}, "part"),                                  # the action's own check
    ({"date": "2019-05-10"}, "part"),                              # outside the sub-project's period
    ({"funding": [{"source": "NSTW", "share": 70}, {"source": "HO", "share": 20}]}, "funding"),
    ({"funding": [{"source": "NSTW", "share": 70, "amount_vnd": 1}]}, "funding.0"),
    ({"member_no": 999}, "member_no"),
])
def test_bad_payload_answers_the_error_shape(commune_officer, own, change, field):
    hh = household_in(own)
    n = Support.objects.count()
    r = KeyClient(commune_officer).post("/supports", body(hh, **change), HTTP_ACCEPT_LANGUAGE="en")
    assert r.status_code == 400, r.content
    b = r.json()
    assert error_shape_ok(b, 400) and b["code"] == "invalid" and b["field"] == field, b
    assert Support.objects.count() == n


def test_a_future_delivered_support_is_refused(commune_officer, own):
    hh = household_in(own)
    r = KeyClient(commune_officer).post("/supports", body(hh, date=(dt.date.today() + dt.timedelta(days=3)).isoformat()))
    assert r.status_code == 400 and r.json()["field"] == "date"


def dist_body(unit, codes, **kw):
    b = {"unit_id": unit.pk, "decision_no": "7/QĐ-UBND", "decision_date": "2024-06-01", "title": "Cấp lúa giống",
         "household_codes": codes, "part": "GNBV2125.DA3.TDA1", "kind": "seed", "quantity": "10",
         "unit_of_measure": "kg", "value_vnd": 500_000, "date": "2024-06-02",
         "funding": [{"source": "NSTW", "share": 100}]}
    b.update(kw)
    return b


def test_distribution_all_or_nothing_and_scoped(commune_officer, village_head, other_commune_officer, my_commune, own):
    from chungtay.households.models import Household
    hhs = list(Household.objects.filter(commune=my_commune, status="active", end_year=None).order_by("id")[:3])
    xa = KeyClient(commune_officer)
    n = Support.objects.count()
    r = xa.post("/distributions", dist_body(my_commune, [h.code for h in hhs] + ["KHONG-CO-1", "KHONG-CO-2"]))
    assert r.status_code == 400 and error_shape_ok(r.json(), 400), r.content
    assert len(r.json()["fields"]) == 2 and "KHONG-CO-1" in r.json()["error"]
    assert Support.objects.count() == n
    r = xa.post("/distributions", dist_body(my_commune, [h.code for h in hhs]), HTTP_IDEMPOTENCY_KEY="d-1")
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["households"] == 3 and len(d["supports"]) == 3 and Support.objects.count() == n + 3
    assert {s["document_no"] for s in d["supports"]} == {"7/QĐ-UBND"}
    assert AuditEvent.objects.filter(action="distribution.record", object_id=str(d["id"])).exists()
    assert xa.post("/distributions", dist_body(my_commune, [h.code for h in hhs]),
                   HTTP_IDEMPOTENCY_KEY="d-1").content == r.content
    assert Support.objects.count() == n + 3
    assert d["id"] in {x["id"] for x in xa.get("/distributions").json()["items"]}
    assert KeyClient(other_commune_officer).get(f"/distributions/{d['id']}").status_code == 404
    r = KeyClient(village_head).post("/distributions", dist_body(own, [hhs[0].code]))
    assert r.status_code in (403, 404) and error_shape_ok(r.json(), r.status_code)

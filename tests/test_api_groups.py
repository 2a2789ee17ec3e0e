"""Groups through the API: scoped as the pages (another commune: 404; a village head: the groups
of the own village), members with balances, meetings, the savings ledger with pagination, and
the writes through groups.actions (group_manage: 403 with the web's message; audit; 400 with the
action's Vietnamese message on its field)."""
import datetime as dt

import pytest

from chungtay.accounts.models import AuditEvent
from chungtay.groups import actions
from chungtay.groups.models import Meeting, Membership, SavingsEntry
from chungtay.households.models import Household
from chungtay.units.models import Unit
from tests.test_api_support import KeyClient, error_shape_ok

D = dt.date


@pytest.fixture
def village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def hh(village):
    return Household.objects.filter(village=village, status="active").order_by("id").first()


@pytest.fixture
def group(commune_officer, my_commune, village, hh):
    g = actions.create_group(commune_officer, commune=my_commune, village=village, name="Tổ tiết kiệm API",
                             kind="savings_loan", run_by_unit=my_commune, founded_on=D(2022, 5, 1))
    m = actions.add_member(commune_officer, g, household=hh, role="leader", joined_on=D(2022, 5, 1))
    actions.record_entry(commune_officer, g, membership=m, kind="deposit", amount_vnd=1_234_000, date=D(2023, 1, 2))
    actions.record_entry(commune_officer, g, membership=m, kind="loan", amount_vnd=234_000, date=D(2023, 2, 2))
    actions.record_meeting(commune_officer, g, held_on=D(2023, 1, 2), attendees=9, topic="Góp tiết kiệm")
    return g


@pytest.fixture
def other_village_group(commune_officer, my_commune, village):
    other = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).exclude(pk=village.pk).order_by("id").first()
    return actions.create_group(commune_officer, commune=my_commune, village=other, name="Tổ nhóm thôn khác",
                                kind="livelihood", run_by_unit=my_commune, founded_on=D(2022, 5, 1))


def test_list_and_detail(commune_officer, group, hh, my_commune):
    xa = KeyClient(commune_officer)
    items = xa.get("/groups", {"limit": 200}).json()["items"]
    row = next(i for i in items if i["id"] == group.pk)
    assert (row["members"], row["savings_vnd"], row["loans_vnd"], row["fund_vnd"]) == (1, 1_234_000, 234_000, 1_000_000)
    assert row["kind_en"] == "Savings-and-loan group" and row["runner_name"]
    assert group.pk in {i["id"] for i in xa.get("/groups", {"unit": my_commune.pk, "kind": "savings_loan"}).json()["items"]}
    assert group.pk not in {i["id"] for i in xa.get("/groups", {"kind": "cooperative"}).json()["items"]}
    body = xa.get(f"/groups/{group.pk}").json()
    m = body["memberships"][0]
    assert (m["household_code"], m["role"], m["active"], m["member_no"]) == (hh.code, "leader", True, None)
    assert m["balance"] == {"savings_vnd": 1_234_000, "loans_vnd": 234_000}
    assert body["meetings_total"] == 1 and body["meetings"][0]["topic"] == "Góp tiết kiệm"
    assert "citizen_id" not in str(body)


def test_scope_other_commune_and_village_head(other_commune_officer, village_head, group, other_village_group,
                                              my_commune, village):
    xa2 = KeyClient(other_commune_officer)
    assert xa2.get(f"/groups/{group.pk}").status_code == 404
    assert xa2.get(f"/groups/{group.pk}/savings").status_code == 404
    assert xa2.get("/groups", {"unit": my_commune.pk}).status_code == 404
    assert group.pk not in {i["id"] for i in xa2.get("/groups", {"limit": 200}).json()["items"]}
    r = xa2.post(f"/groups/{group.pk}/meetings", {"held_on": "2023-03-01", "attendees": 3, "topic": "x"})
    assert r.status_code == 404 and error_shape_ok(r.json(), 404)
    thon = KeyClient(village_head)
    ids = {i["id"] for i in thon.get("/groups", {"limit": 200}).json()["items"]}
    assert group.pk in ids and other_village_group.pk not in ids
    assert thon.get(f"/groups/{other_village_group.pk}").status_code == 404
    assert thon.get(f"/groups/{group.pk}").status_code == 200
    assert thon.get("/groups", {"unit": village.pk}).status_code == 200


def test_role_refusal_and_read_key(commune_chairman, village_head, commune_officer, group):
    for user in (commune_chairman, village_head):
        r = KeyClient(user).post(f"/groups/{group.pk}/meetings", {"held_on": "2023-03-01", "attendees": 3,
                                                                   "topic": "Họp tổ"})
        assert r.status_code == 403 and error_shape_ok(r.json(), 403)
        assert "việc này do" in r.json()["message"]["vi"]
    r = KeyClient(commune_officer, scope="read").post(f"/groups/{group.pk}/meetings",
                                                      {"held_on": "2023-03-01", "attendees": 3, "topic": "Họp tổ"})
    assert r.status_code == 403 and r.json()["code"] == "token_read_only"
    assert Meeting.objects.filter(group=group).count() == 1


def test_writes_leave_the_audit(commune_officer, group, hh, my_commune):
    xa = KeyClient(commune_officer)
    r = xa.post(f"/groups/{group.pk}/meetings", {"held_on": "2023-03-01", "attendees": 11, "topic": "Họp quý 1"},
                HTTP_IDEMPOTENCY_KEY="g-1")
    assert r.status_code == 201 and r.json()["attendees"] == 11
    assert AuditEvent.objects.filter(action="group.meeting", object_id=str(r.json()["id"])).exists()
    other = Household.objects.filter(commune=my_commune, status="active").exclude(pk=hh.pk).order_by("id").first()
    r = xa.post(f"/groups/{group.pk}/members", {"household_id": other.pk, "role": "treasurer", "joined_on": "2023-01-01"})
    assert r.status_code == 201, r.content
    assert r.json()["household_code"] == other.code and r.json()["balance"] == {"savings_vnd": 0, "loans_vnd": 0}
    mid = r.json()["id"]
    assert AuditEvent.objects.filter(action="group.member_add", object_id=str(mid)).exists()
    r = xa.post(f"/groups/{group.pk}/savings", {"membership_id": mid, "kind": "deposit", "amount_vnd": 300_000,
                                                "date": "2023-04-01"})
    assert r.status_code == 201 and r.json()["household_code"] == other.code
    assert AuditEvent.objects.filter(action="group.savings", object_id=str(r.json()["id"])).exists()
    assert xa.get(f"/groups/{group.pk}").json()["fund_vnd"] == 1_300_000


def test_bad_payloads(commune_officer, group, hh):
    xa = KeyClient(commune_officer)
    m = Membership.objects.get(group=group)
    r = xa.post(f"/groups/{group.pk}/savings", {"membership_id": m.pk, "kind": "withdrawal", "amount_vnd": 5_000_000,
                                                "date": "2023-04-01"})
    assert r.status_code == 400 and error_shape_ok(r.json(), 400) and r.json()["field"] == "amount_vnd"
    r = xa.post(f"/groups/{group.pk}/savings", {"membership_id": 2 ** 40, "kind": "deposit", "amount_vnd": 1,
                                                "date": "2023-04-01"})
    assert r.status_code == 400 and r.json()["field"] == "membership_id" and "thành viên" in r.json()["error"]
    r = xa.post(f"/groups/{group.pk}/members", {"household_id": hh.pk, "joined_on": "2023-01-01"})
    assert r.status_code == 400 and r.json()["field"] == "household_id" and "đang là thành viên" in r.json()["error"]
    r = xa.post(f"/groups/{group.pk}/members", {"household_id": hh.pk, "member_no": 99, "joined_on": "2023-01-01"})
    assert r.status_code == 400 and r.json()["field"] == "member_no"
    future = (dt.date.today() + dt.timedelta(days=2)).isoformat()
    r = xa.post(f"/groups/{group.pk}/meetings", {"held_on": future, "attendees": 3, "topic": "x"})
    assert r.status_code == 400 and r.json()["field"] == "held_on" and "tương lai" in r.json()["message"]["vi"]
    r = xa.post(f"/groups/{group.pk}/meetings", {"held_on": "2023-01-01", "attendees": 0, "topic": "x"})
    assert r.status_code == 400 and r.json()["field"] == "attendees" and r.json()["message"]["vi"].startswith("Dữ liệu")
    assert SavingsEntry.objects.filter(group=group).count() == 2


def test_savings_ledger_pages(commune_officer, group):
    xa = KeyClient(commune_officer)
    m = Membership.objects.get(group=group)
    e = SavingsEntry.objects.filter(group=group, kind="loan").get()
    actions.reverse_entry(commune_officer, e, reason="Ghi nhầm", date=D(2023, 3, 1))
    seen, cursor = [], None
    while True:
        body = xa.get(f"/groups/{group.pk}/savings", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += body["items"]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert [i["id"] for i in seen] == sorted(SavingsEntry.objects.filter(group=group).values_list("id", flat=True))
    by_id = {i["id"]: i for i in seen}
    assert by_id[e.pk]["reversed"] and any(i["reverses_id"] == e.pk for i in seen)
    assert xa.get(f"/groups/{group.pk}/savings", {"membership": m.pk}).json()["items"]

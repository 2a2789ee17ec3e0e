"""The Fund for the Poor through the API (docs/api.md, docs/fund.md): scoped as the pages (a
commune's Front committee: its own fund; the province's: the province fund and its communes';
another commune: 404 and empty lists; anonymous: 401), balances equal to the sums of the ledger,
donations and pledges written through fund.actions (the next receipt number, the ledger entry,
Idempotency-Key, the error shape in Vietnamese and English, 403 for a read key and for the
committee of another level), anonymous donors hidden without the fund_manage right."""
import datetime as dt
from types import SimpleNamespace

import pytest
from django.test import Client

from chungtay.accounts.models import AuditEvent
from chungtay.fund import actions, queries
from chungtay.fund.models import Donation, FundPledge, LedgerLine, LedgerTransaction
from chungtay.households.models import Household
from chungtay.support.models import Support
from tests.fund_helpers import DAY, commune_front, front_user, fund_of, province_front
from tests.test_api_support import KeyClient, error_shape_ok

D = dt.date
LATER = DAY + dt.timedelta(days=1)     # the world's period up to DAY is published: its books are closed
ANON = "Nhà hảo tâm giấu tên"


def fund_world(commune, hh):
    """xa's commune fund with one of everything (a named donor, an anonymous one, a campaign, a
    pledge half paid, money and in-kind donations, one reversed, an allocation, a payment to
    ``hh`` with its support, a house, a transfer from the province fund, a published period),
    and the province fund. Used by tests/test_api_scope.py as well."""
    cf, pf = commune_front(commune), province_front(commune)
    fund, pfund = fund_of(cf, commune), fund_of(pf, commune.parent)
    named = actions.create_donor(cf, fund, kind="enterprise", name="Công ty TNHH Minh Phát")
    hidden = actions.create_donor(cf, fund, kind="individual", name="Bà Nguyễn Thị Kín", anonymous=True)
    camp = actions.create_campaign(cf, fund, kind="peak_month", name="Tháng cao điểm 2025", start=D(2025, 10, 17),
                                   end=D(2025, 11, 18), target_vnd=200_000_000)
    pledge = actions.record_pledge(cf, fund, donor=named, amount_vnd=20_000_000, made_on=D(2025, 10, 17),
                                   due_date=D(2025, 12, 31), campaign=camp)
    d1 = actions.record_donation(cf, fund, donor=named, date=DAY, value_vnd=10_000_000, campaign=camp, pledge=pledge,
                                 bank_reference="FT-SECRET-1")
    d2 = actions.record_donation(cf, fund, donor=hidden, date=DAY, value_vnd=60_000_000, channel="cash", campaign=camp)
    d3 = actions.record_donation(cf, fund, donor=hidden, date=DAY, value_vnd=3_000_000, form="in_kind",
                                 goods="100 bao gạo")
    wrong = actions.record_donation(cf, fund, donor=named, date=DAY, value_vnd=50_000_000, channel="cash")
    reversal = actions.reverse(cf, wrong.txn, date=DAY, reason="gõ nhầm số tiền")
    alloc = actions.decide_allocation(cf, fund, decision_no="01/QĐ-MTTQ", decision_date=DAY, title="Phân bổ 2025",
                                      lines=[("house", commune, 50_000_000), ("scholarship", commune, 5_000_000)])
    pay = actions.record_disbursement(cf, fund, household=hh, purpose="house", amount_vnd=40_000_000, date=DAY,
                                      paid_from="cash", allocation=alloc)
    house = actions.create_house(cf, fund, household=hh, fund_vnd=40_000_000, state_vnd=20_000_000,
                                 community_vnd=5_000_000, household_vnd=10_000_000, disbursement=pay)
    house = actions.advance_house(cf, house, stage="started", date=D(2025, 10, 25))
    actions.record_donation(pf, pfund, donor=actions.create_donor(pf, pfund, kind="unit", name="Sở Tài chính"),
                            date=DAY, value_vnd=9_000_000)
    transfer = actions.record_transfer(pf, pfund, fund, amount_vnd=4_000_000, date=DAY, reference="CK-01")
    period = actions.publish_period(cf, fund, start=D(2025, 1, 1), end=DAY)
    return SimpleNamespace(cf=cf, pf=pf, fund=fund, pfund=pfund, named=named, hidden=hidden, camp=camp, pledge=pledge,
                           d1=d1, d2=d2, d3=d3, wrong=wrong, reversal=reversal, alloc=alloc, pay=pay, house=house,
                           transfer=transfer, period=period)


@pytest.fixture
def village(village_head):
    return village_head.assignments.get().unit


@pytest.fixture
def hh(village):
    return Household.objects.filter(village=village, status="active", end_year=None).order_by("id").first()


@pytest.fixture
def w(my_commune, hh):
    return fund_world(my_commune, hh)


@pytest.fixture
def other_fund(other_commune):
    of = front_user(other_commune, "mttq-xa2")
    return SimpleNamespace(user=of, fund=fund_of(of, other_commune))


def ids(r):
    assert r.status_code == 200, r.content
    return {i["id"] for i in r.json()["items"]}


def test_each_persona_sees_the_funds_of_its_area(w, other_fund, commune_officer, other_commune_officer,
                                                 village_head, my_commune):
    c, p, o = w.fund.pk, w.pfund.pk, other_fund.fund.pk
    assert ids(KeyClient(w.cf).get("/funds")) == {c}                       # a commune's committee: its own
    assert {c, p, o} <= ids(KeyClient(w.pf).get("/funds", {"limit": 200}))  # the province's: its own and below
    assert ids(KeyClient(w.pf).get("/funds", {"level": "province", "limit": 200})) >= {p}
    assert c not in ids(KeyClient(w.pf).get("/funds", {"level": "province", "limit": 200}))
    assert ids(KeyClient(w.pf).get("/funds", {"unit": my_commune.pk})) == {c}
    assert {c, p} <= ids(KeyClient(w.pf).get("/funds", {"unit": my_commune.parent_id, "limit": 200}))
    assert ids(KeyClient(commune_officer).get("/funds")) == {c}            # everyone of the area reads it
    assert ids(KeyClient(village_head).get("/funds")) == {c}
    xa2 = KeyClient(other_commune_officer)
    assert ids(xa2.get("/funds")) == {o}
    assert ids(KeyClient(other_fund.user).get("/funds")) == {o}
    assert xa2.get("/funds", {"unit": my_commune.pk}).status_code == 404
    for path in ("", "/campaigns", "/donors", "/pledges", "/donations", "/allocations", "/disbursements", "/houses",
                 "/entries", "/periods"):
        for client in (xa2, KeyClient(other_fund.user)):
            r = client.get(f"/funds/{c}{path}")
            assert r.status_code == 404 and error_shape_ok(r.json(), 404), path
        assert KeyClient(w.cf).get(f"/funds/{p}{path}").status_code == 404, path        # the level above: no
        assert KeyClient(w.pf).get(f"/funds/{c}{path}").status_code == 200, path        # the level below: yes
    r = Client().get(f"/api/v1/funds/{c}")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"
    assert Client().get("/api/v1/funds").status_code == 401


def test_balances_are_the_sums_of_the_ledger(w):
    for client, fund in ((KeyClient(w.cf), w.fund), (KeyClient(w.pf), w.pfund), (KeyClient(w.pf), w.fund)):
        body = client.get(f"/funds/{fund.pk}").json()
        sums = queries.balances(fund)
        assert {b["account"]: b["balance_vnd"] for b in body["balances"]} == sums
        assert all(isinstance(b["balance_vnd"], int) for b in body["balances"])
        assert body["held_vnd"] == sums.get("cash", 0) + sums.get("bank", 0) + sums.get("goods", 0)
        assert body["held_vnd"] == body["unallocated_vnd"] + body["earmarked_vnd"]
        listed = next(f for f in client.get("/funds", {"limit": 200}).json()["items"] if f["id"] == fund.pk)
        assert listed["balances"] == body["balances"]
    body = KeyClient(w.cf).get(f"/funds/{w.fund.pk}").json()
    # 10 (bank) + 60 (cash) + 3 (goods) + 4 (transfer, bank) in; 40 paid in cash; the 50 reversed
    assert (body["bank_vnd"], body["cash_vnd"], body["goods_vnd"]) == (14_000_000, 20_000_000, 3_000_000)
    assert (body["unallocated_vnd"], body["earmarked_vnd"]) == (22_000_000, 15_000_000)
    assert body["received_vnd"] == 73_000_000 and body["donations"] == 4 and body["published_periods"] == 1
    assert body["bank_accounts"] == [] and body["code"] == w.fund.code


def test_the_registers(w, hh):
    cf = KeyClient(w.cf)
    f = w.fund.pk
    camp = cf.get(f"/funds/{f}/campaigns").json()["items"][0]
    assert (camp["received_vnd"], camp["donations"], camp["target_vnd"]) == (70_000_000, 2, 200_000_000)
    pledge = cf.get(f"/funds/{f}/pledges").json()["items"][0]
    assert (pledge["paid_vnd"], pledge["paid_percent"], pledge["fulfilled"]) == (10_000_000, 50, False)
    dons = {d["id"]: d for d in cf.get(f"/funds/{f}/donations").json()["items"]}
    assert dons[w.d1.pk]["receipt"] == w.d1.receipt and dons[w.d1.pk]["receipt_no"] == 1
    assert (dons[w.d1.pk]["channel"], dons[w.d1.pk]["campaign_name"], dons[w.d1.pk]["pledge_id"]) == (
        "bank", "Tháng cao điểm 2025", w.pledge.pk)
    assert (dons[w.d3.pk]["form"], dons[w.d3.pk]["channel"], dons[w.d3.pk]["goods"]) == ("in_kind", None, "100 bao gạo")
    assert dons[w.wrong.pk]["reversed"] and not dons[w.d1.pk]["reversed"]
    assert "FT-SECRET-1" not in str(dons)                       # no bank reference, no contact
    assert ids(cf.get(f"/funds/{f}/donations", {"reversed": "true"})) == {w.wrong.pk}
    assert ids(cf.get(f"/funds/{f}/donations", {"campaign": w.camp.pk})) == {w.d1.pk, w.d2.pk}
    assert ids(cf.get(f"/funds/{f}/donations", {"year": 2024})) == set()
    alloc = cf.get(f"/funds/{f}/allocations").json()["items"][0]
    assert [(ln["purpose"], ln["amount_vnd"]) for ln in alloc["lines"]] == [("house", 50_000_000),
                                                                           ("scholarship", 5_000_000)]
    pay = cf.get(f"/funds/{f}/disbursements").json()["items"][0]
    assert (pay["household_code"], pay["purpose"], pay["amount_vnd"], pay["allocation_id"]) == (
        hh.code, "house", 40_000_000, w.alloc.pk)
    assert Support.objects.get(entry_id=pay["support_entry_id"], is_current=True).household_id == hh.pk
    assert cf.get(f"/supports/{pay['support_entry_id']}").status_code == 200       # the link works
    house = cf.get(f"/funds/{f}/houses").json()["items"][0]
    assert house["stage"] == "started" and house["total_vnd"] == 75_000_000
    stages = [(s["stage"], s["reached_on"]) for s in house["stages"][:3]]
    assert stages == [("planned", None), ("started", "2025-10-25"), ("frame", None)]
    period = cf.get(f"/funds/{f}/periods").json()["items"][0]
    assert period["public_url"] == f"/fund/public/{w.period.pk}/"
    assert Client().get(period["public_url"]).status_code == 200


def test_entries_are_the_ledger_with_reversals_shown(w):
    cf = KeyClient(w.cf)
    f = w.fund.pk
    entries = {e["id"]: e for e in cf.get(f"/funds/{f}/entries", {"limit": 200}).json()["items"]}
    txns = set(LedgerTransaction.objects.filter(lines__fund=w.fund).values_list("id", flat=True))
    assert set(entries) == txns
    assert all(sum(ln["amount_vnd"] for ln in e["lines"]) == 0 for e in entries.values())
    orig, rev = entries[w.wrong.txn_id], entries[w.reversal.pk]
    assert (orig["reversed_by_id"], rev["reverses_id"], rev["kind"]) == (w.reversal.pk, w.wrong.txn_id, "reversal")
    assert [ln["amount_vnd"] for ln in rev["lines"]] == [-ln["amount_vnd"] for ln in orig["lines"]]
    assert orig["donation_id"] == w.wrong.pk
    t = entries[w.transfer.txn_id]                     # the province's transfer shows in the commune fund
    assert t["kind"] == "transfer" and t["fund_id"] == w.pfund.pk and {ln["fund_id"] for ln in t["lines"]} == {
        w.fund.pk, w.pfund.pk}
    assert w.transfer.txn_id in ids(KeyClient(w.pf).get(f"/funds/{w.pfund.pk}/entries", {"kind": "transfer"}))
    assert ids(cf.get(f"/funds/{f}/entries", {"kind": "reversal"})) == {w.reversal.pk}
    # the sum of the lines of the listed entries is the balance
    per_account = {}
    for e in entries.values():
        for ln in e["lines"]:
            if ln["fund_id"] == f:
                per_account[ln["account"]] = per_account.get(ln["account"], 0) + ln["amount_vnd"]
    assert {a: v for a, v in per_account.items() if v} == {a: v for a, v in queries.balances(w.fund).items() if v}
    # nothing changes an entry: no method but GET
    for method in ("put", "patch", "delete"):
        r = getattr(cf.client, method)(f"/api/v1/funds/{f}/entries", **cf.extra)
        assert r.status_code == 405 and error_shape_ok(r.json(), 405)


def test_pagination_by_id(w):
    cf = KeyClient(w.cf)
    seen, cursor = [], None
    while True:
        body = cf.get(f"/funds/{w.fund.pk}/donations", {"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [d["id"] for d in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert seen == sorted(Donation.objects.filter(fund=w.fund).values_list("id", flat=True))
    r = cf.get(f"/funds/{w.fund.pk}/donations", {"cursor": "nonsense"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"
    r = cf.get(f"/funds/{w.fund.pk}")
    assert cf.get(f"/funds/{w.fund.pk}", HTTP_IF_NONE_MATCH=r["ETag"]).status_code == 304


def test_anonymous_donors_are_named_only_for_those_who_manage_the_fund(w, commune_officer, village_head):
    f = w.fund.pk
    for user, sees in ((w.cf, True), (w.pf, True), (commune_officer, False), (village_head, False)):
        c = KeyClient(user)
        donor = next(d for d in c.get(f"/funds/{f}/donors").json()["items"] if d["id"] == w.hidden.pk)
        assert donor["anonymous"] and donor["name"] == ("Bà Nguyễn Thị Kín" if sees else ANON)
        names = {d["donor_name"] for d in c.get(f"/funds/{f}/donations").json()["items"] if d["anonymous"]}
        assert names == {"Bà Nguyễn Thị Kín" if sees else ANON}
        body = str(c.get(f"/funds/{f}/donations").json()) + str(c.get(f"/funds/{f}/donors").json())
        body += str(c.get(f"/funds/{f}/pledges").json())
        assert ("Kín" in body) == sees
        named = next(d for d in c.get(f"/funds/{f}/donors").json()["items"] if d["id"] == w.named.pk)
        assert named["name"] == "Công ty TNHH Minh Phát"


def test_a_donation_through_the_api_lands_in_the_ledger_with_the_next_receipt(w):
    cf = KeyClient(w.cf)
    f = w.fund.pk
    before = queries.balances(w.fund)
    body = {"donor_id": w.named.pk, "date": LATER.isoformat(), "value_vnd": 2_500_000, "channel": "bank",
            "campaign_id": w.camp.pk, "pledge_id": w.pledge.pk, "bank_reference": "FT-API-1"}
    r = cf.post(f"/funds/{f}/donations", body, HTTP_IDEMPOTENCY_KEY="don-1")
    assert r.status_code == 201, r.content
    d = r.json()
    assert (d["receipt_year"], d["receipt_no"]) == (2025, 5)          # after the 4 of the world (the void one counts)
    assert d["receipt"] == f"{w.fund.code}-2025-00005" and not d["reversed"]
    lines = {ln.account: ln.amount for ln in LedgerLine.objects.filter(txn_id=d["ledger_entry_id"])}
    assert lines == {"bank": 2_500_000, "unallocated": -2_500_000}
    assert queries.balances(w.fund)["bank"] == before["bank"] + 2_500_000
    assert cf.get(f"/funds/{f}").json()["bank_vnd"] == before["bank"] + 2_500_000
    assert d["ledger_entry_id"] in ids(cf.get(f"/funds/{f}/entries", {"kind": "donation", "limit": 200}))
    assert AuditEvent.objects.filter(action="fund.donation", object_id=str(d["id"])).exists()
    assert cf.get(f"/funds/{f}/pledges").json()["items"][0]["paid_vnd"] == 12_500_000
    # the same key and body: the same donation, nothing written
    n = Donation.objects.count()
    again = cf.post(f"/funds/{f}/donations", body, HTTP_IDEMPOTENCY_KEY="don-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true" and again.json() == d
    assert Donation.objects.count() == n
    other = cf.post(f"/funds/{f}/donations", {**body, "value_vnd": 1}, HTTP_IDEMPOTENCY_KEY="don-1")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    # in kind, without a key: the next number
    r = cf.post(f"/funds/{f}/donations", {"donor_id": w.hidden.pk, "date": LATER.isoformat(), "value_vnd": 800_000,
                                          "form": "in_kind", "goods": "20 chăn ấm"})
    assert r.status_code == 201 and r.json()["receipt_no"] == 6 and r.json()["channel"] is None
    assert LedgerLine.objects.get(txn_id=r.json()["ledger_entry_id"], account="goods").amount == 800_000


def test_pledges_donors_and_campaigns_through_the_api(w):
    cf = KeyClient(w.cf)
    f = w.fund.pk
    r = cf.post(f"/funds/{f}/donors", {"kind": "armed_forces", "name": "Đồn Biên phòng", "anonymous": False,
                                      "contact": "0909 000 000"})
    assert r.status_code == 201 and r.json()["name"] == "Đồn Biên phòng" and "0909" not in str(r.content)
    donor = r.json()["id"]
    r = cf.post(f"/funds/{f}/campaigns", {"kind": "disaster", "name": "Ủng hộ sau bão", "start": "2025-09-10",
                                         "end": "2025-09-30", "target_vnd": 1_000_000_000})
    assert r.status_code == 201 and (r.json()["kind_en"], r.json()["received_vnd"]) == ("Disaster appeal", 0)
    r = cf.post(f"/funds/{f}/pledges", {"donor_id": donor, "amount_vnd": 5_000_000, "made_on": "2025-09-12",
                                       "due_date": "2025-12-31", "campaign_id": r.json()["id"]},
                HTTP_IDEMPOTENCY_KEY="p-1")
    assert r.status_code == 201 and (r.json()["paid_vnd"], r.json()["fulfilled"]) == (0, False)
    pid = r.json()["id"]
    assert FundPledge.objects.get(pk=pid).created_by == w.cf
    assert AuditEvent.objects.filter(action="fund.pledge", object_id=str(pid)).exists()
    r = cf.post(f"/funds/{f}/donations", {"donor_id": donor, "date": LATER.isoformat(), "value_vnd": 5_000_000,
                                         "pledge_id": pid})
    assert r.status_code == 201
    p = next(p for p in cf.get(f"/funds/{f}/pledges").json()["items"] if p["id"] == pid)
    assert (p["paid_vnd"], p["paid_percent"], p["fulfilled"]) == (5_000_000, 100, True)


def test_bad_input_answers_the_error_shape_and_writes_nothing(w, other_fund):
    cf = KeyClient(w.cf)
    f = w.fund.pk
    ok = {"donor_id": w.named.pk, "date": LATER.isoformat(), "value_vnd": 1_000_000}
    future = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    other_donor = actions.create_donor(other_fund.user, other_fund.fund, kind="individual", name="Người xã khác")
    n, audit = Donation.objects.count(), AuditEvent.objects.count()
    cases = [({**ok, "value_vnd": 0}, "value_vnd", "Dữ liệu"), ({**ok, "value_vnd": 1.5}, "value_vnd", "Dữ liệu"),
             ({**ok, "value_vnd": True}, "value_vnd", "số nguyên"),
             ({**ok, "value_vnd": "1000"}, "value_vnd", "số nguyên"),
             ({**ok, "date": future}, "date", "Ngày không hợp lệ"),
             ({**ok, "date": "1999-12-31"}, "date", "Ngày không hợp lệ"),
             ({**ok, "form": "in_kind"}, "goods", "Ghi hiện vật"),
             ({**ok, "channel": "bitcoin"}, "channel", "Dữ liệu"),
             ({**ok, "donor_id": other_donor.pk}, "donor_id", "nhà tài trợ"),
             ({**ok, "campaign_id": 2 ** 40}, "campaign_id", "đợt vận động"),
             ({**ok, "pledge_id": w.pledge.pk, "donor_id": w.hidden.pk}, "pledge_id", "Cam kết"),
             ({k: v for k, v in ok.items() if k != "donor_id"}, "donor_id", "Thiếu")]
    for body, field, vi in cases:
        r = cf.post(f"/funds/{f}/donations", body)
        assert r.status_code == 400 and error_shape_ok(r.json(), 400), (body, r.content)
        assert r.json()["field"] == field and vi in r.json()["message"]["vi"], (body, r.json())
        assert r.json()["message"]["en"] != r.json()["message"]["vi"]
    r = cf.post(f"/funds/{f}/donations", {**ok, "date": future}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["error"].startswith("Invalid date")
    r = cf.post(f"/funds/{f}/pledges", {"donor_id": w.named.pk, "amount_vnd": 5, "made_on": "2025-10-01",
                                       "due_date": "2025-09-01"})
    assert r.status_code == 400 and r.json()["field"] == "due_date"
    r = cf.client.post(f"/api/v1/funds/{f}/donations", "{not json", content_type="application/json", **cf.extra)
    assert r.status_code == 400 and error_shape_ok(r.json(), 400)
    assert (Donation.objects.count(), AuditEvent.objects.count()) == (n, audit)


def test_who_may_write(w, commune_officer, other_commune_officer, other_fund):
    f = w.fund.pk
    body = {"donor_id": w.named.pk, "date": LATER.isoformat(), "value_vnd": 1_000_000}
    n = Donation.objects.count()
    r = KeyClient(w.cf, scope="read").post(f"/funds/{f}/donations", body, HTTP_IDEMPOTENCY_KEY="ro-1")
    assert r.status_code == 403 and r.json()["code"] == "token_read_only" and error_shape_ok(r.json(), 403)
    r = KeyClient(w.cf, scope="read").post(f"/funds/{f}/pledges", {"donor_id": w.named.pk, "amount_vnd": 1,
                                                                   "due_date": "2026-01-01"})
    assert r.status_code == 403 and r.json()["code"] == "token_read_only"
    r = KeyClient(commune_officer).post(f"/funds/{f}/donations", body)      # reads the fund, does not keep it
    assert r.status_code == 403 and "việc này do Ủy ban MTTQ" in r.json()["message"]["vi"]
    r = KeyClient(w.pf).post(f"/funds/{f}/donations", body)                 # the province does not write below
    assert r.status_code == 403 and "do Ủy ban MTTQ Việt Nam" in r.json()["message"]["vi"]
    assert r.json()["message"]["en"].startswith("The books of")
    r = KeyClient(w.cf).post(f"/funds/{w.pfund.pk}/donations", body)        # nor the commune above
    assert r.status_code == 404
    for user in (other_commune_officer, other_fund.user):
        r = KeyClient(user).post(f"/funds/{f}/donations", body)
        assert r.status_code == 404 and error_shape_ok(r.json(), 404)
    r = Client().post(f"/api/v1/funds/{f}/donations", body, content_type="application/json")
    assert r.status_code == 401
    assert Donation.objects.count() == n


def test_a_village_head_sees_the_own_villages_payments(w, village_head, my_commune, village, hh):
    other = (Household.objects.filter(commune=my_commune, status="active", end_year=None).exclude(village=village)
             .order_by("id").first())
    pay = actions.record_disbursement(w.cf, w.fund, household=other, purpose="scholarship", amount_vnd=1_500_000,
                                      date=LATER)
    assert ids(KeyClient(w.cf).get(f"/funds/{w.fund.pk}/disbursements")) == {w.pay.pk, pay.pk}
    thon = KeyClient(village_head)
    assert ids(thon.get(f"/funds/{w.fund.pk}/disbursements")) == {w.pay.pk}
    assert ids(thon.get(f"/funds/{w.fund.pk}/disbursements", {"purpose": "scholarship"})) == set()
    assert ids(thon.get(f"/funds/{w.fund.pk}/houses")) == {w.house.pk}

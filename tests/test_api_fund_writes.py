"""Money out of the fund through the API (api/fund_writes.py): an allocation decision, a payment
to a household (a support of the household too), a transfer to the province fund and a reversal,
each through the page's action — so the ledger, the audit, the role and own level, the area and the
closed books of a published period are the page's — with the API's error shape and idempotency."""

import pytest

from chungtay.accounts.models import AuditEvent
from chungtay.fund import queries
from chungtay.fund.models import Allocation, Disbursement, LedgerLine, LedgerTransaction, Transfer
from chungtay.support.models import Support
from tests.test_api_fund import LATER, fund_world, hh, other_fund, village  # noqa: F401  (fixtures)
from tests.test_api_support import KeyClient, error_shape_ok


@pytest.fixture
def w(my_commune, hh):  # noqa: F811
    return fund_world(my_commune, hh)


def test_allocate_then_pay_a_household_and_see_its_support(w, my_commune, hh):  # noqa: F811
    cf, f = KeyClient(w.cf), w.fund.pk
    before = queries.balances(w.fund)
    body = {"decision_no": "07/QĐ-MTTQ", "decision_date": LATER.isoformat(), "title": "Sinh kế 2025",
            "lines": [{"purpose": "livelihood", "unit_id": my_commune.pk, "amount_vnd": 10_000_000}]}
    r = cf.post(f"/funds/{f}/allocations", body, HTTP_IDEMPOTENCY_KEY="alloc-1")
    assert r.status_code == 201, r.content
    a = r.json()
    assert (a["total_vnd"], a["lines"][0]["purpose"], a["lines"][0]["unit_id"]) == (10_000_000, "livelihood", my_commune.pk)
    assert queries.balances(w.fund)["earmarked:livelihood"] == before.get("earmarked:livelihood", 0) - 10_000_000
    again = cf.post(f"/funds/{f}/allocations", body, HTTP_IDEMPOTENCY_KEY="alloc-1")
    assert again.status_code == 201 and again.json() == a and Allocation.objects.filter(fund=w.fund).count() == 2
    r = cf.post(f"/funds/{f}/disbursements", {"household_code": hh.code, "purpose": "livelihood",
                                              "amount_vnd": 2_000_000, "date": LATER.isoformat(),
                                              "allocation_id": a["id"], "description": "Giống bò cái"})
    assert r.status_code == 201, r.content
    d = r.json()
    assert (d["household_code"], d["amount_vnd"], d["document_no"], d["reversed"]) == (hh.code, 2_000_000,
                                                                                         "07/QĐ-MTTQ", False)
    support = Support.objects.get(entry_id=d["support_entry_id"], is_current=True)
    assert support.household_id == hh.pk and support.value_vnd == 2_000_000
    assert {ln.account: ln.amount for ln in LedgerLine.objects.filter(txn_id=d["ledger_entry_id"])} == {
        "earmarked:livelihood": 2_000_000, "bank": -2_000_000}
    assert AuditEvent.objects.filter(action="fund.disbursement", actor=w.cf).exists()
    assert AuditEvent.objects.filter(action="fund.allocation", object_id=str(a["id"])).exists()


def test_reverse_a_payment_and_transfer_to_the_province(w, hh):  # noqa: F811
    cf, f = KeyClient(w.cf), w.fund.pk
    r = cf.post(f"/funds/{f}/entries/{w.pay.txn_id}/reversal", {"date": LATER.isoformat(), "reason": "chi nhầm hộ"})
    assert r.status_code == 201, r.content
    e = r.json()
    assert e["kind"] == "reversal" and e["reverses_id"] == w.pay.txn_id
    assert not Support.objects.filter(entry_id=w.pay.support_entry_id, is_current=True).exclude(status="cancelled")
    assert cf.post(f"/funds/{f}/entries/{w.pay.txn_id}/reversal",
                   {"date": LATER.isoformat(), "reason": "lần hai"}).status_code == 400   # reversed once only
    r = cf.post(f"/funds/{f}/transfers", {"to_fund_id": w.pfund.pk, "amount_vnd": 1_000_000, "date": LATER.isoformat(),
                                          "paid_from": "cash", "reference": "UNC-12"})
    assert r.status_code == 201, r.content
    t = Transfer.objects.get(pk=r.json()["id"])
    assert (t.from_fund_id, t.to_fund_id, t.amount_vnd) == (w.fund.pk, w.pfund.pk, 1_000_000)
    assert set(LedgerLine.objects.filter(txn=t.txn).values_list("fund_id", flat=True)) == {w.fund.pk, w.pfund.pk}


def test_bad_input_and_closed_books_answer_the_error_shape_and_write_nothing(w, my_commune, other_commune, hh):  # noqa: F811
    cf, f = KeyClient(w.cf), w.fund.pk
    n = (LedgerTransaction.objects.count(), Disbursement.objects.count(), AuditEvent.objects.count())
    line = {"purpose": "house", "unit_id": my_commune.pk, "amount_vnd": 1_000}
    cases = [
        ("allocations", {"decision_no": "1", "decision_date": w.period.end.isoformat(), "lines": [line]}, "đã khóa"),
        ("allocations", {"decision_no": "1", "decision_date": LATER.isoformat(),
                         "lines": [{**line, "unit_id": other_commune.pk}]}, "không thuộc địa bàn của quỹ"),
        ("allocations", {"decision_no": "1", "decision_date": LATER.isoformat(),
                         "lines": [{**line, "unit_id": 2 ** 61}]}, "Không có đơn vị"),
        ("allocations", {"decision_no": "1", "decision_date": LATER.isoformat(), "lines": []}, ""),
        ("allocations", {"decision_no": "1", "decision_date": LATER.isoformat(),
                         "lines": [{**line, "amount_vnd": 1.5}]}, ""),
        ("disbursements", {"household_code": hh.code, "purpose": "house", "amount_vnd": 10 ** 12,
                           "date": LATER.isoformat()}, "Vượt số"),
        ("disbursements", {"household_code": "KHONG-CO", "purpose": "house", "amount_vnd": 1,
                           "date": LATER.isoformat()}, "KHONG-CO"),
        ("disbursements", {"household_code": hh.code, "purpose": "house", "amount_vnd": 1,
                           "date": w.period.end.isoformat()}, "đã khóa"),
        ("disbursements", {"household_code": hh.code, "purpose": "house", "amount_vnd": 1, "date": LATER.isoformat(),
                           "allocation_id": 2 ** 61}, "Không có quyết định"),
        ("transfers", {"to_fund_id": w.pfund.pk, "amount_vnd": 1, "date": w.period.end.isoformat()}, "đã khóa"),
        ("transfers", {"to_fund_id": w.fund.pk, "amount_vnd": 1, "date": LATER.isoformat()}, "Chỉ chuyển"),
        (f"entries/{w.d1.txn_id}/reversal", {"date": LATER.isoformat(), "reason": ""}, ""),
        (f"entries/{w.d1.txn_id}/reversal", {"date": w.period.end.isoformat(), "reason": "sai"}, "đã khóa"),
        (f"entries/{2 ** 61}/reversal", {"date": LATER.isoformat(), "reason": "sai"}, "Không có bút toán"),
    ]
    for path, body, says in cases:
        r = cf.post(f"/funds/{f}/{path}", body)
        assert r.status_code in (400, 422), (path, body, r.status_code, r.content)
        assert error_shape_ok(r.json(), r.status_code), r.json()
        assert says in r.json()["message"]["vi"] + str(r.json().get("fields")), (path, body, r.json())
    assert (LedgerTransaction.objects.count(), Disbursement.objects.count(), AuditEvent.objects.count()) == n


def test_who_may_move_money(w, commune_officer, other_fund, hh):  # noqa: F811
    f = w.fund.pk
    body = {"household_code": hh.code, "purpose": "house", "amount_vnd": 1, "date": LATER.isoformat()}
    n = LedgerTransaction.objects.count()
    r = KeyClient(w.cf, scope="read").post(f"/funds/{f}/disbursements", body)
    assert r.status_code == 403 and r.json()["code"] == "token_read_only"
    r = KeyClient(commune_officer).post(f"/funds/{f}/disbursements", body)        # reads the fund, does not keep it
    assert r.status_code == 403 and "Ủy ban MTTQ" in r.json()["message"]["vi"]
    r = KeyClient(w.pf).post(f"/funds/{f}/entries/{w.d1.txn_id}/reversal", {"date": LATER.isoformat(), "reason": "x"})
    assert r.status_code == 403                                                  # the province does not write below
    r = KeyClient(other_fund.user).post(f"/funds/{f}/disbursements", body)        # another commune: not found
    assert r.status_code == 404 and error_shape_ok(r.json(), 404)
    assert LedgerTransaction.objects.count() == n

"""An allocation decision's list paid through the API (``POST /funds/{id}/disbursement-lists``,
fund.payments.pay_households): the payments with their supports, all or nothing, each bad line named
as ``payments[i]`` in the API's error shape, Idempotency-Key, and who may write."""
import pytest

from chungtay.fund.models import Disbursement
from chungtay.households.models import Household
from chungtay.support.models import Support
from tests.test_api_fund import LATER, fund_world, hh, other_fund, village  # noqa: F401  (fixtures)
from tests.test_api_support import KeyClient, error_shape_ok


@pytest.fixture
def w(my_commune, hh):  # noqa: F811
    world = fund_world(my_commune, hh)
    world.households = list(Household.objects.filter(commune=my_commune, status="active", end_year=None)
                            .order_by("id")[:3])
    return world


def _list(w, codes, amount=1_000_000, **kw):
    return {"allocation_id": w.alloc.pk, "payments": [
        {"household_code": c, "purpose": "scholarship", "amount_vnd": amount, "date": LATER.isoformat(), **kw}
        for c in codes]}


def test_a_list_is_paid_at_once_with_its_supports(w):
    cf, f = KeyClient(w.cf), w.fund.pk
    codes = [h.code for h in w.households]
    r = cf.post(f"/funds/{f}/disbursement-lists", _list(w, codes, description="Học bổng"), HTTP_IDEMPOTENCY_KEY="list-1")
    assert r.status_code == 201, r.content
    body = r.json()
    assert (body["allocation_id"], body["households"], body["total_vnd"]) == (w.alloc.pk, 3, 3_000_000)
    assert [d["household_code"] for d in body["disbursements"]] == codes
    assert {d["document_no"] for d in body["disbursements"]} == {"01/QĐ-MTTQ"}
    for d in body["disbursements"]:
        s = Support.objects.get(entry_id=d["support_entry_id"], is_current=True)
        assert (s.value_vnd, s.source, s.description) == (1_000_000, "fund", "Học bổng")
    again = cf.post(f"/funds/{f}/disbursement-lists", _list(w, codes, description="Học bổng"),
                    HTTP_IDEMPOTENCY_KEY="list-1")
    assert again.status_code == 201 and again.json() == body
    assert Disbursement.objects.filter(fund=w.fund, purpose="scholarship").count() == 3


def test_bad_lines_are_named_and_nothing_is_written(w, other_fund):  # noqa: F811
    cf, f = KeyClient(w.cf), w.fund.pk
    before = Disbursement.objects.count()
    stranger = Household.objects.exclude(commune=w.fund.unit).filter(status="active").first()
    codes = [w.households[0].code, "KHONG-CO", w.households[0].code, stranger.code]
    r = cf.post(f"/funds/{f}/disbursement-lists", _list(w, codes))
    assert r.status_code == 400 and error_shape_ok(r.json(), 400)
    fields = {x["field"] for x in r.json()["fields"]}
    assert fields == {"payments[1].household_code", "payments[2].household_code", "payments[3].household_code"}
    # the checks of each payment: more than the scholarships' 5,000,000, a day in the closed books
    r = cf.post(f"/funds/{f}/disbursement-lists", _list(w, [h.code for h in w.households], amount=2_000_000))
    assert r.status_code == 400 and "Vượt số còn lại" in r.json()["message"]["vi"]
    body = _list(w, [h.code for h in w.households])
    body["payments"][2]["date"] = "2025-01-05"
    r = cf.post(f"/funds/{f}/disbursement-lists", body)
    assert r.status_code == 400 and [x["field"] for x in r.json()["fields"]] == ["payments[2]"]
    assert "Sổ quỹ" in r.json()["fields"][0]["message"]["vi"]
    assert Disbursement.objects.count() == before


def test_who_may_pay_a_list(w, commune_officer, other_fund):  # noqa: F811
    f, body = w.fund.pk, _list(w, [w.households[0].code])
    assert KeyClient(w.cf, scope="read").post(f"/funds/{f}/disbursement-lists", body).status_code == 403
    assert KeyClient(commune_officer).post(f"/funds/{f}/disbursement-lists", body).status_code == 403
    assert KeyClient(other_fund.user).post(f"/funds/{f}/disbursement-lists", body).status_code == 404
    empty = KeyClient(w.cf).post(f"/funds/{f}/disbursement-lists", {"allocation_id": w.alloc.pk, "payments": []})
    assert empty.status_code == 400 and error_shape_ok(empty.json(), 400)

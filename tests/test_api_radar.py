"""The radar and the outcomes through the API: the same figures as the readers behind the pages
(support.radar), scoped as the pages (another commune's unit: 404; a village head: the own
village), the households of one rule in pages, bad parameters answered 400 in Vietnamese, no
citizen ID."""
import datetime as dt
import re

import pytest

from chungtay.households.models import Household
from chungtay.support import people
from chungtay.support.radar import latest_year, outcomes_for, radar_for
from tests.support_helpers import household_in
from tests.test_api_support import KeyClient, error_shape_ok

YEAR = dt.date.today().year


def test_radar_counts_equal_the_reader(commune_officer, my_commune):
    xa = KeyClient(commune_officer)
    r = xa.get("/radar", {"unit": my_commune.pk, "year": YEAR})
    assert r.status_code == 200 and r["ETag"]
    body = r.json()
    want = radar_for(commune_officer, my_commune, YEAR)
    assert body["counts"] == want.counts() and body["latest_year"] == want.latest_year
    assert body["unit_id"] == my_commune.pk and body["rule"] is None and body["items"] == []
    assert [x["name"] for x in body["rules"]] == ["persistent", "unsupported", "fell_back", "pledges", "near_escape"]
    assert {x["year"]: x["count"] for x in body["fell_back_by_year"]} == want.fell_back_by_year
    # the default unit is the user's own, as on the page
    assert xa.get("/radar", {"year": YEAR}).json()["counts"] == want.counts()


def test_radar_rule_pages(commune_officer, my_commune):
    xa = KeyClient(commune_officer)
    want = radar_for(commune_officer, my_commune, YEAR)
    assert len(want.unsupported) > 3, "the demo commune has poor households without support"
    seen, cursor, pages = [], None, 0
    limit = len(want.unsupported) // 3 + 1              # two or three pages
    while True:
        body = xa.get("/radar", {"unit": my_commune.pk, "year": YEAR, "rule": "unsupported", "limit": limit,
                                 **({"cursor": cursor} if cursor else {})}).json()
        assert len(body["items"]) <= limit and body["counts"]["unsupported"] == len(want.unsupported)
        seen += body["items"]
        pages += 1
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert pages >= 2
    assert [(i["household_id"], i["category"]) for i in seen] == sorted(want.unsupported)
    hh = Household.objects.get(pk=seen[0]["household_id"])
    assert (seen[0]["household_code"], seen[0]["head_name"]) == (hh.code, hh.head_name)
    assert seen[0]["text_vi"] and seen[0]["text_en"]
    text = str(seen)
    assert "citizen" not in text and not re.search(r"\b\d{12}\b", text)      # no citizen ID
    r = xa.get("/radar", {"rule": "unsupported", "cursor": "xyz"})
    assert r.status_code == 400 and r.json()["code"] == "invalid_cursor"


def test_pledge_rule_lists_the_pledge(commune_officer, village_head):
    village = village_head.assignments.get().unit
    hh = household_in(village)
    p = people.record_pledge(commune_officer, hh, year=YEAR, plan="Nuôi bò sinh sản")
    items = KeyClient(commune_officer).get("/radar", {"unit": village.pk, "year": YEAR, "rule": "pledges",
                                                      "limit": 200}).json()["items"]
    row = next(i for i in items if i["pledge_id"] == p.pk)
    assert (row["household_id"], row["pledge_year"]) == (hh.pk, YEAR)


def test_radar_scope(other_commune_officer, village_head, my_commune, commune_officer):
    xa2 = KeyClient(other_commune_officer)
    for path in ("/radar", "/outcomes"):
        r = xa2.get(path, {"unit": my_commune.pk})
        assert r.status_code == 404 and error_shape_ok(r.json(), 404)
    thon = KeyClient(village_head)
    village = village_head.assignments.get().unit
    assert thon.get("/radar", {"unit": my_commune.pk}).status_code == 404
    own = people.record_pledge(commune_officer, household_in(village), year=YEAR, plan="Trồng cà phê")
    other = Household.objects.filter(commune=my_commune, status="active").exclude(village=village).order_by("id")[0]
    theirs = people.record_pledge(commune_officer, other, year=YEAR, plan="Nuôi heo")
    body = thon.get("/radar", {"rule": "pledges", "limit": 200, "year": YEAR}).json()
    assert body["unit_id"] == village.pk and body["items"]
    assert {i["pledge_id"] for i in body["items"]} == {own.pk}
    ids = {i["household_id"] for i in body["items"]}
    assert set(Household.objects.filter(pk__in=ids).values_list("village_id", flat=True)) == {village.pk}
    commune_pledges = KeyClient(commune_officer).get("/radar", {"rule": "pledges", "limit": 200, "year": YEAR})
    assert {own.pk, theirs.pk} <= {i["pledge_id"] for i in commune_pledges.json()["items"]}
    assert thon.get("/outcomes").json()["unit_id"] == village.pk


def test_bad_parameters_answer_400(commune_officer):
    xa = KeyClient(commune_officer)
    for path, params in (("/radar", {"year": 1800}), ("/radar", {"rule": "nobody"}), ("/radar", {"unit": "abc"}),
                         ("/outcomes", {"from": 3000}), ("/outcomes", {"kind": "gold"})):
        r = xa.get(path, params)
        assert r.status_code == 400 and error_shape_ok(r.json(), 400), (path, params)
        assert r.json()["message"]["vi"].startswith("Dữ liệu gửi lên không hợp lệ")


def test_outcomes_equal_the_reader(commune_officer, my_commune):
    xa = KeyClient(commune_officer)
    latest = latest_year(commune_officer, my_commune)
    body = xa.get("/outcomes", {"unit": my_commune.pk}).json()
    assert (body["first"], body["last"], body["latest_year"]) == (latest - 2, latest, latest)
    o = outcomes_for(commune_officer, my_commune, latest - 2, latest)
    for f in ("supported", "eligible", "decided", "pending", "escaped", "stayed_1", "stayed_1_n", "repoverty",
              "value_vnd"):
        assert body[f] == getattr(o, f), f
    assert body["cost_per_escape_vnd"] == o.cost_per_escape
    assert body["escape_rate"] == (None if o.escape_rate is None else 100 * o.escape_rate)
    assert [h["household_id"] for h in body["escaped_households"]] == o.escaped_ids[:50]
    # a reversed period is swapped, a filter narrows it, as on the page
    b2 = xa.get("/outcomes", {"unit": my_commune.pk, "from": latest, "to": latest - 1, "kind": "livestock",
                              "programme": "GNBV2125"}).json()
    o2 = outcomes_for(commune_officer, my_commune, latest - 1, latest, "GNBV2125", "livestock")
    assert (b2["first"], b2["last"], b2["kind"]) == (latest - 1, latest, "livestock")
    assert (b2["supported"], b2["escaped"]) == (o2.supported, o2.escaped)


@pytest.mark.parametrize("username", ["tinh", "chutich", "admin"])
def test_other_roles_read(django_user_model, username):
    kc = KeyClient(django_user_model.objects.get(username=username))
    assert kc.get("/radar").status_code == 200 and kc.get("/outcomes").status_code == 200

"""The API's conventions (docs/api.md): one error shape, ETag and 304, idempotent writes, per-key
rate limits kept in the database, stable cursor pagination, the classification endpoint the survey
form uses."""
import json
import time

import pytest
from django.test import Client

from chungtay.accounts.models import AuditEvent
from chungtay.api.models import IdempotentWrite, RateWindow
from chungtay.households import actions
from chungtay.households.models import Assessment, Household
from tests.test_api_support import KeyClient, error_shape_ok


@pytest.fixture
def xa(commune_officer):
    return KeyClient(commune_officer)


def first_household(user):
    return Household.objects.for_user(user).filter(status="active").order_by("id").first()


# --- errors --------------------------------------------------------------------------------

def test_every_kind_of_error_has_the_one_shape_with_both_languages(xa, village_head, settings):
    cases = [
        (xa.get("/households", {"year": "abc"}), 400, "year"),
        (xa.get("/households", {"category": "poor"}), 400, "year"),                   # category needs a year
        (xa.get("/households", {"limit": 0}), 400, "limit"),
        (xa.get("/households", {"cursor": "!!"}), 400, "cursor"),
        (xa.post("/households", {"code": "X", "village_id": 1, "head": {"full_name": "A", "sex": "M",
                                                                         "birth_year": "x"}}), 400, "head.birth_year"),
        (xa.client.post("/api/v1/classify", "{not json", content_type="application/json", **xa.extra), 400, None),
        (xa.get("/households/999999999"), 404, None),
        (xa.get("/no/such/thing"), 404, None),
        (xa.client.delete("/api/v1/households", **xa.extra), 405, None),
        (Client().get("/api/v1/units"), 401, None),
        (KeyClient(village_head).post("/households", {"code": "X", "village_id": village_head.assignments.get().unit.pk,
                                                      "head": {"full_name": "A", "sex": "M", "birth_year": 1980}}),
         403, None),
    ]
    for r, status, field in cases:
        body = r.json()
        assert r.status_code == status, (status, body)
        assert r["Content-Type"].startswith("application/json")
        assert error_shape_ok(body, status), body
        assert body["error"] == body["message"]["vi"]                     # Vietnamese first
        if field:
            assert body["field"] == field and body["fields"][0]["field"] == field, body
    village_refusal = cases[-1][0].json()
    assert "Cán bộ giảm nghèo xã" in village_refusal["message"]["vi"]          # who does it, as the web says
    assert "commune poverty officer" in village_refusal["message"]["en"]


def test_an_action_refusal_names_the_field_in_both_languages(xa, commune_officer):
    hh = first_household(commune_officer)
    r = xa.post(f"/households/{hh.pk}/members", {"full_name": "Lê Văn Thử", "sex": "M", "birth_year": 2001,
                                                  "relation": "child", "citizen_id": "00120101234"})
    body = r.json()
    assert r.status_code == 400 and body["field"] == "citizen_id", body
    assert "00120101234" not in r.content.decode()                 # the number is never echoed
    r = xa.get("/households", {"year": "abc"}, HTTP_ACCEPT_LANGUAGE="en")
    assert r.json()["error"] == r.json()["message"]["en"] and "valid" in r.json()["error"]


# --- ETag ------------------------------------------------------------------------------------

def test_answers_carry_an_etag_and_if_none_match_gives_304_until_the_data_change(xa, commune_officer):
    hh = first_household(commune_officer)
    r = xa.get(f"/households/{hh.pk}")
    tag = r["ETag"]
    assert r.status_code == 200 and tag.startswith('"')
    again = xa.get(f"/households/{hh.pk}", HTTP_IF_NONE_MATCH=tag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == tag
    assert xa.get(f"/households/{hh.pk}", HTTP_IF_NONE_MATCH='"other"').status_code == 200
    actions.add_member(commune_officer, hh, {"full_name": "Mới Sinh", "sex": "F", "birth_year": 2024,
                                             "relation": "child"})
    changed = xa.get(f"/households/{hh.pk}", HTTP_IF_NONE_MATCH=tag)
    assert changed.status_code == 200 and changed["ETag"] != tag
    lst = xa.get("/units", {"limit": 5})
    assert xa.get("/units", {"limit": 5}, HTTP_IF_NONE_MATCH=lst["ETag"]).status_code == 304


# --- idempotency -----------------------------------------------------------------------------

def test_a_write_with_an_idempotency_key_happens_once(xa, commune_officer, other_commune_officer):
    hh = first_household(commune_officer)
    body = {"household_id": hh.pk, "year": 2025, "kind": "regular", "income": 1_100_000, "deprived": []}
    n, audits = Assessment.objects.filter(household=hh).count(), AuditEvent.objects.count()
    first = xa.post("/assessments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    second = xa.post("/assessments", body, HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == second.status_code == 201
    assert second.content == first.content and second["Idempotent-Replayed"] == "true"
    assert Assessment.objects.filter(household=hh).count() == n + 1
    assert AuditEvent.objects.filter(action="assessment.record").count() >= 1
    assert AuditEvent.objects.count() == audits + 1                # one write, one audit event
    # the same key with another body: refused, nothing written
    other = xa.post("/assessments", {**body, "income": 5_000_000}, HTTP_IDEMPOTENCY_KEY="k-1")
    assert other.status_code == 409 and other.json()["code"] == "idempotency_key_reused"
    assert error_shape_ok(other.json(), 409)
    assert Assessment.objects.filter(household=hh).count() == n + 1
    # without a key, every request is a new write
    xa.post("/assessments", body)
    assert Assessment.objects.filter(household=hh).count() == n + 2
    # keys belong to their user: another user's "k-1" is their own
    assert IdempotentWrite.objects.filter(key="k-1").count() == 1


def test_a_failed_write_is_not_remembered(xa, commune_officer):
    hh = first_household(commune_officer)
    bad = xa.post("/assessments", {"household_id": hh.pk, "year": 2025, "kind": "regular", "income": -5},
                  HTTP_IDEMPOTENCY_KEY="k-2")
    assert bad.status_code == 400
    assert not IdempotentWrite.objects.filter(key="k-2").exists()
    ok = xa.post("/assessments", {"household_id": hh.pk, "year": 2025, "kind": "regular", "income": 900_000},
                 HTTP_IDEMPOTENCY_KEY="k-2")
    assert ok.status_code == 201


# --- rate limits -----------------------------------------------------------------------------

def test_a_key_over_its_limit_gets_429_with_retry_after(commune_officer, settings):
    settings.CHUNGTAY_API_RATE_LIMITS = {"all": 5, "write": 2}
    a, b = KeyClient(commune_officer), KeyClient(commune_officer)
    window = int(time.time() // 60)
    answers = [a.get("/standards").status_code for _ in range(5)]
    r = a.get("/standards")
    if int(time.time() // 60) != window:          # the minute turned during the test: start again
        return test_a_key_over_its_limit_gets_429_with_retry_after(commune_officer, settings)
    assert answers == [200] * 5 and r.status_code == 429
    assert error_shape_ok(r.json(), 429) and r.json()["code"] == "rate_limited"
    assert 1 <= int(r["Retry-After"]) <= 60
    assert b.get("/standards").status_code == 200                         # per key
    # writes have their own, lower limit
    c = KeyClient(commune_officer)
    codes = [c.post("/classify", {"year": 2025, "income": 1}).status_code for _ in range(3)]
    assert codes[:2] == [200, 200] and codes[2] == 429


def test_the_count_lives_in_the_database_so_every_process_shares_it(commune_officer, settings):
    """Another server process counts in the same table: its requests count against this one."""
    settings.CHUNGTAY_API_RATE_LIMITS = {"all": 10, "write": 5}
    k = KeyClient(commune_officer)
    assert k.get("/standards").status_code == 200
    RateWindow.objects.filter(token=k.token, bucket="all").update(count=10)     # as if 9 came from elsewhere
    r = k.get("/standards")
    assert r.status_code == 429 or int(time.time()) % 60 < 2      # unless the minute just turned


def test_sessions_of_the_app_pages_need_csrf_for_writes(commune_officer):
    c = Client(enforce_csrf_checks=True)
    c.force_login(commune_officer)
    assert c.get("/api/v1/units").status_code == 200                   # reads: the session suffices
    r = c.post("/api/v1/classify", json.dumps({"year": 2025, "income": 1_000_000}), content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "csrf_failed"
    c.get("/households/")
    token = c.cookies["csrftoken"].value
    r = c.post("/api/v1/classify", json.dumps({"year": 2025, "income": 1_000_000}), content_type="application/json",
               HTTP_X_CSRFTOKEN=token)
    assert r.status_code == 200


# --- pagination ------------------------------------------------------------------------------

def test_cursor_pages_neither_repeat_nor_skip_when_rows_are_added_meanwhile(xa, commune_officer, my_commune):
    before = list(Household.objects.for_user(commune_officer).order_by("id").values_list("id", flat=True))
    seen, cursor, pages = [], None, 0
    village = my_commune.children.order_by("id").first()
    while True:
        r = xa.get("/households", {"limit": 30, **({"cursor": cursor} if cursor else {})})
        assert r.status_code == 200
        seen += [h["id"] for h in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        pages += 1
        if pages == 2:      # a household registered while the client pages through
            actions.create_household(commune_officer, code="API-PAGE-NEW", village=village,
                                     head={"full_name": "Đinh Văn Mới", "sex": "M", "birth_year": 1990})
        if not cursor:
            break
    assert len(seen) == len(set(seen)) and seen == sorted(seen)
    assert set(before) <= set(seen) and len(seen) == len(before) + 1
    assert pages > 3


# --- classification (the survey form's live preview) -------------------------------------------

def test_classify_answers_as_the_survey_form_expects(as_commune_officer):
    body = {"year": "2025", "area": "rural", "income": 1_000_000, "deprived": []}      # assess.js sends the year as text
    r = as_commune_officer.post("/api/v1/classify", json.dumps(body), content_type="application/json")
    d = r.json()
    assert r.status_code == 200 and d["category"] == "poor" or d["category"] in ("near_poor", "poor")
    assert d["explanation"] == d["explanation_vi"] and d["standard"] == "2021-2025"
    r = as_commune_officer.post("/api/v1/classify", json.dumps({"year": 2025, "area": "rural", "income": 1e20}),
                                content_type="application/json")
    assert r.status_code == 400 and r.json()["field"] == "income" and r.json()["error"].startswith("Thu nhập")
    assert not Assessment.objects.filter(recorded_at__isnull=True).exists()


def test_an_idempotency_key_is_remembered_for_a_day(xa, commune_officer):
    from datetime import timedelta

    from django.utils import timezone
    hh = first_household(commune_officer)
    body = {"household_id": hh.pk, "year": 2025, "kind": "regular", "income": 1_300_000}
    assert xa.post("/assessments", body, HTTP_IDEMPOTENCY_KEY="day").status_code == 201
    IdempotentWrite.objects.filter(key="day").update(created_at=timezone.now() - timedelta(hours=25))
    r = xa.post("/assessments", {**body, "income": 1_400_000}, HTTP_IDEMPOTENCY_KEY="day")
    assert r.status_code == 201 and "Idempotent-Replayed" not in r
    assert IdempotentWrite.objects.filter(key="day").count() == 1


def test_a_citizen_id_is_never_answered_or_audited_in_clear(xa, commune_officer, my_commune):
    village = my_commune.children.order_by("id").first()
    cid = "062080999001"            # valid: man born 1980, Kon Tum
    r = xa.post("/households", {"code": "API-CID-1", "village_id": village.pk,
                                "head": {"full_name": "Phạm Văn Căn", "sex": "M", "birth_year": 1980, "citizen_id": cid}})
    assert r.status_code == 201, r.content
    head = r.json()["members"][0]
    assert cid not in r.content.decode() and head["citizen_id_masked"] and head["citizen_id_masked"] != cid
    hid = r.json()["id"]
    for path in (f"/households/{hid}", f"/households/{hid}/members"):
        assert cid not in xa.get(path).content.decode()
    assert not any(cid in str(e.changes) for e in AuditEvent.objects.filter(object_id=str(hid)))
    assert AuditEvent.objects.filter(action="household.create", object_id=str(hid), actor=commune_officer).exists()

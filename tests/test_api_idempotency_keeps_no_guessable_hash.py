"""A write sent with an ``Idempotency-Key`` is remembered by a keyed digest of its request, never a
plain hash: a body holding a citizen ID has few enough possible values (12 digits, most of them fixed
by province, sex and birth year) that a plain SHA-256 read from a copy of the database gives the ID
back by trying them all. The remembered writes of every user are dropped after a day, on the next
keyed write and by the worker's housekeeping."""
import hashlib
import json
from datetime import timedelta

from django.utils import timezone

from chungtay.api.models import IdempotentWrite
from chungtay.jobs import tasks
from tests.test_api_support import KeyClient

CID = "062080999002"


def _post_household(client, village, key, cid=CID):
    body = {"code": f"IDEM-{key}", "village_id": village.pk,
            "head": {"full_name": "Phạm Văn Băm", "sex": "M", "birth_year": 1980, "citizen_id": cid}}
    return client.post("/households", body, HTTP_IDEMPOTENCY_KEY=key), body


def _plain_hashes(body: dict) -> set[str]:
    """What a plain hash of the request would be, for the encodings a client might send."""
    out = set()
    for raw in (json.dumps(body), json.dumps(body, ensure_ascii=False), json.dumps(body, separators=(",", ":"))):
        h = hashlib.sha256(b"POST /api/v1/households?\n")
        h.update(raw.encode())
        out.add(h.hexdigest())
        out.add(hashlib.sha256(raw.encode()).hexdigest())
    return out


def test_the_stored_digest_is_keyed_by_a_secret_outside_the_database(commune_officer, my_commune, settings):
    xa = KeyClient(commune_officer)
    village = my_commune.children.order_by("id").first()
    r, body = _post_household(xa, village, "cid-1")
    assert r.status_code == 201, r.content
    rec = IdempotentWrite.objects.get(key="cid-1")
    assert len(rec.request_hash) == 64
    assert rec.request_hash not in _plain_hashes(body)
    assert CID not in bytes(rec.body).decode()                          # the stored answer shows it masked
    # the same request again is recognised (a replay), so the digest is stable under one secret …
    again = xa.post("/households", body, HTTP_IDEMPOTENCY_KEY="cid-1")
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    # … and depends on the secret: under another SECRET_KEY the same request has another digest
    from django.test import RequestFactory

    from chungtay.api.base import _request_hash
    req = RequestFactory().post("/api/v1/households", json.dumps(body), content_type="application/json")
    first = _request_hash(req)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    req = RequestFactory().post("/api/v1/households", json.dumps(body), content_type="application/json")
    assert _request_hash(req) != first


def test_old_writes_of_every_user_are_dropped(commune_officer, other_commune_officer, my_commune, other_commune):
    mine, theirs = KeyClient(commune_officer), KeyClient(other_commune_officer)
    r, _ = _post_household(theirs, other_commune.children.order_by("id").first(), "theirs")
    assert r.status_code == 201, r.content
    IdempotentWrite.objects.filter(key="theirs").update(created_at=timezone.now() - timedelta(hours=25))
    r, _ = _post_household(mine, my_commune.children.order_by("id").first(), "mine", cid="062080999003")
    assert r.status_code == 201, r.content
    assert list(IdempotentWrite.objects.values_list("key", flat=True)) == ["mine"]


def test_the_worker_housekeeping_drops_them_too(commune_officer, my_commune):
    r, _ = _post_household(KeyClient(commune_officer), my_commune.children.order_by("id").first(), "old")
    assert r.status_code == 201, r.content
    assert tasks.cleanup()["idempotent_writes"] == 0                  # a fresh one stays
    IdempotentWrite.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert tasks.cleanup()["idempotent_writes"] == 1
    assert not IdempotentWrite.objects.exists()

"""Behind the documented nginx every request reaches the app from 127.0.0.1. The log-in throttle
must still count per client: an attacker failing on an officer's user name from one address locks
only that address out, the officer logs in from another, and the audit records the client's address
(the last X-Forwarded-For entry, which nginx sets; never a header a client chose)."""
import pytest
from django.test import Client

from chungtay.accounts.models import AuditEvent

WRONG = "not-the-password-7731"


def _client(forwarded: str, remote: str = "127.0.0.1") -> Client:
    return Client(REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)


@pytest.fixture
def behind_proxy(settings):
    settings.CHUNGTAY_BEHIND_PROXY = True
    return settings


def test_an_attacker_locks_out_only_itself(behind_proxy, db):
    attacker, officer = _client("203.0.113.7"), _client("198.51.100.20")
    for _ in range(5):
        attacker.post("/login/", {"username": "xa", "password": WRONG})
    assert attacker.post("/login/", {"username": "xa", "password": "chungtay2025"}).status_code == 429
    r = officer.post("/login/", {"username": "xa", "password": "chungtay2025"})
    assert r.status_code == 302 and officer.session.get("_auth_user_id")
    ips = set(AuditEvent.objects.filter(action="login.failed", object_id="xa").values_list("changes__ip", flat=True))
    assert ips == {"203.0.113.7"}
    assert AuditEvent.objects.filter(action="login.locked_out", object_id="xa", changes__ip="203.0.113.7").exists()


def test_a_client_cannot_choose_its_address(behind_proxy, db):
    # a client sends its own X-Forwarded-For; nginx's entry (the address it saw) comes last
    c = _client("198.51.100.20, 203.0.113.9")
    c.post("/login/", {"username": "tinh", "password": WRONG})
    assert AuditEvent.objects.get(action="login.failed", object_id="tinh").changes["ip"] == "203.0.113.9"


def test_the_header_counts_only_from_the_proxy_and_only_behind_one(settings, db):
    settings.CHUNGTAY_BEHIND_PROXY = True
    _client("203.0.113.7", remote="192.0.2.55").post("/login/", {"username": "xa", "password": WRONG})
    settings.CHUNGTAY_BEHIND_PROXY = False
    _client("203.0.113.8").post("/login/", {"username": "xa2", "password": WRONG})
    got = dict(AuditEvent.objects.filter(action="login.failed").values_list("object_id", "changes__ip"))
    assert got == {"xa": "192.0.2.55", "xa2": "127.0.0.1"}

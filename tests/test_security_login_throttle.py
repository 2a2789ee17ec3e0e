"""Repeated failed log-ins are throttled (django-axes) and audited: each failure and the lock-out
write an AuditEvent with the user name and address, never the password."""
import json

from chungtay.accounts.models import AuditEvent

WRONG = "not-the-password-7731"


def _fail(client, username="xa", n=1):
    return [client.post("/login/", {"username": username, "password": WRONG}) for _ in range(n)]


def test_it_locks_a_user_name_out_after_five_failures_even_with_the_right_password(client, settings, db):
    assert settings.AXES_FAILURE_LIMIT == 5
    for r in _fail(client, n=4):
        assert r.status_code == 200 and "không đúng" in r.content.decode()
    r = _fail(client)[0]
    assert r.status_code == 429
    r = client.post("/login/", {"username": "xa", "password": "chungtay2025"})
    assert r.status_code == 429 and "_auth_user_id" not in client.session
    page = r.content.decode()
    assert "Đăng nhập sai quá nhiều lần" in page and "15 phút" in page
    assert r["Content-Security-Policy"]


def test_other_user_names_still_log_in(client, db):
    _fail(client, n=5)
    r = client.post("/login/", {"username": "xa2", "password": "chungtay2025"})
    assert r.status_code == 302 and client.session.get("_auth_user_id")


def test_a_success_before_the_limit_resets_the_count(client, db):
    _fail(client, n=4)
    assert client.post("/login/", {"username": "xa", "password": "chungtay2025"}).status_code == 302
    client.logout()
    _fail(client, n=4)
    assert client.post("/login/", {"username": "xa", "password": "chungtay2025"}).status_code == 302


def test_failures_and_the_lock_out_are_audited_without_the_password(client, db):
    _fail(client, username="tinh", n=6)
    failed = AuditEvent.objects.filter(action="login.failed", object_id="tinh")
    locked = AuditEvent.objects.filter(action="login.locked_out", object_id="tinh")
    assert failed.count() >= 5 and locked.count() >= 1
    e = locked.first()
    assert e.changes["ip"] == "127.0.0.1" and e.changes["failures"] == 5 and e.actor is None
    everything = json.dumps(list(AuditEvent.objects.values("object_id", "changes")))
    assert WRONG not in everything and "chungtay2025" not in everything
    from axes.models import AccessAttempt            # axes' own record of the attempts: password masked
    attempts = AccessAttempt.objects.filter(username="tinh")
    assert attempts.exists() and WRONG not in json.dumps(list(attempts.values("post_data", "get_data")))

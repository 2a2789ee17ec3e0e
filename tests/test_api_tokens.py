"""API keys: stored hashed, shown once, expiry, revocation, read scope cannot write, the page and
the command, every create and revoke audited."""
import hashlib
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from chungtay.accounts.models import AuditEvent
from chungtay.api import tokens
from chungtay.api.models import ApiToken
from chungtay.cli import main as cli_main


def bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_only_the_hash_of_a_key_is_stored_and_it_works_once_created(commune_officer):
    t, secret = tokens.create_token(commune_officer, name="Sở LĐ", scope="read", days=30)
    assert secret.startswith("ct_") and len(secret) > 40
    row = ApiToken.objects.get(pk=t.pk)
    assert row.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiToken.objects.filter(pk=t.pk).values().get())      # no column holds it
    assert row.last_used_at is None
    r = Client().get("/api/v1/households?limit=1", **bearer(secret))
    assert r.status_code == 200
    assert ApiToken.objects.get(pk=t.pk).last_used_at is not None
    ev = AuditEvent.objects.filter(action="api_token.create", object_id=str(t.pk)).get()
    assert ev.actor == commune_officer and ev.changes["scope"] == "read" and secret not in str(ev.changes)


@pytest.mark.parametrize("state,code", [("expired", "token_expired"), ("revoked", "token_revoked"),
                                        ("wrong", "token_invalid")])
def test_an_expired_revoked_or_wrong_key_answers_401(commune_officer, state, code):
    t, secret = tokens.create_token(commune_officer, name="x", scope="write", days=1)
    if state == "expired":
        ApiToken.objects.filter(pk=t.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    elif state == "revoked":
        tokens.revoke_token(commune_officer, t)
        assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(t.pk)).exists()
    else:
        secret = secret[:-2] + ("AA" if not secret.endswith("AA") else "BB")
    r = Client().get("/api/v1/households", **bearer(secret))
    assert r.status_code == 401
    body = r.json()
    assert body["code"] == code and body["status"] == 401 and body["message"]["vi"] and body["message"]["en"]
    assert "Bearer" in r["WWW-Authenticate"]


def test_no_credentials_answer_401_in_the_error_shape(db):
    r = Client().get("/api/v1/households")
    assert r.status_code == 401 and r.json()["code"] == "unauthenticated"


def test_a_read_key_cannot_write(commune_officer):
    hh = commune_officer_household(commune_officer)
    _, secret = tokens.create_token(commune_officer, name="đọc", scope="read")
    before = AuditEvent.objects.count()
    r = Client().post("/api/v1/assessments", {"household_id": hh.pk, "year": 2025, "kind": "regular",
                                              "income": 1_000_000}, content_type="application/json", **bearer(secret))
    assert r.status_code == 403 and r.json()["code"] == "token_read_only"
    assert AuditEvent.objects.count() == before
    _, rw = tokens.create_token(commune_officer, name="ghi", scope="write")
    r = Client().post("/api/v1/assessments", {"household_id": hh.pk, "year": 2025, "kind": "regular",
                                              "income": 1_000_000}, content_type="application/json", **bearer(rw))
    assert r.status_code == 201, r.content
    assert r.json()["category"] and r.json()["explanation_vi"]


def commune_officer_household(user):
    from chungtay.households.models import Household
    return Household.objects.for_user(user).filter(status="active").order_by("id").first()


def test_a_user_cannot_revoke_someone_elses_key(commune_officer, other_commune_officer):
    from django.core.exceptions import PermissionDenied
    t, _ = tokens.create_token(commune_officer, name="x")
    with pytest.raises(PermissionDenied):
        tokens.revoke_token(other_commune_officer, t)
    # nor on the page: another user's key is not found there
    c = Client()
    c.force_login(other_commune_officer)
    assert c.post(reverse("api_keys"), {"action": "revoke", "token": t.pk}).status_code == 404
    assert ApiToken.objects.get(pk=t.pk).revoked_at is None


def test_bad_key_settings_are_refused_with_the_field(commune_officer):
    from django.core.exceptions import ValidationError
    for kw, field in (({"name": " "}, "name"), ({"name": "a", "scope": "admin"}, "scope"),
                      ({"name": "a", "days": 0}, "days"), ({"name": "a", "days": 366}, "days")):
        with pytest.raises(ValidationError) as e:
            tokens.create_token(commune_officer, **kw)
        assert field in e.value.message_dict


def test_the_page_shows_the_secret_once_and_revokes(commune_officer):
    c = Client()
    c.force_login(commune_officer)
    r = c.get(reverse("api_keys"))
    assert r.status_code == 200 and "Khóa API" in r.content.decode()
    r = c.post(reverse("api_keys"), {"action": "create", "name": "Phần mềm Sở", "scope": "write", "days": 30})
    html = r.content.decode()
    t = ApiToken.objects.get(user=commune_officer, name="Phần mềm Sở")
    secret = html.split('id="secret">')[1].split("<")[0]
    assert tokens.digest(secret) == t.digest and r["Cache-Control"] == "no-store"
    assert t.scope == "write" and 29 <= (t.expires_at - timezone.now()).days <= 30
    again = c.get(reverse("api_keys")).content.decode()
    assert secret not in again and t.prefix in again            # listed, never shown again
    r = c.post(reverse("api_keys"), {"action": "revoke", "token": t.pk})
    assert r.status_code == 302
    assert ApiToken.objects.get(pk=t.pk).revoked_at is not None
    assert Client().get("/api/v1/units", **bearer(secret)).status_code == 401


def test_the_command_creates_lists_and_revokes(commune_officer, capsys):
    assert cli_main(["tokens", "create", "--user", "xa", "--name", "Sở", "--scope", "write", "--days", "10"]) == 0
    secret = capsys.readouterr().out.strip()
    t = ApiToken.objects.get(digest=tokens.digest(secret))
    assert t.user == commune_officer and t.scope == "write"
    assert cli_main(["tokens", "list", "--user", "xa"]) == 0
    listed = capsys.readouterr().out
    assert t.prefix in listed and "active" in listed and secret not in listed
    assert cli_main(["tokens", "revoke", "--user", "xa", str(t.pk)]) == 0
    capsys.readouterr()
    assert ApiToken.objects.get(pk=t.pk).revoked_at is not None
    assert AuditEvent.objects.filter(action="api_token.revoke", object_id=str(t.pk), changes__via="cli").exists()
    assert cli_main(["tokens", "list", "--user", "xa"]) == 0
    assert "revoked" in capsys.readouterr().out
    assert cli_main(["tokens", "create", "--user", "nobody", "--name", "x"]) == 2
    assert cli_main(["tokens", "create", "--user", "xa", "--name", "x", "--days", "999"]) == 2
    assert cli_main(["tokens", "revoke", "--user", "xa2", str(t.pk)]) == 2      # not xa2's key

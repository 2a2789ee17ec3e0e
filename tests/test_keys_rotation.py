"""Rotating the field key re-encrypts every stored citizen ID and recomputes its digest in one
transaction: afterwards everything opens with the new key only and re-imports still match;
a failure midway changes nothing; the key file is replaced only after the commit."""
import os
import stat

import pytest

from chungtay import keys
from chungtay.households import actions, protect
from chungtay.households.models import Member
from chungtay.imports.engine import Digester, Encrypter
from chungtay.units.models import Unit

CID = "062080123456"
HEAD = {"full_name": "Nguyễn Văn Khóa", "sex": "M", "birth_year": 1980, "ethnicity": "Kinh", "citizen_id": CID}


@pytest.fixture
def member(commune_officer, my_commune):
    village = Unit.objects.filter(parent=my_commune, level=Unit.VILLAGE).order_by("code").first()
    hh = actions.create_household(commune_officer, code="KEY-0001", village=village, head=HEAD)
    return hh.members.get()


def _stored():
    return dict((pk, (enc, dig)) for pk, enc, dig in Member.objects.exclude(citizen_id_encrypted="")
                .values_list("id", "citizen_id_encrypted", "citizen_id_digest"))


def _key_file(tmp_path, field_key, settings):
    path = tmp_path / "keys.env"
    keys.write_key_file(path, {"SECRET_KEY": settings.SECRET_KEY, "FIELD_ENCRYPTION_KEY": field_key})
    return path


def test_stored_values_name_their_key_and_are_not_the_number(member):
    token = member.citizen_id_encrypted
    assert token.startswith(f"v1:{protect.field_key().kid}:") and CID not in token
    assert Member.objects.exclude(citizen_id_encrypted="").exclude(
        citizen_id_encrypted__startswith=protect.field_key().prefix).count() == 0


def test_it_reencrypts_every_id_and_digests_still_match_reimports(member, settings):
    before = _stored()
    assert len(before) > 1000
    old = protect.field_key()
    new_text = keys.generate_field_key()
    new = keys.FieldKey.from_value(new_text)
    n = keys.reencrypt_all(old, new)
    assert n == len(before)
    settings.FIELD_ENCRYPTION_KEY = new_text
    after = _stored()
    assert set(after) == set(before)
    assert all(enc.startswith(new.prefix) for enc, _ in after.values())
    assert all(after[pk][1] != before[pk][1] for pk in before)       # digests recomputed with the new key
    member.refresh_from_db()
    assert protect.decrypt(member.citizen_id_encrypted) == CID
    assert member.citizen_id_masked.endswith("456")
    # a re-import computes digests with the importer's fast path: it finds the same member
    assert Member.objects.get(citizen_id_digest=Digester()(CID)).pk == member.pk
    assert Member.objects.get(citizen_id_digest=protect.digest(CID)).pk == member.pk
    assert protect.decrypt(Encrypter()(CID)) == CID
    # and the old key opens nothing any more
    with pytest.raises(keys.FieldKeyError):
        old.decrypt(member.citizen_id_encrypted)


def test_a_failure_midway_changes_nothing(member):
    before = _stored()
    new = keys.FieldKey.from_value(keys.generate_field_key())
    with pytest.raises(keys.RotationError):
        keys.reencrypt_all(protect.field_key(), new, batch=500, _fail_after=len(before) // 2)
    assert _stored() == before


def test_a_value_no_key_opens_stops_the_rotation_and_changes_nothing(member):
    other = keys.FieldKey.from_value(keys.generate_field_key())
    victim = Member.objects.exclude(citizen_id_encrypted="").exclude(pk=member.pk).order_by("-id").first()
    Member.objects.filter(pk=victim.pk).update(citizen_id_encrypted=other.encrypt("062080999999"))
    before = _stored()
    with pytest.raises(keys.RotationError, match=f"member #{victim.pk}"):
        keys.reencrypt_all(protect.field_key(), keys.FieldKey.from_value(keys.generate_field_key()))
    assert _stored() == before


def test_rotate_replaces_the_key_file_only_after_the_commit(member, settings, tmp_path):
    path = _key_file(tmp_path, settings.FIELD_ENCRYPTION_KEY, settings)
    old_kid = protect.field_key().kid
    n, new = keys.rotate(key_file=path, out=None, log=lambda m: None)
    assert n > 1000
    values = keys.read_key_file(path)
    assert keys.FieldKey.from_value(values["FIELD_ENCRYPTION_KEY"]).kid == new.kid
    assert values["SECRET_KEY"] == settings.SECRET_KEY                       # untouched
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert not keys.pending_path(path).exists()
    retired = path.with_name(f"keys.env.retired-{old_kid}")
    assert keys.read_key_file(retired)["FIELD_ENCRYPTION_KEY"] == settings.FIELD_ENCRYPTION_KEY
    settings.FIELD_ENCRYPTION_KEY = values["FIELD_ENCRYPTION_KEY"]
    member.refresh_from_db()
    assert protect.decrypt(member.citizen_id_encrypted) == CID


def test_a_failed_rotate_leaves_the_key_file_and_the_data(member, settings, tmp_path):
    path = _key_file(tmp_path, settings.FIELD_ENCRYPTION_KEY, settings)
    text_before, before = path.read_text(), _stored()
    with pytest.raises(keys.RotationError):
        keys.rotate(key_file=path, out=None, log=lambda m: None, _fail_after=10)
    assert path.read_text() == text_before and _stored() == before
    assert not keys.pending_path(path).exists()


def test_a_rotation_interrupted_after_the_commit_is_finished(member, settings, tmp_path):
    path = _key_file(tmp_path, settings.FIELD_ENCRYPTION_KEY, settings)
    new_text = keys.generate_field_key()
    # the crash: new key written as .new, data committed, rename never happened
    keys.write_key_file(keys.pending_path(path), {"FIELD_ENCRYPTION_KEY": new_text})
    keys.reencrypt_all(protect.field_key(), keys.FieldKey.from_value(new_text))
    n, key = keys.rotate(key_file=path, out=None, log=lambda m: None)
    assert n == 0 and keys.read_key_file(path)["FIELD_ENCRYPTION_KEY"] == new_text
    assert not keys.pending_path(path).exists()


def test_a_rotation_interrupted_before_the_commit_is_discarded(member, settings, tmp_path):
    path = _key_file(tmp_path, settings.FIELD_ENCRYPTION_KEY, settings)
    keys.write_key_file(keys.pending_path(path), {"FIELD_ENCRYPTION_KEY": keys.generate_field_key()})
    assert keys.finish_interrupted(path, log=lambda m: None) is False
    assert not keys.pending_path(path).exists()
    assert keys.read_key_file(path)["FIELD_ENCRYPTION_KEY"] == settings.FIELD_ENCRYPTION_KEY


def test_values_of_the_old_derived_scheme_convert_only_with_the_legacy_secret(member):
    legacy = keys.FieldKey.legacy_from_secret("dev-only-insecure-key-change-me-in-production")
    import base64
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    nonce = os.urandom(12)
    old_style = base64.b64encode(nonce + AESGCM(legacy.aes_key).encrypt(nonce, CID.encode(), None)).decode()
    Member.objects.filter(pk=member.pk).update(citizen_id_encrypted=old_style)
    new_text = keys.generate_field_key()
    new = keys.FieldKey.from_value(new_text)
    with pytest.raises(keys.RotationError, match="legacy"):
        keys.reencrypt_all(protect.field_key(), new)
    keys.reencrypt_all(protect.field_key(), new, legacy=legacy)
    member.refresh_from_db()
    assert new.decrypt(member.citizen_id_encrypted) == CID
    assert member.citizen_id_digest == new.digest(CID)

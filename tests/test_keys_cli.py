"""`chungtay keys rotate` and `chungtay keys status` on a real (small) installation: the key file is
replaced and the old one kept; with the key in the environment the new key goes to --out; a value
no key opens stops the rotation with exit status 2 and changes nothing."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from chungtay import keys
from tests.installations import installation

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def install(tmp_path_factory):
    data = tmp_path_factory.mktemp("keyscli")
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "CHUNGTAY_KEY_FILE",
                                                           "CHUNGTAY_ENV", "DATABASE_URL")}
    with installation(data, "keyscli", 300, env) as inst:      # SQLite: the test reads the file directly
        yield data, inst.env


def _keys(args, env, **extra):
    return subprocess.run([sys.executable, "-m", "chungtay", "keys", *args], env={**env, **extra}, cwd=ROOT,
                          capture_output=True, text=True, timeout=300)


def _tokens(data):
    with sqlite3.connect(data / "chungtay.sqlite3") as c:
        return dict(c.execute("SELECT id, citizen_id_encrypted FROM households_member "
                              "WHERE citizen_id_encrypted <> ''").fetchall())


def test_rotate_with_the_key_file_then_status(install):
    data, env = install
    old = keys.FieldKey.from_value(keys.read_key_file(data / "keys.env")["FIELD_ENCRYPTION_KEY"])
    r = _keys(["rotate"], env)
    assert r.returncode == 0, r.stderr
    new = keys.FieldKey.from_value(keys.read_key_file(data / "keys.env")["FIELD_ENCRYPTION_KEY"])
    assert new.kid != old.kid and f"key {new.kid}" in r.stderr
    assert (data / f"keys.env.retired-{old.kid}").exists() and not (data / "keys.env.new").exists()
    assert all(t.startswith(new.prefix) for t in _tokens(data).values())
    s = _keys(["status"], env)
    assert s.returncode == 0 and new.kid in s.stdout and old.kid not in s.stdout


def test_rotate_with_the_key_in_the_environment_needs_out(install, tmp_path):
    data, env = install
    values = keys.read_key_file(data / "keys.env")
    r = _keys(["rotate"], env, **values)
    assert r.returncode == 2 and "--out" in r.stderr
    out = tmp_path / "new.env"
    r = _keys(["rotate", "--out", str(out)], env, **values)
    assert r.returncode == 0, r.stderr
    new = keys.FieldKey.from_value(keys.read_key_file(out)["FIELD_ENCRYPTION_KEY"])
    assert all(t.startswith(new.prefix) for t in _tokens(data).values())
    assert _keys(["status"], env, **values).returncode == 1          # the environment still has the old key
    assert _keys(["status"], env, **{**values, "FIELD_ENCRYPTION_KEY": keys.read_key_file(out)[
        "FIELD_ENCRYPTION_KEY"]}).returncode == 0
    keys.write_key_file(data / "keys.env", {**values, **keys.read_key_file(out)}, force=True)


def test_a_value_no_key_opens_stops_the_command_and_changes_nothing(install):
    data, env = install
    stranger = keys.FieldKey.from_value(keys.generate_field_key()).encrypt("062080123456")
    with sqlite3.connect(data / "chungtay.sqlite3") as c:
        victim = c.execute("SELECT max(id) FROM households_member WHERE citizen_id_encrypted <> ''").fetchone()[0]
        c.execute("UPDATE households_member SET citizen_id_encrypted = ? WHERE id = ?", (stranger, victim))
    before, key_text = _tokens(data), (data / "keys.env").read_text()
    r = _keys(["rotate"], env)
    assert r.returncode == 2 and "nothing changed" in r.stderr and f"member #{victim}" in r.stderr
    assert _tokens(data) == before and (data / "keys.env").read_text() == key_text
    assert not (data / "keys.env.new").exists()
    assert _keys(["status"], env).returncode == 1

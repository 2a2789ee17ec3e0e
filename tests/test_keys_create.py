"""`chungtay keys create` writes random keys readable only by their owner and never overwrites a
key file by accident; development and the demo get their own random key file in the data folder."""
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from chungtay import keys

ROOT = Path(__file__).resolve().parent.parent


def _run(args, **env):
    e = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "CHUNGTAY_KEY_FILE",
                                                           "CHUNGTAY_ENV")}
    e.update(env)
    return subprocess.run([sys.executable, "-m", "chungtay", "keys", *args], env=e, cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_it_writes_a_private_key_file_and_refuses_to_overwrite_it(tmp_path):
    path = tmp_path / "k" / "keys.env"
    r = _run(["create", "--out", str(path)])
    assert r.returncode == 0, r.stderr
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    values = keys.read_key_file(path)
    assert keys.problems(values["SECRET_KEY"], values["FIELD_ENCRYPTION_KEY"]) == []
    before = path.read_text()
    r = _run(["create", "--out", str(path)])
    assert r.returncode == 2 and "exists already" in r.stderr and path.read_text() == before
    r = _run(["create", "--out", str(path), "--force"])              # not confirmed (no terminal): refused
    assert r.returncode == 2 and "not confirmed" in r.stderr and path.read_text() == before
    r = _run(["create", "--out", str(path), "--force", "--yes"], CHUNGTAY_ENV="production")
    assert r.returncode == 2 and "production" in r.stderr and path.read_text() == before
    r = _run(["create", "--out", str(path), "--force", "--yes"])
    assert r.returncode == 0, r.stderr
    assert path.read_text() != before and stat.S_IMODE(os.stat(path).st_mode) == 0o600
    retired = list(path.parent.glob("keys.env.retired-*"))
    assert len(retired) == 1 and retired[0].read_text() == before, "the old keys are kept"
    assert retired[0].name.endswith(keys.FieldKey.from_value(values["FIELD_ENCRYPTION_KEY"]).kid)
    assert f"the old keys are kept in {retired[0]}" in r.stderr


def test_it_prints_fresh_keys_for_the_environment_even_in_production_without_keys(tmp_path):
    r1 = _run(["create", "--print"], CHUNGTAY_ENV="production", CHUNGTAY_DATA_DIR=str(tmp_path))
    r2 = _run(["create", "--print"], CHUNGTAY_ENV="production", CHUNGTAY_DATA_DIR=str(tmp_path))
    assert r1.returncode == 0, r1.stderr
    a = dict(line.split("=", 1) for line in r1.stdout.split())
    b = dict(line.split("=", 1) for line in r2.stdout.split())
    assert set(a) == {"SECRET_KEY", "FIELD_ENCRYPTION_KEY"} and keys.problems(**{
        "secret_key": a["SECRET_KEY"], "field_key": a["FIELD_ENCRYPTION_KEY"]}) == []
    assert a["SECRET_KEY"] != b["SECRET_KEY"] and a["FIELD_ENCRYPTION_KEY"] != b["FIELD_ENCRYPTION_KEY"]
    assert list(tmp_path.iterdir()) == []


def test_development_creates_one_random_key_file_per_data_folder(tmp_path):
    code = "from django.conf import settings as s; print(s.FIELD_ENCRYPTION_KEY)"
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "CHUNGTAY_ENV")}
    outs = []
    for d in ("one", "one", "two"):
        env.update(CHUNGTAY_DATA_DIR=str(tmp_path / d), DJANGO_SETTINGS_MODULE="chungtay.settings")
        r = subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        outs.append(r.stdout.strip())
    assert outs[0] == outs[1] != outs[2]
    for d in ("one", "two"):
        assert stat.S_IMODE(os.stat(tmp_path / d / "keys.env").st_mode) == 0o600


def test_the_field_key_is_not_derived_from_the_secret_key(settings):
    from chungtay.households import protect
    before = protect.encrypt("062080123456")
    settings.SECRET_KEY = keys.generate_secret_key()
    assert protect.decrypt(before) == "062080123456"          # the field key alone opens it
    settings.FIELD_ENCRYPTION_KEY = keys.generate_field_key()
    with pytest.raises(keys.FieldKeyError):
        protect.decrypt(before)

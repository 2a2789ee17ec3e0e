"""A copy of the database together with the source code does not reveal a single citizen ID: the
raw SQLite file (or a pg_dump of the PostgreSQL database) holds none of the 12-digit numbers, and
no key that can be derived from the source opens the stored values. Only the installation's own
key file (kept apart from the database) opens them."""
import os
import subprocess
from pathlib import Path

import pytest

from chungtay import keys
from tests.installations import installation as demo_installation

ROOT = Path(__file__).resolve().parent.parent
HOUSEHOLDS = 300
MINE = ["062080123456", "001185004321", "079201009876"]

WRITE = """
import django; django.setup()
from django.contrib.auth import get_user_model
from chungtay.households import actions
from chungtay.units.models import Unit
xa = get_user_model().objects.get(username="xa")
commune = xa.assignments.get().unit
village = Unit.objects.filter(parent=commune, level=Unit.VILLAGE).order_by("code").first()
hh = actions.create_household(xa, code="SEC-0001", village=village, address="Thôn bảo mật",
    head={"full_name": "Trần Văn Khóa", "sex": "M", "birth_year": 1980, "ethnicity": "Kinh", "citizen_id": "062080123456"})
actions.add_member(xa, hh, {"full_name": "Lê Thị Mã", "sex": "F", "birth_year": 1985, "ethnicity": "Kinh",
    "relation": "spouse", "citizen_id": "001185004321"})
actions.add_member(xa, hh, {"full_name": "Trần Văn Số", "sex": "M", "birth_year": 2001, "ethnicity": "Kinh",
    "relation": "child", "citizen_id": "079201009876"})
"""


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "FIELD_ENCRYPTION_KEY", "CHUNGTAY_KEY_FILE",
                                                           "CHUNGTAY_ENV")}
    data = tmp_path_factory.mktemp("noids")
    with demo_installation(data, "noids", HOUSEHOLDS, env) as inst:
        inst.run("-c", WRITE)
        yield data, inst.database_url


def _raw_copy(data: Path, database_url: str | None) -> bytes:
    if database_url:
        return subprocess.run(["pg_dump", "--no-owner", database_url], check=True, capture_output=True).stdout
    return b"".join(p.read_bytes() for p in sorted(data.glob("chungtay.sqlite3*")))


def _tokens(data: Path, database_url: str | None) -> list[str]:
    q = "SELECT citizen_id_encrypted FROM households_member WHERE citizen_id_encrypted <> ''"
    if database_url:
        import psycopg
        with psycopg.connect(database_url) as c:
            return [r[0] for r in c.execute(q)]
    import sqlite3
    with sqlite3.connect(data / "chungtay.sqlite3") as c:
        return [r[0] for r in c.execute(q)]


def _demo_ids() -> set[str]:
    from chungtay import synth
    pop = synth.generate(households=HOUSEHOLDS, years=range(2016, 2026), seed=20161231)
    return {c for c in pop.members.column("citizen_id").to_pylist() if c}


def test_the_raw_database_holds_no_citizen_id(installation):
    data, url = installation
    raw = _raw_copy(data, url)
    assert b"SEC-0001" in raw                      # the copy is real: the household we wrote is in it
    ids = set(MINE) | _demo_ids()
    assert len(ids) > 500
    found = [i for i in ids if i.encode() in raw]
    assert found == []


def test_no_key_derivable_from_the_source_opens_the_stored_values(installation):
    data, url = installation
    tokens = _tokens(data, url)
    assert len(tokens) > 500
    candidates = [keys.FieldKey.legacy_from_secret(d) for d in keys.KNOWN_DEFAULTS]
    for token in tokens[:200] + tokens[-3:]:
        for k in candidates:
            with pytest.raises(keys.FieldKeyError):
                k.decrypt(token)
            with pytest.raises(keys.FieldKeyError):          # even ignoring the key id in the prefix
                k.decrypt(token.split(":", 2)[2])


def test_the_installations_own_key_file_opens_them_and_is_private(installation):
    data, url = installation
    path = data / "keys.env"
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    key = keys.FieldKey.from_value(keys.read_key_file(path)["FIELD_ENCRYPTION_KEY"])
    opened = {key.decrypt(t) for t in _tokens(data, url)}
    assert set(MINE) <= opened

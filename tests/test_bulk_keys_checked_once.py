"""chungtay.bulk.atomic_keys_checked_once: on SQLite the demo load's transaction runs with key
enforcement off and checks every foreign key once before it commits. A row whose parent is
missing still rolls the whole block back, and enforcement is on again afterwards.

The block must be the outermost transaction, which a test's own database never is: the checks run
in a child process on a new SQLite database of their own (the same on both CI legs). The test
world of every SQLite run is loaded through the same path (tests/conftest.py → setup_demo).
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SCRIPT = r"""
import json, django
django.setup()
from django.db import IntegrityError, connection, transaction
from chungtay import fresh_schema
from chungtay.bulk import atomic_keys_checked_once
from chungtay.units.models import Unit, UnitTag

fresh_schema.create()

def enforced():
    with connection.cursor() as c:
        c.execute("PRAGMA foreign_keys")
        return c.fetchone()[0]

def tag(unit_id, source):
    UnitTag.objects.create(unit_id=unit_id, tag=UnitTag.POOR_DISTRICT, start_year=2016, source=source)

out = {"before": enforced()}
unit = Unit.objects.create(system="2025", level="province", code="99", name="Tỉnh thử", full_name="Tỉnh thử")
try:
    with atomic_keys_checked_once():
        out["inside"] = enforced()
        tag(unit.id, "good-in-bad-block")
        tag(unit.id + 1000, "missing parent")
    out["bad_block"] = "committed"
except IntegrityError as e:
    out["bad_block"] = str(e)
out["after_bad"] = enforced()
with atomic_keys_checked_once():
    tag(unit.id, "good")
out["after_good"] = enforced()
out["sources"] = sorted(UnitTag.objects.values_list("source", flat=True))
with transaction.atomic():
    with atomic_keys_checked_once():           # not the outermost: a plain savepoint, keys enforced
        out["nested"] = enforced()
try:                                           # enforcement really is back: a bad row fails at commit
    with transaction.atomic():
        tag(unit.id + 1000, "after")
    out["plain_bad"] = "committed"
except IntegrityError:
    out["plain_bad"] = "refused"
print(json.dumps(out))
"""


def test_keys_are_checked_once_at_the_end_and_enforced_again_after(tmp_path):
    env = dict(os.environ, CHUNGTAY_DATA_DIR=str(tmp_path), DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
               PYTHONPATH=str(ROOT), DJANGO_SETTINGS_MODULE="chungtay.settings")
    env.pop("CHUNGTAY_ENV", None)
    p = subprocess.run([sys.executable, "-c", SCRIPT], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    out = json.loads(p.stdout.strip().splitlines()[-1])
    assert out["before"] == 1
    assert out["inside"] == 0                            # off inside the outermost block
    assert "units_unittag" in out["bad_block"] and "invalid foreign key" in out["bad_block"]
    assert out["after_bad"] == 1 and out["after_good"] == 1
    assert out["sources"] == ["good"]                    # the bad block wrote nothing, not even its good row
    assert out["nested"] == 1
    assert out["plain_bad"] == "refused"

"""The first results of a new year, saved in several communes at the same moment (the first morning of
the review season), write the year's movement pair once: each first result writes the whole pair of
(year - 1, year), and two of them at once used to write it twice (their commune locks differ), every
movement count of the year doubled. Real threads on the installation's own database (a SQLite file,
or PostgreSQL when DATABASE_URL says so)."""
import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.installations import installation

pytestmark = [pytest.mark.e2e]        # its own installation and process, like the concurrent-writes tests
ROOT = Path(__file__).resolve().parent.parent
COMMUNES = 4

SCRIPT = r"""
import json, os, sys, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
django.setup()
from collections import Counter
from django.contrib.auth import get_user_model
from django.db import connection
from chungtay.accounts.models import Assignment
from chungtay.households import actions
from chungtay.households.models import Household
from chungtay.prepared.models import HouseholdMovement, MovementCount
from chungtay.prepared.refresh import refresh

YEAR, N = int(sys.argv[1]), int(sys.argv[2])
communes = list(Household.objects.filter(status="active").values_list("commune_id", flat=True)
                .distinct().order_by("commune_id")[:N])
User = get_user_model()
people = []
for c in communes:
    u = User.objects.create(username=f"first_{c}")
    Assignment.objects.create(user=u, unit_id=c, role="commune_officer")
    people.append((u.pk, Household.objects.filter(commune_id=c, status="active").order_by("id").first().pk))
connection.close()
barrier = threading.Barrier(len(people))
out = []

def writer(uid, hid):
    actor, hh = User.objects.get(pk=uid), Household.objects.get(pk=hid)
    barrier.wait()
    try:
        actions.record_assessment(actor, hh, year=YEAR, income=800_000, deprived=["employment"], _round_ok=True)
        out.append("ok")
    except Exception as e:
        out.append(f"{type(e).__name__}: {e}")
    connection.close()

threads = [threading.Thread(target=writer, args=p) for p in people]
for t in threads: t.start()
for t in threads: t.join()
rows = HouseholdMovement.objects.filter(year_to=YEAR)
kept = Counter(MovementCount.objects.filter(year_to=YEAR).values_list(
    "from_village_id", "to_village_id", "cat_from", "cat_to", "n"))
refresh()                                            # everything recounted from the results
again = Counter(MovementCount.objects.filter(year_to=YEAR).values_list(
    "from_village_id", "to_village_id", "cat_from", "cat_to", "n"))
print(json.dumps({"saves": out, "rows": rows.count(), "households": rows.values("household_id").distinct().count(),
                  "counts_equal_recount": kept == again}))
"""


def test_first_results_of_a_new_year_in_four_communes_at_once(tmp_path):
    with installation(tmp_path / "first", "first", 1500) as inst:
        r = subprocess.run([sys.executable, "-c", SCRIPT, "2026", str(COMMUNES)], env=inst.env, cwd=ROOT,
                           capture_output=True, text=True, timeout=600)
        assert r.returncode == 0, r.stderr[-3000:]
        out = json.loads(r.stdout.strip().splitlines()[-1])
    assert out["saves"] == ["ok"] * COMMUNES, out["saves"]
    assert out["rows"] == out["households"] > 100          # the whole pair, each household once
    assert out["counts_equal_recount"]

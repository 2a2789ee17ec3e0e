"""Twenty writers at the same moment, on the same villages and households, against a real server
process on its own database (a SQLite file, or PostgreSQL when DATABASE_URL says so):

- through the web form (household page, a year without a round) over HTTP, and
- through the review round's survey step (reviews.actions.record_survey) in 20 threads of one process,

no save is lost, none is counted twice, no summary row disagrees with a recount of the
assessments, and nobody sees a server error: every save succeeds, or answers the clear
"try again" message with the form still holding what was typed."""
import html
import json
import re
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.installations import installation, served

pytestmark = [pytest.mark.e2e]        # a real server process (like the browser tests)
ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "chungtay2025"
WRITERS = 20
CLASH = "Có người khác vừa lưu cùng lúc, hãy thử lại"


class World:
    """The served installation: ``url``, ``env`` and ``sql()`` of its own database."""

    def __init__(self, url, inst):
        self.url, self.env, self.sql = url, inst.env, inst.sql


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with installation(tmp_path_factory.mktemp("concurrent"), "conc", 1500) as inst, served(inst) as url:
        yield World(url, inst)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One officer's session (its own cookies), speaking plain HTTP."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()), _NoRedirect)

    def request(self, path, data=None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=120) as r:
                return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(errors="replace")

    def token(self, path):
        status, page = self.request(path)
        assert status == 200, (path, status)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def login(self, username):
        status, _ = self.request("/login/", {"username": username, "password": PASSWORD,
                                             "csrfmiddlewaretoken": self.token("/login/")})
        assert status == 302, f"login {username}: {status}"


def _commune_households(world, n_villages=2, per_village=5):
    commune = world.sql("SELECT a.unit_id FROM accounts_assignment a JOIN auth_user u ON u.id = a.user_id "
                        "WHERE u.username = 'xa'")[0][0]
    villages = world.sql("SELECT village_id FROM households_household WHERE commune_id = ? AND status = 'active' "
                         "GROUP BY village_id HAVING COUNT(*) >= ? ORDER BY COUNT(*) DESC, village_id",
                         commune, per_village)[:n_villages]
    assert len(villages) == n_villages
    ids = []
    for (v,) in villages:
        ids += [r[0] for r in world.sql("SELECT id FROM households_household WHERE village_id = ? AND "
                                        "status = 'active' ORDER BY id", v)[:per_village]]
    return commune, [v for (v,) in villages], ids


def _check_versions_and_current(world, year, kind, saved: dict[int, list[int]]):
    """Every successful save is one version (with its income); versions run 1..n; one is current."""
    for hid, incomes in saved.items():
        rows = world.sql("SELECT version, is_current, income FROM households_assessment WHERE household_id = ? "
                         "AND year = ? AND kind = ? ORDER BY version", hid, year, kind)
        assert sorted(r[2] for r in rows) == sorted(incomes), f"household {hid}: a save was lost or doubled"
        assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
        current = [r for r in rows if r[1]]
        assert len(current) == 1 and current[0][0] == len(rows), f"household {hid}: current {current}"


def _check_summary_equals_recount(world, year):
    summary = world.sql("SELECT village_id, COUNT(*), SUM(total), SUM(poor), SUM(near_poor), SUM(em_total), "
                        "SUM(em_poor), SUM(d1) FROM households_yearsummary WHERE year = ? GROUP BY village_id "
                        "ORDER BY village_id", year)
    recount = world.sql("SELECT village_id, 1, COUNT(*), SUM(CASE WHEN category = 'poor' THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN category = 'near_poor' THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN ethnic_minority THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN ethnic_minority AND category = 'poor' THEN 1 ELSE 0 END), "
                        "SUM(CASE WHEN category = 'poor' AND dep_1 THEN 1 ELSE 0 END) "
                        "FROM households_assessment WHERE year = ? AND kind = 'periodic' AND is_current "
                        "GROUP BY village_id ORDER BY village_id", year)
    assert summary and [tuple(r) for r in summary] == [tuple(r) for r in recount]


def test_twenty_officers_saving_on_the_household_page_lose_nothing(world):
    year, rounds = 2026, 3       # 2026: no round yet, so the household page records periodic results
    commune, villages, households = _commune_households(world)
    browsers = []
    for _ in range(WRITERS):
        b = Browser(world.url)
        b.login("xa")
        browsers.append(b)
    barrier = threading.Barrier(WRITERS)
    saved: dict[int, list[int]] = {h: [] for h in households}
    problems, clashes = [], []
    lock = threading.Lock()

    def writer(i, b):
        hid = households[i % len(households)]
        path = f"/households/{hid}/assess/?year={year}"
        token = b.token(path)
        barrier.wait()
        for k in range(rounds):
            income = 1_000_000 + i * 10_000 + k * 100          # unique: tells each save apart
            data = {"csrfmiddlewaretoken": token, "year": year, "kind": "periodic", "basis": "income",
                    "value": income, "reason": f"w{i}-{k}", "ind_employment": "on", "ind_nutrition": "on",
                    "ind_latrine": "on"}
            for _attempt in range(6):
                status, page = b.request(path, data)
                if status == 302:
                    with lock:
                        saved[hid].append(income)
                    break
                if status == 200 and CLASH in html.unescape(page):
                    # "try again": the form still holds what was typed
                    with lock:
                        clashes.append(income)
                    if f"w{i}-{k}" not in page:
                        problems.append(("typed reason lost", income))
                    continue
                problems.append((status, income, page[:300]))
                break
            else:
                problems.append(("never saved", income))

    threads = [threading.Thread(target=writer, args=(i, b)) for i, b in enumerate(browsers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(300)
    assert not problems, problems[:5]
    assert sum(len(v) for v in saved.values()) == WRITERS * rounds
    _check_versions_and_current(world, year, "periodic", saved)
    _check_summary_equals_recount(world, year)
    assert len(world.sql("SELECT year, village_id FROM households_yearsummary GROUP BY year, village_id "
                         "HAVING COUNT(*) > 1")) == 0
    # what a user sees: the commune's figures for the year count each household once
    b = browsers[0]
    status, body = b.request(f"/units/{commune}/?year={year}&format=csv")
    assert status == 200
    total = int(list(__import__("csv").reader(body.lstrip("\ufeff").splitlines()))[-1][2])
    assert total == len(households)


ROUND_SCRIPT = r"""
import json, os, sys, threading
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
django.setup()
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import connection
from chungtay.households.models import Household
from chungtay.reviews import actions as ra
from chungtay.reviews.models import ReviewRound

YEAR, WRITERS = int(sys.argv[1]), int(sys.argv[2])
xa = get_user_model().objects.get(username="xa")
commune = xa.assignments.get().unit
rnd = ra.open_round(xa, commune, YEAR)
ids = json.loads(sys.argv[3])
for h in Household.objects.filter(id__in=ids):
    if not rnd.members.filter(household=h).exists():
        ra.add_household(xa, rnd, h)
ra.start_survey(xa, rnd)
connection.close()
barrier = threading.Barrier(WRITERS)
out, lock = [], threading.Lock()

def writer(i):
    r = ReviewRound.objects.get(pk=rnd.pk)
    hh = Household.objects.get(pk=ids[i % len(ids)])
    barrier.wait()
    income = 900_000 + i * 1_000
    result = "error"
    for _ in range(6):
        try:
            ra.record_survey(xa, r, hh, income=income, deprived=["employment", "nutrition"])
            result = "ok"
            break
        except ValidationError as e:
            if "cùng lúc" not in " ".join(e.messages):
                result = "refused: " + " ".join(e.messages)
                break
            result = "clash"
        except Exception as e:
            result = f"{type(e).__name__}: {e}"
            break
    with lock:
        out.append([hh.id, income, result])
    connection.close()

threads = [threading.Thread(target=writer, args=(i,)) for i in range(WRITERS)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"round": rnd.pk, "saves": out}))
"""


def test_twenty_surveys_of_one_round_at_once_lose_nothing(world):
    year = 2027          # a round of its own (standard 2026-2030), opened by the script
    _, _, households = _commune_households(world, n_villages=2, per_village=5)
    r = subprocess.run([sys.executable, "-c", ROUND_SCRIPT, str(year), str(WRITERS), json.dumps(households)],
                       env=world.env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stderr[-3000:]
    out = json.loads(r.stdout.strip().splitlines()[-1])
    bad = [s for s in out["saves"] if s[2] != "ok"]
    assert not bad, bad[:5]
    saved: dict[int, list[int]] = {}
    for hid, income, _ in out["saves"]:
        saved.setdefault(hid, []).append(income)
    assert sum(len(v) for v in saved.values()) == WRITERS
    _check_versions_and_current(world, year, "periodic", saved)
    _check_summary_equals_recount(world, year)
    # the round's entry of each household points at its current result and counts every survey
    for hid, incomes in saved.items():
        (surveys, current), = world.sql(
            "SELECT e.surveys, a.is_current FROM reviews_roundhousehold e JOIN households_assessment a "
            "ON a.id = e.assessment_id WHERE e.round_id = ? AND e.household_id = ?", out["round"], hid)
        assert surveys == len(incomes) and current

"""The cost of each click of the load benchmark's officers, one at a time (docs/load.md).

    python benchmarks/bench_load.py --levels 200 --keep --json /tmp/load.json   # a database and a mix
    python benchmarks/bench_clicks.py --reuse DIR --mix /tmp/load.json   # DIR: the folder it printed ("kept: …")

Capacity under load is decided by what one request costs the machine: the web process's CPU and the
database's time. This script opens the kept database of a ``bench_load.py --keep`` run (its officers,
its 2026 rounds) in this process, with the application warmed up as the server is, and requests every
kind of click of docs/load.md as the benchmark's officers (three commune officers, three village
heads, a province officer) ``--runs`` times each, through Django's test client (no network, no
gunicorn): per click, the process CPU time (the web side), the wall time of its SQL statements (the
database side: on a quiet machine close to PostgreSQL's own CPU) and the number of statements. With
``--mix`` (a ``bench_load.py --json`` file) it also prints the average weighted by how often the
load run requested each click, and the cores that 200 officers' request rate needs at that cost.
Survey saves write new 2026 results into the kept database, as the load run does.
"""
from __future__ import annotations

import argparse
import collections
import json
import os
import random
import sys
import time
from pathlib import Path

YEAR, ROUND_YEAR = 2025, 2026


def setup(folder: Path) -> None:
    state = json.loads((folder / "state.json").read_text())
    os.environ.update(DATABASE_URL=state["database_url"], CHUNGTAY_KEY_FILE=str(folder / "keys" / "keys.env"),
                      CHUNGTAY_DATA_DIR=str(folder / "data"), DJANGO_SETTINGS_MODULE="chungtay.settings",
                      ALLOWED_HOSTS="testserver")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    import django
    django.setup()
    from chungtay.web.warm import warm
    warm()


class Meter:
    """Per click: count, CPU seconds, SQL seconds, statements."""

    def __init__(self):
        from django.db import connection
        self.rows = collections.defaultdict(lambda: [0, 0.0, 0.0, 0])
        self.sql, self.statements = 0.0, 0
        connection.execute_wrappers.append(self._wrap)

    def _wrap(self, execute, sql, params, many, context):
        t = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql += time.perf_counter() - t
            self.statements += 1

    def hit(self, client, label: str, method: str, path: str, **kw):
        self.sql, self.statements = 0.0, 0
        t = time.process_time()
        r = getattr(client, method)(path, **kw)
        cpu = time.process_time() - t
        if r.status_code not in (200, 302):
            raise SystemExit(f"{label}: {path} answered {r.status_code}")
        row = self.rows[label]
        row[0] += 1
        row[1] += cpu
        row[2] += self.sql
        row[3] += self.statements
        return r


def clicks(meter: Meter, runs: int, seed: int) -> None:
    from django.test import Client

    from chungtay.accounts.models import Assignment
    from chungtay.households.models import Household
    from chungtay.reviews.models import ReviewRound, RoundHousehold
    from chungtay.units.models import Unit
    rng = random.Random(seed)
    province = Unit.objects.get(system=Unit.SYSTEM_2025, level=Unit.PROVINCE, code="51").pk

    def officers(role, k):
        return list(Assignment.objects.filter(user__username__startswith="tai_", role=role)
                    .select_related("user", "unit").order_by("user__username")[:k])
    communes = officers("commune_officer", 3)
    if not communes:
        raise SystemExit("no officer of bench_load.py in this database: --reuse the folder of a --keep run")
    for a in communes + officers("village_head", 3) + officers("province_officer", 1):
        c = Client()
        c.force_login(a.user)
        y = YEAR
        if a.role == "province_officer":
            commune = communes[0].unit
            pages = [("drill-down province", f"/units/{province}/?year={y}"),
                     ("drill-down commune", f"/units/{commune.pk}/?year={y}"),
                     ("dashboard province", f"/dashboard/{province}/?year={y}"),
                     ("household list province", f"/households/?year={y}"),
                     ("household list commune, poor", f"/households/?year={y}&category=poor&unit={commune.pk}"),
                     ("movements province", f"/reviews/movements/{province}/?from={y - 1}&to={y}"),
                     ("national page", f"/national/?year={y}"),
                     ("AF analysis province", f"/analysis/{province}/?year={y}")]
            area, survey = {"province_id": province}, []
        else:
            commune = a.unit if a.role == "commune_officer" else a.unit.parent
            village = a.unit if a.role == "village_head" else Unit.objects.filter(parent=commune).order_by("id").first()
            rnd = ReviewRound.objects.get(commune=commune, year=ROUND_YEAR, kind=ReviewRound.PERIODIC)
            pages = [("drill-down village", f"/units/{village.pk}/?year={y}"),
                     ("dashboard village", f"/dashboard/{village.pk}/?year={y}"),
                     ("household list", f"/households/?year={y}"),
                     ("household list, search", f"/households/?year={y}&q=nguyen+van"),
                     ("household page", None),
                     ("round page", f"/reviews/{rnd.pk}/")]
            if a.role == "commune_officer":
                pages += [("drill-down commune", f"/units/{commune.pk}/?year={y}"),
                          ("household list, page 2-10", f"/households/?year={y}&page=5"),
                          ("household list, poor", f"/households/?year={y}&category=poor"),
                          ("dashboard commune", f"/dashboard/{commune.pk}/?year={y}"),
                          ("movements commune", f"/reviews/movements/{commune.pk}/?from={y - 1}&to={y}"),
                          ("AF analysis commune", f"/analysis/{commune.pk}/?year={y}")]
            area = {"village_id": village.pk} if a.role == "village_head" else {"commune_id": commune.pk}
            survey = list(RoundHousehold.objects.filter(round=rnd, **({"household__village": village}
                                                                      if a.role == "village_head" else {}))
                          .order_by("id").values_list("household_id", flat=True)[:30])
        households = list(Household.objects.filter(status="active", **area).order_by("id")
                          .values_list("id", flat=True)[:400:7])
        for label, path in pages:            # once unmeasured: the first request of a user fills its caches
            c.get(path or f"/households/{households[0]}/")
        for _ in range(runs):
            for label, path in pages:
                if label == "household page" and households:
                    path = f"/households/{rng.choice(households)}/"
                meter.hit(c, label, "get", path)
            if survey:
                form = f"/reviews/{rnd.pk}/households/{rng.choice(survey)}/survey/"
                meter.hit(c, "survey form", "get", form)
                meter.hit(c, "survey live preview", "post", "/api/v1/classify", content_type="application/json",
                          data=json.dumps({"year": ROUND_YEAR, "area": "rural", "deprived": [], "income": 1_500_000}))
                r = meter.hit(c, "survey save (POST)", "post", form, data={
                    "basis": "income", "value": str(rng.randrange(600_000, 3_000_000, 1000)), "reason": ""})
                meter.hit(c, "round page (after save)", "get", r["Location"])


def report(meter: Meter, mix: dict | None, at: int = 200) -> dict:
    rows = {k: {"n": n, "cpu_ms": round(cpu / n * 1000, 1), "db_ms": round(db / n * 1000, 1),
                "statements": round(q / n, 1)} for k, (n, cpu, db, q) in meter.rows.items()}
    print(f"{'click':32} {'n':>4} {'cpu ms':>7} {'db ms':>7} {'statements':>10}")
    for k, r in sorted(rows.items(), key=lambda kv: -(kv[1]["cpu_ms"] + kv[1]["db_ms"])):
        print(f"{k:32} {r['n']:4d} {r['cpu_ms']:7.1f} {r['db_ms']:7.1f} {r['statements']:10.1f}")
    out = {"clicks": rows}
    if mix:
        levels = {lv["officers"]: lv for lv in mix["levels"]}
        level = levels.get(at, mix["levels"][-1])
        counted = {k: v["n"] for k, v in level["pages"].items() if k in rows}
        total = sum(counted.values())
        cpu = sum(rows[k]["cpu_ms"] * n for k, n in counted.items()) / total
        db = sum(rows[k]["db_ms"] * n for k, n in counted.items()) / total
        rate = level["throughput_rps"] * total / max(1, sum(v["n"] for v in level["pages"].values()))
        print(f"\nweighted by the load run's clicks ({level['officers']} officers, {total} requests): "
              f"{cpu:.1f} ms CPU + {db:.1f} ms database a request; at its {rate:.1f} requests/s: "
              f"{rate * (cpu + db) / 1000:.2f} cores")
        out["weighted"] = {"cpu_ms": round(cpu, 1), "db_ms": round(db, 1), "requests_per_s": round(rate, 1),
                           "cores": round(rate * (cpu + db) / 1000, 2)}
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reuse", required=True, metavar="DIR", help="the folder of a bench_load.py --keep run")
    ap.add_argument("--runs", type=int, default=4, help="requests of each click per officer (default 4)")
    ap.add_argument("--mix", default="", help="a bench_load.py --json file: weight the clicks as it did")
    ap.add_argument("--level", type=int, default=200, help="the level of --mix to weight by (default 200 officers)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--json", default="", help="also write the figures to this file")
    args = ap.parse_args(argv)
    folder = Path(args.reuse)
    if not (folder / "state.json").is_file():
        ap.error(f"{folder}: not the folder of a bench_load.py --keep run (no state.json)")
    if not 1 <= args.runs <= 100:
        ap.error("--runs 1–100")
    mix = json.loads(Path(args.mix).read_text()) if args.mix else None
    setup(folder)
    meter = Meter()
    clicks(meter, args.runs, args.seed)
    out = report(meter, mix, args.level)
    if args.json:
        Path(args.json).write_text(json.dumps({"bench": "clicks", **out}, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Server time of the national and province pages with a national-size population.

The pages read YearSummary (counts per year and village, kept fresh on every write), so what
matters at national scale is the number of summary rows, not of households. This script builds,
in its own SQLite database, all 34 provinces and 3,321 communes with ~8 villages each and the
summaries of a synthetic 27,000,000-household population for 10 years (numpy, seeded), then
times the pages in-process (median of N runs). Household-level panels (movements) are not
included: they read assessments and are measured on the demo province (bench_pages.py).

    python benchmarks/bench_national_pages.py [--households 27000000] [--runs 7]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DB_DIR = HERE / "out" / "national-db"
os.environ["CHUNGTAY_DATA_DIR"] = str(DB_DIR)
os.environ.pop("DATABASE_URL", None)
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
sys.path.insert(0, str(HERE.parent))

import django  # noqa: E402

django.setup()
import numpy as np  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from chungtay.households.models import YearSummary  # noqa: E402
from chungtay.units.loader import load_units  # noqa: E402
from chungtay.units.models import Unit  # noqa: E402

YEARS = list(range(2016, 2026))
VILLAGES_PER_COMMUNE = 8


def build(households: int) -> None:
    call_command("migrate", verbosity=0)
    load_units()
    if YearSummary.objects.exists():
        return
    rng = np.random.default_rng(20261126)
    communes = list(Unit.objects.filter(system="2025", level="commune").values_list("id", "parent_id"))
    with transaction.atomic():
        Unit.objects.bulk_create([Unit(system="2025", level="village", code=f"N{cid}-{k}", name=f"Thôn {k}",
                                       full_name=f"Thôn {k}", parent_id=cid)
                                  for cid, _ in communes for k in range(1, VILLAGES_PER_COMMUNE + 1)],
                                 batch_size=5000)
    villages = list(Unit.objects.filter(level="village").values_list("id", "parent_id"))
    province_of = dict(communes)
    size = rng.lognormal(0, 0.6, len(villages))
    hh = np.maximum(20, (size / size.sum() * households)).astype(np.int64)
    prov_ids = sorted(set(province_of.values()))
    base_rate = dict(zip(prov_ids, rng.uniform(0.02, 0.30, len(prov_ids))))
    rows = []
    for y_i, year in enumerate(YEARS):
        for (vid, cid), n in zip(villages, hh):
            r = base_rate[province_of[cid]] * (0.9 ** y_i) * rng.uniform(0.5, 1.5)
            poor = int(n * min(r, 0.9))
            near = int(n * min(r, 0.9) * 0.7)
            em = int(n * 0.15)
            deps = [int(poor * p) for p in rng.uniform(0.05, 0.6, 12)]
            rows.append((year, vid, cid, province_of[cid], None, None, None, int(n), poor, near,
                         int((n - poor - near) * 0.5), int(n - poor - near - int((n - poor - near) * 0.5)), em,
                         int(em * min(1, r * 2)), *deps, poor * 900_000, poor))
    cols = ("year, village_id, commune_id, province_id, legacy_commune_id, district_id, legacy_province_id, total, "
            "poor, near_poor, average, above_average, em_total, em_poor, "
            + ", ".join(f"d{i}" for i in range(1, 13)) + ", poor_income_sum, poor_income_n")
    with transaction.atomic(), connection.cursor() as cur:
        cur.executemany(f"INSERT INTO households_yearsummary ({cols}) VALUES ({', '.join(['%s'] * 28)})", rows)
    User = get_user_model()
    User.objects.create_superuser("bench", password="x")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--households", type=int, default=27_000_000)
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    t = time.perf_counter()
    build(args.households)
    print(f"build/reuse: {time.perf_counter() - t:.1f} s")
    total = YearSummary.objects.filter(year=2025).values_list("total", flat=True)
    n_hh = sum(total)
    c = Client()
    c.force_login(get_user_model().objects.get(username="bench"))
    hcm = Unit.objects.get(system="2025", level="province", code="79")
    commune = Unit.objects.filter(parent=hcm).order_by("code").first()
    pages = [("national page (34 provinces)", "/national/?year=2024"),
             ("province drill-down, Hồ Chí Minh (168 communes)", f"/units/{hcm.pk}/?year=2024"),
             ("commune drill-down (villages)", f"/units/{commune.pk}/?year=2024"),
             ("province dashboard (trend, bars, deprivations, map)", f"/dashboard/{hcm.pk}/?year=2024")]
    print(f"summary rows: {YearSummary.objects.count():,}; households per year: {n_hh:,}")
    out = {}
    for name, url in pages:
        assert c.get(url).status_code == 200, url
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            r = c.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        out[name] = round(statistics.median(times), 1)
        print(f"{name:<55} median {statistics.median(times):7.1f} ms   max {max(times):7.1f} ms")
    print(json.dumps({"bench": "national_pages", "households": n_hh, "median_ms": out}))


if __name__ == "__main__":
    main()

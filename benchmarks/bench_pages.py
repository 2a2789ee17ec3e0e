"""Server time of the drill-down, household list and household pages on the demo data.

Run after `make demo` (or `chungtay demo --no-serve`): python benchmarks/bench_pages.py
Times the full Django request (view + queries + template) in-process, median of N runs,
after one warm-up request. Goal: under 300 ms.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chungtay.settings")
import django  # noqa: E402

django.setup()
from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402

from chungtay.households.models import Household  # noqa: E402
from chungtay.units.models import Unit  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    n = Household.objects.count()
    if not n:
        sys.exit("no demo data: run `chungtay demo --no-serve` first")
    User = get_user_model()
    prov = Unit.objects.get(system="2025", level="province", code="51")
    kontum = Unit.objects.get(system="legacy", level="province", code="62")
    officer = User.objects.get(username="xa")
    commune = officer.assignments.get().unit
    village = Unit.objects.filter(parent=commune, level="village").order_by("code").first()
    district = Unit.objects.filter(system="legacy", level="district", parent=kontum).order_by("code").first()
    hh = Household.objects.filter(commune=commune).order_by("id").first()
    pages = [
        ("tinh", "province 2024 (communes)", f"/units/{prov.pk}/?year=2024"),
        ("tinh", "province 2017 (communes)", f"/units/{prov.pk}/?year=2017"),
        ("tinh", "old province 2017 (districts)", f"/units/{kontum.pk}/?year=2017"),
        ("tinh", "district 2017 (old communes)", f"/units/{district.pk}/?year=2017"),
        ("xa", "commune 2024 (villages)", f"/units/{commune.pk}/?year=2024"),
        ("xa", "village 2024", f"/units/{village.pk}/?year=2024"),
        ("tinh", "household list, province", "/households/?year=2024"),
        ("tinh", "household list, search 'nguyen van'", "/households/?year=2024&q=nguyen+van"),
        ("tinh", "household list, poor 2024", "/households/?year=2024&category=poor"),
        ("xa", "household list, commune, poor", f"/households/?year=2024&category=poor&unit={commune.pk}"),
        ("xa", "household page", f"/households/{hh.pk}/"),
    ]
    clients = {}
    for u in ("tinh", "xa"):
        c = Client()
        c.force_login(User.objects.get(username=u))
        clients[u] = c
    print(f"database: {connection.vendor}, {n:,} households")
    print(f"{'page':<40} {'median ms':>10} {'max ms':>8}")
    results = {}
    for user, name, url in pages:
        c = clients[user]
        assert c.get(url).status_code == 200, url
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            r = c.get(url)
            times.append((time.perf_counter() - t) * 1000)
            assert r.status_code == 200
        results[name] = round(statistics.median(times), 1)
        print(f"{name:<40} {statistics.median(times):>10.1f} {max(times):>8.1f}")
    print(json.dumps({"bench": "pages", "db": connection.vendor, "households": n, "median_ms": results}))


if __name__ == "__main__":
    main()

"""Load the shipped unit lists (chungtay/data/units/*.csv) into the units table."""
from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from django.db import transaction

from chungtay.core.fmt import sort_string

from .models import Unit, UnitMapping

DATA = Path(__file__).resolve().parent.parent / "data" / "units"
REFORM = date(2025, 7, 1)
URBAN_KINDS = {"phuong", "thi_tran", "quan", "thanh_pho", "thi_xa"}


def _rows(name: str):
    with open(DATA / name, encoding="utf-8", newline="") as f:
        yield from csv.DictReader(f)


def _f(v):
    return float(v) if v not in (None, "") else None


@transaction.atomic
def load_units() -> dict[str, int]:
    """Idempotent: loads every province and commune (both hierarchies) once."""
    if Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.PROVINCE).exists():
        return {"skipped": 1}

    def make(rows, system, level, parents, parent_key, valid_from=None, valid_to=None):
        objs = [Unit(system=system, level=level, code=r["code"], name=r["name"], full_name=r["full_name"],
                     sort_name=sort_string(r["name"]),
                     kind=r["kind"], parent_id=parents[r[parent_key]] if parent_key else None,
                     is_urban=r["kind"] in URBAN_KINDS and level != Unit.PROVINCE,
                     valid_from=valid_from, valid_to=valid_to, lat=_f(r.get("lat")), lon=_f(r.get("lon")))
                for r in rows]
        Unit.objects.bulk_create(objs, batch_size=2000)
        return dict(Unit.objects.filter(system=system, level=level).values_list("code", "id"))

    new_p = make(_rows("provinces-2025.csv"), Unit.SYSTEM_2025, Unit.PROVINCE, None, None, REFORM)
    new_c = make(_rows("communes-2025.csv"), Unit.SYSTEM_2025, Unit.COMMUNE, new_p, "province_code", REFORM)
    old_p = make(_rows("provinces-legacy.csv"), Unit.SYSTEM_LEGACY, Unit.PROVINCE, None, None, None, REFORM)
    old_d = make(_rows("districts-legacy.csv"), Unit.SYSTEM_LEGACY, Unit.DISTRICT, old_p, "province_code",
                 None, REFORM)
    old_c = make(_rows("communes-legacy.csv"), Unit.SYSTEM_LEGACY, Unit.COMMUNE, old_d, "district_code",
                 None, REFORM)
    UnitMapping.objects.bulk_create(
        [UnitMapping(legacy_id=old_c[r["legacy_code"]], new_id=new_c[r["new_code"]], is_default=r["is_default"] == "1")
         for r in _rows("commune-mapping.csv")], batch_size=5000)
    return {"provinces": len(new_p), "communes": len(new_c), "legacy_provinces": len(old_p),
            "districts": len(old_d), "legacy_communes": len(old_c)}

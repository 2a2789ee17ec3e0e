"""Data behind the province and commune dashboards (one dict, rendered as page, JSON or CSV)."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db.models import Sum

from chungtay.core.standards import StandardError, standard_for_year
from chungtay.households.completeness import child_statuses, national_statuses, year_statuses
from chungtay.households.models import YearSummary
from chungtay.households.movements import prepared_series, unit_movements
from chungtay.households.stats import GROUPING, unit_report
from chungtay.units.labels import labels_for

from .models import Target
from .progress import target_progress

TREND_FIELDS = ("total", "poor", "near_poor", "em_total", "em_poor")


def _rate(a, b):
    return round(100.0 * a / b, 2) if b else None


def trend(user, unit, statuses: dict | None = None) -> list[dict]:
    """Counts and rates per year; ``provisional`` (with ``reviewed``/``expected``) marks a year
    whose review is not yet recognised (chungtay.households.completeness)."""
    select, _ = GROUPING[(unit.system, unit.level)]
    rows = list(YearSummary.objects.for_user(user).filter(**{f"{select}_id": unit.id}).values("year")
                .annotate(**{f: Sum(f) for f in TREND_FIELDS}).order_by("year"))
    if statuses is None:
        statuses = year_statuses(user, unit, [r["year"] for r in rows])
    out = []
    for r in rows:
        st = statuses.get(r["year"])
        out.append({"year": r["year"], **{f: r[f] for f in TREND_FIELDS}, "poverty_rate": _rate(r["poor"], r["total"]),
                    "near_poverty_rate": _rate(r["near_poor"], r["total"]),
                    "em_poverty_rate": _rate(r["em_poor"], r["em_total"]),
                    "provisional": bool(st and st.provisional), "reviewed": st.reviewed if st else r["total"],
                    "expected": st.expected if st else r["total"]})
    return out


def movement_series(user, unit, years: list[int], last: int = 4) -> list[dict]:
    """Escaped / newly poor / re-poor per year pair, from the prepared movement counts (kept up
    to date at every write, so the first request is as fast as the next and a new result shows
    at once)."""
    pairs = list(zip(years[:-1], years[1:]))[-last:]
    prepared = prepared_series(user, unit, [y2 for y1, y2 in pairs if y2 - y1 == 1])
    out = []
    for y1, y2 in pairs:
        r = prepared.get(y2) if y2 - y1 == 1 else None
        r = r or unit_movements(user, unit, y1, y2)
        out.append({"from": y1, "to": y2, **{k: r.counts[k] for k in (
            "escaped_poverty", "poor_to_near_poor", "newly_poor", "re_poor", "escaped_near_poverty")},
            "standard_changed": r.standard_changed})
    return out


def _std_code(year: int) -> str | None:
    try:
        return standard_for_year(year).code
    except StandardError:
        return None


def dashboard_data(user, unit, year: int) -> dict:
    rep = unit_report(user, unit, year)
    select, _ = GROUPING[(unit.system, unit.level)]
    have = list(YearSummary.objects.for_user(user).filter(**{f"{select}_id": unit.id}).values_list("year", flat=True)
                .distinct().order_by())
    kids = child_statuses(user, unit, year)
    statuses = year_statuses(user, unit, set(have) | {year}, {year: kids})
    tr = trend(user, unit, statuses)
    years = [r["year"] for r in tr]
    try:
        inds = standard_for_year(year).indicators
    except StandardError:
        inds = ()
    total_dep = sum(rep.total.deprived) or 1
    deprivations = [{"code": i.code, "name_vi": i.name_vi, "name_en": i.name_en, "poor_deprived": n,
                     "censored_headcount": _rate(n, rep.total.total), "contribution": round(100.0 * n / total_dep, 2)}
                    for i, n in zip(inds, rep.total.deprived)]
    names = labels_for([f.unit for f in rep.children])
    children = []
    for f in rep.children:
        if not f.unit:
            continue
        st = kids.get(f.unit.id)
        children.append({"id": f.unit.id, "code": f.unit.code, "name": names.get(f.unit.id, f.unit.full_name),
                         "total": f.total, "poor": f.poor, "near_poor": f.near_poor,
                         "poverty_rate": _rate(f.poor, f.total), "near_poverty_rate": _rate(f.near_poor, f.total),
                         "em_poverty_rate": _rate(f.em_poor, f.em_total), "lat": f.unit.lat, "lon": f.unit.lon,
                         "provisional": bool(st and st.provisional), "reviewed": st.reviewed if st else f.total,
                         "expected": st.expected if st else f.total})
    targets = [target_progress(user, t, years) for t in
               Target.objects.filter(unit=unit, plan__end_year__gte=min(years or [year])).select_related("plan")]
    from .metrics import ranking
    same_std = [y for y in years if y <= year and _std_code(y) == _std_code(year)]
    rank_from = same_std[0] if same_std and same_std[0] < year else None
    # a village has no child units to rank (GROUPING gives it no child column)
    ranked = ranking(user, unit, "poverty_rate", rank_from, year) if rank_from and select_child(unit) else []
    rank_names = labels_for([r["unit"] for r in ranked])
    for r in ranked:
        r["label"] = rank_names.get(r["unit"].id, r["unit"].full_name)
    return {"unit": unit, "unit_label": labels_for([unit])[unit.id], "year": year, "years": years, "report": rep, "trend": tr,
            "ranking": ranked, "rank_from": rank_from,
            "movements": movement_series(user, unit, [y for y in years if y <= year]),
            "deprivations": deprivations, "children": children, "targets": targets,
            "status": statuses[year], "statuses": statuses}


def select_child(unit) -> str | None:
    return GROUPING[(unit.system, unit.level)][1]


def geo_dir() -> Path | None:
    d = Path(getattr(settings, "GEO_DIR", "") or "")
    return d if d and (d / "communes-2025.geojson").exists() else None


@lru_cache(maxsize=8)
def province_communes_geojson(province_code: str) -> str | None:
    """Commune boundaries of one province from the deployment's boundary layer (not shipped:
    see docs/dashboards.md on the layer's licence).

    The layer holds every commune of the country (6 MB: half a second to parse), so it is split
    once into one small file per province under DATA_DIR/cache/geo (keyed by the layer's size and
    date: :func:`boundaries_by_province`, which the server's warm-up calls); a page reads only its
    province's file."""
    cache_dir = boundaries_by_province()
    if cache_dir is None:
        return None
    f = cache_dir / f"{province_code}.geojson"
    if not f.exists():
        return json.dumps({"type": "FeatureCollection", "features": []})
    return f.read_text(encoding="utf-8")


def boundaries_by_province() -> Path | None:
    """The folder of the boundary layer split into one file per province (split now if it is not
    yet: the server's warm-up calls this, so that no first page pays for it), or None without a
    layer."""
    d = geo_dir()
    if d is None:
        return None
    src = d / "communes-2025.geojson"
    st = src.stat()
    cache_dir = Path(settings.DATA_DIR) / "cache" / "geo" / f"communes-{st.st_size}-{int(st.st_mtime)}"
    if not (cache_dir / "_done").exists():
        _split_by_province(src, cache_dir)
    return cache_dir


def _split_by_province(src: Path, cache_dir: Path) -> None:
    import os
    import tempfile
    data = json.loads(src.read_text(encoding="utf-8"))
    by: dict[str, list] = {}
    for f in data["features"]:
        by.setdefault(str(f["properties"].get("province_code")), []).append(f)
    cache_dir.mkdir(parents=True, exist_ok=True)
    for code, feats in by.items():
        fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"type": "FeatureCollection", "features": feats}, out, ensure_ascii=False)
        os.replace(tmp, cache_dir / f"{code}.geojson")
    (cache_dir / "_done").touch()


NATIONAL_GEO = Path(__file__).resolve().parent.parent / "data" / "geo" / "provinces-2025.geojson"


def national_rows(user, year: int) -> list[dict]:
    """One row per 2025 province within the user's area: counts and rates of the year."""
    from chungtay.units.models import Unit
    rows = (YearSummary.objects.for_user(user).filter(year=year).values("province_id")
            .annotate(**{f: Sum(f) for f in TREND_FIELDS}).order_by())
    units = Unit.objects.in_bulk([r["province_id"] for r in rows])
    statuses = national_statuses(user, year, list(units))
    out = [{"id": r["province_id"], "code": units[r["province_id"]].code, "name": units[r["province_id"]].full_name,
            **{f: r[f] for f in TREND_FIELDS}, "poverty_rate": _rate(r["poor"], r["total"]),
            "near_poverty_rate": _rate(r["near_poor"], r["total"]), "em_poverty_rate": _rate(r["em_poor"], r["em_total"]),
            "provisional": statuses[r["province_id"]].provisional, "reviewed": statuses[r["province_id"]].reviewed,
            "expected": statuses[r["province_id"]].expected, "status_vi": statuses[r["province_id"]].label_vi,
            "status_en": statuses[r["province_id"]].label_en}
           for r in rows]
    return sorted(out, key=lambda r: r["code"])

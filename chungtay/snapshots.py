"""Columnar snapshots for analysts: one Parquet file per review year and province.

`chungtay export --out DIR [--years 2016-2025]` writes DIR/year=YYYY/province=PP/assessments.parquet
(hive partitioning: DuckDB, Polars, pandas and Spark read `DIR/year=*/*/*.parquet` as one table). Rows
hold codes, categories, deprivation ticks and income — never names, ID numbers or health details.
``provisional`` is true on the rows of a commune whose review of the year is not yet recognised
(households/completeness.py): those figures may still change.

Supports (issue 10) go to DIR/supports/year=YYYY/province=PP/supports.parquet, one row per support
in its current version (the year of the support's date), with its funding shares as a list: codes,
kind, quantity, value and status only — no description, document number, member or partner
name (a partner may be a person), so nothing that names a person.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = ["household_code", "year", "standard", "area", "basis", "income", "score_a", "category",
           "deprivation_count", "ethnic_minority", "pledged_escape", "village_code", "commune_code",
           "province_code", "legacy_commune_code", "district_code", "legacy_province_code"] + \
          [f"dep_{i}" for i in range(1, 13)] + ["provisional"]


def export(out_dir: str | Path, years: list[int] | None = None, log=lambda m: None, reuse=None) -> list[Path]:
    """Write the files; ``reuse(kind, year, province_id, path)`` (optional, kind "assessments" or
    "supports") may put a file at ``path`` itself — an unchanged copy of an earlier export — and return
    True, so the partition is not read again (analysis/snapshot.py)."""
    from django.db import connection

    from chungtay.households.completeness import final_communes
    out, written = Path(out_dir), []
    sql = ("SELECT h.code, a.year, a.standard, a.area, a.basis, a.income, a.score_a, a.category, "
           "a.deprivation_count, a.ethnic_minority, a.pledged_escape, v.code, c.code, p.code, lc.code, d.code, lp.code, "
           + ", ".join(f"a.dep_{i}" for i in range(1, 13)) + ", a.commune_id"
           " FROM households_assessment a JOIN households_household h ON h.id = a.household_id "
           "JOIN units_unit v ON v.id = a.village_id JOIN units_unit c ON c.id = a.commune_id "
           "JOIN units_unit p ON p.id = a.province_id LEFT JOIN units_unit lc ON lc.id = a.legacy_commune_id "
           "LEFT JOIN units_unit d ON d.id = a.district_id LEFT JOIN units_unit lp ON lp.id = a.legacy_province_id "
           "WHERE a.is_current AND a.kind = 'periodic' AND a.year = %s AND a.province_id = %s ORDER BY h.code")
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT a.year, a.province_id, p.code FROM households_yearsummary a "
                    "JOIN units_unit p ON p.id = a.province_id ORDER BY 1, 3")
        parts = [r for r in cur.fetchall() if years is None or r[0] in years]
        for year, province_id, province_code in parts:
            path = out / f"year={year}" / f"province={province_code}" / "assessments.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            if reuse is not None and reuse("assessments", year, province_id, path):
                written.append(path)
                continue
            cur.execute(sql, [year, province_id])
            rows = cur.fetchall()
            final = final_communes({r[-1] for r in rows}, year)
            rows = [(*r[:-1], r[-1] not in final) for r in rows]
            cols = list(zip(*rows)) if rows else [[] for _ in COLUMNS]
            table = pa.table({name: _array(name, col) for name, col in zip(COLUMNS, cols)})
            pq.write_table(table, path, compression="zstd")
            written.append(path)
            log(f"{path}: {table.num_rows:,} rows")
    written += export_supports(out, years, log, reuse)
    return written


SUPPORT_COLUMNS = ["household_code", "support_id", "version", "year", "date", "programme_code", "part_code",
                   "kind", "quantity", "unit_of_measure", "value_vnd", "status", "recorded_via", "for_member",
                   "provider_unit_code", "provider_partner_kind", "village_code", "commune_code", "province_code"]
_FUNDING = pa.list_(pa.struct([("source", pa.string()), ("share", pa.int16()), ("amount_vnd", pa.int64())]))


def export_supports(out: Path, years: list[int] | None, log, reuse=None) -> list[Path]:
    from django.db import connection

    written = []
    sql = ("SELECT h.code, s.entry_id, s.version, s.year, s.date, pg.code, pt.code, s.kind, s.quantity, "
           "s.unit_of_measure, s.value_vnd, s.status, s.source, s.member_id IS NOT NULL, pu.code, pa.kind, "
           "v.code, c.code, p.code, s.id FROM support_support s "
           "JOIN households_household h ON h.id = s.household_id "
           "JOIN support_programmepart pg ON pg.id = s.programme_id JOIN support_programmepart pt ON pt.id = s.part_id "
           "LEFT JOIN units_unit pu ON pu.id = s.provider_unit_id LEFT JOIN support_partner pa ON pa.id = s.provider_partner_id "
           "JOIN units_unit v ON v.id = s.village_id JOIN units_unit c ON c.id = s.commune_id "
           "JOIN units_unit p ON p.id = s.province_id "
           "WHERE s.is_current AND s.year = %s AND s.province_id = %s ORDER BY h.code, s.entry_id")
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT s.year, s.province_id, p.code FROM support_support s "
                    "JOIN units_unit p ON p.id = s.province_id WHERE s.is_current ORDER BY 1, 3")
        parts = [r for r in cur.fetchall() if years is None or r[0] in years]
        for year, province_id, province_code in parts:
            path = out / "supports" / f"year={year}" / f"province={province_code}" / "supports.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            if reuse is not None and reuse("supports", year, province_id, path):
                written.append(path)
                continue
            cur.execute(sql, [year, province_id])
            rows = cur.fetchall()
            ids = [r[-1] for r in rows]
            funding: dict[int, list] = {i: [] for i in ids}
            for k in range(0, len(ids), 900):           # SQLite's bound on query parameters
                chunk = ids[k:k + 900]
                cur.execute("SELECT f.support_id, fs.code, f.share, f.amount_vnd FROM support_supportfunding f "
                            "JOIN support_fundingsource fs ON fs.id = f.source_id WHERE f.support_id IN ("
                            + ", ".join(["%s"] * len(chunk)) + ") ORDER BY f.support_id, fs.position, fs.code", chunk)
                for sid, code, share, amount in cur.fetchall():
                    funding[sid].append({"source": code, "share": share, "amount_vnd": amount})
            cols = list(zip(*rows)) if rows else [[] for _ in range(len(SUPPORT_COLUMNS) + 1)]
            table = pa.table({name: _support_array(name, col) for name, col in zip(SUPPORT_COLUMNS, cols)}
                             | {"funding": pa.array([funding[i] for i in ids], _FUNDING)})
            pq.write_table(table, path, compression="zstd")
            written.append(path)
            log(f"{path}: {table.num_rows:,} rows")
    return written


def _support_array(name: str, values) -> pa.Array:
    if name in ("support_id", "value_vnd"):
        return pa.array(values, pa.int64())
    if name in ("version", "year"):
        return pa.array(values, pa.int16())
    if name == "for_member":
        return pa.array([bool(v) for v in values], pa.bool_())
    if name == "date":
        return pa.array([_date(v) for v in values], pa.date32())
    if name == "quantity":
        return pa.array([None if v is None else float(v) for v in values], pa.float64())
    return pa.array(values, pa.string())


def _date(v):
    import datetime as dt
    return dt.date.fromisoformat(v) if isinstance(v, str) else v


def _array(name: str, values) -> pa.Array:
    if name.startswith("dep_") or name in ("ethnic_minority", "pledged_escape", "provisional"):
        return pa.array([bool(v) for v in values], pa.bool_())
    if name in ("year", "deprivation_count"):
        return pa.array(values, pa.int16())
    if name == "income":
        return pa.array(values, pa.int64())
    if name == "score_a":
        return pa.array(values, pa.float64())
    return pa.array(values, pa.string())

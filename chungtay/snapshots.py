"""Columnar snapshots for analysts: one Parquet file per review year and province.

`chungtay export --out DIR [--years 2016-2025]` writes DIR/year=YYYY/province=PP/assessments.parquet
(hive partitioning: DuckDB, Polars, pandas and Spark read the folder as one table). Rows hold
codes, categories, deprivation ticks and income — never names, ID numbers or health details.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COLUMNS = ["household_code", "year", "standard", "area", "basis", "income", "score_a", "category",
           "deprivation_count", "ethnic_minority", "pledged_escape", "village_code", "commune_code",
           "province_code", "legacy_commune_code", "district_code", "legacy_province_code"] + \
          [f"dep_{i}" for i in range(1, 13)]


def export(out_dir: str | Path, years: list[int] | None = None, log=lambda m: None) -> list[Path]:
    from django.db import connection

    out, written = Path(out_dir), []
    sql = ("SELECT h.code, a.year, a.standard, a.area, a.basis, a.income, a.score_a, a.category, "
           "a.deprivation_count, a.ethnic_minority, a.pledged_escape, v.code, c.code, p.code, lc.code, d.code, lp.code, "
           + ", ".join(f"a.dep_{i}" for i in range(1, 13)) +
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
            cur.execute(sql, [year, province_id])
            rows = cur.fetchall()
            cols = list(zip(*rows)) if rows else [[] for _ in COLUMNS]
            table = pa.table({name: _array(name, col) for name, col in zip(COLUMNS, cols)})
            path = out / f"year={year}" / f"province={province_code}" / "assessments.parquet"
            path.parent.mkdir(parents=True, exist_ok=True)
            pq.write_table(table, path, compression="zstd")
            written.append(path)
            log(f"{path}: {table.num_rows:,} rows")
    return written


def _array(name: str, values) -> pa.Array:
    if name.startswith("dep_") or name in ("ethnic_minority", "pledged_escape"):
        return pa.array([bool(v) for v in values], pa.bool_())
    if name in ("year", "deprivation_count"):
        return pa.array(values, pa.int16())
    if name == "income":
        return pa.array(values, pa.int64())
    if name == "score_a":
        return pa.array(values, pa.float64())
    return pa.array(values, pa.string())

"""`chungtay export`: Parquet snapshots by year and province, read back with DuckDB."""
import duckdb
import pytest

from chungtay.households.models import Assessment
from chungtay.snapshots import export


@pytest.mark.django_db
def test_snapshots_hold_every_current_result_without_personal_data(tmp_path):
    files = export(tmp_path, years=[2017, 2024])
    assert {f.parent.parent.name for f in files} == {"year=2017", "year=2024"}
    con = duckdb.connect()
    rel = con.sql(f"SELECT * FROM read_parquet('{tmp_path}/**/*.parquet', hive_partitioning = true)")
    cols = set(rel.columns)
    assert not cols & {"full_name", "head_name", "citizen_id", "citizen_id_encrypted", "health_insurance"}
    n, poor = con.sql(f"SELECT count(*), count(*) FILTER (category = 'poor') FROM "
                      f"read_parquet('{tmp_path}/year=2024/**/*.parquet')").fetchall()[0]
    db = Assessment.objects.filter(year=2024, is_current=True, kind="periodic")
    assert (n, poor) == (db.count(), db.filter(category="poor").count())
    by_district = dict(con.sql(f"SELECT district_code, count(*) FROM read_parquet('{tmp_path}/year=2017/**/*.parquet') "
                               "GROUP BY 1").fetchall())
    assert sum(by_district.values()) == Assessment.objects.filter(year=2017, is_current=True).count()
    assert set(by_district) <= {"608", "610", "611", "612", "613", "614", "615", "616", "617", "618"}

"""Maintain YearSummary from Assessment with one INSERT … SELECT … GROUP BY per refresh."""
from __future__ import annotations

from django.db import connection, transaction

from .models import Assessment, YearSummary

LOCATION = ["village_id", "commune_id", "province_id", "legacy_commune_id", "district_id", "legacy_province_id"]
COUNTS = {
    "total": "COUNT(*)",
    "poor": "SUM(CASE WHEN category = 'poor' THEN 1 ELSE 0 END)",
    "near_poor": "SUM(CASE WHEN category = 'near_poor' THEN 1 ELSE 0 END)",
    "average": "SUM(CASE WHEN category = 'average' THEN 1 ELSE 0 END)",
    "above_average": "SUM(CASE WHEN category = 'above_average' THEN 1 ELSE 0 END)",
    "em_total": "SUM(CASE WHEN ethnic_minority THEN 1 ELSE 0 END)",
    "em_poor": "SUM(CASE WHEN ethnic_minority AND category = 'poor' THEN 1 ELSE 0 END)",
    **{f"d{i}": f"SUM(CASE WHEN category = 'poor' AND dep_{i} THEN 1 ELSE 0 END)" for i in range(1, 13)},
    "poor_income_sum": "SUM(CASE WHEN category = 'poor' AND basis = 'income' THEN income ELSE 0 END)",
    "poor_income_n": "SUM(CASE WHEN category = 'poor' AND basis = 'income' THEN 1 ELSE 0 END)",
}


@transaction.atomic
def refresh(year: int | None = None, village_ids: list[int] | None = None) -> None:
    """Recount the given year/villages (everything when both are None)."""
    where, params = ["kind = %s", "is_current"], [Assessment.PERIODIC]
    stale = YearSummary.objects.all()
    if year is not None:
        where.append("year = %s")
        params.append(year)
        stale = stale.filter(year=year)
    if village_ids is not None:
        where.append(f"village_id IN ({', '.join(['%s'] * len(village_ids))})")
        params += list(village_ids)
        stale = stale.filter(village_id__in=village_ids)
    stale.delete()
    src, dst = Assessment._meta.db_table, YearSummary._meta.db_table
    cols = ["year"] + LOCATION + list(COUNTS)
    sql = (f"INSERT INTO {dst} ({', '.join(cols)}) "
           f"SELECT year, {', '.join(LOCATION)}, {', '.join(COUNTS.values())} FROM {src} "
           f"WHERE {' AND '.join(where)} GROUP BY year, {', '.join(LOCATION)}")
    with connection.cursor() as cur:
        cur.execute(sql, params)

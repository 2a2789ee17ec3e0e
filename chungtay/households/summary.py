"""Maintain YearSummary from Assessment with one INSERT … SELECT … GROUP BY per refresh.

Concurrency: a refresh deletes a village's rows and re-inserts its recount, so two refreshes
of the same village must not overlap (on PostgreSQL the second DELETE would miss the rows the
first one inserted, leaving both). :func:`refresh` therefore first locks the communes of the
villages it recounts (``SELECT … FOR NO KEY UPDATE`` on their unit rows, in id order, the
same lock the actions and the import take); on SQLite every write transaction already holds
the single write lock (``transaction_mode=IMMEDIATE``). The unique constraint on
(year, village) makes a duplicate impossible even if a writer forgot the lock."""
from __future__ import annotations

from django.db import connection, transaction

from .models import Assessment, YearSummary

# The village determines the other location columns (households.actions copies them from the
# household's village), so the summary has one row per year and village; MIN() keeps that true
# even for rows written before a unit was re-parented.
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
def refresh(year: int | None = None, village_ids: list[int] | None = None, households=None) -> None:
    """Recount the given year/villages (everything when both are None); ``households``: only their
    results changed (chungtay.prepared.refresh)."""
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
    if village_ids is not None:
        lock_communes_of(village_ids)
    stale.delete()
    src, dst = Assessment._meta.db_table, YearSummary._meta.db_table
    cols = ["year"] + LOCATION + list(COUNTS)
    sql = (f"INSERT INTO {dst} ({', '.join(cols)}) "
           f"SELECT year, village_id, {', '.join(f'MIN({c})' for c in LOCATION[1:])}, "
           f"{', '.join(COUNTS.values())} FROM {src} "
           f"WHERE {' AND '.join(where)} GROUP BY year, village_id")
    with connection.cursor() as cur:
        cur.execute(sql, params)
    # the other prepared figures (movements, Alkire–Foster inputs) of the same write
    from chungtay.prepared.refresh import refresh as refresh_prepared
    refresh_prepared(year, village_ids, households)


def lock_communes(commune_ids) -> None:
    """Serialise writers of the communes' assessments and summaries until the transaction
    ends (PostgreSQL row locks on the communes' unit rows, taken in id order so that two
    writers never wait for each other in a cycle). A no-op on SQLite, where a write
    transaction holds the database's single write lock from its start."""
    if connection.vendor == "sqlite" or not commune_ids:
        return
    from chungtay.units.models import Unit
    list(Unit.objects.select_for_update(no_key=True).filter(id__in=sorted(set(commune_ids)))
         .order_by("id").values_list("id", flat=True))


def lock_communes_of(village_ids) -> None:
    if connection.vendor == "sqlite" or not village_ids:
        return
    from chungtay.units.models import Unit
    lock_communes(Unit.objects.filter(id__in=list(village_ids)).values_list("parent_id", flat=True).distinct())

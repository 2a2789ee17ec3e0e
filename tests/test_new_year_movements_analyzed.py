"""The first result of a new year writes the whole movement pair of (year - 1, year): on PostgreSQL
the planner is told about those rows at once (ANALYZE), else every later save's rewrite of its
village's movements scanned all of them (year_to = year estimated at one row; docs/load.md)."""
from django.db import connection

from chungtay.prepared.models import HouseholdMovement, MovementCount


def _estimated_rows(table: str, year: int) -> int:
    with connection.cursor() as c:
        c.execute(f"EXPLAIN (FORMAT JSON) SELECT * FROM {table} WHERE year_to = %s", [year])
        return c.fetchone()[0][0]["Plan"]["Plan Rows"]


def test_the_planner_knows_the_new_pair_at_once(commune_officer, my_commune, one_surveyed):
    made = HouseholdMovement.objects.filter(year_to=2026).count()
    assert made > 100 and MovementCount.objects.filter(year_to=2026).exists()   # the whole pair, not one village
    if connection.vendor == "postgresql":
        for model in (HouseholdMovement, MovementCount):
            actual = model.objects.filter(year_to=2026).count()
            assert _estimated_rows(model._meta.db_table, 2026) > actual / 3, model.__name__

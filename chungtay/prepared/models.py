"""Prepared figures: counts kept up to date at every write of periodic results, in the same
transaction (chungtay.prepared.refresh, called from households.summary.refresh), so that the
dashboards, the Alkire–Foster page and the movements page read a few thousand rows instead of
every household of a province — on the first request as on every other.

Every table holds current periodic results only, like YearSummary. Location columns are copied
from the results (the village determines the others), so any unit of either hierarchy selects
its rows with one column and ``for_user`` restricts them to the user's area.
"""
from __future__ import annotations

from django.db import models

from chungtay.households.models import ScopedQuerySet


def _loc(prefix: str = "", null_village: bool = False):
    """The six location columns (village determines the rest), with an optional prefix."""
    fk = dict(on_delete=models.CASCADE, related_name="+")
    return {
        f"{prefix}village": models.ForeignKey("units.Unit", null=null_village, **fk),
        f"{prefix}commune": models.ForeignKey("units.Unit", null=null_village, **fk),
        f"{prefix}province": models.ForeignKey("units.Unit", null=null_village, **fk),
        f"{prefix}legacy_commune": models.ForeignKey("units.Unit", null=True, **fk),
        f"{prefix}district": models.ForeignKey("units.Unit", null=True, **fk),
        f"{prefix}legacy_province": models.ForeignKey("units.Unit", null=True, **fk),
    }


LOCATION = ["village", "commune", "province", "legacy_commune", "district", "legacy_province"]


class DeprivationCount(models.Model):
    """Households per (year, village, deprivation pattern, ethnic minority, area, head's ethnic
    group): the Alkire–Foster inputs as a weighted histogram (bit i-1 of ``pattern`` = deprived
    in the i-th indicator of the year's standard)."""
    year = models.PositiveSmallIntegerField()
    locals().update(_loc())
    pattern = models.IntegerField()
    ethnic_minority = models.BooleanField()
    urban = models.BooleanField()
    head_ethnicity = models.CharField(max_length=40)
    n = models.IntegerField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["year", "province"]), models.Index(fields=["year", "commune"]),
                   models.Index(fields=["year", "village"]), models.Index(fields=["year", "legacy_province"]),
                   models.Index(fields=["year", "district"]), models.Index(fields=["year", "legacy_commune"])]


class IncomeGap(models.Model):
    """FGT inputs per (year, village, area, ethnic minority): households with an income, those
    at or under the year's poverty line (official rule y ≤ z) and Σ gap, Σ gap² of the latter
    (gap = (z − y)/z, z the rural or urban line of the year's standard)."""
    year = models.PositiveSmallIntegerField()
    locals().update(_loc())
    urban = models.BooleanField()
    ethnic_minority = models.BooleanField()
    n = models.IntegerField()
    q = models.IntegerField()
    gap1 = models.FloatField()
    gap2 = models.FloatField()

    objects = ScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["year", "province"]), models.Index(fields=["year", "commune"]),
                   models.Index(fields=["year", "village"])]


class MovementCount(models.Model):
    """Households moving between the reviews of ``year_to - 1`` and ``year_to``, per village and
    category in each year (``none``: no result that year; village then empty).

    ``poor_earlier`` / ``near_earlier`` (only where they can decide the movement: poor / near-poor
    in the second year and not already so in the same village the year before): 1 = poor /
    near-poor in an earlier review, under the second year's standard, in the second year's
    village; 2 = only in other villages — such a household has a row of its own
    (``household``) and the reader checks its earlier villages against the unit; 0 = never.
    """
    year_to = models.PositiveSmallIntegerField()
    locals().update(_loc("from_", null_village=True))
    locals().update(_loc("to_", null_village=True))
    cat_from = models.CharField(max_length=14)
    cat_to = models.CharField(max_length=14)
    poor_earlier = models.SmallIntegerField(default=0)
    near_earlier = models.SmallIntegerField(default=0)
    pledged = models.BooleanField(default=False)
    household = models.ForeignKey("households.Household", null=True, on_delete=models.CASCADE, related_name="+")
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["year_to", "from_province"]), models.Index(fields=["year_to", "to_province"]),
                   models.Index(fields=["year_to", "from_commune"]), models.Index(fields=["year_to", "to_commune"]),
                   models.Index(fields=["year_to", "from_village"]), models.Index(fields=["year_to", "to_village"])]


class UnitMovement(models.Model):
    """The movements of each 2025 unit (province, commune, village) between the reviews of
    ``year_to - 1`` and ``year_to``, classified (chungtay.core.movements.movement) from the
    MovementCount rows of its villages: ``before`` / ``after`` are the household's states
    *in the unit* (``none`` when it was outside). A page of a unit the user's area covers
    whole reads these few rows; ``pledged``: pledged to escape in ``year_to``, in the unit."""
    year_to = models.PositiveSmallIntegerField()
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    before = models.CharField(max_length=14)
    after = models.CharField(max_length=14)
    movement = models.CharField(max_length=24)
    pledged = models.BooleanField(default=False)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["unit", "year_to"])]


class ProvinceDeprivation(models.Model):
    """DeprivationCount summed per 2025 province and commune (``unit`` the province, ``child``
    the commune): the province's Alkire–Foster page reads these ~15,000 rows a year as they
    are instead of grouping ~32,000 village rows on each request. Kept by the same refresh."""
    year = models.PositiveSmallIntegerField()
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    child = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    pattern = models.IntegerField()
    ethnic_minority = models.BooleanField()
    urban = models.BooleanField()
    head_ethnicity = models.CharField(max_length=40)
    n = models.IntegerField()

    class Meta:
        indexes = [models.Index(fields=["unit", "year"])]


# a listed household's place in the list of those one step from leaving poverty; a household
# with income only (no single deprivation) sorts after the gap shares with this key
NO_SHARE = 1e18


class EscapeCandidate(models.Model):
    """Poor households (periodic result with an income) that :func:`chungtay.core.escape.near_escape`
    lists under the year's standard and the default income gap: the Alkire–Foster page's list
    of those one step from leaving poverty, in its order (``both`` first, then ``share``, then
    the household), so that a page reads its 60 rows and a count instead of every poor household."""
    year = models.PositiveSmallIntegerField()
    locals().update(_loc())
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    ethnic_minority = models.BooleanField()
    urban = models.BooleanField()
    income = models.BigIntegerField()
    pattern = models.IntegerField()
    both = models.BooleanField()          # one deprivation and a small income gap
    share = models.FloatField()           # gap / line; NO_SHARE when income cannot take it out

    objects = ScopedQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["year", "province"]), models.Index(fields=["year", "commune"]),
                   models.Index(fields=["year", "village"]), models.Index(fields=["year", "legacy_province"]),
                   models.Index(fields=["year", "district"]), models.Index(fields=["year", "legacy_commune"])]


def _loc_plain(prefix: str):
    """The six location columns, nullable, without an index of their own (the table's composite
    indexes serve its reads and the refresh)."""
    fk = dict(on_delete=models.CASCADE, related_name="+", null=True, db_index=False)
    return {f"{prefix}{c}": models.ForeignKey("units.Unit", **fk) for c in LOCATION}


# movement codes as small integers (HouseholdMovement.mv_*): the position in core.movements.MOVEMENTS
def movement_codes() -> list[str]:
    from chungtay.core.movements import MOVEMENTS
    return list(MOVEMENTS)


class HouseholdMovement(models.Model):
    """One row per household and year pair ``(year_to - 1, year_to)`` with a current periodic
    result in either year: where it was (``from_``, ``to_``), its categories and the
    MovementCount flags — MovementCount is these rows grouped — and its movement as classified
    for each 2025 unit it was in (``mv_<level>_from`` for the unit of the first year,
    ``mv_<level>_to`` for the unit of the second; the same when it stayed; null when it was
    in none): the movements page lists a unit's households of one movement by index."""
    year_to = models.PositiveSmallIntegerField()
    household = models.ForeignKey("households.Household", on_delete=models.CASCADE, related_name="+")
    locals().update(_loc_plain("from_"))
    locals().update(_loc_plain("to_"))
    cat_from = models.CharField(max_length=14)
    cat_to = models.CharField(max_length=14)
    poor_earlier = models.SmallIntegerField(default=0)
    near_earlier = models.SmallIntegerField(default=0)
    pledged = models.BooleanField(default=False)
    mv_village_from = models.SmallIntegerField(null=True)
    mv_village_to = models.SmallIntegerField(null=True)
    mv_commune_from = models.SmallIntegerField(null=True)
    mv_commune_to = models.SmallIntegerField(null=True)
    mv_province_from = models.SmallIntegerField(null=True)
    mv_province_to = models.SmallIntegerField(null=True)

    class Meta:
        indexes = [models.Index(fields=["year_to", "from_village"]), models.Index(fields=["year_to", "to_village"]),
                   models.Index(fields=["year_to", "from_commune", "mv_commune_from"]),
                   models.Index(fields=["year_to", "to_commune", "mv_commune_to"]),
                   models.Index(fields=["year_to", "from_province", "mv_province_from"]),
                   models.Index(fields=["year_to", "to_province", "mv_province_to"])]


def distinct_years(table: str, column: str) -> set[int]:
    """The distinct values of a year column led by an index, in one query: an index probe a value
    (a recursive "next year after" walk), not a scan of the table. ``DISTINCT`` read every row, and
    ``filter(year=y).exists()`` a year cost 6–10 ms for the newest years on PostgreSQL, whose rows
    sit at the table's end while the planner expects them anywhere and scans from its start."""
    from django.db import connection
    with connection.cursor() as cur:
        cur.execute(f"WITH RECURSIVE t(y) AS (SELECT MIN({column}) FROM {table} UNION ALL "
                    f"SELECT (SELECT MIN({column}) FROM {table} WHERE {column} > t.y) FROM t WHERE t.y IS NOT NULL) "
                    f"SELECT y FROM t WHERE y IS NOT NULL")
        return {r[0] for r in cur.fetchall()}


def covered_years() -> set[int]:
    """The ``year_to`` of the pairs the prepared movement counts hold."""
    return distinct_years(MovementCount._meta.db_table, "year_to")

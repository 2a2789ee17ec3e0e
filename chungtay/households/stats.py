"""Counts and rates of a unit and its children for one review year.

Rates of a parent are computed from summed counts, never by averaging children's rates
(statistics.md). Every figure is restricted to the user's area by ``for_user``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Sum

from chungtay.core import fmt
from chungtay.core.standards import Standard, StandardError, standard_for_year
from chungtay.units.labels import labels_for
from chungtay.units.models import Unit

from .models import MAX_INDICATORS, YearSummary

# unit (system, level) -> (column that selects its rows, column that groups its children)
GROUPING = {
    (Unit.SYSTEM_2025, Unit.PROVINCE): ("province", "commune"),
    (Unit.SYSTEM_2025, Unit.COMMUNE): ("commune", "village"),
    (Unit.SYSTEM_2025, Unit.VILLAGE): ("village", None),
    (Unit.SYSTEM_LEGACY, Unit.PROVINCE): ("legacy_province", "district"),
    (Unit.SYSTEM_LEGACY, Unit.DISTRICT): ("district", "legacy_commune"),
    (Unit.SYSTEM_LEGACY, Unit.COMMUNE): ("legacy_commune", "village"),
}


@dataclass
class Figures:
    unit: Unit | None
    total: int = 0
    poor: int = 0
    near_poor: int = 0
    average: int = 0
    above_average: int = 0
    em_total: int = 0
    em_poor: int = 0
    deprived: list[int] = field(default_factory=list)   # poor households deprived in indicator i

    @staticmethod
    def _rate(a: int, b: int) -> float | None:
        return 100.0 * a / b if b else None

    @property
    def poverty_rate(self):
        return self._rate(self.poor, self.total)

    @property
    def near_poverty_rate(self):
        return self._rate(self.near_poor, self.total)

    @property
    def average_rate(self):
        return self._rate(self.average, self.total)

    @property
    def multidimensional_rate(self):
        return self._rate(self.poor + self.near_poor, self.total)

    @property
    def em_poverty_rate(self):
        return self._rate(self.em_poor, self.em_total)

    def add(self, other: "Figures") -> None:
        for f in ("total", "poor", "near_poor", "average", "above_average", "em_total", "em_poor"):
            setattr(self, f, getattr(self, f) + getattr(other, f))
        if len(self.deprived) < len(other.deprived):
            self.deprived += [0] * (len(other.deprived) - len(self.deprived))
        for i, v in enumerate(other.deprived):
            self.deprived[i] += v


@dataclass
class UnitReport:
    unit: Unit
    year: int
    standard: Standard | None
    total: Figures
    children: list[Figures]


FIELDS = ("total", "poor", "near_poor", "average", "above_average", "em_total", "em_poor")


def _aggregates(n: int) -> dict:
    agg = {f: Sum(f) for f in FIELDS}
    agg.update({f"d{i}": Sum(f"d{i}") for i in range(1, n + 1)})
    return agg


def year_rows(user, year: int):
    """Summary rows of a year within the user's area (see households.summary)."""
    return YearSummary.objects.for_user(user).filter(year=year)


def unit_report(user, unit: Unit, year: int) -> UnitReport:
    try:
        standard = standard_for_year(year)
        n = len(standard.indicators)
    except StandardError:
        standard, n = None, MAX_INDICATORS
    select, group = GROUPING[(unit.system, unit.level)]
    qs = year_rows(user, year).filter(**{f"{select}_id": unit.id})
    agg = _aggregates(n)
    children: list[Figures] = []
    total = Figures(unit, deprived=[0] * n)
    if group:
        rows = list(qs.values(f"{group}_id").annotate(**agg).order_by())
        units = Unit.objects.in_bulk([r[f"{group}_id"] for r in rows])
        for r in rows:
            f = _figures(units.get(r[f"{group}_id"]), r, n)
            children.append(f)
            total.add(f)
        # Vietnamese alphabetical order of the labels shown ("Đ" after "D"; twin villages by old commune)
        names = labels_for([f.unit for f in children])
        children.sort(key=lambda f: fmt.sort_key(
            (names.get(f.unit.id) if f.unit.level == Unit.VILLAGE else f.unit.name) if f.unit else ""))
    else:
        total = _figures(unit, qs.aggregate(**agg), n)
    return UnitReport(unit, year, standard, total, children)


def _figures(unit, r: dict, n: int) -> Figures:
    return Figures(unit, *(r[f] or 0 for f in FIELDS), [r[f"d{i}"] or 0 for i in range(1, n + 1)])


FIRST_YEAR = 2016


def available_years(user) -> list[int]:
    """Review years with results in the user's area, newest first: one indexed probe a year
    (much cheaper than DISTINCT over every summary row of the country), all of them in one
    plain query (Django compiling twelve EXISTS cost more than running them)."""
    from datetime import date

    from django.db import connection

    from chungtay.accounts.access import scope_for
    scope = scope_for(user)
    if scope.empty:
        return []
    where, params = [], []
    for col, ids in (("province_id", scope.province_ids), ("commune_id", scope.commune_ids),
                     ("village_id", scope.village_ids)):
        if ids and not scope.everything:
            where.append(f"s.{col} IN ({', '.join(['%s'] * len(ids))})")
            params += sorted(ids)
    years = list(range(date.today().year + 1, FIRST_YEAR - 1, -1))
    inside = f" AND ({' OR '.join(where)})" if where else ""
    probes = " UNION ALL ".join(
        f"SELECT {y} AS y WHERE EXISTS (SELECT 1 FROM {YearSummary._meta.db_table} s WHERE s.year = {y}{inside})"
        for y in years)
    with connection.cursor() as cur:
        cur.execute(probes, params * len(years))
        found = {r[0] for r in cur.fetchall()}
    return [y for y in years if y in found]

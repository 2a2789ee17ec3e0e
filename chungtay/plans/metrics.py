"""Live values of a target's metric from the registry (YearSummary), within the user's area."""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, Sum

from chungtay.households.models import YearSummary
from chungtay.households.stats import GROUPING
from chungtay.units.models import Unit, UnitTag

from .models import OfficialFigure

CHILD_OF_TAG = {  # the level a tag applies to → the YearSummary column
    Unit.DISTRICT: "district_id", Unit.COMMUNE: "commune_id", Unit.VILLAGE: "village_id"}


@dataclass
class Value:
    year: int
    value: float | None
    numerator: float | None
    denominator: float | None
    source: str          # "registry" or the official report


def _rows(user, unit: Unit, year: int, tag: str = ""):
    select, _ = GROUPING[(unit.system, unit.level)]
    qs = YearSummary.objects.for_user(user).filter(year=year, **{f"{select}_id": unit.id})
    if tag:
        tagged = UnitTag.objects.filter(tag=tag, start_year__lte=year).exclude(end_year__lt=year)
        q = Q(pk__in=[])
        for level, col in CHILD_OF_TAG.items():
            ids = tagged.filter(unit__level=level).values("unit_id")
            q |= Q(**{f"{col}__in": ids})
        qs = qs.filter(q)
    return qs


def value(user, metric: str, unit: Unit, year: int, *, tag: str = "", population: str = "all",
          threshold: float | None = None) -> Value:
    qs = _rows(user, unit, year, tag)
    agg = qs.aggregate(total=Sum("total"), poor=Sum("poor"), near=Sum("near_poor"), em_total=Sum("em_total"),
                       em_poor=Sum("em_poor"), inc=Sum("poor_income_sum"), inc_n=Sum("poor_income_n"))
    if not agg["total"]:
        return _official(metric, unit, year, tag, population)
    em = population == "ethnic_minority"
    total, poor = (agg["em_total"], agg["em_poor"]) if em else (agg["total"], agg["poor"])
    if metric == "poverty_rate":
        return Value(year, 100.0 * poor / total if total else None, poor, total, "registry")
    if metric == "near_poverty_rate":
        return Value(year, 100.0 * agg["near"] / agg["total"], agg["near"], agg["total"], "registry")
    if metric == "multidimensional_rate":
        n = agg["poor"] + agg["near"]
        return Value(year, 100.0 * n / agg["total"], n, agg["total"], "registry")
    if metric == "poor_count":
        return Value(year, poor, poor, None, "registry")
    if metric == "poor_income":
        return Value(year, agg["inc"] / agg["inc_n"] if agg["inc_n"] else None, agg["inc"], agg["inc_n"], "registry")
    if metric == "villages_without_poor":
        v = qs.values("village_id").annotate(p=Sum("poor")).order_by()
        n = sum(1 for r in v if not r["p"])
        return Value(year, n, n, len(v), "registry")
    if metric == "communes_criterion_11":
        c = list(qs.values("commune_id").annotate(p=Sum("poor"), t=Sum("total")).order_by())
        limit = threshold if threshold is not None else 0.0
        n = sum(1 for r in c if r["t"] and 100.0 * r["p"] / r["t"] <= limit)
        return Value(year, n, n, len(c), "registry")
    raise ValueError(f"unknown metric {metric}")


def _official(metric, unit, year, tag, population) -> Value:
    f = (OfficialFigure.objects.filter(unit=unit, year=year, metric=metric, unit_tag=tag, population=population)
         .order_by("-entered_at").first())
    if f is None:
        return Value(year, None, None, None, "")
    return Value(year, f.value, f.numerator, f.denominator, f.source)


def series(user, metric: str, unit: Unit, years, **kw) -> list[Value]:
    return [value(user, metric, unit, y, **kw) for y in years]


def ranking(user, unit: Unit, metric: str, year_from: int, year_to: int) -> list[dict]:
    """Children of ``unit`` ranked by yearly change of the poverty rate between two years."""
    _, group = GROUPING[(unit.system, unit.level)]
    out = {}
    for y in (year_from, year_to):
        for r in (_rows(user, unit, y).values(f"{group}_id").annotate(p=Sum("poor"), t=Sum("total")).order_by()):
            out.setdefault(r[f"{group}_id"], {})[y] = 100.0 * r["p"] / r["t"] if r["t"] else None
    units = Unit.objects.in_bulk(out)
    rows = []
    for uid, v in out.items():
        a, b = v.get(year_from), v.get(year_to)
        if a is None or b is None:
            continue
        rows.append({"unit": units[uid], "start": a, "end": b, "change": (a - b) / (year_to - year_from)})
    rows.sort(key=lambda r: -r["change"])
    for i, r in enumerate(rows, 1):
        r["rank"] = i
    return rows


__all__ = ["Value", "value", "series", "ranking"]

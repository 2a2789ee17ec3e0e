"""Movements of a unit between two review years, within the user's area."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from chungtay.core.movements import HEADLINE, MOVEMENTS, movements, transition_matrix
from chungtay.units.models import Unit

from .models import Assessment
from .stats import GROUPING


@dataclass
class MovementReport:
    unit: Unit
    year_from: int
    year_to: int
    by_household: dict[int, str]
    counts: dict[str, int]
    matrix: dict[str, dict[str, int]]
    standard_changed: bool
    pledged: int
    pledged_escaped: int

    def households(self, code: str) -> list[int]:
        return sorted(h for h, m in self.by_household.items() if m == code)


def _results(qs, year):
    return dict(qs.filter(year=year).values_list("household_id", "category").order_by())


def unit_movements(user, unit: Unit, year_from: int, year_to: int) -> MovementReport:
    select, _ = GROUPING[(unit.system, unit.level)]
    base = Assessment.objects.for_user(user).filter(kind=Assessment.PERIODIC, is_current=True,
                                                    **{f"{select}_id": unit.id})
    before, after = _results(base, year_from), _results(base, year_to)
    # "Re-poor": poor in an earlier review *under the same standard* as the second year; after
    # a change of standard every household counts afresh (a new line defines a new poverty).
    std_to = base.filter(year=year_to).values_list("standard", flat=True).first()
    earlier = base.filter(year__lt=year_from, standard=std_to)
    # order_by(): the model's default ordering would otherwise enter the SELECT DISTINCT
    poor_earlier = set(earlier.filter(category="poor").values_list("household_id", flat=True).order_by().distinct())
    near_earlier = set(earlier.filter(category="near_poor").values_list("household_id", flat=True)
                       .order_by().distinct())
    by_h = movements(before, after, poor_earlier, near_earlier)
    counts = Counter(by_h.values())
    pledges = set(base.filter(year=year_to, pledged_escape=True).values_list("household_id", flat=True))
    std = dict(base.filter(year__in=[year_from, year_to]).values_list("year", "standard").distinct())
    return MovementReport(
        unit, year_from, year_to, by_h, {m: counts.get(m, 0) for m in MOVEMENTS},
        transition_matrix(before, after), std.get(year_from) != std.get(year_to),
        pledged=len(pledges),
        pledged_escaped=sum(1 for h in pledges if by_h.get(h) in ("escaped_poverty", "poor_to_near_poor")))


__all__ = ["HEADLINE", "MOVEMENTS", "MovementReport", "unit_movements"]

"""Movements of a unit between two review years, within the user's area.

Between two consecutive years the counts and the matrix come from the prepared movement
counts (chungtay.prepared.models.MovementCount, kept up to date at every write): a few
hundred rows whatever the number of households. Other year pairs, and the list of households
behind a movement, are classified from the results themselves (:func:`live_movements`).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Callable

from django.db.models import Case, IntegerField, Q, Sum, Value, When

from chungtay.core.movements import HEADLINE, MOVEMENTS, NONE, STATES, movement, movements, transition_matrix
from chungtay.units.models import Unit

from .models import Assessment
from .stats import GROUPING


@dataclass
class MovementReport:
    unit: Unit
    year_from: int
    year_to: int
    counts: dict[str, int]
    matrix: dict[str, dict[str, int]]
    standard_changed: bool
    pledged: int
    pledged_escaped: int
    _by_household: dict[int, str] | None = None
    _load: Callable[[], dict[int, str]] | None = field(default=None, repr=False)

    @property
    def by_household(self) -> dict[int, str]:
        """Movement of every household (classified from the results on first use)."""
        if self._by_household is None:
            self._by_household = self._load()
        return self._by_household

    def households(self, code: str) -> list[int]:
        return sorted(h for h, m in self.by_household.items() if m == code)


def _results(qs, year):
    return dict(qs.filter(year=year).values_list("household_id", "category").order_by())


def _base(user, unit: Unit):
    select, _ = GROUPING[(unit.system, unit.level)]
    return Assessment.objects.for_user(user).filter(kind=Assessment.PERIODIC, is_current=True,
                                                    **{f"{select}_id": unit.id})


def _standard_of(base, year: int):
    """The standard of one of the year's results (no ORDER BY: the first row the index gives)."""
    return next(iter(base.filter(year=year).values_list("standard", flat=True).order_by()[:1]), None)


_std_to = _standard_of


def _classify(user, unit: Unit, year_from: int, year_to: int):
    base = _base(user, unit)
    before, after = _results(base, year_from), _results(base, year_to)
    # "Re-poor": poor in an earlier review *under the same standard* as the second year; after
    # a change of standard every household counts afresh (a new line defines a new poverty).
    earlier = base.filter(year__lt=year_from, standard=_std_to(base, year_to))
    # order_by(): the model's default ordering would otherwise enter the SELECT DISTINCT
    poor_earlier = set(earlier.filter(category="poor").values_list("household_id", flat=True).order_by().distinct())
    near_earlier = set(earlier.filter(category="near_poor").values_list("household_id", flat=True)
                       .order_by().distinct())
    return base, before, after, movements(before, after, poor_earlier, near_earlier)


def _standards_differ(base, year_from: int, year_to: int) -> bool:
    return _standard_of(base, year_from) != _standard_of(base, year_to)


def live_movements(user, unit: Unit, year_from: int, year_to: int) -> MovementReport:
    """Every household classified from the results (any two years; the reference recount)."""
    base, before, after, by_h = _classify(user, unit, year_from, year_to)
    counts = Counter(by_h.values())
    pledges = set(base.filter(year=year_to, pledged_escape=True).values_list("household_id", flat=True))
    return MovementReport(
        unit, year_from, year_to, {m: counts.get(m, 0) for m in MOVEMENTS},
        transition_matrix(before, after), _standards_differ(base, year_from, year_to),
        pledged=len(pledges),
        pledged_escaped=sum(1 for h in pledges if by_h.get(h) in ("escaped_poverty", "poor_to_near_poor")),
        _by_household=by_h)


def _side_q(user, prefix: str) -> Q:
    from chungtay.accounts.access import scope_for
    scope = scope_for(user)
    if scope.everything:
        return Q()
    q = Q(pk__in=[])
    for ids, col in ((scope.province_ids, "province"), (scope.commune_ids, "commune"),
                     (scope.village_ids, "village")):
        if ids:
            q |= Q(**{f"{prefix}{col}_id__in": ids})
    return q


def prepared_movements(user, unit: Unit, year_from: int, year_to: int) -> MovementReport | None:
    """The report from the prepared counts, or None when they do not cover the pair."""
    if year_to - year_from != 1:
        return None
    return prepared_series(user, unit, [year_to]).get(year_to)


def prepared_series(user, unit: Unit, years_to: list[int]) -> dict[int, MovementReport]:
    """Reports of the pairs (y - 1, y) for each y of ``years_to`` covered by the prepared counts
    (one query for all of them)."""
    from chungtay.accounts.access import scope_for
    from chungtay.prepared.models import MovementCount, covered_years
    covered = covered_years() & set(years_to)
    if not covered:
        return {}
    if unit.system == Unit.SYSTEM_2025 and scope_for(user).covers(unit):
        # the user's area holds the whole unit: its own classified counts
        return _unit_reports(user, unit, covered)
    select, _ = GROUPING[(unit.system, unit.level)]
    inside_from = Q(**{f"from_{select}_id": unit.id}) & _side_q(user, "from_")
    inside_to = Q(**{f"to_{select}_id": unit.id}) & _side_q(user, "to_")
    rows = list(MovementCount.objects.filter(year_to__in=sorted(covered))
                .filter(Q(**{f"from_{select}_id": unit.id}) | Q(**{f"to_{select}_id": unit.id}))
                .annotate(i_from=Case(When(inside_from, then=Value(1)), default=Value(0),
                                      output_field=IntegerField()),
                          i_to=Case(When(inside_to, then=Value(1)), default=Value(0), output_field=IntegerField()))
                .values_list("year_to", "i_from", "i_to", "cat_from", "cat_to", "poor_earlier", "near_earlier",
                             "pledged", "household_id")
                .annotate(total=Sum("n")).order_by())
    base = _base(user, unit)
    standards = _standards(user, unit, sorted(covered | {y - 1 for y in covered})) if rows else {}
    by_year: dict[int, list] = {y: [] for y in covered}
    for r in rows:
        by_year[r[0]].append(r[1:])
    return {y: _report(user, unit, base, y, by_year[y], standards) for y in sorted(covered)}


def _standards(user, unit: Unit, years) -> dict[int, str | None]:
    """The standard of each year's results in the unit (the year's standard when the unit has
    results that year, from the year summaries: no probe of the results themselves, which
    PostgreSQL may answer by scanning a million rows)."""
    from chungtay.core.standards import StandardError, standard_for_year

    from .models import YearSummary
    select, _ = GROUPING[(unit.system, unit.level)]
    have = set(YearSummary.objects.for_user(user).filter(year__in=list(years), **{f"{select}_id": unit.id})
               .values_list("year", flat=True).distinct().order_by())
    out: dict[int, str | None] = {}
    for y in years:
        try:
            out[y] = standard_for_year(y).code if y in have else None
        except StandardError:
            out[y] = None
    return out


def _unit_reports(user, unit: Unit, covered: set[int]) -> dict[int, MovementReport]:
    from chungtay.prepared.models import UnitMovement
    rows = list(UnitMovement.objects.filter(unit=unit, year_to__in=sorted(covered))
                .values_list("year_to", "before", "after", "movement", "pledged", "n"))
    standards = _standards(user, unit, sorted(covered | {y - 1 for y in covered}))
    out = {}
    for y in sorted(covered):
        counts: Counter = Counter()
        matrix: Counter = Counter()
        pledged = pledged_escaped = 0
        for _y, b, a, m, pl, n in (r for r in rows if r[0] == y):
            counts[m] += n
            matrix[(b, a)] += n
            if pl:
                pledged += n
                pledged_escaped += n if m in ("escaped_poverty", "poor_to_near_poor") else 0
        out[y] = MovementReport(
            unit, y - 1, y, {m: counts.get(m, 0) for m in MOVEMENTS},
            {b: {a: matrix.get((b, a), 0) for a in STATES} for b in STATES},
            standards.get(y - 1) != standards.get(y), pledged=pledged, pledged_escaped=pledged_escaped,
            _load=lambda y=y: _classify(user, unit, y - 1, y)[3])
    return out


def _report(user, unit, base, year_to: int, rows, standards: dict) -> MovementReport:
    year_from = year_to - 1
    # households whose earlier poor / near-poor result lies only in other villages: is it in the unit?
    movers = {h for *_, h, _n in rows if h is not None}
    earlier: dict[str, set[int]] = {"poor": set(), "near_poor": set()}
    if movers:
        for h, cat in (base.filter(household_id__in=movers, year__lt=year_from, standard=standards.get(year_to),
                                   category__in=("poor", "near_poor"))
                       .values_list("household_id", "category").distinct().order_by()):
            earlier[cat].add(h)
    counts: Counter = Counter()
    matrix: Counter = Counter()
    pledged = pledged_escaped = 0
    for i_from, i_to, cf, ct, pe, ne, pl, h, n in rows:
        b, a = (cf if i_from else NONE), (ct if i_to else NONE)
        if b == NONE and a == NONE:
            continue
        m = movement(b, a, pe == 1 or (pe == 2 and h in earlier["poor"]),
                     ne == 1 or (ne == 2 and h in earlier["near_poor"]))
        counts[m] += n
        matrix[(b, a)] += n
        if pl and a != NONE:
            pledged += n
            if m in ("escaped_poverty", "poor_to_near_poor"):
                pledged_escaped += n
    return MovementReport(
        unit, year_from, year_to, {m: counts.get(m, 0) for m in MOVEMENTS},
        {b: {a: matrix.get((b, a), 0) for a in STATES} for b in STATES},
        standards.get(year_from) != standards.get(year_to), pledged=pledged, pledged_escaped=pledged_escaped,
        _load=lambda: _classify(user, unit, year_from, year_to)[3])


def commune_movements(user, province: Unit, year: int) -> dict[int, Counter] | None:
    """Movement counts of ``year - 1`` → ``year`` of every commune of a province, each classified
    for its commune (the summary report's rows), from the prepared counts; None when they do
    not cover the pair or the user's area does not hold the whole province."""
    from chungtay.accounts.access import scope_for
    from chungtay.prepared.models import UnitMovement, covered_years
    if not (scope_for(user).covers(province) and year in covered_years()):
        return None
    communes = Unit.objects.filter(parent=province, system=Unit.SYSTEM_2025, level=Unit.COMMUNE).values("id")
    out: dict[int, Counter] = {}
    for uid, m, n in (UnitMovement.objects.filter(year_to=year, unit_id__in=communes)
                      .values_list("unit_id", "movement").annotate(t=Sum("n")).order_by()):
        out.setdefault(uid, Counter())[m] += n
    return out


def village_movements(user, commune: Unit, year: int) -> dict[int | None, Counter] | None:
    """Movement counts of ``year - 1`` → ``year`` classified for the commune, by the village the
    household lives in in ``year`` (None: no result that year), from the prepared counts."""
    from chungtay.accounts.access import scope_for
    from chungtay.prepared.models import MovementCount, covered_years
    if not (scope_for(user).covers(commune) and year in covered_years()):
        return None
    rows = list(MovementCount.objects.filter(year_to=year)
                .filter(Q(from_commune_id=commune.id) | Q(to_commune_id=commune.id))
                .values_list("from_commune_id", "to_commune_id", "to_village_id", "cat_from", "cat_to",
                             "poor_earlier", "near_earlier", "household_id").annotate(t=Sum("n")).order_by())
    movers = {r[-2] for r in rows if r[-2] is not None}
    earlier: dict[str, set[int]] = {"poor": set(), "near_poor": set()}
    if movers:
        base = _base(user, commune)
        for h, cat in (base.filter(household_id__in=movers, year__lt=year - 1,
                                   standard=_standard_of(base, year), category__in=("poor", "near_poor"))
                       .values_list("household_id", "category").distinct().order_by()):
            earlier[cat].add(h)
    out: dict[int | None, Counter] = {}
    for fc, tc, tv, cf, ct, pe, ne, h, n in rows:
        b, a = (cf if fc == commune.id else NONE), (ct if tc == commune.id else NONE)
        if b == NONE and a == NONE:
            continue
        m = movement(b, a, pe == 1 or (pe == 2 and h in earlier["poor"]),
                     ne == 1 or (ne == 2 and h in earlier["near_poor"]))
        out.setdefault(tv if a != NONE else None, Counter())[m] += n
    return out


def unit_movements(user, unit: Unit, year_from: int, year_to: int) -> MovementReport:
    return prepared_movements(user, unit, year_from, year_to) or live_movements(user, unit, year_from, year_to)


__all__ = ["HEADLINE", "MOVEMENTS", "MovementReport", "commune_movements", "live_movements", "prepared_movements",
           "unit_movements", "village_movements"]

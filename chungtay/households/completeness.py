"""How complete a year's figures are: final (recognised) or provisional, with the coverage.

A year's figures of a unit are **final** when every commune of the unit that holds households
that year has its periodic review round of the year recognised by the chairman (or locked).
A commune with no round record for the year (results loaded from history or imported) counts
as final once the commune has results of a later year: that review is over. Otherwise the
figures are **provisional** and every page, chart, export and report that shows them says so,
with the coverage: households with a current periodic result of the year (``reviewed``, from
YearSummary) out of the households that exist in the unit that year (``expected``).

Which households exist in a year (the one rule, also used by the household list):
``start_year`` is empty or ≤ year, and ``end_year`` is empty or ≥ year — ``end_year`` is the
last review year of a household that moved away, merged or died out (see
:func:`chungtay.households.actions.close_household`).

Cost: three small aggregate queries over YearSummary/ReviewRound for any number of years, and
one COUNT over the unit's households for each provisional year (indexed by province/commune).
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Max, Q, Sum

from chungtay.core import fmt
from chungtay.units.models import Unit

from .models import Household, YearSummary
from .stats import GROUPING

FINAL_STATES = ("recognised", "locked")

# unit (system, level) -> Household filter selecting its households (where they live now)
HOUSEHOLD_FILTER = {
    (Unit.SYSTEM_2025, Unit.PROVINCE): "province_id",
    (Unit.SYSTEM_2025, Unit.COMMUNE): "commune_id",
    (Unit.SYSTEM_2025, Unit.VILLAGE): "village_id",
    (Unit.SYSTEM_LEGACY, Unit.COMMUNE): "village__legacy_parent_id",
    (Unit.SYSTEM_LEGACY, Unit.DISTRICT): "village__legacy_parent__parent_id",
    (Unit.SYSTEM_LEGACY, Unit.PROVINCE): "village__legacy_parent__parent__parent_id",
}


def exists_in(year: int) -> Q:
    """Households that exist in ``year`` (registered by then, not closed before it)."""
    return (Q(start_year__isnull=True) | Q(start_year__lte=year)) & (Q(end_year__isnull=True) | Q(end_year__gte=year))


@dataclass(frozen=True)
class YearStatus:
    year: int
    final: bool
    reviewed: int                 # households with a current periodic result of the year
    expected: int                 # households that exist in the unit that year
    communes: int = 0             # communes of the unit holding households that year
    communes_final: int = 0       # … whose round of the year is recognised (or over)

    @property
    def provisional(self) -> bool:
        return not self.final

    @property
    def coverage(self) -> float | None:
        return 100.0 * self.reviewed / self.expected if self.expected else None

    @property
    def coverage_vi(self) -> str:
        return (f"đã rà soát {fmt.number(self.reviewed)}/{fmt.number(self.expected)} hộ"
                + (f"; {self.communes_final}/{self.communes} xã đã công nhận kết quả" if self.communes > 1 else ""))

    @property
    def coverage_en(self) -> str:
        return (f"{fmt.number(self.reviewed, lang='en')} of {fmt.number(self.expected, lang='en')} households reviewed"
                + (f"; {self.communes_final} of {self.communes} communes recognised" if self.communes > 1 else ""))

    @property
    def label_vi(self) -> str:
        return f"Số liệu chính thức năm {self.year}" if self.final else f"Số liệu tạm tính – {self.coverage_vi}"

    @property
    def label_en(self) -> str:
        return f"Final figures for {self.year}" if self.final else f"Provisional – {self.coverage_en}"

    def label(self, lang: str = "vi") -> str:
        return self.label_en if lang == "en" else self.label_vi

    @property
    def draft_vi(self) -> str:
        """Line printed under the DỰ THẢO mark of a document."""
        return (f"Kết quả rà soát năm {self.year} chưa được Chủ tịch Ủy ban nhân dân công nhận "
                f"(đã rà soát {fmt.number(self.reviewed)}/{fmt.number(self.expected)} hộ)")

    def as_dict(self) -> dict:
        return {"year": self.year, "final": self.final, "reviewed": self.reviewed, "expected": self.expected,
                "communes": self.communes, "communes_final": self.communes_final,
                "label_vi": self.label_vi, "label_en": self.label_en}


def year_statuses(user, unit: Unit, years, children: dict | None = None) -> dict[int, YearStatus]:
    """Status of each of ``years`` for ``unit`` within the user's area (a few queries in all).
    ``children``: {year: child_statuses(...)} already computed for the page — the unit's expected
    households are then their sum (no second count)."""
    years = sorted(set(int(y) for y in years))
    if not years:
        return {}
    select, _ = GROUPING[(unit.system, unit.level)]
    rows = YearSummary.objects.for_user(user).filter(**{f"{select}_id": unit.id})
    # communes holding results per year (this year's or last year's households are this year's)
    wanted = set(years) | {y - 1 for y in years}
    reviewed: dict[int, int] = {}
    communes_by_year: dict[int, set[int]] = {}
    for y, c, t in (rows.filter(year__in=wanted).values_list("year", "commune_id").annotate(t=Sum("total"))
                    .order_by()):
        communes_by_year.setdefault(y, set()).add(c)
        reviewed[y] = reviewed.get(y, 0) + (t or 0)
    all_communes = set().union(*communes_by_year.values()) if communes_by_year else set()
    rounds: dict[tuple[int, int], str] = {}
    from chungtay.reviews.models import ReviewRound
    rq = ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, year__in=years)
    if unit.system == Unit.SYSTEM_2025:
        col = {Unit.PROVINCE: "province_id", Unit.COMMUNE: "commune_id"}.get(unit.level)
        rq = rq.filter(**{col: unit.id}) if col else rq.filter(commune_id=unit.parent_id)
    else:
        rq = rq.filter(commune_id__in=all_communes)
    for c, y, state in rq.values_list("commune_id", "year", "state"):
        rounds[(c, y)] = state
        if unit.system == Unit.SYSTEM_2025:
            all_communes.add(c)
    latest = dict(YearSummary.objects.filter(commune_id__in=all_communes).values_list("commune_id")
                  .annotate(m=Max("year")).order_by()) if all_communes else {}
    out = {}
    for y in years:
        communes = communes_by_year.get(y, set()) | communes_by_year.get(y - 1, set()) | \
            {c for (c, ry) in rounds if ry == y}
        done = 0
        for c in communes:
            state = rounds.get((c, y))
            if state in FINAL_STATES or (state is None and latest.get(c, 0) > y):
                done += 1
        final = done == len(communes)
        got = reviewed.get(y, 0)
        if final:
            expected = got
        elif children and children.get(y):
            expected = max(got, sum(st.expected for st in children[y].values()))
        else:
            expected = max(got, _expected(user, unit, y))
        out[y] = YearStatus(y, final, got, expected, len(communes), done)
    return out


def final_communes(commune_ids, year: int) -> set[int]:
    """Which of the communes have final figures for ``year`` (the rule of the module docstring, per
    commune: its round recognised or locked, or no round and results of a later year). Two queries."""
    from chungtay.reviews.models import ReviewRound
    ids = sorted(set(commune_ids))
    if not ids:
        return set()
    rounds = dict(ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, year=year, commune_id__in=ids)
                  .values_list("commune_id", "state"))
    latest = dict(YearSummary.objects.filter(commune_id__in=ids).values_list("commune_id").annotate(m=Max("year"))
                  .order_by())
    return {c for c in ids if rounds.get(c) in FINAL_STATES or (c not in rounds and latest.get(c, 0) > year)}


def year_status(user, unit: Unit, year: int, children: dict | None = None) -> YearStatus:
    """Final or provisional, with the coverage, of ``unit``'s figures for ``year`` (``children``:
    the child_statuses of the same year, when the page has them)."""
    return year_statuses(user, unit, [year], {year: children} if children else None)[year]


def _expected(user, unit: Unit, year: int) -> int:
    col = HOUSEHOLD_FILTER[(unit.system, unit.level)]
    return _cached(user, f"{col}:{unit.id}:{year}",
                   lambda: Household.objects.for_user(user).filter(exists_in(year), **{col: unit.id}).count())


# Counting the households of a province scans its rows (~150 ms for 130k on SQLite): the counts are
# cached per user until a household is saved or deleted (signal below; new bulk-loaded households
# change the largest id, which is part of the key) and at most CACHE_SECONDS. A value computed
# inside an open transaction is never cached.
CACHE_SECONDS = 300
VERSION_KEY = "households:completeness:version"


def _cached(user, what: str, compute):
    from django.core.cache import cache
    from django.db.models import Max as _Max
    top = Household.objects.aggregate(m=_Max("id"))["m"] or 0
    key = f"households:expected:{getattr(user, 'pk', 0)}:{what}:{top}:{cache.get(VERSION_KEY, 0)}"
    value = cache.get(key)
    if value is None:
        value = compute()
        if _may_cache():
            cache.set(key, value, CACHE_SECONDS)
    return value


def _may_cache() -> bool:
    """Only values read outside a transaction: an uncommitted (or rolled-back) write never sticks."""
    from django.db import connection
    return not connection.in_atomic_block


def _household_changed(**kwargs) -> None:
    from django.core.cache import cache
    from django.db import transaction

    def bump():
        try:
            cache.incr(VERSION_KEY)
        except ValueError:
            cache.set(VERSION_KEY, 1, None)
    bump()
    transaction.on_commit(bump)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save
    post_save.connect(_household_changed, sender=Household, dispatch_uid="completeness.household_saved")
    post_delete.connect(_household_changed, sender=Household, dispatch_uid="completeness.household_deleted")


# YearSummary grouping column -> the Household column holding the same unit (where it lives now)
HOUSEHOLD_GROUP = {
    "province": "province_id", "commune": "commune_id", "village": "village_id",
    "legacy_commune": "village__legacy_parent_id", "district": "village__legacy_parent__parent_id",
    "legacy_province": "village__legacy_parent__parent__parent_id",
}


def grouped_statuses(user, year: int, group: str, parent: Unit | None = None,
                     ids=None) -> dict[int, YearStatus]:
    """Status of ``year`` for each unit of one YearSummary column ``group`` (the children of
    ``parent``, or the units ``ids``), in four queries whatever their number."""
    from django.db.models import Count

    from chungtay.reviews.models import ReviewRound
    rows = YearSummary.objects.for_user(user).filter(year__in=[year - 1, year])
    households = Household.objects.for_user(user).filter(exists_in(year))
    if parent is not None:
        select, _ = GROUPING[(parent.system, parent.level)]
        rows = rows.filter(**{f"{select}_id": parent.id})
        households = households.filter(**{HOUSEHOLD_FILTER[(parent.system, parent.level)]: parent.id})
    if ids is not None:
        rows = rows.filter(**{f"{group}_id__in": list(ids)})
    reviewed: dict[int, int] = {}
    communes: dict[int, set[int]] = {}
    for g, y, c, t in rows.values_list(f"{group}_id", "year", "commune_id").annotate(t=Sum("total")).order_by():
        communes.setdefault(g, set()).add(c)
        if y == year:
            reviewed[g] = reviewed.get(g, 0) + (t or 0)
    every = set().union(*communes.values()) if communes else set()
    rounds = dict(ReviewRound.objects.filter(kind=ReviewRound.PERIODIC, year=year, commune_id__in=every)
                  .values_list("commune_id", "state")) if every else {}
    later = set(YearSummary.objects.filter(year__gt=year, commune_id__in=every)
                .values_list("commune_id", flat=True).distinct().order_by()) if every else set()
    out: dict[int, YearStatus] = {}
    open_ = []
    for g, cs in communes.items():
        done = sum(1 for c in cs if rounds.get(c) in FINAL_STATES or (c not in rounds and c in later))
        got = reviewed.get(g, 0)
        out[g] = YearStatus(year, done == len(cs), got, got, len(cs), done)
        if done != len(cs):
            open_.append(g)
    if open_:
        col = HOUSEHOLD_GROUP[group]
        what = f"{group}:{parent.id if parent else '-'}:{','.join(map(str, sorted(open_)))}:{year}"
        counts = _cached(user, what, lambda: dict(
            households.filter(**{f"{col}__in": open_}).values_list(col).annotate(n=Count("id")).order_by()))
        for g in open_:
            st = out[g]
            out[g] = YearStatus(year, False, st.reviewed, max(st.reviewed, counts.get(g, 0)), st.communes,
                                st.communes_final)
    return out


def child_statuses(user, unit: Unit, year: int) -> dict[int, YearStatus]:
    """Status of ``year`` for each child unit of ``unit`` (the drill-down's rows)."""
    _, group = GROUPING[(unit.system, unit.level)]
    return grouped_statuses(user, year, group, parent=unit) if group else {}


def national_statuses(user, year: int, provinces: list[int]) -> dict[int, YearStatus]:
    """Status of ``year`` per 2025 province (the national page)."""
    got = grouped_statuses(user, year, "province", ids=provinces)
    return {p: got.get(p, YearStatus(year, True, 0, 0)) for p in provinces}

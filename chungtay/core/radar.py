"""“Không để ai bị bỏ lại phía sau” — the no-one-left-behind radar (issue 10, part 6).

Pure Python (no Django): every rule works on plain rows, so it is tested with constructed
histories and reused from a notebook. The Django side (``chungtay.support.radar``) reads the
rows of one unit and calls :func:`radar`.

Inputs
------
``history``  household id → {year: category} of the current periodic results (``poor``,
             ``near_poor``, ``average``, ``above_average``). The reader may leave out rows a rule
             cannot use (see each rule); a missing year is "no result".
``latest``   household id → :class:`Latest`, the household's result in the latest year ``L`` (only
             poor and near-poor households are needed).
``supports`` rows ``(household id, year, kind)`` of *delivered* current support versions.
``pledges``  rows ``(pledge id, household id, year)``.

Rules (docs/support.md, "Radar")
--------------------------------
1. **Persistently poor**: poor in ``L`` and in each year before it, without a gap, for at least
   ``min_years`` (3) consecutive years ending at ``L``.
2. **Poor or near-poor with no support**: poor or near-poor in ``L`` and no delivered support in
   the two years ``year − 1`` and ``year`` (``year`` = the reference year, normally this year).
3. **Fell back**: from ``L − 1`` to ``L``, not poor or near-poor → poor or near-poor, or near-poor
   → poor (both years need a result). Counts for every earlier pair of years are given too.
4. **Pledges with no support behind them**: a pledge for year ``Y`` (``Y`` ≤ the reference year)
   and no delivered support to that household in ``Y`` or ``Y − 1``.
5. **Near escape, not addressed**: in ``L``
   - a *poor* household deprived in exactly ``cutoff`` indicators (the standard's deprivation
     cutoff, 3 for 2021–2025 and 2026–2030): removing any one of its deprivations takes it out of
     poverty; its *blocking* indicators are all its deprived ones;
   - a *near-poor* household (or a poor one under a rule by income alone) measured by income whose
     monthly income per person is below the poverty line by at most ``income_margin`` (10 %) of
     the line: its blocking indicator is ``income``.
   It is listed when **no** delivered support in ``L − 1 … year`` has a kind that addresses any
   of its blocking indicators (:data:`ADDRESSES`).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple

POOR, NEAR = "poor", "near_poor"
POORISH = (POOR, NEAR)
INCOME = "income"

# Indicator code (as in chungtay/standards/*.json, every period) → the support kinds
# (chungtay.support.models.KINDS) that address it. No kind is specific to water, sanitation or
# information: the Social Policy Bank's clean-water-and-sanitation loans and cash support count.
ADDRESSES: dict[str, tuple[str, ...]] = {
    # employment dimension
    "employment": ("training", "job", "loan", "tools"),
    "dependants": ("job", "training", "cash"),
    # health
    "nutrition": ("livestock", "seed", "cash"),
    "health_insurance": ("health_card",),
    "health_access": ("health_card",),            # 2016–2020
    # education
    "adult_education": ("training",),
    "school_attendance": ("scholarship",),
    # housing
    "housing_quality": ("house",),
    "housing_area": ("house",),
    # water and sanitation
    "water_source": ("loan", "cash"),
    "latrine": ("loan", "cash", "house"),
    "waste_treatment": ("loan", "cash"),          # 2026–2030
    # information
    "telecom": ("cash",),
    "information_means": ("cash", "tools"),
    "information_assets": ("cash", "tools"),      # 2016–2020
    # income (not an indicator: the income criterion)
    INCOME: ("livestock", "seed", "fertiliser", "tools", "barn", "cash", "loan", "training", "job"),
}


class Latest(NamedTuple):
    """A household's result in the latest year: category, deprived indicator codes, the
    deprivation cutoff of its standard, and (when measured by income) income and poverty line.
    (A named tuple: a province holds tens of thousands of them.)"""
    category: str
    deprived: tuple[str, ...] = ()
    cutoff: int = 3
    income: int | None = None
    line: int | None = None


@dataclass
class Radar:
    latest_year: int | None
    year: int
    persistent: list[tuple[int, int]] = field(default_factory=list)          # (hh, consecutive poor years)
    unsupported: list[tuple[int, str]] = field(default_factory=list)         # (hh, category in L)
    fell_back: list[tuple[int, str, str]] = field(default_factory=list)      # (hh, before, after)
    fell_back_by_year: dict[int, int] = field(default_factory=dict)          # year → count (from year−1)
    pledges: list[tuple[int, int, int]] = field(default_factory=list)        # (pledge, hh, year)
    near_escape: list[tuple[int, str, tuple[str, ...], tuple[str, ...]]] = field(default_factory=list)
    # (hh, category, blocking indicators, kinds that would address them)

    def counts(self) -> dict[str, int]:
        return {"persistent": len(self.persistent), "unsupported": len(self.unsupported),
                "fell_back": len(self.fell_back), "pledges": len(self.pledges),
                "near_escape": len(self.near_escape)}


def worse(before: str, after: str) -> bool:
    """Did the household fall back: not poor or near-poor → poor or near-poor, or near-poor → poor."""
    if after == POOR:
        return before != POOR
    if after == NEAR:
        return before not in POORISH
    return False


def poor_run(years: Mapping[int, str], last: int) -> int:
    """Consecutive years poor, ending at ``last`` (0 when not poor in ``last``)."""
    n = 0
    while years.get(last - n) == POOR:
        n += 1
    return n


def persistent_poor(history: Mapping[int, Mapping[int, str]], latest_year: int, min_years: int = 3):
    out = [(h, poor_run(ys, latest_year)) for h, ys in history.items()]
    return sorted([(h, n) for h, n in out if n >= min_years], key=lambda r: (-r[1], r[0]))


def supported_years(supports: Iterable[tuple]) -> dict[int, set[int]]:
    out: dict[int, set[int]] = {}
    for row in supports:
        out.setdefault(row[0], set()).add(row[1])
    return out


def supported_kinds(supports: Iterable[tuple], first: int, last: int) -> dict[int, set[str]]:
    out: dict[int, set[str]] = {}
    for h, y, k in supports:
        if first <= y <= last:
            out.setdefault(h, set()).add(k)
    return out


def no_recent_support(latest: Mapping[int, Latest], supports_by_year: Mapping[int, set[int]], year: int):
    window = {year - 1, year}
    return sorted((h, r.category) for h, r in latest.items()
                  if r.category in POORISH and not (supports_by_year.get(h, set()) & window))


def fell_back(history: Mapping[int, Mapping[int, str]], latest_year: int):
    """(the list for L−1 → L, the counts of every pair of years)."""
    rows, by_year = [], {}
    for h, ys in history.items():
        for y, after in ys.items():
            before = ys.get(y - 1)
            if before is not None and worse(before, after):
                by_year[y] = by_year.get(y, 0) + 1
                if y == latest_year:
                    rows.append((h, before, after))
    return sorted(rows), dict(sorted(by_year.items()))


def pledges_without_support(pledges: Iterable[tuple[int, int, int]], supports_by_year: Mapping[int, set[int]], year: int):
    return sorted(((p, h, y) for p, h, y in pledges
                   if y <= year and not (supports_by_year.get(h, set()) & {y, y - 1})),
                  key=lambda r: (-r[2], r[1], r[0]))


def blocking(r: Latest, income_margin: float = 0.10) -> tuple[str, ...]:
    """The indicators whose removal would take the household out of its category (see rule 5)."""
    if r.category == POOR and r.deprived and len(r.deprived) == r.cutoff:
        return tuple(r.deprived)
    if r.category in POORISH and r.income is not None and r.line:
        if r.line - r.income <= r.line * income_margin and (r.category == NEAR or len(r.deprived) < r.cutoff):
            return (INCOME,)
    return ()


def near_escape(latest: Mapping[int, Latest], kinds: Mapping[int, set[str]], income_margin: float = 0.10,
                addresses: Mapping[str, tuple[str, ...]] = ADDRESSES):
    out = []
    for h, r in sorted(latest.items()):
        block = blocking(r, income_margin)
        if not block:
            continue
        wanted = tuple(dict.fromkeys(k for b in block for k in addresses.get(b, ())))
        if not (set(wanted) & kinds.get(h, set())):
            out.append((h, r.category, block, wanted))
    return out


def radar(history: Mapping[int, Mapping[int, str]], latest: Mapping[int, Latest], supports: Iterable[tuple],
          pledges: Iterable[tuple[int, int, int]], year: int, latest_year: int | None = None,
          min_years: int = 3, income_margin: float = 0.10) -> Radar:
    """All five rules at once. ``latest_year`` defaults to the newest year in ``history``."""
    supports = list(supports)
    if latest_year is None:
        latest_year = max((y for ys in history.values() for y in ys), default=None)
    out = Radar(latest_year=latest_year, year=year)
    by_year = supported_years(supports)
    out.pledges = pledges_without_support(pledges, by_year, year)
    if latest_year is None:
        return out
    out.persistent = persistent_poor(history, latest_year, min_years)
    out.unsupported = no_recent_support(latest, by_year, year)
    out.fell_back, out.fell_back_by_year = fell_back(history, latest_year)
    out.near_escape = near_escape(latest, supported_kinds(supports, latest_year - 1, max(year, latest_year)),
                                  income_margin)
    return out

"""Outcomes of support (issue 10, part 6): did the supported households escape, and stay out?

Pure Python (+ :mod:`chungtay.core.effects` for the matched comparison); no Django.

Inputs
------
``history``   household id → {year: category} of the current periodic results.
``baseline``  (household id, year) → :class:`Base` — the facts of a result used for matching
              (deprivation count, area, commune); only needed for the comparison.
``supports``  rows ``(household id, year, value VND)`` of the *delivered* current support versions
              that match the filters (unit, programme, kind) — the Django side filters.
``any_support`` household id → the years with any delivered support (for "unsupported" controls).

Definitions (docs/support.md, "Outcomes")
-----------------------------------------
- **Supported households**: at least one matching support with year in ``first … last``; the
  household's *support year* ``Y`` is the first such year.
- **Escape**: the household was poor or near-poor in ``Y − 1`` (the baseline). A poor household
  escaped when it is not poor in ``Y`` or ``Y + 1``; a near-poor one when it is average or above in
  ``Y`` or ``Y + 1``. The escape year ``E`` is the first of them. Decided when it escaped, or
  when ``Y + 1`` has a result; otherwise *pending* (not in the rate).
  Escape rate = escaped / decided.
- **Stayed out k years** (k = 1, 2): of the escaped households with a result in ``E + k``, those
  whose results in ``E + 1 … E + k`` are all still escaped (a missing year in between does not
  count against it).
- **Re-poverty**: of the escaped households with any result after ``E``, those back at their
  baseline level or below in some later year (poor again; for a near-poor baseline, poor or
  near-poor again).
- **Cost per escaped household** = the VND sum of the matching supports of the supported
  households in the period ÷ escaped households, rounded to the nearest đồng (integer).
- **Matched comparison**: one row per supported household (at its support year ``Y``, decided
  only) and one row per household and year ``Y`` in the period for households poor or near-poor in
  ``Y − 1`` with **no delivered support of any kind** in ``Y − 1 … Y + 1`` (decided only; never a
  supported household). Strata:
  baseline year, starting category, deprivation count, area (urban/rural) and commune, exact.
  :func:`chungtay.core.effects.support_effect` gives the ATT of support on escaping.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping

POOR, NEAR = "poor", "near_poor"
POORISH = (POOR, NEAR)


@dataclass(frozen=True)
class Base:
    deprivation_count: int
    area: str
    commune: int


@dataclass
class Outcomes:
    supported: int = 0                 # households with a matching support in the period
    eligible: int = 0                  # …poor or near-poor at their baseline
    decided: int = 0
    pending: int = 0
    escaped: int = 0
    stayed_1_n: int = 0                # escaped with a result in E + 1
    stayed_1: int = 0
    stayed_2_n: int = 0
    stayed_2: int = 0
    repoverty_n: int = 0
    repoverty: int = 0
    value_vnd: int = 0
    escaped_ids: list[int] = field(default_factory=list)
    repoverty_ids: list[int] = field(default_factory=list)
    effect: object | None = None       # chungtay.core.effects.EffectResult
    comparison_rows: int = 0

    @staticmethod
    def _rate(a: int, b: int) -> float | None:
        return a / b if b else None

    @property
    def escape_rate(self):
        return self._rate(self.escaped, self.decided)

    @property
    def stayed_1_rate(self):
        return self._rate(self.stayed_1, self.stayed_1_n)

    @property
    def stayed_2_rate(self):
        return self._rate(self.stayed_2, self.stayed_2_n)

    @property
    def repoverty_rate(self):
        return self._rate(self.repoverty, self.repoverty_n)

    @property
    def cost_per_escape(self) -> int | None:
        return (self.value_vnd + self.escaped // 2) // self.escaped if self.escaped else None


def out_of(start: str, category: str | None) -> bool:
    """Is ``category`` out of the baseline ``start`` (poor → not poor; near-poor → average or above)?"""
    if category is None:
        return False
    return category != POOR if start == POOR else category not in POORISH


def escape(years: Mapping[int, str], y: int) -> tuple[str, int | None] | None:
    """For support year ``y``: None when not poor or near-poor in ``y − 1``; else
    (``"escaped"``, E) / (``"not_escaped"``, None) / (``"pending"``, None)."""
    start = years.get(y - 1)
    if start not in POORISH:
        return None
    for e in (y, y + 1):
        if out_of(start, years.get(e)):
            return "escaped", e
    return ("not_escaped", None) if (y + 1) in years else ("pending", None)


def after_escape(years: Mapping[int, str], start: str, e: int):
    """(stayed 1 year: None when unknown, stayed 2 years, fell back later: None when no later result)."""
    later = sorted(x for x in years if x > e)
    back = any(not out_of(start, years[x]) for x in later) if later else None
    stayed = []
    for k in (1, 2):
        if e + k not in years:
            stayed.append(None)
        else:
            stayed.append(all(out_of(start, years[x]) for x in later if x <= e + k))
    return stayed[0], stayed[1], back


def outcomes(history: Mapping[int, Mapping[int, str]], supports: Iterable[tuple[int, int, int]], first: int, last: int,
             baseline: Mapping[tuple[int, int], Base] | None = None,
             any_support: Mapping[int, set[int]] | None = None) -> Outcomes:
    out = Outcomes()
    support_year: dict[int, int] = {}
    for h, y, v in supports:
        if first <= y <= last:
            support_year[h] = min(y, support_year.get(h, y))
            out.value_vnd += int(v)
    out.supported = len(support_year)
    treated_rows = []
    for h, y in sorted(support_year.items()):
        years = history.get(h, {})
        r = escape(years, y)
        if r is None:
            continue
        out.eligible += 1
        state, e = r
        if state == "pending":
            out.pending += 1
            continue
        out.decided += 1
        treated_rows.append((h, y, state == "escaped"))
        if state != "escaped":
            continue
        out.escaped += 1
        out.escaped_ids.append(h)
        s1, s2, back = after_escape(years, years[y - 1], e)
        if s1 is not None:
            out.stayed_1_n += 1
            out.stayed_1 += s1
        if s2 is not None:
            out.stayed_2_n += 1
            out.stayed_2 += s2
        if back is not None:
            out.repoverty_n += 1
            out.repoverty += back
            if back:
                out.repoverty_ids.append(h)
    if baseline is not None and any_support is not None:
        out.effect, out.comparison_rows = compare(history, treated_rows, first, last, baseline, any_support)
    return out


def compare(history, treated_rows, first, last, baseline, any_support):
    """The exact-matching comparison (see the module docstring). Returns (EffectResult or None, rows)."""
    from .effects import support_effect
    treated, outcome, cols = [], [], {"year": [], "start": [], "deprivations": [], "area": [], "commune": []}

    def add(h, y, t, escaped):
        b = baseline.get((h, y - 1))
        if b is None:
            return
        treated.append(1 if t else 0)
        outcome.append(1 if escaped else 0)
        cols["year"].append(y)
        cols["start"].append(history[h][y - 1])
        cols["deprivations"].append(int(b.deprivation_count))
        cols["area"].append(b.area or "")
        cols["commune"].append(int(b.commune))

    for h, y, escaped in treated_rows:
        add(h, y, True, escaped)
    supported = {h for h, _, _ in treated_rows}
    for h, years in history.items():
        if h in supported:
            continue
        got = any_support.get(h, set())
        for y in range(first, last + 1):
            if got & {y - 1, y, y + 1}:
                continue
            r = escape(years, y)
            if r is None or r[0] == "pending":
                continue
            add(h, y, False, r[0] == "escaped")
    if not treated or not any(treated) or all(treated):
        return None, len(treated)
    return support_effect(treated, outcome, cols), len(treated)

"""Legal poverty standards as versioned data.

Each standard is one JSON file (``chungtay/standards/*.json`` ships the national ones;
``CHUNGTAY_STANDARDS_DIR`` adds more, e.g. a provincial standard) — a new standard is a
new file, never a code change. The category rules are an ordered list evaluated
first-match, so the difference between 2016–2020 ("I ≤ line, or I ≤ near line and D ≥ 3")
and 2021–2025 ("I ≤ line and D ≥ 3") lives entirely in the data.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

CATEGORIES = ("poor", "near_poor", "average", "above_average")
CATEGORY_NAMES = {
    "poor": ("Hộ nghèo", "Poor"),
    "near_poor": ("Hộ cận nghèo", "Near-poor"),
    "average": ("Hộ có mức sống trung bình", "Average living standard"),
    "above_average": ("Hộ trên mức sống trung bình", "Above average"),
}
AREAS = ("rural", "urban")
AREA_NAMES = {"rural": ("nông thôn", "rural"), "urban": ("thành thị", "urban")}
BUILTIN_DIR = Path(__file__).resolve().parent.parent / "standards"


class StandardError(ValueError):
    """A standard file is malformed or a requested standard does not exist."""


@dataclass(frozen=True)
class Indicator:
    code: str
    dimension: str
    name_vi: str
    name_en: str
    deprivation_vi: str = ""
    deprivation_en: str = ""
    status: str = "confirmed"


@dataclass(frozen=True)
class Line:
    code: str
    name_vi: str
    name_en: str
    rural: int
    urban: int
    status: str = "confirmed"

    def value(self, area: str) -> int:
        return self.rural if area == "rural" else self.urban


@dataclass(frozen=True)
class Rule:
    """One row of the category table: all present conditions must hold."""
    category: str
    income_at_most: str | None = None       # code of a line: I ≤ line (or A ≤ its score)
    deprivations_at_least: int | None = None


@dataclass(frozen=True)
class Standard:
    code: str
    name_vi: str
    name_en: str
    legal_basis: tuple[str, ...]
    status: str
    scope: str                      # "national" or a 2-digit province code
    years: tuple[int, ...]
    lines: dict[str, Line]
    indicators: tuple[Indicator, ...]
    dimensions: tuple[dict, ...]
    rules: tuple[Rule, ...]
    score_rules: tuple[Rule, ...] | None
    score_a: dict[str, dict[str, float]] | None   # line code -> {"rural": x, "urban": y}
    deprivation_cutoff: int
    raw: dict = field(repr=False, compare=False, default_factory=dict)

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        return tuple(i.code for i in self.indicators)

    def indicator(self, code: str) -> Indicator:
        for i in self.indicators:
            if i.code == code:
                return i
        raise KeyError(code)

    def score_threshold(self, line: str, area: str) -> float | None:
        if not self.score_a or line not in self.score_a:
            return None
        return self.score_a[line][area]

    def to_json(self) -> dict:
        """The public JSON shape (``chungtay standards show CODE --format json``)."""
        d = dict(self.raw)
        d["legal_basis"] = list(self.legal_basis)
        d["years"] = list(self.years)
        d["income_lines"] = {area: {c: ln.value(area) for c, ln in self.lines.items()}
                             for area in AREAS}
        return d


def _rules(items, lines, where) -> tuple[Rule, ...]:
    if not items:
        raise StandardError(f"{where}: empty rule list")
    out = []
    for r in items:
        if r.get("category") not in CATEGORIES:
            raise StandardError(f"{where}: unknown category {r.get('category')!r}")
        if r.get("income_at_most") is not None and r["income_at_most"] not in lines:
            raise StandardError(f"{where}: rule refers to unknown line {r['income_at_most']!r}")
        out.append(Rule(r["category"], r.get("income_at_most"), r.get("deprivations_at_least")))
    last = out[-1]
    if last.income_at_most is not None or last.deprivations_at_least is not None:
        raise StandardError(f"{where}: the last rule must be unconditional so every household gets a category")
    return tuple(out)


def parse_standard(d: dict, source: str = "<dict>") -> Standard:
    try:
        lines = {c: Line(c, v["name_vi"], v["name_en"], int(v["rural"]), int(v["urban"]),
                         v.get("status", "confirmed")) for c, v in d["lines"].items()}
        indicators = tuple(Indicator(**{k: i[k] for k in Indicator.__dataclass_fields__ if k in i})
                           for i in d["indicators"])
        codes = [i.code for i in indicators]
        if len(set(codes)) != len(codes):
            raise StandardError(f"{source}: duplicate indicator codes")
        score_a = d.get("score_a")
        score_rules = d.get("score_rules")
        if score_rules and not score_a:
            raise StandardError(f"{source}: score_rules need score_a thresholds")
        return Standard(
            code=d["code"], name_vi=d["name_vi"], name_en=d["name_en"],
            legal_basis=tuple(d["legal_basis"]), status=d.get("status", "confirmed"),
            scope=d.get("scope", "national"), years=tuple(int(y) for y in d["years"]),
            lines=lines, indicators=indicators, dimensions=tuple(d.get("dimensions", ())),
            rules=_rules(d["rules"], lines, source + " rules"),
            score_rules=_rules(score_rules, lines, source + " score_rules") if score_rules else None,
            score_a=score_a, deprivation_cutoff=int(d.get("deprivation_cutoff", 3)), raw=d,
        )
    except KeyError as e:
        raise StandardError(f"{source}: missing field {e}") from None


def load_standard(path: str | Path) -> Standard:
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as e:
        raise StandardError(f"{path}: cannot read standard: {e}") from None
    return parse_standard(data, str(path))


def _dirs() -> list[Path]:
    dirs = [BUILTIN_DIR]
    extra = os.environ.get("CHUNGTAY_STANDARDS_DIR")
    if extra:
        dirs += [Path(p) for p in extra.split(os.pathsep) if p]
    return dirs


@lru_cache(maxsize=None)
def _load_all(dirs: tuple[Path, ...]) -> dict[str, Standard]:
    out: dict[str, Standard] = {}
    for d in dirs:
        for p in sorted(d.glob("*.json")):
            s = load_standard(p)
            out[s.code] = s
    return out


def all_standards() -> list[Standard]:
    return sorted(_load_all(tuple(_dirs())).values(), key=lambda s: (s.years[0], s.scope, s.code))


def get_standard(code: str) -> Standard:
    try:
        return _load_all(tuple(_dirs()))[code]
    except KeyError:
        known = ", ".join(s.code for s in all_standards())
        raise StandardError(f"unknown standard {code!r} (known: {known})") from None


def standard_for_year(year: int, province: str | None = None) -> Standard:
    """The standard in force for a review year; a provincial standard wins in its province."""
    found = [s for s in all_standards() if year in s.years and s.scope in ("national", province)]
    found.sort(key=lambda s: s.scope == "national")
    if not found:
        raise StandardError(f"no standard applies to review year {year}")
    return found[0]

"""Classify one household under a standard, with a plain-language explanation.

The vectorised twin is :mod:`chungtay.core.vector`; both walk the same rule list of the
standard and a property-based test proves they agree.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping

from . import fmt
from .standards import AREA_NAMES, AREAS, CATEGORY_NAMES, Rule, Standard

AREA_ALIASES = {"rural": "rural", "urban": "urban", "nông thôn": "rural", "thành thị": "urban",
                "nong thon": "rural", "thanh thi": "urban"}


class ClassificationError(ValueError):
    """The household cannot be classified (missing income and score, bad area, ...)."""


@dataclass(frozen=True)
class Classification:
    standard: str
    category: str
    deprivation_count: int
    deprived: tuple[str, ...]      # indicator codes, legal order
    basis: str                     # "income" or "score_a"
    value: float                   # the income or score used
    area: str
    explanation_vi: str
    explanation_en: str

    def explanation(self, lang: str = "vi") -> str:
        return self.explanation_vi if lang == "vi" else self.explanation_en


def normalize_area(area: str) -> str:
    key = fmt.nfc(str(area)).lower()
    if key in AREA_ALIASES:
        return AREA_ALIASES[key]
    raise ClassificationError(f"unknown area {area!r}: use rural/urban (nông thôn/thành thị)")


def _deprived(standard: Standard, deprived: Iterable[str] | Mapping[str, int]) -> tuple[str, ...]:
    if isinstance(deprived, Mapping):
        bad = {k: v for k, v in deprived.items() if v not in (0, 1, True, False)}
        if bad:
            raise ClassificationError(f"indicator ticks must be 0 or 1: {bad}")
        codes = {k for k, v in deprived.items() if v}
    else:
        codes = set(deprived)
    unknown = codes - set(standard.indicator_codes)
    if unknown:
        raise ClassificationError(f"unknown indicator(s) for standard {standard.code}: {sorted(unknown)}")
    return tuple(c for c in standard.indicator_codes if c in codes)


def _missing(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def classify(standard: Standard, *, area: str, income: float | None = None,
             score_a: float | None = None,
             deprived: Iterable[str] | Mapping[str, int] = ()) -> Classification:
    area = normalize_area(area)
    has_income, has_score = not _missing(income), not _missing(score_a)
    if has_income == has_score:
        raise ClassificationError(
            "cần đúng một trong hai: thu nhập bình quân hoặc điểm A / "
            "exactly one of income or score A is required"
            + (" (both given)" if has_income else " (neither given)"))
    if has_income:
        basis, value, rules = "income", float(income), standard.rules
    else:
        if standard.score_rules is None:
            raise ClassificationError(
                f"chuẩn {standard.code} không có ngưỡng điểm A đã xác nhận: hãy dùng thu nhập / "
                f"standard {standard.code} has no confirmed score A thresholds: use income")
        basis, value, rules = "score_a", float(score_a), standard.score_rules
    if value < 0:
        raise ClassificationError(f"{basis} must not be negative: {value}")
    codes = _deprived(standard, deprived)
    d = len(codes)

    def limit(line: str) -> float:
        return standard.lines[line].value(area) if basis == "income" else standard.score_threshold(line, area)

    failed_income: list[str] = []   # lines the household is above
    failed_depr: list[int] = []     # cut-offs it is below (with its income condition met)
    for rule in rules:
        income_ok = rule.income_at_most is None or value <= limit(rule.income_at_most)
        depr_ok = rule.deprivations_at_least is None or d >= rule.deprivations_at_least
        if income_ok and depr_ok:
            vi, en = _explain(standard, rule, basis, value, area, codes, failed_income, failed_depr, limit)
            return Classification(standard.code, rule.category, d, codes, basis, value, area, vi, en)
        if not income_ok:
            failed_income.append(rule.income_at_most)
        else:
            failed_depr.append(rule.deprivations_at_least)
    raise AssertionError("unreachable: the last rule is unconditional")  # checked on load


def _explain(standard: Standard, rule: Rule, basis: str, value: float, area: str,
             codes: tuple[str, ...], failed_income: list[str], failed_depr: list[int], limit):
    def amount(x, lang):
        return fmt.money(x, lang) if basis == "income" else fmt.number(x, 0, lang)

    def bound(line, lang):
        ln = standard.lines[line]
        name = ln.name_vi if lang == "vi" else ln.name_en
        if basis == "score_a":
            name = (f"ngưỡng điểm A ứng với {name}" if lang == "vi"
                    else f"score A threshold for the {name}")
        return f"{name} {amount(limit(line), lang)}"

    lower = max(failed_income, key=limit) if failed_income else None
    parts = {}
    for lang in ("vi", "en"):
        what = ("thu nhập" if lang == "vi" else "income") if basis == "income" else ("điểm A" if lang == "vi" else "score A")
        area_name = AREA_NAMES[area][0 if lang == "vi" else 1]
        conj = " và " if lang == "vi" else " and "
        bits = []
        if lower:
            bits.append(f"> {bound(lower, lang)}")
        if rule.income_at_most:
            bits.append(f"≤ {bound(rule.income_at_most, lang)}")
        text = f"{what} {amount(value, lang)} " + conj.join(bits) + f" ({area_name})" if bits else ""
        names = [standard.indicator(c).name_vi if lang == "vi" else standard.indicator(c).name_en for c in codes]
        listing = (": " + ", ".join(names)) if names else ""
        word = "thiếu hụt" if lang == "vi" else "deprived in"
        unit = "chỉ số" if lang == "vi" else ("indicator" if len(codes) == 1 else "indicators")
        if rule.deprivations_at_least is not None:
            depr = f"{word} {len(codes)} {unit} (≥ {rule.deprivations_at_least}){listing}"
        elif failed_depr:
            depr = f"{word} {len(codes)} {unit} (< {max(failed_depr)}){listing}"
        else:
            depr = f"{word} {len(codes)} {unit}{listing}"
        cat = CATEGORY_NAMES[rule.category][0 if lang == "vi" else 1]
        sep = conj if ((rule.deprivations_at_least is not None or failed_depr) and not lower) else "; "
        body = sep.join(p for p in (text, depr) if p)
        parts[lang] = f"{cat}: {body}"
        if basis == "score_a" and rule.income_at_most is None:
            parts[lang] += (" — điểm A không phân biệt mức sống trung bình với mức cao hơn" if lang == "vi"
                            else " — score A does not separate average from above average")
    return parts["vi"], parts["en"]


__all__ = ["AREAS", "Classification", "ClassificationError", "classify", "normalize_area"]

"""Movements between two reviews (annual-review.md), as pure functions.

Every household present in either year falls in exactly one movement, so the counts of a
category in the first year always equal "stayed + moved to each other category + left":
the accounting identity the report checks.
"""
from __future__ import annotations

from collections import Counter
from typing import Iterable, Mapping

from .standards import CATEGORIES

NONE = "none"    # not in the registry (or not reviewed) that year
STATES = CATEGORIES + (NONE,)

MOVEMENTS = {
    # code: (Vietnamese, English)
    "still_poor": ("Vẫn là hộ nghèo", "Still poor"),
    "poor_to_near_poor": ("Thoát nghèo, thành hộ cận nghèo", "Poor → near-poor"),
    "escaped_poverty": ("Thoát nghèo", "Escaped poverty"),
    "poor_left": ("Hộ nghèo ra khỏi địa bàn / tách, nhập, không còn", "Poor household left"),
    "still_near_poor": ("Vẫn là hộ cận nghèo", "Still near-poor"),
    "escaped_near_poverty": ("Thoát cận nghèo", "Escaped near-poverty"),
    "near_poor_left": ("Hộ cận nghèo ra khỏi địa bàn", "Near-poor household left"),
    "newly_poor": ("Hộ nghèo phát sinh", "Newly poor"),
    "re_poor": ("Hộ tái nghèo", "Re-poor"),
    "newly_near_poor": ("Hộ cận nghèo phát sinh", "Newly near-poor"),
    "re_near_poor": ("Hộ tái cận nghèo", "Re-near-poor"),
    "stayed_above": ("Vẫn trên chuẩn cận nghèo", "Stayed above the line"),
    "new_above": ("Hộ mới, trên chuẩn cận nghèo", "New household above the line"),
    "above_left": ("Hộ khác ra khỏi địa bàn", "Other household left"),
}
HEADLINE = ("escaped_poverty", "poor_to_near_poor", "escaped_near_poverty", "newly_poor", "re_poor",
            "newly_near_poor", "re_near_poor")


def movement(before: str, after: str, was_poor_earlier: bool, was_near_poor_earlier: bool) -> str:
    """The movement of one household from ``before`` (first year) to ``after`` (second year).

    ``was_poor_earlier``: poor in some review before the first year (re-poor vs newly poor).
    """
    if before == "poor":
        return {"poor": "still_poor", "near_poor": "poor_to_near_poor", NONE: "poor_left"}.get(
            after, "escaped_poverty")
    if after == "poor":
        return "re_poor" if was_poor_earlier else "newly_poor"
    if before == "near_poor":
        return {"near_poor": "still_near_poor", NONE: "near_poor_left"}.get(after, "escaped_near_poverty")
    if after == "near_poor":
        return "re_near_poor" if was_near_poor_earlier else "newly_near_poor"
    if before == NONE:
        return "new_above"
    return "above_left" if after == NONE else "stayed_above"


def movements(before: Mapping[object, str], after: Mapping[object, str], poor_earlier: Iterable = (),
              near_poor_earlier: Iterable = ()) -> dict[object, str]:
    """Movement of every household present in either year (keys: household ids)."""
    pe, ne = set(poor_earlier), set(near_poor_earlier)
    return {h: movement(before.get(h, NONE), after.get(h, NONE), h in pe, h in ne)
            for h in set(before) | set(after)}


def transition_matrix(before: Mapping[object, str], after: Mapping[object, str]) -> dict[str, dict[str, int]]:
    """Counts from each first-year state (rows) to each second-year state (columns)."""
    c = Counter((before.get(h, NONE), after.get(h, NONE)) for h in set(before) | set(after))
    return {b: {a: c.get((b, a), 0) for a in STATES} for b in STATES}

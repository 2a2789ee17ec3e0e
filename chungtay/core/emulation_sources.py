"""Figures of the computed emulation criteria (issue 12 §5), the pure arithmetic: no Django.

The emulation app (``chungtay/emulation/sources.py``) gathers the platform's records for one
participant and one year and hands them here as plain numbers and mappings; each function
returns a :class:`Figure`: the value fed to the criteria table (``chungtay.core.emulation``) and
the formula with the figures behind it, in Vietnamese and English.

Sources (``SOURCES``; the key is the ``source`` of a criterion in the criteria table):

- ``poverty_rate_fall``: points of poverty rate fallen a year, baseline year B → year Y:
  (rate_B − rate_Y) ÷ (Y − B), rates = poor ÷ households × 100.
- ``poverty_plan_share``: that fall ÷ the plan's points a year (the plan target's counted figure,
  3–4 counted as 3.5): 1 = on plan, 1.0171 = 101.71% of plan.
- ``escaped``: households poor in Y − 1 and not poor in Y (current periodic results).
- ``escaped_stayed``: households that escaped in Y − 1 (poor in Y − 2, not poor in Y − 1) and are
  still not poor in Y; a household without a result in Y does not count.
- ``villages_without_poor``: villages of the unit with households and no poor household in Y.
- ``supports_delivered``: delivered supports (current versions) dated in Y; ``supports_value_mvnd``
  their value in million VND.
- ``revolving_on_time``: pass-on obligations due in Y met on time ÷ those due in Y that are
  decided (on time, late or overdue; open and lost ones are left out); 1 when none is due.
- ``donations_mvnd``: donations received in Y, million VND (the Fund for the Poor).
- ``pledge_kept``: a household's pledge of Y kept (1) or not (0), from the review.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .fmt import number

POOR = "poor"

SOURCES = {
    "poverty_rate_fall": ("Mức giảm tỷ lệ hộ nghèo bình quân (điểm %/năm)", "Poverty-rate fall (points a year)"),
    "poverty_plan_share": ("Mức giảm tỷ lệ hộ nghèo so với kế hoạch (1 = đạt)", "Poverty-rate fall against the plan (1 = met)"),
    "escaped": ("Số hộ thoát nghèo trong năm", "Households escaped poverty in the year"),
    "escaped_stayed": ("Số hộ thoát nghèo năm trước, năm nay vẫn không nghèo",
                       "Households escaped last year and still out"),
    "villages_without_poor": ("Số thôn không còn hộ nghèo", "Villages with no poor household"),
    "supports_delivered": ("Số lượt hỗ trợ đã trao", "Supports delivered"),
    "supports_value_mvnd": ("Giá trị hỗ trợ đã trao (triệu đồng)", "Value of supports delivered (million VND)"),
    "revolving_on_time": ("Tỷ lệ luân chuyển đúng hạn", "Share of pass-ons on time"),
    "donations_mvnd": ("Ủng hộ Quỹ Vì người nghèo (triệu đồng)", "Donations to the Fund for the Poor (million VND)"),
    "pledge_kept": ("Hộ thực hiện đúng đăng ký thoát nghèo (1/0)", "Household kept its pledge to escape (1/0)"),
}


@dataclass(frozen=True)
class Figure:
    value: float | None          # None: the platform has no data (the criterion must be entered)
    vi: str
    en: str


def _n(x: float, lang: str, digits: int = 2) -> str:
    s = number(float(x), digits, lang)
    dec = "," if lang == "vi" else "."
    if dec in s:
        s = s.rstrip("0").rstrip(dec)
    return s


def missing(vi: str, en: str) -> Figure:
    return Figure(None, vi, en)


def rate_fall(base_year: int, base: tuple[int, int], year: int, now: tuple[int, int]) -> Figure:
    """``base`` and ``now``: (poor households, households) in the baseline year and in ``year``."""
    if year <= base_year:
        return missing("Năm chấm phải sau năm gốc", "The year must come after the baseline")
    if not base[1] or not now[1]:
        return missing(f"Chưa có số hộ năm {base_year if not base[1] else year}",
                       f"No households counted in {base_year if not base[1] else year}")
    r0, r1 = 100.0 * base[0] / base[1], 100.0 * now[0] / now[1]
    v = (r0 - r1) / (year - base_year)
    out = []
    for lang in ("vi", "en"):
        f = lambda x: _n(x, lang)  # noqa: E731
        out.append(f"({f(r0)} − {f(r1)}) ÷ ({year} − {base_year}) = {_n(v, lang, 4)}; "
                   + (f"{base_year}: {base[0]}/{base[1]} hộ nghèo, {year}: {now[0]}/{now[1]}" if lang == "vi" else
                      f"{base_year}: {base[0]}/{base[1]} poor, {year}: {now[0]}/{now[1]}"))
    return Figure(v, *out)


def plan_share(fall: Figure, plan_points: float | None, plan_label: str = "") -> Figure:
    """``fall`` from :func:`rate_fall` ÷ the plan's points a year."""
    if fall.value is None:
        return fall
    if not plan_points or plan_points <= 0:
        return missing("Không có chỉ tiêu giảm nghèo (điểm %/năm) của kế hoạch cho đơn vị",
                       "No poverty-reduction target (points a year) for the unit")
    v = fall.value / plan_points
    tail = f" [{plan_label}]" if plan_label else ""
    return Figure(v, f"{_n(fall.value, 'vi', 4)} ÷ {_n(plan_points, 'vi')} = {_n(v, 'vi', 4)}{tail}; {fall.vi}",
                  f"{_n(fall.value, 'en', 4)} ÷ {_n(plan_points, 'en')} = {_n(v, 'en', 4)}{tail}; {fall.en}")


def escaped(history: Mapping[int, Mapping[int, str]], year: int) -> Figure:
    """``history``: household → {year: category} of the current periodic results."""
    before = [h for h, ys in history.items() if ys.get(year - 1) == POOR]
    out = [h for h in before if history[h].get(year) not in (None, POOR)]
    gone = sum(1 for h in before if history[h].get(year) is None)
    return Figure(float(len(out)),
                  f"{len(out)} hộ nghèo năm {year - 1} không còn nghèo năm {year} (trong {len(before)} hộ nghèo"
                  f"{f', {gone} hộ chưa có kết quả {year}' if gone else ''})",
                  f"{len(out)} households poor in {year - 1} not poor in {year} (of {len(before)} poor"
                  f"{f', {gone} without a {year} result' if gone else ''})")


def escaped_stayed(history: Mapping[int, Mapping[int, str]], year: int) -> Figure:
    esc = [h for h, ys in history.items() if ys.get(year - 2) == POOR and ys.get(year - 1) not in (None, POOR)]
    stayed = [h for h in esc if history[h].get(year) not in (None, POOR)]
    return Figure(float(len(stayed)),
                  f"{len(stayed)} trong {len(esc)} hộ thoát nghèo năm {year - 1} vẫn không nghèo năm {year}",
                  f"{len(stayed)} of the {len(esc)} households that escaped in {year - 1} still not poor in {year}")


def villages_without_poor(poor_by_village: Mapping[object, int], year: int) -> Figure:
    n = sum(1 for p in poor_by_village.values() if not p)
    return Figure(float(n), f"{n}/{len(poor_by_village)} thôn không còn hộ nghèo năm {year}",
                  f"{n}/{len(poor_by_village)} villages with no poor household in {year}")


def supports(values_vnd: Iterable[int], year: int, by_value: bool = False) -> Figure:
    vals = list(values_vnd)
    total = sum(vals)
    if by_value:
        m = total / 1e6
        return Figure(m, f"{number(total, 0, 'vi')} đ ÷ 1.000.000 = {_n(m, 'vi')} triệu đồng ({len(vals)} lượt, năm {year})",
                      f"{number(total, 0, 'en')} VND ÷ 1,000,000 = {_n(m, 'en')} million ({len(vals)} supports, {year})")
    return Figure(float(len(vals)), f"{len(vals)} lượt hỗ trợ đã trao năm {year} ({number(total, 0, 'vi')} đ)",
                  f"{len(vals)} supports delivered in {year} ({number(total, 0, 'en')} VND)")


def on_time_share(states: Iterable[str], year: int) -> Figure:
    """``states``: the states (on_time / late / overdue / open / lost) of the obligations due in ``year``."""
    st = list(states)
    on, late, over = st.count("on_time"), st.count("late"), st.count("overdue")
    n = on + late + over
    if not n:
        return Figure(1.0, f"Không có nghĩa vụ luân chuyển đến hạn năm {year} → 1",
                      f"No pass-on due in {year} → 1")
    v = on / n
    return Figure(v, f"{on} đúng hạn ÷ ({on} đúng hạn + {late} trễ + {over} quá hạn) = {_n(v, 'vi', 4)} (năm {year})",
                  f"{on} on time ÷ ({on} on time + {late} late + {over} overdue) = {_n(v, 'en', 4)} ({year})")


def donations(values_vnd: Iterable[int], year: int) -> Figure:
    vals = list(values_vnd)
    total = sum(vals)
    m = total / 1e6
    return Figure(m, f"{len(vals)} lượt ủng hộ năm {year}: {number(total, 0, 'vi')} đ = {_n(m, 'vi')} triệu đồng",
                  f"{len(vals)} donations in {year}: {number(total, 0, 'en')} VND = {_n(m, 'en')} million")


def pledge_kept(goal: str | None, after: str | None, year: int) -> Figure:
    """``goal``: the pledge's goal of ``year`` (escape_poverty / escape_near_poverty), None without a
    pledge; ``after``: the household's category in ``year``."""
    if goal is None:
        return Figure(0.0, f"Hộ không đăng ký thoát nghèo năm {year} → 0", f"No pledge in {year} → 0")
    if after is None:
        return missing(f"Chưa có kết quả rà soát năm {year}", f"No {year} review result yet")
    kept = after != POOR if goal == "escape_poverty" else after not in (POOR, "near_poor")
    return Figure(1.0 if kept else 0.0,
                  f"Đăng ký {goal}, kết quả năm {year}: {after} → {'đạt' if kept else 'không đạt'} ({int(kept)})",
                  f"Pledge {goal}, {year} result: {after} → {'kept' if kept else 'not kept'} ({int(kept)})")

"""Progress of a target against its plan (statistics.md "Targets and progress").

Pure functions: every figure comes with the formula that produced it, so a screen can show
numerator, denominator, baseline and arithmetic, and a published figure can be checked.
Years are review years: "at the start of 2016" is the result of the 2015 review.
"""
from __future__ import annotations

from dataclasses import dataclass, field

ON_TRACK, AT_RISK, OFF_TRACK, NO_DATA = "on_track", "at_risk", "off_track", "no_data"
STATUS_NAMES = {ON_TRACK: ("Đúng tiến độ", "On track"), AT_RISK: ("Có nguy cơ chậm", "At risk"),
                OFF_TRACK: ("Chậm tiến độ", "Off track"), NO_DATA: ("Chưa có số liệu", "No data")}
AT_RISK_SHARE = 0.8   # reaching 80–100% of the planned pace is "at risk"
STATUS_RULE_VI = ("Đúng tiến độ khi tốc độ hiện tại đạt ≥ 100% tốc độ kế hoạch; có nguy cơ khi đạt 80–100%; "
                  "chậm tiến độ khi dưới 80%.")
STATUS_RULE_EN = "On track when the current pace is ≥ 100% of the planned pace; at risk at 80–100%; off track below 80%."


@dataclass
class Progress:
    kind: str                       # points_per_year | level_by | multiple_of_baseline
    direction: int                  # -1: the metric should fall (poverty rate); +1: rise (income)
    baseline_year: int
    baseline_value: float
    actual_year: int | None
    actual_value: float | None
    end_year: int
    plan_figure: float              # points a year / level / multiple the plan counts against
    years: int = 0
    average_change: float | None = None       # per year, in the good direction (+ = progress)
    achievement_pct: float | None = None
    projected_end: float | None = None
    required_pace: float | None = None        # per year from now on, in the good direction
    status: str = NO_DATA
    formulas: list[str] = field(default_factory=list)


def _status(ratio: float | None) -> str:
    if ratio is None:
        return NO_DATA
    if ratio >= 1 - 1e-12:
        return ON_TRACK
    return AT_RISK if ratio >= AT_RISK_SHARE else OFF_TRACK


def points_per_year(baseline_year: int, baseline_value: float, actual_year: int | None,
                    actual_value: float | None, plan_points: float, end_year: int, direction: int = -1) -> Progress:
    """"Reduce the poverty rate by 3–4 points a year" counted as ``plan_points`` (e.g. 3.5)."""
    p = Progress("points_per_year", direction, baseline_year, baseline_value, actual_year, actual_value,
                 end_year, plan_points)
    if actual_value is None or actual_year is None or actual_year <= baseline_year:
        return p
    p.years = actual_year - baseline_year
    step = -1 if direction == -1 else 1            # sign of a good change of the metric
    p.average_change = step * (actual_value - baseline_value) / p.years
    p.achievement_pct = 100.0 * p.average_change / plan_points
    left = end_year - actual_year
    p.projected_end = actual_value + step * p.average_change * left
    target_end = baseline_value + step * plan_points * (end_year - baseline_year)
    p.required_pace = step * (target_end - actual_value) / left if left > 0 else None
    p.status = _status(p.average_change / plan_points)
    sign = "−" if direction == -1 else "+"
    p.formulas = [
        f"({_f(baseline_value)} − {_f(actual_value)}) ÷ ({actual_year} − {baseline_year}) = {_f(p.average_change)}"
        if direction == -1 else
        f"({_f(actual_value)} − {_f(baseline_value)}) ÷ ({actual_year} − {baseline_year}) = {_f(p.average_change)}",
        f"{_f(p.average_change)} ÷ {_f(plan_points)} × 100 = {_f(p.achievement_pct)}%",
        f"{_f(actual_value)} {sign} {_f(p.average_change)} × {left} = {_f(p.projected_end)} ({end_year})",
    ]
    if p.required_pace is not None:
        p.formulas.append(f"{_f(baseline_value)} {sign} {_f(plan_points)} × ({end_year} − {baseline_year}) = "
                          f"{_f(target_end)}; |{_f(actual_value)} − {_f(target_end)}| ÷ {left} = "
                          f"{_f(p.required_pace)} / năm")
    return p


def level_by(baseline_year: int, baseline_value: float, actual_year: int | None, actual_value: float | None,
             target_level: float, end_year: int, direction: int = -1) -> Progress:
    """"Reach a level by a date" (e.g. poverty rate ≤ 10% by 2025)."""
    p = Progress("level_by", direction, baseline_year, baseline_value, actual_year, actual_value, end_year,
                 target_level)
    if actual_value is None or actual_year is None or actual_year <= baseline_year:
        return p
    p.years = actual_year - baseline_year
    good = (lambda a, b: b - a) if direction == -1 else (lambda a, b: a - b)   # progress from b to a
    p.average_change = good(actual_value, baseline_value) / p.years
    planned = good(target_level, baseline_value) / (end_year - baseline_year)
    left = end_year - actual_year
    p.projected_end = actual_value + (-1 if direction == -1 else 1) * p.average_change * left
    p.required_pace = good(target_level, actual_value) / left if left > 0 else None
    total_needed = good(target_level, baseline_value)
    p.achievement_pct = 100.0 * good(actual_value, baseline_value) / total_needed if total_needed else None
    reached = (actual_value <= target_level) if direction == -1 else (actual_value >= target_level)
    p.status = ON_TRACK if reached else _status(p.average_change / planned if planned > 0 else None)
    p.formulas = [f"{_f(p.average_change)} / năm = |{_f(actual_value)} − {_f(baseline_value)}| ÷ {p.years}",
                  f"kế hoạch: |{_f(target_level)} − {_f(baseline_value)}| ÷ {end_year - baseline_year} = "
                  f"{_f(planned)} / năm",
                  f"dự báo {end_year}: {_f(p.projected_end)}"]
    return p


def multiple_of_baseline(baseline_year: int, baseline_value: float, actual_year: int | None,
                         actual_value: float | None, multiple: float, end_year: int) -> Progress:
    """"Income of poor households × 2 by 2020 compared with end 2015"."""
    return level_by(baseline_year, baseline_value, actual_year, actual_value, baseline_value * multiple, end_year,
                    direction=+1)


@dataclass
class PublishedCheck:
    published: float
    computed: float
    follows: bool
    implied_baseline: float | None
    message_vi: str
    message_en: str


def check_published_change(published: float, baseline_value: float, actual_value: float, years: int,
                           tolerance: float = 0.005) -> PublishedCheck:
    """Does a published "average reduction per year" follow from its stated baseline and result?"""
    computed = (baseline_value - actual_value) / years
    follows = abs(round(computed, 2) - published) <= tolerance
    implied = actual_value + published * years
    if follows:
        vi = f"Số công bố {_f(published)} điểm/năm khớp với số liệu gốc ({_f(computed)})."
        en = f"The published {_f(published)} points a year follows from its inputs ({_f(computed)})."
    else:
        vi = (f"Số công bố {_f(published)} điểm/năm KHÔNG suy ra được từ gốc {_f(baseline_value)}% và kết quả "
              f"{_f(actual_value)}% sau {years} năm: phép tính cho {_f(computed)} điểm/năm; muốn được "
              f"{_f(published)} thì tỷ lệ gốc phải là {_f(implied)}%.")
        en = (f"The published {_f(published)} points a year does NOT follow from the baseline "
              f"{_f(baseline_value)}% and the result {_f(actual_value)}% after {years} years: that gives "
              f"{_f(computed)}; {_f(published)} would need a baseline of {_f(implied)}%.")
    return PublishedCheck(published, computed, follows, None if follows else implied, _vi_decimals(vi), en)


def _vi_decimals(text: str) -> str:
    """Vietnamese writes the decimal point as a comma (3,56; 26,11%)."""
    import re
    return re.sub(r"(\d)\.(\d)", r"\1,\2", text)


def _f(x: float | None) -> str:
    return "–" if x is None else f"{x:.2f}".rstrip("0").rstrip(".") if abs(x - round(x)) > 1e-9 else f"{x:.0f}"


@dataclass(frozen=True)
class StandardBreak:
    """A baseline and a result measured under two different poverty standards.

    The standards differ in income lines and indicators (2021–2025 raised the line from 700,000
    to 1,500,000 VND a month in rural areas and added indicators), so the change between the two
    mixes progress with the change of the measuring rod: it is flagged, never silently compared."""
    baseline_year: int
    baseline_standard: str
    actual_year: int
    actual_standard: str

    @property
    def message_vi(self) -> str:
        return (f"Năm gốc {self.baseline_year} tính theo chuẩn nghèo {self.baseline_standard}, năm "
                f"{self.actual_year} theo chuẩn {self.actual_standard}: hai chuẩn có chuẩn thu nhập và chỉ số thiếu "
                f"hụt khác nhau, nên mức thay đổi gồm cả phần do đổi chuẩn chứ không chỉ do hộ thoát nghèo. "
                f"Không dùng để đánh giá tiến độ; nên so sánh trong cùng một chuẩn (năm gốc từ năm đầu áp dụng "
                f"chuẩn {self.actual_standard}).")

    @property
    def message_en(self) -> str:
        return (f"The {self.baseline_year} baseline is measured under the {self.baseline_standard} standard and "
                f"{self.actual_year} under {self.actual_standard}: the two standards have different income lines "
                f"and indicators, so the change mixes the change of standard with households leaving poverty. "
                f"Do not read it as progress; compare within one standard (a baseline from the first year of "
                f"{self.actual_standard}).")


def standard_break(baseline_year: int, baseline_standard: str | None, actual_year: int | None,
                   actual_standard: str | None) -> StandardBreak | None:
    """The break between the baseline's and the result's standards, or None (same or unknown)."""
    if actual_year is None or not baseline_standard or not actual_standard or baseline_standard == actual_standard:
        return None
    return StandardBreak(baseline_year, baseline_standard, actual_year, actual_standard)

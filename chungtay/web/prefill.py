"""Pre-filling the survey form from the household's previous answers, so that the officer
changes only what changed.

The source is the household's result already recorded for this round (a correction), else its
latest earlier result. Deprivations carry over by indicator code only when the earlier result
was judged by the same standard; when the standard changed only the income carries over (a
score A of another standard means nothing under the new one) and the note says so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from chungtay.core import fmt
from chungtay.core.standards import Standard, StandardError, get_standard
from chungtay.households.models import Assessment, Household


@dataclass
class Prefill:
    initial: dict = field(default_factory=dict)
    source: Assessment | None = None
    note_vi: str = ""
    note_en: str = ""
    partial: bool = False          # the standard changed: income only

    def note(self, lang: str) -> str:
        return self.note_en if lang == "en" else self.note_vi


def previous_result(household: Household, year: int, kind: str = Assessment.PERIODIC,
                    this_round: Assessment | None = None) -> tuple[Assessment | None, bool]:
    """(assessment, is_from_this_round): the result to start the form from."""
    if this_round is not None:
        return this_round, True
    current = household.assessments.filter(is_current=True)
    same = current.filter(year=year, kind=kind).order_by("-version").first()
    if same is not None:
        return same, True
    earlier = Q(year__lt=year)
    if kind == Assessment.REGULAR:      # a monthly review starts from the year's periodic result
        earlier |= Q(year=year, kind=Assessment.PERIODIC)
    return current.filter(earlier).order_by("-year", "-recorded_at", "-id").first(), False


def _number(x: float | int, lang: str) -> str:
    """As the officer would type it (1.200.000 or 45,5), which the form's number field reads back."""
    if float(x).is_integer():
        return fmt.number(int(x), 0, lang)
    return fmt.number(x, len(repr(float(x)).split(".")[1]), lang)


def prefill(household: Household, year: int, standard: Standard | None, *, kind: str = Assessment.PERIODIC,
            this_round: Assessment | None = None, lang: str = "vi") -> Prefill:
    """Initial values for AssessmentForm (basis, value, ind_<code>) and the note shown above it."""
    src, mine = previous_result(household, year, kind, this_round)
    if src is None or standard is None:
        return Prefill()
    when_vi = "kết quả đã ghi của đợt này" if mine else f"kết quả năm {src.year}"
    when_en = "the result already recorded in this round" if mine else f"the {src.year} result"
    if src.standard == standard.code:
        value = src.income if src.basis == "income" else src.score_a
        initial = {"basis": src.basis, "value": _number(value, lang) if value is not None else None}
        try:
            codes = set(src.deprived_codes(get_standard(src.standard)))
        except StandardError:
            codes = set()
        for code in standard.indicator_codes:
            initial[f"ind_{code}"] = code in codes
        return Prefill(initial, src, f"Điền sẵn từ {when_vi} – chỉ sửa những gì đã thay đổi",
                       f"Pre-filled from {when_en} – change only what changed")
    if src.income is None:
        return Prefill({}, src, f"Không điền sẵn: {when_vi} chấm theo chuẩn {src.standard} bằng điểm A, "
                                f"không dùng được cho chuẩn {standard.code}",
                       f"Nothing pre-filled: {when_en} used score A under the {src.standard} standard, "
                       f"which does not carry over to {standard.code}", partial=True)
    return Prefill({"basis": "income", "value": _number(src.income, lang)}, src,
                   f"Điền sẵn thu nhập từ {when_vi} – chuẩn nghèo đã đổi ({src.standard} → {standard.code}) "
                   "nên các chỉ số thiếu hụt phải đánh giá lại",
                   f"Income pre-filled from {when_en} – the standard changed ({src.standard} → {standard.code}), "
                   "so assess every deprivation again", partial=True)

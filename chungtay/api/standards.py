"""The legal standards (data files) and the classification of a posted household: the same
engine as the survey form and the import, nothing stored (the survey form's live preview uses it)."""

import math
from typing import Any, Optional

from ninja import Field, Router, Schema

from chungtay.core import classify
from chungtay.core.classify import ClassificationError
from chungtay.core.standards import StandardError, all_standards, get_standard, standard_for_year
from chungtay.households import bounds
from chungtay.i18n import tr

from .common import READ_ERRORS, Error
from .errors import ApiError, both, request_lang

router = Router(tags=["standards"])


class StandardSummary(Schema):
    code: str
    name_vi: str
    name_en: str
    years: list[int]
    status: str
    scope: str
    indicators: list[str]


class StandardList(Schema):
    items: list[StandardSummary]


def _summary(s) -> dict:
    return {"code": s.code, "name_vi": s.name_vi, "name_en": s.name_en, "years": list(s.years), "status": s.status,
            "scope": s.scope, "indicators": list(s.indicator_codes)}


@router.get("/standards", response={200: StandardList, 304: None, **READ_ERRORS}, url_name="standards")
def list_standards(request):
    """Every standard (national ones and any provincial file installed), by first year."""
    return {"items": [_summary(s) for s in sorted(all_standards(), key=lambda s: (min(s.years), s.code))]}


@router.get("/standards/{code}", response={200: dict[str, Any], 304: None, **READ_ERRORS}, url_name="standard")
def get_standard_detail(request, code: str):
    """The whole standard as data: lines, indicators in legal order, dimensions, category rules
    (the same JSON as `chungtay standards show CODE --format json`)."""
    try:
        s = get_standard(code)
    except StandardError:
        raise ApiError(404, "not_found", f"Không có chuẩn nghèo {code[:40]}", f"No standard {code[:40]}") from None
    return s.to_json()


class ClassifyIn(Schema):
    year: Optional[int] = Field(None, ge=1900, le=2100, description="the standard of this year (or give standard)")
    standard: Optional[str] = Field(None, max_length=40, description="a standard's code (instead of year)")
    area: str = Field("rural", max_length=20, description="rural/urban (nông thôn/thành thị)")
    income: Optional[float] = Field(None, description="VND per person per month (or score_a)")
    score_a: Optional[float] = Field(None, description="score A (or income)")
    deprived: list[str] = Field([], max_length=30, description="indicator codes the household lacks")


class ClassifyOut(Schema):
    standard: str
    category: str
    deprivation_count: int
    deprived: list[str]
    basis: str
    explanation: str = Field(description="in the request's language")
    explanation_vi: str
    explanation_en: str


def _bad(message, field: Optional[str] = None) -> ApiError:
    vi, en = both(message)
    if vi == en and " / " in vi:            # the engine writes "vietnamese / english"
        vi, en = vi.split(" / ", 1)
    return ApiError(400, "invalid", vi, en, [(field, vi, en)] if field else [])


@router.post("/classify", response={200: ClassifyOut, 400: Error, 401: Error, 403: Error, 429: Error},
             url_name="classify")
def classify_household(request, payload: ClassifyIn):
    """Classify one household under the standard of `year` (or `standard`), with the explanation:
    nothing is stored (any signed-in user, any key — it reads no data)."""
    try:
        std = get_standard(payload.standard) if payload.standard else (
            standard_for_year(payload.year) if payload.year is not None else None)
    except StandardError as e:
        raise _bad(str(e), "standard" if payload.standard else "year") from None
    if std is None:
        raise _bad(tr("Cần năm (year) hoặc mã chuẩn (standard)", "A year or a standard code is required"), "year")
    values = {"income": payload.income, "score_a": payload.score_a}
    for k, v in values.items():      # numbers within the bounds the survey form accepts
        if v is None:
            continue
        if not math.isfinite(v):
            raise _bad(tr("Giá trị phải là một số", "The value must be a number"), k)
        err = bounds.income_error(v) if k == "income" else bounds.score_error(v)
        if err:
            raise _bad(tr(*err), k)
    try:
        r = classify(std, area=payload.area, deprived=payload.deprived, **values)
    except ClassificationError as e:
        raise _bad(str(e)) from None
    return {"standard": r.standard, "category": r.category, "deprivation_count": r.deprivation_count,
            "deprived": list(r.deprived), "basis": r.basis, "explanation": r.explanation(request_lang(request)),
            "explanation_vi": r.explanation_vi, "explanation_en": r.explanation_en}

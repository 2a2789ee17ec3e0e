"""Assessments (a household's result of a year): read within the area; recorded through
households.actions.record_assessment, as the web form does, with classification and explanation."""

from datetime import datetime
from typing import Literal, Optional

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema, Status

from chungtay.core import classify
from chungtay.core.classify import ClassificationError
from chungtay.core.standards import StandardError, get_standard
from chungtay.households import actions
from chungtay.households.completeness import HOUSEHOLD_FILTER
from chungtay.households.models import Assessment, Household

from .base import Page, page, write
from .common import CATEGORY, CURSOR, EM, LIMIT, READ_ERRORS, SINCE, UNIT, WRITE_ERRORS, YEAR, Category, aware, \
    unit_in_area

router = Router(tags=["assessments"])


class AssessmentOut(Schema):
    id: int
    household_id: int
    household_code: str
    year: int
    kind: str
    version: int
    is_current: bool
    standard: str
    area: str
    basis: str
    income: Optional[int] = Field(description="VND per person per month (basis income)")
    score_a: Optional[float]
    deprived: list[str] = Field(description="indicator codes of the standard the household lacks")
    deprivation_count: int
    category: str
    explanation_vi: str
    explanation_en: str
    ethnic_minority: bool
    pledged_escape: bool
    village_id: int
    commune_id: int
    province_id: int
    recorded_at: datetime
    reason: str


class AssessmentPage(Page):
    items: list[AssessmentOut]


def out(a: Assessment) -> dict:
    """The result with its explanation (derived with the same engine when a bulk-loaded row has
    only the inputs, as the household page does)."""
    try:
        std = get_standard(a.standard)
        deprived = a.deprived_codes(std)
    except StandardError:
        std, deprived = None, []
    vi, en = a.explanation_vi, a.explanation_en
    if not vi and std is not None:
        try:
            r = classify(std, area=a.area, income=a.income if a.basis == "income" else None,
                         score_a=a.score_a if a.basis == "score_a" else None, deprived=deprived)
            vi, en = r.explanation_vi, r.explanation_en
        except ClassificationError:
            pass
    return {"id": a.id, "household_id": a.household_id, "household_code": a.household.code, "year": a.year,
            "kind": a.kind, "version": a.version, "is_current": a.is_current, "standard": a.standard,
            "area": a.area, "basis": a.basis, "income": a.income, "score_a": a.score_a, "deprived": deprived,
            "deprivation_count": a.deprivation_count, "category": a.category, "explanation_vi": vi,
            "explanation_en": en, "ethnic_minority": a.ethnic_minority, "pledged_escape": a.pledged_escape,
            "village_id": a.village_id, "commune_id": a.commune_id, "province_id": a.province_id,
            "recorded_at": a.recorded_at, "reason": a.reason}


# the location columns of an assessment (where the household was that year), by unit
COLUMN = {("2025", "province"): "province_id", ("2025", "commune"): "commune_id", ("2025", "village"): "village_id",
          ("legacy", "province"): "legacy_province_id", ("legacy", "district"): "district_id",
          ("legacy", "commune"): "legacy_commune_id"}
assert set(COLUMN) == set(HOUSEHOLD_FILTER)


@router.get("/assessments", response={200: AssessmentPage, 304: None, **READ_ERRORS}, url_name="assessments")
def list_assessments(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                     year: Optional[int] = YEAR, category: Optional[Category] = CATEGORY,
                     ethnic_minority: Optional[bool] = EM, changed_since: Optional[datetime] = SINCE,
                     kind: Optional[Literal["periodic", "regular"]] = None,
                     current: Optional[bool] = Query(None, description="only current versions (true)"),
                     household: Optional[int] = Query(None, ge=1, le=2 ** 62, description="one household's")):
    """Results in your area by id; `unit` selects where the household was that year (either
    hierarchy); `changed_since` by the time recorded."""
    user = request.auth
    qs = Assessment.objects.for_user(user).select_related("household")
    if (u := unit_in_area(user, unit)) is not None:
        qs = qs.filter(**{COLUMN[(u.system, u.level)]: u.id})
    for name, value in (("year", year), ("category", category), ("ethnic_minority", ethnic_minority),
                        ("kind", kind), ("is_current", current), ("household_id", household)):
        if value is not None:
            qs = qs.filter(**{name: value})
    if changed_since is not None:
        qs = qs.filter(recorded_at__gte=aware(changed_since))
    rows, nxt = page(qs, cursor, limit)
    return {"items": [out(a) for a in rows], "next_cursor": nxt, "limit": limit}


@router.get("/assessments/{int:assessment_id}", response={200: AssessmentOut, 304: None, **READ_ERRORS},
            url_name="assessment")
def get_assessment(request, assessment_id: int):
    a = get_object_or_404(Assessment.objects.for_user(request.auth).select_related("household"), pk=assessment_id)
    return out(a)


class AssessmentIn(Schema):
    household_id: int = Field(ge=1, le=2 ** 62)
    year: int = Field(ge=2000, le=2100)
    kind: Literal["periodic", "regular"] = "regular"
    income: Optional[float] = Field(None, description="VND per person per month; or score_a")
    score_a: Optional[float] = Field(None, description="score A of the survey form; or income")
    deprived: list[str] = Field([], max_length=12, description="indicator codes the household lacks")
    pledged_escape: bool = False
    reason: str = Field("", max_length=300)


@router.post("/assessments", response={201: AssessmentOut, **WRITE_ERRORS}, url_name="assessment_create")
@write
def record_assessment(request, payload: AssessmentIn):
    """Record a result outside a round (a regular review; a periodic result only where the web
    form allows it) — households.actions.record_assessment: the same role, area, bounds and
    classification as the web, audited. The answer holds the category and its explanation."""
    hh = get_object_or_404(Household.objects.for_user(request.auth), pk=payload.household_id)
    a = actions.record_assessment(request.auth, hh, year=payload.year, income=payload.income,
                                  score_a=payload.score_a, deprived=payload.deprived, kind=payload.kind,
                                  pledged_escape=payload.pledged_escape, reason=payload.reason)
    a.household = hh
    return Status(201, out(a))

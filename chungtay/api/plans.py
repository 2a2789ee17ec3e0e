"""Plans, their targets and each target's progress (computed live, as the target page): read
within the area through the plans pages' own scoping (plans_for, covers) and the plan_view role."""

import math
from datetime import date, datetime
from typing import Optional

from django.http import Http404
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import require
from chungtay.plans.models import METRIC_NAMES, Target
from chungtay.plans.progress import target_progress
from chungtay.plans.views import plans_for

from .base import Page, page
from .common import CURSOR, LIMIT, READ_ERRORS, UNIT, YEAR, unit_in_area

router = Router(tags=["plans"])


class PlanOut(Schema):
    id: int
    title: str
    document_no: str
    issued_on: Optional[date]
    unit_id: int
    province_id: int
    commune_id: Optional[int]
    start_year: int
    end_year: int
    created_at: datetime


class TargetOut(Schema):
    id: int
    plan_id: int
    parent_id: Optional[int]
    metric: str
    metric_vi: str
    metric_en: str
    unit_id: int
    unit_tag: str
    population: str
    kind: str
    low: float
    high: Optional[float]
    counted: float
    threshold: Optional[float]
    baseline_year: int
    baseline_value: Optional[float]
    end_year: int
    note: str


class PlanDetail(PlanOut):
    targets: list[TargetOut]


class PlanPage(Page):
    items: list[PlanOut]


class ValueOut(Schema):
    year: int
    value: Optional[float]
    source: str


class ProgressOut(Schema):
    status: str = Field(description="on_track, at_risk, off_track or no_data")
    years: int
    average_change: Optional[float]
    achievement_pct: Optional[float]
    projected_end: Optional[float]
    required_pace: Optional[float]
    formulas: list[str]


class TargetDetail(TargetOut):
    baseline: ValueOut
    actual: Optional[ValueOut]
    series: list[ValueOut]
    progress: ProgressOut
    provisional: bool


def _num(x):
    return None if x is None or (isinstance(x, float) and not math.isfinite(x)) else x


def _target(t: Target) -> dict:
    vi, en = METRIC_NAMES.get(t.metric, (t.metric, t.metric))
    return {**{f: getattr(t, f) for f in TargetOut.model_fields if f not in ("metric_vi", "metric_en")},
            "metric_vi": vi, "metric_en": en}


def _plans(user):
    require(user, "plan_view")
    return plans_for(user)


@router.get("/plans", response={200: PlanPage, 304: None, **READ_ERRORS}, url_name="plans")
def list_plans(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
               year: Optional[int] = YEAR):
    """Plans of your area by id; `unit`: issued by that unit; `year`: running that year."""
    user = request.auth
    qs = _plans(user)
    if (u := unit_in_area(user, unit)) is not None:
        qs = qs.filter(unit_id=u.id)
    if year is not None:
        qs = qs.filter(start_year__lte=year, end_year__gte=year)
    rows, nxt = page(qs, cursor, limit)
    return {"items": rows, "next_cursor": nxt, "limit": limit}


@router.get("/plans/{int:plan_id}", response={200: PlanDetail, 304: None, **READ_ERRORS}, url_name="plan")
def get_plan(request, plan_id: int):
    user = request.auth
    plan = get_object_or_404(_plans(user), pk=plan_id)
    scope = scope_for(user)
    targets = [_target(t) for t in plan.targets.select_related("unit") if scope.covers(t.unit)]
    return {**PlanOut.model_validate(plan, from_attributes=True).model_dump(), "targets": targets}


def _value(v) -> Optional[dict]:
    return None if v is None else {"year": v.year, "value": _num(v.value), "source": v.source}


@router.get("/targets/{int:target_id}", response={200: TargetDetail, 304: None, **READ_ERRORS}, url_name="target")
def get_target(request, target_id: int):
    """A target with its progress from the registry (or entered official figures), every formula
    shown — the target page's figures."""
    user = request.auth
    t = get_object_or_404(Target.objects.select_related("plan", "unit"), pk=target_id)
    if not _plans(user).filter(pk=t.plan_id).exists() or not scope_for(user).covers(t.unit):
        raise Http404
    tp = target_progress(user, t)
    p = tp.progress
    return {**_target(t), "baseline": _value(tp.baseline), "actual": _value(tp.actual),
            "series": [_value(v) for v in tp.series],
            "progress": {"status": p.status, "years": p.years, "average_change": _num(p.average_change),
                         "achievement_pct": _num(p.achievement_pct), "projected_end": _num(p.projected_end),
                         "required_pace": _num(p.required_pace), "formulas": list(p.formulas)},
            "provisional": tp.actual_status is not None}

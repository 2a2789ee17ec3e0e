"""Writes for plans: each takes the acting user, checks the area and leaves an audit record."""
from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from chungtay.accounts.access import scope_for
from chungtay.accounts.roles import require
from chungtay.households.actions import audit
from chungtay.units.models import Unit

from .models import METRIC_NAMES, OfficialFigure, Plan, Target


def _check(actor, unit: Unit) -> None:
    if not scope_for(actor).covers(unit):
        raise PermissionDenied("Đơn vị nằm ngoài địa bàn được giao")


def _province_of(unit: Unit) -> Unit:
    u = unit
    while u.parent_id:
        u = u.parent
    return u


@transaction.atomic
def create_plan(actor, *, unit: Unit, title: str, document_no: str, start_year: int, end_year: int,
                issued_on=None) -> Plan:
    require(actor, "plan_create", unit)
    _check(actor, unit)
    if end_year < start_year:
        raise ValidationError({"end_year": "Năm kết thúc phải sau năm bắt đầu"})
    p = Plan.objects.create(unit=unit, province=_province_of(unit),
                            commune=unit if unit.level == Unit.COMMUNE else None, title=title,
                            document_no=document_no, start_year=start_year, end_year=end_year,
                            issued_on=issued_on, created_by=actor)
    audit(actor, "plan.create", p, unit, document_no=document_no, years=[start_year, end_year])
    return p


@transaction.atomic
def add_target(actor, plan: Plan, **fields) -> Target:
    require(actor, "target_add", plan.unit)
    unit = fields["unit"]
    _check(actor, unit)
    if fields["metric"] not in METRIC_NAMES:
        raise ValidationError({"metric": "Chỉ tiêu không hợp lệ"})
    if fields.get("high") is not None and fields["high"] < fields["low"]:
        raise ValidationError({"high": "Cận trên phải ≥ cận dưới"})
    fields.setdefault("end_year", plan.end_year)
    t = Target.objects.create(plan=plan, **fields)
    audit(actor, "target.add", t, unit, plan=plan.pk, metric=t.metric, kind=t.kind, counted=t.counted)
    return t


@transaction.atomic
def derive_for_children(actor, target: Target) -> list[Target]:
    """Cascade a province's target to each commune (editable afterwards); the baseline of each
    is computed from the registry for that commune."""
    require(actor, "target_derive", target.unit)
    _check(actor, target.unit)
    children = Unit.objects.filter(parent=target.unit, level=Unit.COMMUNE).order_by("code")
    made = []
    for c in children:
        if target.derived.filter(unit=c).exists():
            continue
        made.append(Target.objects.create(
            plan=target.plan, parent=target, metric=target.metric, unit=c, unit_tag="", population=target.population,
            kind=target.kind, low=target.low, high=target.high, counted=target.counted, threshold=target.threshold,
            baseline_year=target.baseline_year, baseline_value=None, end_year=target.end_year,
            note="phân bổ từ chỉ tiêu của tỉnh"))
    audit(actor, "target.derive", target, target.unit, children=len(made))
    return made


@transaction.atomic
def enter_official_figure(actor, *, unit: Unit, year: int, metric: str, value: float, source: str,
                          numerator=None, denominator=None, unit_tag: str = "", population: str = "all"):
    require(actor, "official_figure_enter", unit)
    _check(actor, unit)
    if not source.strip():
        raise ValidationError({"source": "Cần ghi nguồn (số, ngày báo cáo)"})
    f = OfficialFigure.objects.create(unit=unit, year=year, metric=metric, value=value, numerator=numerator,
                                      denominator=denominator, source=source, entered_by=actor, unit_tag=unit_tag,
                                      population=population)
    audit(actor, "official_figure.enter", f, unit, year=year, metric=metric, value=value, source=source)
    return f

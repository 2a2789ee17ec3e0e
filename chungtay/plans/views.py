"""Plans, targets and dashboards. Reads are scoped (unit_for_user, for_user); writes go
through plans.actions."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.accounts.roles import can, require
from chungtay.core import csvsafe, fmt
from chungtay.core.progress import STATUS_NAMES, STATUS_RULE_EN, STATUS_RULE_VI
from chungtay.core.standards import StandardError
from chungtay.households import bounds
from chungtay.households.stats import available_years
from chungtay.units.models import Unit

from . import actions
from chungtay.households.completeness import year_status
from chungtay.units.labels import labels_for, unit_label
from chungtay.i18n import tr

from .dashboard import NATIONAL_GEO, dashboard_data, national_rows, province_communes_geojson
from .forms import PlanForm, TargetForm
from .models import METRIC_NAMES, PERCENT_METRICS, Plan, Target
from .progress import target_progress


def plans_for(user):
    scope = scope_for(user)
    qs = Plan.objects.select_related("unit")
    if scope.everything:
        return qs
    return qs.filter(Q(province_id__in=scope.province_ids) | Q(commune_id__in=scope.commune_ids))


def _units(user):
    scope = scope_for(user)
    if scope.everything:
        return list(Unit.objects.filter(system="2025", level="province").order_by("code"))
    return scope.top_units()


@login_required
def plan_list(request):
    require(request.user, "plan_view")
    if request.method == "POST":
        require(request.user, "plan_create")
    units = [u for u in _units(request.user) if u.level in (Unit.PROVINCE, Unit.COMMUNE)
             and can(request.user, "plan_create", u)]
    form = PlanForm(request.POST or None, units=units, initial={"start_year": 2016, "end_year": 2020})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            p = actions.create_plan(request.user, unit=unit_for_user(request.user, d.pop("unit")), **d)
        except ValidationError as e:
            form.add_error(None, e)
        else:
            return redirect("plan", pk=p.pk)
    return render(request, "plans/list.html", {"plans": plans_for(request.user).order_by("-start_year"),
                                               "form": form if units else None})


@login_required
def plan_page(request, pk: int):
    plan = get_object_or_404(plans_for(request.user), pk=pk)
    years = sorted(available_years(request.user))
    units = [plan.unit] + sorted(Unit.objects.filter(parent=plan.unit), key=lambda u: fmt.sort_key(u.name)) + list(
        Unit.objects.filter(system="legacy", level="province").filter(code__in=_legacy_codes(plan.unit)))
    units = [u for u in units if scope_for(request.user).covers(u)]
    if request.method == "POST":
        require(request.user, "target_add", plan.unit)
    form = TargetForm(request.POST or None, units=units, initial={
        "unit": plan.unit.id, "baseline_year": plan.start_year - 1, "kind": Target.POINTS, "low": 3, "high": 4}
    ) if can(request.user, "target_add", plan.unit) else None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            d["unit"] = unit_for_user(request.user, d["unit"])
            actions.add_target(request.user, plan, **{k: v for k, v in d.items()})
        except (ValidationError, PermissionDenied) as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, tr("Đã thêm chỉ tiêu", "Target added"))
            return redirect("plan", pk=plan.pk)
    as_of = _int(request.GET.get("as_of"))
    rows = [target_progress(request.user, t, years, as_of) for t in plan.targets.filter(parent=None).select_related("unit")]
    derived = [target_progress(request.user, t, years, as_of) for t in plan.targets.exclude(parent=None).select_related("unit")
               if scope_for(request.user).covers(t.unit)]
    return render(request, "plans/plan.html", {"plan": plan, "rows": rows, "as_of": as_of, "years": years, "derived": derived, "form": form,
                                               "metric_names": METRIC_NAMES, "status_names": STATUS_NAMES,
                                               "rule_vi": STATUS_RULE_VI, "rule_en": STATUS_RULE_EN})


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _legacy_codes(unit):
    from chungtay.accounts.access import LEGACY_TO_NEW
    return [old for old, new in LEGACY_TO_NEW.items() if new == unit.code] if unit.level == Unit.PROVINCE else []


def _target(request, pk):
    t = get_object_or_404(Target.objects.select_related("plan", "unit"), pk=pk)
    if not plans_for(request.user).filter(pk=t.plan_id).exists() or not scope_for(request.user).covers(t.unit):
        raise Http404
    return t


@login_required
def target_page(request, pk: int):
    from .forms import OfficialFigureForm
    t = _target(request, pk)
    if request.method == "POST":
        require(request.user, "official_figure_enter", t.unit)
    form = OfficialFigureForm(request.POST or None) if can(request.user, "official_figure_enter", t.unit) else None
    if request.method == "POST" and form.is_valid():
        try:
            actions.enter_official_figure(request.user, unit=t.unit, metric=t.metric, unit_tag=t.unit_tag,
                                          population=t.population, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as e:
            form.add_error(None, str(e))
        else:
            messages.success(request, tr("Đã nhập số liệu chính thức", "Official figure entered"))
            return redirect("target", pk=t.pk)
    as_of = _int(request.GET.get("as_of"))
    tp = target_progress(request.user, t, as_of=as_of)
    return render(request, "plans/target.html", {"t": t, "tp": tp, "as_of": as_of, "form": form, "metric_names": METRIC_NAMES,
                                                 "status_names": STATUS_NAMES, "rule_vi": STATUS_RULE_VI,
                                                 "rule_en": STATUS_RULE_EN, "percent": t.metric in PERCENT_METRICS,
                                                 "chart_data": _target_chart(tp)})


def _target_chart(tp) -> dict:
    p = tp.progress
    step = -1 if p.direction == -1 else 1
    pts = [{"year": v.year, "value": v.value} for v in tp.series if v.value is not None]
    plan = []
    if tp.baseline.value is not None and tp.target.kind == Target.POINTS:
        plan = [{"year": y, "value": round(tp.baseline.value + step * tp.target.counted * (y - tp.target.baseline_year), 2)}
                for y in range(tp.target.baseline_year, tp.target.end_year + 1)]
    return {"actual": pts, "plan": plan}


@login_required
@require_POST
def target_derive(request, pk: int):
    t = _target(request, pk)
    require(request.user, "target_derive", t.unit)
    try:
        made = actions.derive_for_children(request.user, t)
        messages.success(request, tr(f"Đã phân bổ chỉ tiêu cho {len(made)} xã/phường", f"Target passed on to {len(made)} communes"))
    except (ValidationError, PermissionDenied) as e:
        messages.error(request, str(e))
    return redirect("plan", pk=t.plan_id)


def _year(request, years):
    """The year asked for, else the newest with results (this year on a new installation)."""
    raw = request.GET.get("year")
    if not raw:
        return years[-1] if years else date.today().year
    try:
        year = int(raw)
    except ValueError:
        raise Http404 from None
    if not bounds.MIN_YEAR <= year <= bounds.MAX_YEAR:
        raise Http404
    return year


@login_required
def dashboard(request, pk: int):
    unit = unit_for_user(request.user, pk)
    years = sorted(available_years(request.user))
    year = _year(request, years)
    d = dashboard_data(request.user, unit, year)
    chart = {k: d[k] for k in ("trend", "movements", "deprivations", "children")}
    chart.update(year=year, lang=request.lang, has_map=unit.level == Unit.PROVINCE and unit.system == "2025"
                 and province_communes_geojson(unit.code) is not None)
    return render(request, "plans/dashboard.html", {**d, "years_all": list(reversed(years)), "years": years,
                                                    "chart_data": chart,
                                                    "metric_names": METRIC_NAMES, "status_names": STATUS_NAMES})


@login_required
def dashboard_csv(request, pk: int):
    unit = unit_for_user(request.user, pk)
    years = sorted(available_years(request.user))
    year = _year(request, years)
    part = request.GET.get("part", "children")
    d = dashboard_data(request.user, unit, year)
    rows = {"trend": d["trend"], "children": d["children"], "deprivations": d["deprivations"],
            "movements": d["movements"]}.get(part)
    if rows is None:
        raise Http404
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="chungtay-{unit.code}-{year}-{part}.csv"'
    resp.write("\ufeff")
    if rows:
        # tam_tinh = 1: figures of a year whose review is not yet recognised (reviewed/expected households)
        st = d["status"]
        default = {"tam_tinh": int(st.provisional), "reviewed": st.reviewed, "expected": st.expected}
        rows = [{**r, **{k: v for k, v in default.items() if k not in r},
                 "tam_tinh": int(r.get("provisional", st.provisional))} for r in rows]
        cols = [c for c in rows[0] if c not in ("id", "lat", "lon", "provisional")]
        w = csvsafe.DictWriter(resp, fieldnames=cols, extrasaction="ignore")
        w.writeheader()
        w.writerows(rows)
    return resp


@login_required
def dashboard_geo(request, pk: int):
    unit = unit_for_user(request.user, pk)
    if unit.level != Unit.PROVINCE or unit.system != "2025":
        raise Http404
    geo = province_communes_geojson(unit.code)
    if geo is None:
        raise Http404("Không có lớp ranh giới")
    resp = HttpResponse(geo, content_type="application/geo+json")
    resp["Cache-Control"] = "private, max-age=3600"
    return resp


@login_required
def national(request):
    """All provinces of the user's area for a year, on the (shipped, CC BY-SA) province map."""
    years = sorted(available_years(request.user))
    year = _year(request, years)
    rows = national_rows(request.user, year)
    totals = {f: sum(r[f] or 0 for r in rows) for f in ("total", "poor", "near_poor", "em_total", "em_poor")}
    rate = lambda a, b: 100.0 * a / b if b else None  # noqa: E731
    chart = {"children": [{**r, "poor": r["poor"]} for r in rows], "year": year, "lang": request.lang}
    scope = scope_for(request.user)
    partial = not (scope.everything or scope.province_ids)     # a commune or village: not a province total
    return render(request, "plans/national.html", {
        "rows": rows, "partial_area": partial, "year": year, "years_all": list(reversed(years)), "totals": totals,
        "provisional_count": sum(1 for r in rows if r["provisional"]),
        "poverty_rate": rate(totals["poor"], totals["total"]), "near_rate": rate(totals["near_poor"], totals["total"]),
        "em_rate": rate(totals["em_poor"], totals["em_total"]), "chart_data": chart})


@login_required
def national_geo(request):
    resp = HttpResponse(NATIONAL_GEO.read_bytes(), content_type="application/geo+json")
    resp["Cache-Control"] = "private, max-age=86400"
    return resp


NEAR_SHOWN = 60      # households listed as one step from leaving poverty (of near_total)


@login_required
def analysis(request, pk: int):
    """Alkire–Foster analysis of a unit for a year and population group, with the change since
    a second year, the FGT income measures and the households one step from leaving poverty."""
    from chungtay.core import measures
    from chungtay.households.models import Household

    from .analysis import GROUPS, analyse, load
    unit = unit_for_user(request.user, pk)
    years = sorted(available_years(request.user))
    year = _year(request, years)
    year2 = _int(request.GET.get("compare")) or (year - 1 if year - 1 in years else None)
    group = request.GET.get("group") if request.GET.get("group") in GROUPS else "all"
    try:
        rows = load(request.user, unit, year, group)
    except StandardError:
        raise Http404("Không có chuẩn nghèo cho năm này") from None
    codes = list(rows.standard.indicator_codes)
    try:
        k = float(request.GET["k"]) if request.GET.get("k") else None
        weights = [float(request.GET.get(f"w_{c}") or 1) for c in codes]
        out = analyse(rows, weights, k, near_limit=NEAR_SHOWN)
    except ValueError as e:
        messages.error(request, tr(f"Tham số phân tích không hợp lệ: {e}", f"Invalid analysis parameter: {e}"))
        k, weights = None, None
        out = analyse(rows, near_limit=NEAR_SHOWN)
    change = None
    if year2 and out.get("n"):
        try:
            other = load(request.user, unit, year2, group, detail=False)
        except StandardError:            # a comparison year without a standard: no comparison
            other = None
        if other is not None and len(other.ids) and list(other.standard.indicator_codes) == codes:
            o = analyse(other, weights, k, detail=False)["af"]
            change = {m: measures.change(getattr(o, m), getattr(out["af"], m), year2, year) for m in ("H", "A", "M0")}
            change["year"] = year2
        elif other is not None and len(other.ids):
            change = {"year": year2, "incomparable": True}
    near = out.get("near", [])[:NEAR_SHOWN]
    households = Household.objects.for_user(request.user).select_related("village").in_bulk([n.id for n in near])
    labels_for([h.village for h in households.values()])  # every row's village label in one look-up
    names = {c.code: (c.name_vi, c.name_en) for c in rows.standard.indicators}
    child_units = Unit.objects.in_bulk(list(out["by_child"].keys())) if out.get("n") else {}
    return render(request, "plans/analysis.html", {
        "unit": unit, "year": year, "years": list(reversed(years)), "year2": year2, "group": group, "groups": GROUPS,
        "out": out, "change": change, "codes": codes, "names": names, "k": k, "weights": dict(zip(codes, weights or [])),
        "legal_k": measures.legal_k(rows.standard),
        "near": [(n, households.get(n.id), None if n.gap_share is None else 100 * n.gap_share) for n in near],
        "near_total": out.get("near_total", 0), "child_units": child_units, "standard": rows.standard,
        "status": year_status(request.user, unit, year), "unit_label": unit_label(unit),
        "child_labels": labels_for(list(child_units.values()))})

"""Thin views: reads go through access helpers and scoped querysets, writes through actions."""
from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from chungtay.accounts.access import LEGACY_TO_NEW, scope_for, unit_for_user
from chungtay.accounts.roles import require
from chungtay.core import classify, csvsafe, fmt
from chungtay.core.classify import ClassificationError
from chungtay.core.standards import CATEGORIES, CATEGORY_NAMES, StandardError, all_standards, get_standard, \
    standard_for_year
from chungtay.households import actions, bounds
from chungtay.i18n import tr
from chungtay.prepared.paging import VillagePaginator
from chungtay.households.models import Assessment, Household
from chungtay.households.completeness import HOUSEHOLD_FILTER, child_statuses, year_status
from chungtay.households.stats import available_years, unit_report
from chungtay.units.labels import labels_for, unit_label
from chungtay.units.labels import village_labels
from chungtay.units.models import Unit, UnitTag

from . import household_close
from .forms import AssessmentForm, HouseholdForm, MemberForm
from .middleware import LANG_COOKIE
from .prefill import Prefill, prefill
from .search import member_matches, search_filter

LEVEL_NAMES = {Unit.PROVINCE: ("Tỉnh/thành phố", "Province"), Unit.DISTRICT: ("Huyện", "District"),
               Unit.COMMUNE: ("Xã/phường", "Commune"), Unit.VILLAGE: ("Thôn/tổ dân phố", "Village")}


def _year(request: HttpRequest, years: list[int]) -> int:
    try:
        y = int(request.GET.get("year", ""))
    except ValueError:
        y = None
    if y is None or not bounds.MIN_YEAR <= y <= bounds.MAX_YEAR:
        y = years[0] if years else date.today().year
    return y


def _breadcrumb(user, unit: Unit) -> list[Unit]:
    chain = [unit]
    while chain[-1].parent_id:
        chain.append(chain[-1].parent)
    scope = scope_for(user)
    return [u for u in reversed(chain) if scope.covers(u)]


@login_required
def home(request):
    scope = scope_for(request.user)
    if scope.everything:
        return redirect("national")
    tops = scope.top_units()
    if len(tops) == 1:
        return redirect("unit", pk=tops[0].pk)
    return render(request, "web/home.html", {"tops": tops, "years": available_years(request.user)})


def set_language(request, code: str):
    nxt = request.GET.get("next") or "/"
    if not nxt.startswith("/") or nxt.startswith("//"):
        nxt = "/"
    resp = redirect(nxt)
    if code in ("vi", "en"):
        resp.set_cookie(LANG_COOKIE, code, max_age=365 * 24 * 3600, samesite="Lax")
    return resp


@login_required
def unit_page(request, pk: int):
    unit = unit_for_user(request.user, pk)
    years = available_years(request.user)
    year = _year(request, years)
    report = unit_report(request.user, unit, year)
    kids = child_statuses(request.user, unit, year) if report.children else {}
    status = year_status(request.user, unit, year, children=kids)
    legacy = []
    if unit.system == Unit.SYSTEM_2025 and unit.level == Unit.PROVINCE and year < 2025:
        codes = [old for old, new in LEGACY_TO_NEW.items() if new == unit.code]
        legacy = list(Unit.objects.filter(system=Unit.SYSTEM_LEGACY, level=Unit.PROVINCE, code__in=codes)
                      .order_by("code"))
        legacy = [u for u in legacy if unit_report(request.user, u, year).total.total]
    if request.GET.get("format") == "csv":
        return _unit_csv(report, status, kids)
    child_level = report.children[0].unit.level if report.children and report.children[0].unit else None
    ids = [f.unit.id for f in report.children if f.unit] + [unit.id]
    tags: dict[int, list[str]] = {}
    for tag in UnitTag.objects.filter(unit_id__in=ids, start_year__lte=year).exclude(end_year__lt=year):
        tags.setdefault(tag.unit_id, []).append(tag.get_tag_display())
    return render(request, "web/unit.html", {
        "unit": unit, "year": year, "years": years, "report": report, "legacy": legacy,
        "breadcrumb": _breadcrumb(request.user, unit), "child_level": LEVEL_NAMES.get(child_level),
        "indicators": report.standard.indicators if report.standard else (),
        "categories": CATEGORIES, "tags": tags, "status": status,
        "child_status": kids,
        "labels": labels_for([f.unit for f in report.children]), "unit_label": unit_label(unit),
    })


def _unit_csv(report, status, kids: dict) -> HttpResponse:
    """tam_tinh = 1 marks figures of a year whose review is not yet recognised; reviewed and
    expected give the coverage (households.completeness)."""
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="chungtay-{report.unit.code}-{report.year}.csv"'
    resp.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    w = csvsafe.writer(resp)
    inds = [i.code for i in report.standard.indicators] if report.standard else []
    w.writerow(["code", "name", "households", "poor", "near_poor", "average", "above_average", "poverty_rate",
                "near_poverty_rate", "em_households", "em_poor", "em_poverty_rate"] +
               [f"poor_deprived_{c}" for c in inds] + ["tam_tinh", "reviewed", "expected"])
    names = labels_for([f.unit for f in report.children])
    for f in report.children + [report.total]:
        u = f.unit
        st = status if f is report.total else kids.get(u.id if u else None)
        w.writerow([u.code if u else "", names.get(u.id, u.full_name) if u else "", f.total, f.poor, f.near_poor,
                    f.average, f.above_average, _r(f.poverty_rate), _r(f.near_poverty_rate), f.em_total, f.em_poor,
                    _r(f.em_poverty_rate)] + f.deprived +
                   [int(bool(st and st.provisional)), st.reviewed if st else f.total, st.expected if st else f.total])
    return resp


def _r(x):
    return "" if x is None else f"{x:.2f}"


@login_required
def household_list(request):
    user = request.user
    years = available_years(user)
    year = _year(request, years)
    qs = Household.objects.for_user(user)
    unit = None
    if request.GET.get("unit"):
        unit = unit_for_user(user, _id(request.GET["unit"]))
        qs = qs.filter(**{HOUSEHOLD_FILTER[(unit.system, unit.level)]: unit.id})
    # Households that dissolved or moved away leave the lists of the years after.
    qs = qs.filter(Q(start_year__isnull=True) | Q(start_year__lte=year),
                   Q(end_year__isnull=True) | Q(end_year__gte=year))
    q = request.GET.get("q", "").strip()[:100]
    if q:
        qs = qs.filter(**search_filter(q))
    village = _id(request.GET.get("village"))
    if village:
        qs = qs.filter(village_id=village)
    em = request.GET.get("em")
    if em in ("1", "0"):
        qs = qs.filter(ethnic_minority=em == "1")
    cat = request.GET.get("category")
    if cat in CATEGORIES:
        qs = qs.filter(assessments__year=year, assessments__kind=Assessment.PERIODIC,
                       assessments__is_current=True, assessments__category=cat)
    qs = qs.select_related("village").order_by("village__sort_name", "village_id", "code")
    if request.GET.get("format") == "csv":
        return _household_csv(qs, year)
    # counted per village, a page reads only its villages (no sort of the whole province)
    page = VillagePaginator(qs, 50).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    results = {a.household_id: a for a in Assessment.objects.filter(
        household_id__in=[h.id for h in rows], year=year, kind=Assessment.PERIODIC, is_current=True)}
    villages, labels = _villages_for_filter(user, unit)
    matches = member_matches(rows, q)
    tops = scope_for(user).top_units() if unit is None and not scope_for(user).everything else []
    status_unit = unit or (tops[0] if len(tops) == 1 else None)
    return render(request, "web/households.html", {
        "page": page, "rows": [(h, results.get(h.id)) for h in rows], "year": year, "years": years,
        "labels": labels, "matches": matches,
        "status": year_status(user, status_unit, year) if status_unit else None,
        "unit": unit, "q": q, "category": cat, "em": em, "village": village, "villages": villages,
        "categories": [(c, CATEGORY_NAMES[c]) for c in CATEGORIES],
        "breadcrumb": _breadcrumb(user, unit) if unit else [],
    })


def _villages_for_filter(user, unit) -> tuple[list[tuple[int, str]], dict[int, str]]:
    """([(village id, label)] for the village filter, in Vietnamese order; {village id: label} of
    the communes listed) — empty for a province-wide list (drill down first)."""
    scope = scope_for(user)
    vs = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.VILLAGE)
    if unit and unit.system == Unit.SYSTEM_2025 and unit.level in (Unit.COMMUNE, Unit.VILLAGE):
        vs = vs.filter(parent_id=unit.id if unit.level == Unit.COMMUNE else unit.parent_id)
    elif not scope.everything and scope.commune_ids and not scope.province_ids:
        vs = vs.filter(parent_id__in=scope.commune_ids)
    elif not scope.everything and scope.village_ids and not scope.province_ids:
        vs = vs.filter(id__in=scope.village_ids)
    else:
        return [], {}   # too many to list for a province: drill down first
    if not (scope.everything or scope.province_ids or scope.commune_ids):
        vs = vs.filter(id__in=scope.village_ids)     # a village head: their own village(s) only
    rows = list(vs.values_list("id", "parent_id"))
    labels: dict[int, str] = {}
    for commune in sorted({c for _, c in rows}):
        labels.update(village_labels(commune))
    return sorted(((i, labels[i]) for i, _ in rows if i in labels), key=lambda x: fmt.sort_key(x[1])), labels


def _household_csv(qs, year) -> HttpResponse:
    """Export for officers: no ID numbers, income or health details (public-safe)."""
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="chungtay-households-{year}.csv"'
    resp.write("\ufeff")
    w = csvsafe.writer(resp)
    # tam_tinh = 1: the household's commune has not had its review of the year recognised yet
    w.writerow(["household_code", "head_name", "village", "ethnic_minority", "category", "tam_tinh"])
    cats = dict(Assessment.objects.filter(household__in=qs, year=year, kind=Assessment.PERIODIC,
                                          is_current=True).values_list("household_id", "category"))
    from chungtay.households.completeness import final_communes
    final = final_communes(qs.order_by().values_list("commune_id", flat=True).distinct(), year)
    labels: dict[int, str] = {}
    for h in qs.iterator(chunk_size=2000):
        if h.village_id not in labels:          # twin villages told apart by their old commune
            labels.update(village_labels(h.village.parent_id))
        w.writerow([h.code, h.head_name, labels.get(h.village_id, h.village.name), int(h.ethnic_minority),
                    cats.get(h.id, ""), int(h.commune_id not in final)])
    return resp


def _int(v):
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def _id(v):
    """An id from a query parameter, or None: a number a database id cannot be (zero, negative, over
    64 bits) is no id at all, not a server error."""
    n = _int(v)
    return n if n is not None and 0 < n < 2 ** 63 else None


@login_required
def household_page(request, pk: int):
    hh = get_object_or_404(Household.objects.for_user(request.user).select_related(
        "village__parent", "village__legacy_parent__parent"), pk=pk)
    assessments = list(hh.assessments.select_related("recorded_by").order_by("-year", "kind", "-version"))
    history = []
    for a in assessments:
        try:
            std = get_standard(a.standard)
            codes = a.deprived_codes(std)
            deprived = [std.indicator(c) for c in codes]
            if not a.explanation_vi:
                # Bulk-loaded history stores the inputs only; the explanation is derived
                # from them with the same engine (and is therefore identical).
                r = classify(std, area=a.area, income=a.income if a.basis == "income" else None,
                             score_a=a.score_a if a.basis == "score_a" else None, deprived=codes)
                a.explanation_vi, a.explanation_en = r.explanation_vi, r.explanation_en
        except (StandardError, ClassificationError):
            deprived = []
        history.append((a, deprived))
    members = list(hh.members.all())
    close_form = _close_household(request, hh)
    if close_form is None:
        return redirect("household", pk=hh.pk)
    return render(request, "web/household.html", {
        "hh": hh, "members": members, "history": history,
        "breadcrumb": _breadcrumb(request.user, hh.village), "village_label": unit_label(hh.village),
        "close_form": close_form, "closure": household_close.closure(hh),
        "status_names": household_close.STATUS_NAMES,
    })


def _close_household(request, hh):
    """The closing form; None after a successful close (the page redirects)."""
    form = household_close.CloseHouseholdForm(request.POST if request.POST.get("action") == "close" else None)
    if request.method == "POST" and request.POST.get("action") == "close" and form.is_valid():
        d = form.cleaned_data
        try:
            actions.close_household(request.user, hh, status=d["status"], year=d["year"], reason=d["reason"])
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, tr("Đã ghi nhận hộ kết thúc", "The household is closed"))
            return None
    return form


def _villages(user):
    scope = scope_for(user)
    vs = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.VILLAGE).select_related("parent")
    if not scope.everything:
        from django.db.models import Q
        vs = vs.filter(Q(id__in=scope.village_ids) | Q(parent_id__in=scope.commune_ids) |
                       Q(parent__parent_id__in=scope.province_ids))
    vs = list(vs.order_by("parent__sort_name", "sort_name")[:3000])
    names = labels_for(vs)       # twin villages told apart by their old commune
    for v in vs:
        v.label = names.get(v.id, v.name)
    return sorted(vs, key=lambda v: (fmt.sort_key(v.parent.name), fmt.sort_key(v.label)))


def _form_errors(form, err: ValidationError):
    if hasattr(err, "error_dict"):
        for field, errs in err.message_dict.items():
            form.add_error(field if field in form.fields else None, errs)
    else:
        form.add_error(None, err.messages)


@login_required
def household_create(request):
    require(request.user, "household_create")
    villages = _villages(request.user)
    form = HouseholdForm(request.POST or None, villages=villages, initial={"ethnicity": "Kinh"})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        village = unit_for_user(request.user, d["village"])
        try:
            hh = actions.create_household(request.user, code=d["code"], village=village, address=d["address"],
                                          head={k: d[k] for k in MemberForm.base_fields if k in d})
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, tr("Đã đăng ký hộ " + hh.code, "Household registered: " + hh.code))
            return redirect("household", pk=hh.pk)
    return render(request, "web/form.html", {"form": form, "title": ("Đăng ký hộ mới", "Register a household")})


@login_required
def member_add(request, pk: int):
    hh = get_object_or_404(Household.objects.for_user(request.user), pk=pk)
    require(request.user, "member_add", hh.village)
    form = MemberForm(request.POST or None, initial={"ethnicity": "Kinh", "relation": "child"})
    if request.method == "POST" and form.is_valid():
        try:
            actions.add_member(request.user, hh, form.cleaned_data)
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, tr("Đã thêm thành viên", "Member added"))
            return redirect("household", pk=hh.pk)
    return render(request, "web/form.html", {"form": form, "hh": hh,
                                             "title": ("Thêm thành viên", "Add a member")})


@login_required
def assessment_new(request, pk: int):
    hh = get_object_or_404(Household.objects.for_user(request.user), pk=pk)
    require(request.user, "household_assess", hh.village)
    year = _int(request.POST.get("year") or request.GET.get("year")) or date.today().year
    try:
        standard = standard_for_year(year)
    except StandardError:
        standard = None
    kind = request.GET.get("kind") if request.GET.get("kind") in (Assessment.PERIODIC, Assessment.REGULAR) \
        else Assessment.PERIODIC
    # periodic results belong to the year's round (or to a year without one, until a later year
    # exists): otherwise this page offers only the regular review
    periodic_block = actions.periodic_refusal(hh.commune_id, year)
    if periodic_block:
        kind = Assessment.REGULAR
    pre = prefill(hh, year, standard, kind=kind, lang=request.lang) if request.method == "GET" else Prefill()
    form = AssessmentForm(request.POST or None, standard=standard,
                          initial={**pre.initial, "year": year, "kind": kind})
    if periodic_block and not form.is_bound:   # (a posted periodic kind gets the action's clear refusal)
        form.fields["kind"].choices = [c for c in form.fields["kind"].choices if c[0] == Assessment.REGULAR]
    if request.method == "POST" and form.is_valid() and standard:
        d = form.cleaned_data
        deprived = [ind.code for name, ind in form.indicator_fields if d.get(name)]
        try:
            a = actions.record_assessment(
                request.user, hh, year=d["year"], deprived=deprived, pledged_escape=d["pledged_escape"],
                reason=d["reason"], kind=d.get("kind") or "periodic", **{d["basis"]: d["value"]})
        except ValidationError as e:
            _form_errors(form, e)
        else:
            messages.success(request, a.explanation_vi if request.lang == "vi" else a.explanation_en)
            return redirect("household", pk=hh.pk)
    return render(request, "web/assess.html", {"form": form, "hh": hh, "standard": standard, "year": year,
                                               "prefill": pre, "periodic_block": periodic_block})


@login_required
def standards_page(request):
    return render(request, "web/standards.html", {"standards": all_standards()})

"""Figures: the review years, the year summaries (counts per year and village) and a unit's
report — the drill-down of the web's unit page (households.stats.unit_report, the same call),
restricted to the user's area."""

from typing import Optional

from ninja import Query, Router, Schema

from chungtay.accounts.access import unit_for_user
from chungtay.core.standards import StandardError, standard_for_year
from chungtay.households.completeness import child_statuses, year_status
from chungtay.households.models import YearSummary
from chungtay.households.stats import GROUPING, available_years, unit_report
from chungtay.units.labels import labels_for

from .base import Page, page
from .common import CURSOR, LIMIT, MAX_YEAR, MIN_YEAR, READ_ERRORS, UNIT, YEAR, unit_in_area

router = Router(tags=["figures"])


class YearOut(Schema):
    year: int
    standard: Optional[str]


class YearList(Schema):
    items: list[YearOut]


@router.get("/years", response={200: YearList, 304: None, **READ_ERRORS}, url_name="years")
def list_years(request):
    """Review years with results in your area, newest first, with the standard of each."""
    out = []
    for y in available_years(request.auth):
        try:
            code = standard_for_year(y).code
        except StandardError:
            code = None
        out.append({"year": y, "standard": code})
    return {"items": out}


class SummaryOut(Schema):
    id: int
    year: int
    village_id: int
    commune_id: int
    province_id: int
    legacy_commune_id: Optional[int]
    district_id: Optional[int]
    legacy_province_id: Optional[int]
    total: int
    poor: int
    near_poor: int
    average: int
    above_average: int
    em_total: int
    em_poor: int
    poor_deprived: list[int]


class SummaryPage(Page):
    items: list[SummaryOut]


@router.get("/year-summaries", response={200: SummaryPage, 304: None, **READ_ERRORS}, url_name="year_summaries")
def list_year_summaries(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT, unit: Optional[int] = UNIT,
                        year: Optional[int] = YEAR):
    """Counts of the current periodic results per year and village (the rows every figure is summed
    from). `poor_deprived[i]`: poor households lacking the i-th indicator of the year's standard."""
    user = request.auth
    qs = YearSummary.objects.for_user(user)
    if (u := unit_in_area(user, unit)) is not None:
        qs = qs.filter(**{f"{GROUPING[(u.system, u.level)][0]}_id": u.id})
    if year is not None:
        qs = qs.filter(year=year)
    rows, nxt = page(qs, cursor, limit)
    items = []
    for r in rows:
        try:
            n = len(standard_for_year(r.year).indicators)
        except StandardError:
            n = 12
        d = {f: getattr(r, f) for f in SummaryOut.model_fields if f != "poor_deprived"}
        items.append({**d, "poor_deprived": [getattr(r, f"d{i}") for i in range(1, n + 1)]})
    return {"items": items, "next_cursor": nxt, "limit": limit}


class FiguresOut(Schema):
    unit_id: Optional[int]
    code: str
    name: str
    households: int
    poor: int
    near_poor: int
    average: int
    above_average: int
    poverty_rate: Optional[float]
    near_poverty_rate: Optional[float]
    multidimensional_rate: Optional[float]
    em_households: int
    em_poor: int
    em_poverty_rate: Optional[float]
    poor_deprived: list[int]
    provisional: bool
    reviewed: int
    expected: int


class ReportOut(Schema):
    unit_id: int
    year: int
    standard: Optional[str]
    indicators: list[str]
    total: FiguresOut
    children: list[FiguresOut]


def _figures(f, name: str, st) -> dict:
    u = f.unit
    return {"unit_id": u.id if u else None, "code": u.code if u else "", "name": name, "households": f.total,
            "poor": f.poor, "near_poor": f.near_poor, "average": f.average, "above_average": f.above_average,
            "poverty_rate": f.poverty_rate, "near_poverty_rate": f.near_poverty_rate,
            "multidimensional_rate": f.multidimensional_rate, "em_households": f.em_total, "em_poor": f.em_poor,
            "em_poverty_rate": f.em_poverty_rate, "poor_deprived": list(f.deprived),
            "provisional": bool(st and st.provisional), "reviewed": st.reviewed if st else f.total,
            "expected": st.expected if st else f.total}


@router.get("/units/{int:unit_id}/report", response={200: ReportOut, 304: None, **READ_ERRORS},
            url_name="unit_report")
def get_unit_report(request, unit_id: int, year: int = Query(..., ge=MIN_YEAR, le=MAX_YEAR)):
    """The unit's figures for a year and those of each child unit (the drill-down of the unit page
    and its CSV, same numbers): counts, rates (percent, from summed counts), the ethnic-minority
    figures, poor households lacking each indicator, and whether the year is provisional with its
    coverage (reviewed of expected households)."""
    user = request.auth
    unit = unit_for_user(user, unit_id)
    report = unit_report(user, unit, year)
    kids = child_statuses(user, unit, year) if report.children else {}
    status = year_status(user, unit, year, children=kids)
    names = labels_for([f.unit for f in report.children])
    return {"unit_id": unit.id, "year": year, "standard": report.standard.code if report.standard else None,
            "indicators": [i.code for i in report.standard.indicators] if report.standard else [],
            "total": _figures(report.total, unit.full_name, status),
            "children": [_figures(f, names.get(f.unit.id, f.unit.full_name) if f.unit else "",
                                  kids.get(f.unit.id if f.unit else None)) for f in report.children]}



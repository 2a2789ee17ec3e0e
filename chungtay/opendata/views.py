"""Public pages of the open data (no login): the page, CSV and JSON of one unit and year.

Every answer is bounded (one country, province or commune: at most one province's communes),
built from cached tables (figures.py) and carries cache headers. Bad parameters answer 400 (not a
year, not a unit code) or 404 (a year or unit without published figures) with a Vietnamese page,
never 500. No household appears anywhere: the rows are units.
"""
from __future__ import annotations

import hashlib
import json
import re

from django.http import HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import reverse
from django.utils.cache import patch_vary_headers

from chungtay.core import csvsafe, fmt
from chungtay.households import bounds
from chungtay.units.models import Unit

from . import figures
from .suppress import COUNTS, THRESHOLD

SCHEMA = "chungtay.opendata/1"
LICENCE = {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/",
           "attribution_vi": "Nguồn: Chung Tay – số liệu hộ nghèo, hộ cận nghèo đã được công nhận",
           "attribution_en": "Source: Chung Tay – recognised figures of poor and near-poor households"}
RATES = ("poverty_rate", "near_poverty_rate", "em_poverty_rate", "em_share_of_poor")
COLUMNS = (["year", "unit_code", "unit_name", "level", "parent_code", "role"] + list(COUNTS) + list(RATES)
           + ["communes", "communes_recognised"])
MAX_AGE = 300
_CODE = re.compile(r"[0-9]{2}|[0-9]{5}")


class Refused(Exception):
    def __init__(self, status: int, vi: str, en: str):
        self.status, self.vi, self.en = status, vi, en


def _unit(request) -> Unit | None:
    code = request.GET.get("unit", "").strip()
    if not code:
        return None
    if not _CODE.fullmatch(code):
        raise Refused(400, "Mã đơn vị không hợp lệ: mã tỉnh có 2 chữ số, mã xã có 5 chữ số.",
                      "Invalid unit code: a province code has 2 digits, a commune code 5.")
    unit = Unit.objects.filter(system=Unit.SYSTEM_2025, level__in=(Unit.PROVINCE, Unit.COMMUNE), code=code).first()
    if unit is None:
        raise Refused(404, f"Không có tỉnh hay xã mã {code}.", f"No province or commune has the code {code}.")
    return unit


def _select(request):
    """(unit or None for the country, its published years, the year asked for)."""
    unit = _unit(request)
    if unit is None:
        years = figures.published_years()
    elif unit.level == Unit.PROVINCE:
        years = figures.published_years(unit.id)
    else:
        years = figures.published_years(unit.parent_id, unit.id)
    raw = request.GET.get("year", "").strip()
    if raw:
        try:
            year = int(raw) if raw.isascii() else None
        except ValueError:
            year = None
        if year is None or not bounds.MIN_YEAR <= year <= bounds.MAX_YEAR:
            raise Refused(400, "Năm không hợp lệ: hãy chọn một năm trong danh sách.",
                          "Invalid year: choose one of the years listed.")
        if year not in years:
            raise Refused(404, f"Năm {year} chưa có số liệu được công nhận và công bố cho đơn vị này.",
                          f"No recognised figures are published for {year} for this unit.")
    elif years:
        year = years[0]
    elif unit is not None:
        raise Refused(404, "Đơn vị này chưa có số liệu được công nhận và công bố.",
                      "This unit has no recognised figures published yet.")
    else:
        year = None
    return unit, years, year


def _rows(unit: Unit | None, year: int | None):
    """(the unit's own row or None, child rows, provinces not yet published) of a year."""
    if year is None:
        return None, [], []
    t = figures.year_tables(year)
    if unit is None:
        kids = sorted(t.provinces.values(), key=lambda r: fmt.sort_key(r.name))
        return t.country, kids, t.pending
    if unit.level == Unit.PROVINCE:
        return t.provinces.get(unit.id), t.communes.get(unit.id, []), []
    own = next((r for r in t.communes.get(unit.parent_id, []) if r.unit_id == unit.id), None)
    if own is None:
        raise Refused(404, "Xã này không có số liệu được công bố trong năm đã chọn.",
                      "This commune has no published figures for the chosen year.")
    return own, [], []


def _refused(request, e: Refused) -> HttpResponse:
    from chungtay.web.errors import PAGES
    heading, text = PAGES[e.status]
    lang = getattr(request, "lang", "vi")
    body = loader.render_to_string(f"{e.status}.html", {
        "code": e.status, "heading": heading, "text": text, "lang": lang,
        "detail": e.en if lang == "en" else e.vi}, request=request)
    resp = HttpResponse(body, status=e.status)
    resp["Cache-Control"] = "no-store"
    return resp


def _public(request, resp: HttpResponse, body: bytes) -> HttpResponse:
    """Cache headers and a strong ETag (If-None-Match answers 304) for the data files."""
    tag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    resp["ETag"] = tag
    resp["Cache-Control"] = f"public, max-age={MAX_AGE}"
    resp["Access-Control-Allow-Origin"] = "*"
    if tag in [t.strip() for t in request.headers.get("If-None-Match", "").split(",")]:
        nm = HttpResponse(status=304)
        for h in ("ETag", "Cache-Control", "Access-Control-Allow-Origin"):
            nm[h] = resp[h]
        return nm
    return resp


def page(request):
    try:
        unit, years, year = _select(request)
        own, kids, pending = _rows(unit, year)
    except Refused as e:
        return _refused(request, e)
    lang = getattr(request, "lang", "vi")
    crumbs = []
    if unit is not None:
        if unit.level == Unit.COMMUNE:
            crumbs.append(unit.parent)
        crumbs.append(unit)
    query = (f"?year={year}" + (f"&unit={unit.code}" if unit else "")) if year else ""
    resp = render(request, "opendata/page.html", {
        "unit": unit, "year": year, "years": years, "own": _display(own, lang) if own else None,
        "kids": [_display(r, lang) for r in kids], "pending": pending, "crumbs": crumbs,
        "child_level": "province" if unit is None else ("commune" if unit.level == Unit.PROVINCE else None),
        "csv_url": reverse("opendata:csv") + query if year else "",
        "json_url": reverse("opendata:json") + query if year else "",
        "licence": LICENCE, "threshold": THRESHOLD,
    })
    who = "private" if request.user.is_authenticated else "public"
    resp["Cache-Control"] = f"{who}, max-age={MAX_AGE}"
    patch_vary_headers(resp, ["Cookie"])        # language (and, signed in, the header)
    return resp


def _display(r: figures.Row, lang: str) -> dict:
    def count(m):
        return r.marks.get(m) or fmt.number(r.values[m], lang=lang)

    def rate(k):
        if k in r.rate_marks:
            return "x"
        v = r.rates[k]
        return "–" if v is None else fmt.percent(v, 2, lang)
    return {"row": r, "counts": {m: count(m) for m in COUNTS}, "rates": {k: rate(k) for k in RATES},
            "marks": r.marks}


def _records(unit, year):
    own, kids, pending = _rows(unit, year)
    out = []
    for role, r in ([("unit", own)] if own else []) + [("child", k) for k in kids]:
        rec = {"year": year, "unit_code": r.code, "unit_name": r.name, "level": r.level,
               "parent_code": r.parent_code, "role": role}
        rec.update({m: r.shown(m) for m in COUNTS})
        rec.update(r.rates)
        rec["communes"] = r.communes if r.level != "commune" else None
        rec["communes_recognised"] = r.communes_recognised if r.level != "commune" else None
        rec["suppressed"] = {**r.marks, **r.rate_marks}
        out.append(rec)
    return out, pending


def data_csv(request):
    try:
        unit, years, year = _select(request)
        if year is None:
            raise Refused(404, "Chưa có số liệu được công nhận và công bố.", "No recognised figures are published yet.")
        records, _ = _records(unit, year)
    except Refused as e:
        return _refused(request, e)
    resp = HttpResponse(content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="chungtay-opendata-{unit.code if unit else "vn"}-{year}.csv"'
    resp.write("\ufeff")
    w = csvsafe.writer(resp)
    w.writerow(COLUMNS)
    for rec in records:
        marks = rec["suppressed"]
        w.writerow([marks.get(c) or ("" if rec[c] is None else (f"{rec[c]:.2f}" if c in RATES else rec[c]))
                    for c in COLUMNS])
    return _public(request, resp, resp.content)


def data_json(request):
    try:
        unit, years, year = _select(request)
        if year is None:
            raise Refused(404, "Chưa có số liệu được công nhận và công bố.", "No recognised figures are published yet.")
        records, pending = _records(unit, year)
    except Refused as e:
        return _json_refused(e)
    doc = {
        "schema": SCHEMA, "year": year, "years": years,
        "unit": {"code": unit.code, "name": unit.name, "level": unit.level} if unit else
        {"code": figures.COUNTRY, "name": "Cả nước", "level": "country"},
        "licence": LICENCE,
        "suppression": {"threshold": THRESHOLD, "small": "<5", "hidden": "x",
                        "rule_vi": "Số hộ từ 1 đến 4 ghi <5; thêm ô x để không ô <5 nào tính ngược lại được.",
                        "rule_en": "Counts of 1 to 4 households are shown <5; more cells are hidden (x) so that "
                                   "no <5 cell can be worked back from the others."},
        "rows": records,
        "not_published": [{"unit_code": p.code, "unit_name": p.name, "communes": p.communes,
                           "communes_recognised": p.communes_recognised} for p in pending],
    }
    body = json.dumps(doc, ensure_ascii=False).encode()
    resp = HttpResponse(body, content_type="application/json; charset=utf-8")
    return _public(request, resp, body)


def _json_refused(e: Refused) -> HttpResponse:
    body = json.dumps({"error": {"status": e.status, "message_vi": e.vi, "message_en": e.en}}, ensure_ascii=False)
    resp = HttpResponse(body, status=e.status, content_type="application/json; charset=utf-8")
    resp["Cache-Control"] = "no-store"
    return resp

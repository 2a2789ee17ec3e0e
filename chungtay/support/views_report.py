"""The programme results report (Biểu 02, docs/support.md): the page and its Excel and PDF files.

Thin: the unit from ``?unit=`` through ``unit_for_user`` (outside the area, not a number, not a
2025 province / commune / village: 404; default: the user's own unit), the period from
``?from=&to=`` (a year, or from-year to-year; a bad year is a Vietnamese message on the page
and a 400 for the files, never a 500), the reads in ``report.py``. Seen by every signed-in
user within their area, like the ledger (support data is read by area, docs/roles.md)."""
from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.reports.data import slug
from chungtay.units.models import Unit

from .radar import results_year
from .report import MAX_YEARS, notes_vi, programme_results
from .views import _filter_units

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class PeriodError(ValueError):
    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(vi)


def _unit(request) -> Unit:
    raw = request.GET.get("unit")
    if raw:
        try:
            pk = int(raw)
        except ValueError:
            raise Http404
        if not 0 < pk < 2 ** 63:
            raise Http404
        unit = unit_for_user(request.user, pk)
    else:
        tops = scope_for(request.user).top_units()
        if not tops:
            raise Http404
        unit = tops[0]
    if unit.system != Unit.SYSTEM_2025 or unit.level not in (Unit.PROVINCE, Unit.COMMUNE, Unit.VILLAGE):
        raise Http404
    return unit


def _year(raw: str, which_vi: str, which_en: str, today: int) -> int:
    raw = (raw or "").strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) != 4:
        raise PeriodError(f"{which_vi} phải là một năm gồm 4 chữ số (ví dụ 2025)",
                          f"The {which_en} must be a four-digit year (e.g. 2025)")
    y = int(raw)
    if y < 2000:
        raise PeriodError(f"{which_vi} phải từ năm 2000 trở đi", f"The {which_en} must be 2000 or later")
    if y > today:
        raise PeriodError(f"{which_vi} không được sau năm hiện tại ({today})",
                          f"The {which_en} cannot be after the current year ({today})")
    return y


def period(get, default: int, today: int | None = None) -> tuple[int, int]:
    """(first, last) from ``from`` / ``to`` (either alone: one year); PeriodError when bad."""
    today = today or dt.date.today().year
    raw_from, raw_to = get.get("from", ""), get.get("to", "")
    if not raw_from.strip() and not raw_to.strip():
        return default, default
    first = _year(raw_from, "Năm đầu kỳ", "first year", today) if raw_from.strip() else None
    last = _year(raw_to, "Năm cuối kỳ", "last year", today) if raw_to.strip() else None
    first, last = first or last, last or first
    if first > last:
        raise PeriodError(f"Năm đầu kỳ ({first}) phải không sau năm cuối kỳ ({last})",
                          f"The first year ({first}) must not be after the last year ({last})")
    if last - first + 1 > MAX_YEARS:
        raise PeriodError(f"Kỳ báo cáo dài nhất {MAX_YEARS} năm", f"A period is at most {MAX_YEARS} years")
    return first, last


def _default_year(user, unit) -> int:
    """The newest year whose figures are final (a round still open is not the default report: it
    would be a DỰ THẢO of a few households); asked for, such a year is reported marked DỰ THẢO."""
    today = dt.date.today().year
    return min(results_year(user, unit).year or today, today)


def _no_store(resp):
    resp["Cache-Control"] = "no-store, private"
    return resp


@login_required
def page(request):
    unit = _unit(request)
    default = _default_year(request.user, unit)
    error = None
    try:
        first, last = period(request.GET, default)
    except PeriodError as e:
        error, first, last = e, None, None
    report = programme_results(request.user, unit, first, last) if error is None else None
    query = urlencode({"unit": unit.pk, "from": first, "to": last}) if error is None else ""
    return _no_store(render(request, "support/report.html", {
        "unit": unit, "first": first if first is not None else request.GET.get("from", "")[:12],
        "last": last if last is not None else request.GET.get("to", "")[:12], "error": error, "r": report,
        "query": query, "notes": notes_vi(report) if report else [], "units": _filter_units(request.user), "this_year": dt.date.today().year}))


def _file(request, ext: str):
    unit = _unit(request)
    try:
        first, last = period(request.GET, _default_year(request.user, unit))
    except PeriodError as e:
        return _no_store(HttpResponse(e.vi, status=400, content_type="text/plain; charset=utf-8"))
    report = programme_results(request.user, unit, first, last)
    years = str(first) if first == last else f"{first}-{last}"
    name = f"bieu-02-ket-qua-ho-tro-{slug(unit.full_name or unit.name)}-{years}{'-du-thao' if report.draft else ''}.{ext}"
    if ext == "pdf":
        from .report_pdf import programme_results_pdf
        resp = HttpResponse(programme_results_pdf(report), content_type="application/pdf")
    else:
        from .report_xlsx import programme_results_xlsx
        resp = HttpResponse(programme_results_xlsx(report), content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return _no_store(resp)


@login_required
def report_xlsx(request):
    return _file(request, "xlsx")


@login_required
def report_pdf(request):
    return _file(request, "pdf")

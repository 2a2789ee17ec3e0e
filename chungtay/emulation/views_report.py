"""The movement's review report (docs/emulation.md, "Review report"): the page, its .docx and
PDF files, and publishing it.

Thin: the movement through ``Movement.objects.for_user`` (outside the area: 404); the unit from
``?unit=`` (not a number, outside the user's area, not the movement's unit or a unit inside it:
404), by default the movement's unit when the user's area holds it, else the user's own unit
inside it (a commune officer reads their commune's part of the province's movement); the period
from ``?from=&to=`` (four-digit years inside the movement's period; default the whole period up
to this year): a bad year is a Vietnamese message and a 400, never a 500. Reads in ``report.py``;
publishing in ``report_actions.py`` (``scoring_publish`` on the unit: 403 otherwise)."""
from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.i18n import tr
from chungtay.reports.data import slug
from chungtay.units.models import Unit

from .models import STATE_NAMES, Movement
from .report import COLUMN, inside, review_report
from .report_actions import check_publish, publish_report
from .report_text import blocks, version_line

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class ParamError(ValueError):
    def __init__(self, vi: str, en: str):
        self.vi, self.en = vi, en
        super().__init__(vi)


def _movement(request, pk) -> Movement:
    return get_object_or_404(Movement.objects.for_user(request.user).select_related("unit", "parent"), pk=pk)


def _usable(m: Movement, u: Unit) -> bool:
    return (u.system == Unit.SYSTEM_2025 and u.level in COLUMN
            and (m.unit_id is None or inside(m.unit, u)))


def report_unit(request, m: Movement) -> Unit:
    raw = request.GET.get("unit", "")
    if raw:
        if not raw.isascii() or not raw.isdigit() or not 0 < int(raw) < 2 ** 63:
            raise Http404
        u = unit_for_user(request.user, int(raw))
        if not _usable(m, u):
            raise Http404
        return u
    scope = scope_for(request.user)
    if m.unit is not None and scope.covers(m.unit):
        return m.unit
    for u in scope.top_units():
        if _usable(m, u):
            return u
    raise Http404


def _year(raw: str, which_vi: str, which_en: str) -> int:
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) != 4:
        raise ParamError(f"{which_vi} phải là một năm gồm 4 chữ số", f"The {which_en} must be a four-digit year")
    return int(raw)


def report_period(get, m: Movement, today: int | None = None) -> tuple[int, int]:
    today = today or dt.date.today().year
    raw_from, raw_to = get.get("from", "").strip(), get.get("to", "").strip()
    first = _year(raw_from, "Năm đầu kỳ", "first year") if raw_from else m.start_year
    last = _year(raw_to, "Năm cuối kỳ", "last year") if raw_to else max(m.start_year, min(m.end_year, today))
    for y in (first, last):
        if not m.start_year <= y <= m.end_year:
            raise ParamError(f"Năm {y} ngoài thời gian của phong trào ({m.start_year}–{m.end_year})",
                             f"{y} is outside the movement's period ({m.start_year}–{m.end_year})")
    if first > last:
        raise ParamError(f"Năm đầu kỳ ({first}) phải không sau năm cuối kỳ ({last})",
                         f"The first year ({first}) must not be after the last year ({last})")
    return first, last


def _no_store(resp):
    resp["Cache-Control"] = "no-store, private"
    return resp


def _may_publish(user, m, unit) -> bool:
    from django.core.exceptions import PermissionDenied
    try:
        check_publish(user, m, unit)
    except PermissionDenied:
        return False
    return True


@login_required
def report_page(request, pk: int):
    m = _movement(request, pk)
    unit = report_unit(request, m)
    error = r = None
    try:
        first, last = report_period(request.GET, m)
    except ParamError as e:
        error, first, last = e, None, None
    if error is None:
        r = review_report(request.user, m, unit, first, last)
    query = urlencode({"unit": unit.pk, "from": first, "to": last}) if r else ""
    return _no_store(render(request, "emulation/report.html", {
        "m": m, "state_name": STATE_NAMES[m.state], "unit": unit, "r": r, "error": error,
        "blocks": blocks(r) if r else [], "version": version_line(r) if r else "", "query": query,
        "first": first if first is not None else request.GET.get("from", "")[:12],
        "last": last if last is not None else request.GET.get("to", "")[:12],
        "may_publish": bool(r) and r.draft and _may_publish(request.user, m, unit)}, status=400 if error else 200))


def _file(request, pk: int, ext: str):
    m = _movement(request, pk)
    unit = report_unit(request, m)
    try:
        first, last = report_period(request.GET, m)
    except ParamError as e:
        return _no_store(HttpResponse(e.vi, status=400, content_type="text/plain; charset=utf-8"))
    r = review_report(request.user, m, unit, first, last)
    years = str(first) if first == last else f"{first}-{last}"
    name = (f"bao-cao-{'tong-ket' if r.kind == 'final' else 'so-ket'}-{slug(m.decision_no)}-{slug(r.unit_name)}-"
            f"{years}{'-du-thao' if r.draft else f'-ban-{r.version}'}.{ext}")
    if ext == "pdf":
        from .report_pdf import review_report_pdf
        resp = HttpResponse(review_report_pdf(r), content_type="application/pdf")
    else:
        from .report_docx import review_report_docx
        resp = HttpResponse(review_report_docx(r), content_type=DOCX)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return _no_store(resp)


@login_required
def report_docx(request, pk: int):
    return _file(request, pk, "docx")


@login_required
def report_pdf(request, pk: int):
    return _file(request, pk, "pdf")


@login_required
@require_POST
def report_publish(request, pk: int):
    m = _movement(request, pk)
    unit = report_unit(request, m)
    check_publish(request.user, m, unit)                 # 403 before anything else
    try:
        first, last = report_period(request.GET, m)
    except ParamError as e:
        return _no_store(HttpResponse(e.vi, status=400, content_type="text/plain; charset=utf-8"))
    try:
        r = publish_report(request.user, m, unit, first, last)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    else:
        messages.success(request, tr(f"Đã công bố báo cáo, bản số {r.published.version}",
                                     f"Report published, version {r.published.version}"))
    return redirect(reverse("emulation:report", args=[m.pk]) + "?" + urlencode({"unit": unit.pk, "from": first,
                                                                               "to": last}))

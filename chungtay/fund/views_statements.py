"""Statements of published periods (PDF, Excel), the village recipient list and a partner's
donations (issue 11 §5). Reads only; scoped like the rest of the fund (docs/fund.md §9–§11)."""
from __future__ import annotations

import datetime as dt
import os
import time

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from chungtay.i18n import tr

from . import queries, recipients, statements
from .models import PublishedPeriod

QUEUED_MARK_SECONDS = 600


def _pk(v) -> int:
    try:
        n = int(v)
    except (TypeError, ValueError):
        return 0
    return n if 0 < n < 2 ** 63 else 0


def _download(data: bytes, name: str, content_type: str) -> HttpResponse:
    resp = HttpResponse(data, content_type=content_type)
    resp["Content-Disposition"] = f'attachment; filename="{name}"'
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def _ext(ext: str) -> str:
    if ext not in statements.BUILDERS:
        raise Http404("Không có định dạng này")
    return ext


# ------------------------------------------------------------------ public (no login)

def public_statement(request, pk, ext):
    """A published period's statement for anyone. Small: made now. Large: served from the file
    the worker made for the books' current version, or queued for it (202, the page refreshes)."""
    ext = _ext(ext)
    if not _pk(pk):
        raise Http404
    period = PublishedPeriod.objects.select_related("fund__unit").filter(pk=pk).first()
    if period is None:
        raise Http404("Kỳ này chưa được công khai")
    build, ctype = statements.BUILDERS[ext]
    name = statements.filename(period, ext)
    if statements.donation_count(period) <= statements.INLINE_MAX:
        resp = _download(build(period), name, ctype)
        resp["Cache-Control"] = "public, max-age=300"
        return resp
    path = statements.public_file(period, ext)
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        _queue_public(period, path, ext)
        resp = render(request, "fund/statement_wait.html", {"period": period, "fund": period.fund, "ext": ext},
                      status=202)
        resp["Retry-After"] = "5"
        return resp
    resp = FileResponse(fh, as_attachment=True, filename=name, content_type=ctype)
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def _queue_public(period, path, ext) -> None:
    """Queue the build once per version (a mark file stops a queue of double clicks)."""
    mark = path.with_name(path.name + ".queued")
    try:
        if time.time() - mark.stat().st_mtime < QUEUED_MARK_SECONDS:
            return
        mark.unlink(missing_ok=True)
    except FileNotFoundError:
        pass
    try:
        os.close(os.open(mark, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
    except FileExistsError:
        return
    from .tasks import build_public_statement
    build_public_statement.enqueue(period.pk, ext)


# ------------------------------------------------------------------ the fund's own page

@login_required
@require_http_methods(["GET", "POST"])
def statement(request, pk, period, ext):
    """A statement from the fund's page (any reader of the fund). Large: a prepared file made by
    the worker for this user (POST asks for it; the jobs page shows the progress)."""
    ext = _ext(ext)
    if not _pk(pk) or not _pk(period):
        raise Http404
    fund = queries.fund_for_user(request.user, pk)
    p = PublishedPeriod.objects.select_related("fund__unit").filter(pk=period, fund=fund).first()
    if p is None:
        raise Http404("Không tìm thấy kỳ công khai của quỹ này")
    n = statements.donation_count(p)
    if n <= statements.INLINE_MAX:
        build, ctype = statements.BUILDERS[ext]
        return _download(build(p), statements.filename(p, ext), ctype)
    if fund.unit_id is None:            # the national fund: its statement is the public one (nothing in it is not)
        return redirect("fund:public_statement", pk=p.pk, ext=ext)
    if request.method == "POST":
        from chungtay.jobs.files import request_file
        f = request_file(request.user, statements.KINDS[ext].name, fund.unit, {"period": p.pk})
        return redirect("jobs:file", pk=f.pk)
    return render(request, "fund/statement_large.html", {"fund": fund, "period": p, "ext": ext, "count": n})


def _date(raw, default):
    if raw in (None, ""):
        return default
    return dt.date.fromisoformat(raw)


@login_required
def recipient_list(request, pk):
    """The village recipient list: a form (village, period), then PDF or Excel."""
    from chungtay.accounts.access import scope_for
    from chungtay.units.models import Unit
    fund = queries.fund_for_user(request.user, pk) if _pk(pk) else None
    if fund is None:
        raise Http404
    scope = scope_for(request.user)
    villages = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.VILLAGE)
    villages = (villages.filter(parent=fund.unit) if fund.level == fund.COMMUNE
                else villages.filter(parent__parent=fund.unit) if fund.level == fund.PROVINCE
                else villages.none()).select_related("parent")     # the national fund pays no household
    if not scope.everything:
        from django.db.models import Q
        villages = villages.filter(Q(pk__in=scope.village_ids) | Q(parent_id__in=scope.commune_ids)
                                   | Q(parent__parent_id__in=scope.province_ids))
    last = fund.published.first()
    today = dt.date.today()
    try:
        start = _date(request.GET.get("start"), last.start if last else dt.date(today.year, 1, 1))
        end = _date(request.GET.get("end"), last.end if last else today)
    except (ValueError, TypeError):
        return HttpResponseBadRequest(tr("Ngày không hợp lệ (YYYY-MM-DD)", "Invalid date (YYYY-MM-DD)"))
    if end < start or (end - start).days > recipients.MAX_DAYS:
        return HttpResponseBadRequest(tr("Kỳ không hợp lệ: từ ngày ≤ đến ngày, tối đa 10 năm",
                                         "Invalid period: start ≤ end, at most 10 years"))
    fmt_ = request.GET.get("format", "")
    if fmt_ not in ("", "pdf", "xlsx"):
        return HttpResponseBadRequest(tr("Định dạng: pdf hoặc xlsx", "Format: pdf or xlsx"))
    raw_village = request.GET.get("village")
    if raw_village in (None, ""):
        if fmt_:
            return HttpResponseBadRequest(tr("Chọn thôn", "Choose a village"))
        return render(request, "fund/recipients.html", {
            "fund": fund, "villages": sorted(villages[:2000], key=lambda v: (v.parent.sort_name, v.sort_name)),
            "start": start, "end": end})
    village = villages.filter(pk=_pk(raw_village)).first() if _pk(raw_village) else None
    if village is None:
        raise Http404("Thôn không thuộc quỹ hoặc ngoài địa bàn được giao")
    rl = recipients.build(request.user, fund, village, start, end)
    if fmt_ == "xlsx":
        return _download(recipients.xlsx(rl), recipients.filename(rl, "xlsx"), statements.XLSX)
    return _download(recipients.pdf(rl), recipients.filename(rl, "pdf"), "application/pdf")

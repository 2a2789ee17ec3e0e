"""Pages of the tablet survey of a round (docs/field.md): the XLSForm and the household list to
download, and the submissions to import (a file, or the configured ODK Central server).

Reads start from ``reviews.actions.rounds_for`` (another commune's round answers 404); every view
then requires ``round_survey`` on the round's commune (a village head, a province officer or the
chairman is refused with 403). Writes go through field/submissions.py, i.e. the round's survey
action."""
from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from chungtay.accounts.roles import require
from chungtay.core.standards import StandardError
from chungtay.i18n import tr
from chungtay.reviews.actions import rounds_for
from chungtay.reviews.models import ReviewRound
from chungtay.units.labels import village_labels
from chungtay.units.models import Unit

from . import central, xlsform
from .models import FieldSubmission
from . import submissions
from .submissions import Result, import_file

OPEN_STATES = (ReviewRound.SURVEYING, ReviewRound.MEETING)


def _round(request, pk: int) -> ReviewRound:
    rnd = get_object_or_404(rounds_for(request.user), pk=pk)
    require(request.user, "round_survey", rnd.commune)
    return rnd


def villages(rnd) -> list[tuple[str, str]]:
    labels = village_labels(rnd.commune)
    units = Unit.objects.filter(parent=rnd.commune, level=Unit.VILLAGE).only("id", "code", "name")
    from chungtay.core import fmt
    return sorted(((u.code, labels.get(u.id, u.name)) for u in units), key=lambda x: fmt.sort_key(x[1]))


def _page(request, rnd, result: Result | None = None, error: str = "", status: int = 200):
    form = None
    try:
        form = xlsform.build(rnd, villages(rnd))
    except StandardError:
        error = error or tr(f"Không có chuẩn nghèo áp dụng cho năm {rnd.year}",
                            f"No poverty standard applies to {rnd.year}")
    cfg = central.config()
    ctx = {"rnd": rnd, "form": form, "result": result, "error": error, "central": cfg,
           "central_form": (cfg.form or xlsform.form_id(rnd)) if cfg else "",
           "households": rnd.members.count(), "imported": FieldSubmission.objects.filter(round=rnd).count(),
           "open": rnd.state in OPEN_STATES, "list_file": xlsform.LIST_FILE}
    return render(request, "field/round.html", ctx, status=status)


@login_required
def round_page(request, pk: int):
    return _page(request, _round(request, pk))


@login_required
def xlsform_download(request, pk: int):
    rnd = _round(request, pk)
    try:
        form = xlsform.build(rnd, villages(rnd))
    except StandardError:
        messages.error(request, tr(f"Không có chuẩn nghèo áp dụng cho năm {rnd.year}",
                                   f"No poverty standard applies to {rnd.year}"))
        return redirect("field:round", pk=rnd.pk)
    resp = HttpResponse(xlsform.to_xlsx(form),
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    resp["Content-Disposition"] = f'attachment; filename="{form.settings["form_id"]}.xlsx"'
    return resp


@login_required
def households_download(request, pk: int):
    """The household list for the tablets: holds names (personal data, docs/field.md)."""
    rnd = _round(request, pk)
    rows = xlsform.household_rows(rnd, village_labels(rnd.commune))
    resp = HttpResponse(xlsform.household_csv(rows), content_type="text/csv; charset=utf-8")
    resp["Content-Disposition"] = f'attachment; filename="{xlsform.LIST_FILE}"'
    resp["Cache-Control"] = "no-store"
    return resp


@login_required
@require_POST
def import_upload(request, pk: int):
    rnd = _round(request, pk)
    upload = request.FILES.get("file")
    if upload is None:
        return _page(request, rnd, error=tr("Hãy chọn tệp kết quả (.csv hoặc .xlsx) tải từ ODK Central hoặc KoboToolbox",
                                            "Choose the results file (.csv or .xlsx) downloaded from ODK Central or "
                                            "KoboToolbox"), status=400)
    name = Path(upload.name or "tep").name[:200] or "tep"
    with tempfile.TemporaryDirectory(prefix="chungtay-field-") as tmp:
        path = Path(tmp) / ("upload" + Path(name).suffix.lower()[:8])
        with open(path, "wb") as f:
            for chunk in upload.chunks():
                f.write(chunk)
        result = import_file(request.user, rnd, path, name, max_rows=submissions.WEB_MAX_SUBMISSIONS)
    return _page(request, rnd, result, status=200 if result.ok else 400)


@login_required
@require_POST
def central_sync(request, pk: int):
    rnd = _round(request, pk)
    try:
        result = central.sync(request.user, rnd)
    except central.CentralError as e:
        return _page(request, rnd, error=e.en if request.lang == "en" else e.vi, status=400)
    return _page(request, rnd, result, status=200 if result.ok else 400)

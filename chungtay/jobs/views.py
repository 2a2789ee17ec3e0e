"""Pages of the prepared files (ask, follow, download) and the demo load's status page.

A prepared file is its requester's alone: every view starts from ``PreparedFile.objects.filter(
user=request.user)``, so another user's file answers 404; the download also checks that the unit
is still in the user's area."""
from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from chungtay.accounts.access import unit_for_user

from . import demo, files
from .models import DemoLoad, PreparedFile


def _mine(request):
    return PreparedFile.objects.filter(user=request.user).select_related("unit")


def _kind_title(f: PreparedFile, lang: str) -> str:
    kind = files.KINDS.get(f.kind)
    if kind is None:
        return f.kind
    return kind.title[1] if lang == "en" else kind.title[0]


@login_required
def file_list(request):
    rows = list(_mine(request)[:30])
    for f in rows:
        f.title = _kind_title(f, request.lang)
        f.label = f.status_label(request.lang)
    return render(request, "jobs/files.html", {"files": rows, "retention_hours": int(files.RETENTION.total_seconds() // 3600)})


@login_required
@require_POST
def file_new(request):
    try:
        unit_id = int(request.POST.get("unit", ""))
        year = int(request.POST.get("year", ""))
    except ValueError:
        raise Http404("Thiếu đơn vị hoặc năm") from None
    if not 1990 <= year <= 2100:
        raise Http404("Năm không hợp lệ")
    unit = unit_for_user(request.user, unit_id)
    f = files.request_file(request.user, request.POST.get("kind", ""), unit, {"year": year})
    return redirect("jobs:file", pk=f.pk)


@login_required
def file_page(request, pk: int):
    f = get_object_or_404(_mine(request), pk=pk)
    return render(request, "jobs/file.html", {
        "f": f, **files.describe(f, request.lang), "title": _kind_title(f, request.lang),
        "status_label": f.status_label(request.lang), "status_url": reverse("jobs:file_json", args=[f.pk]),
        "retention_hours": int(files.RETENTION.total_seconds() // 3600),
    })


@login_required
def file_json(request, pk: int):
    f = get_object_or_404(_mine(request), pk=pk)
    ctx = files.describe(f, request.lang)
    return JsonResponse({"id": f.pk, "status": f.status, "status_label": f.status_label(request.lang),
                         "finished": f.finished, "attempt": f.attempt, **ctx,
                         "download": reverse("jobs:file_download", args=[f.pk]) if f.status == f.DONE else None})


@login_required
def file_download(request, pk: int):
    f = get_object_or_404(_mine(request), pk=pk)
    unit_for_user(request.user, f.unit_id)              # still in the user's area
    if f.status != PreparedFile.DONE:
        raise Http404("Tệp chưa sẵn sàng hoặc đã bị xóa")
    path = files.final_path(f)
    try:
        fh = open(path, "rb")
    except FileNotFoundError:
        raise Http404("Tệp đã bị xóa") from None
    files.record_download(request.user, f)
    resp = FileResponse(fh, as_attachment=True, filename=f.filename, content_type=files.KINDS[f.kind].content_type)
    resp["Cache-Control"] = "no-store, private"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


def demo_status(request):
    """"Đang nạp dữ liệu mẫu": the demo's data load (no login: there are no accounts yet)."""
    job = demo.latest()
    ctx = demo.describe(job, request.lang) if job else {"progress": 100, "message": "", "note": "", "waiting": False}
    busy = job is not None and job.status != DemoLoad.DONE
    resp = render(request, "jobs/demo.html", {"job": job, "busy": busy, **ctx}, status=503 if busy else 200)
    if busy:
        resp["Retry-After"] = "3"
        resp._has_been_logged = True       # an expected 503: not a server error for the log
    resp["Cache-Control"] = "no-store"
    return resp

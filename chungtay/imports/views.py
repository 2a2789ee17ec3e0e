"""Upload page, job page (progress, then counts or the error table), JSON progress, downloads."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse

from chungtay.accounts.access import scope_for, unit_for_user
from chungtay.accounts.roles import require
from chungtay.core.standards import StandardError, standard_for_year
from chungtay.units.models import Unit

from . import actions, spec, workbook
from .models import ImportJob

ALLOWED = (".xlsx", ".xlsm", ".xls", ".ods", ".csv")
MAX_FILES = 3
MAX_BYTES = 200 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
KIND_NAMES = {spec.HOUSEHOLDS: ("Hộ gia đình", "Households"), spec.MEMBERS: ("Nhân khẩu", "Members"),
              spec.REVIEWS: ("Kết quả rà soát", "Review results")}


def _jobs(user):
    return ImportJob.objects.filter(user=user)


@login_required
def upload(request):
    require(request.user, "import_households")
    communes = list(actions.communes_for(request.user).select_related("parent")[:4000])
    errors = []
    if request.method == "POST":
        files = request.FILES.getlist("files")
        cid = request.POST.get("commune") or (str(communes[0].pk) if len(communes) == 1 else "")
        try:
            commune = unit_for_user(request.user, int(cid))
        except (TypeError, ValueError):
            commune = None
        if commune is not None:
            if commune.level != Unit.COMMUNE or commune.system != Unit.SYSTEM_2025:
                raise Http404("Không tìm thấy xã")
            actions.check_commune(request.user, commune)     # PermissionDenied -> 403
        if commune is None:
            errors.append(("Hãy chọn xã cần nhập", "Choose the commune"))
        if not files:
            errors.append(("Hãy chọn tệp .xlsx hoặc .csv", "Choose an .xlsx or .csv file"))
        if len(files) > MAX_FILES:
            errors.append((f"Tối đa {MAX_FILES} tệp một lần", f"At most {MAX_FILES} files at once"))
        for f in files:
            if Path(f.name).suffix.lower() not in ALLOWED:
                errors.append((f"Tệp '{f.name}': chỉ nhận .xlsx hoặc .csv", f"'{f.name}': .xlsx or .csv only"))
            elif f.size > MAX_BYTES:
                errors.append((f"Tệp '{f.name}' quá lớn (tối đa 200 MB)", f"'{f.name}' is too large"))
        if not errors:
            job = actions.create_job(request.user, commune, files, dry_run=request.POST.get("dry_run") == "1")
            return redirect("imports:job", pk=job.pk)
    elif not communes:
        raise PermissionDenied("Tài khoản không được giao xã nào để nhập dữ liệu")
    return render(request, "imports/upload.html", {
        "communes": communes, "errors": errors, "jobs": list(_jobs(request.user).select_related("commune")[:10]),
        "year": date.today().year, "single": communes[0] if len(communes) == 1 else None,
    })


def _job_context(request, job: ImportJob) -> dict:
    """Progress, message, interruption note and "no worker is running" — from the job's row (and,
    while it writes, its progress file): the worker is another process (docs/jobs.md)."""
    return actions.describe(job, request.lang)


@login_required
def job_page(request, pk: int):
    job = get_object_or_404(_jobs(request.user).select_related("commune__parent"), pk=pk)
    ctx = _job_context(request, job)
    counts = [(KIND_NAMES[k], job.counts[k]) for k in spec.KINDS if k in job.counts]
    shown = job.errors[:500]
    return render(request, "imports/job.html", {
        "job": job, **ctx, "status_label": job.status_label(request.lang), "counts": counts, "errors": shown, "more_errors": job.error_total - len(shown),
        "nothing_changed": job.status == ImportJob.DONE and not job.dry_run and job.counts and all(
            c["created"] == 0 and c["updated"] == 0 for c in job.counts.values()),
        "status_url": reverse("imports:job_json", args=[job.pk]),
    })


@login_required
def job_json(request, pk: int):
    job = get_object_or_404(_jobs(request.user), pk=pk)
    ctx = _job_context(request, job)
    return JsonResponse({
        "id": job.pk, "status": job.status, "status_label": job.status_label(request.lang),
        "progress": ctx["progress"], "message": ctx["message"], "finished": job.finished,
        "note": ctx["note"], "waiting": ctx["waiting"], "attempt": job.attempt,
        "counts": job.counts, "error_total": job.error_total,
    })


@login_required
def job_errors(request, pk: int):
    job = get_object_or_404(_jobs(request.user), pk=pk)
    data = workbook.error_report(job.errors, job.error_total,
                                 f"Lỗi nhập dữ liệu – {job.file_names} – lần nhập #{job.pk}")
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="chungtay-loi-nhap-{job.pk}.xlsx"'
    return resp


@login_required
def template_xlsx(request):
    try:
        year = int(request.GET.get("nam") or date.today().year)
        standard = standard_for_year(year)
    except (ValueError, StandardError):
        raise Http404("Không có chuẩn nghèo cho năm này") from None
    villages, name = None, ""
    commune = None
    if request.GET.get("xa"):
        try:
            commune = unit_for_user(request.user, int(request.GET["xa"]))
        except ValueError:
            raise Http404 from None
    else:
        scope = scope_for(request.user)
        if not scope.everything and len(scope.commune_ids) == 1 and not scope.province_ids:
            commune = Unit.objects.get(pk=next(iter(scope.commune_ids)))
    if commune is not None and commune.level == Unit.COMMUNE:
        from .engine import Villages
        villages = Villages.of(commune).labels()
        name = commune.full_name
    data = workbook.template(standard, villages, name)
    resp = HttpResponse(data, content_type=XLSX)
    resp["Content-Disposition"] = f'attachment; filename="chungtay-mau-nhap-{standard.code}.xlsx"'
    return resp

"""Import jobs: upload files into a commune (imports.actions.create_job — the role, the area and
the queue, as the upload page), follow the status, read the per-row errors. A user sees their
own jobs only, as on the web."""

from datetime import datetime
from pathlib import Path
from typing import Any, Optional

from django.shortcuts import get_object_or_404
from ninja import File, Form, Router, Schema, Status, UploadedFile

from chungtay.accounts.access import unit_for_user
from chungtay.imports import actions
from chungtay.imports.models import ImportJob
from chungtay.imports.views import ALLOWED, MAX_BYTES, MAX_FILES
from chungtay.units.models import Unit

from .base import Page, page, write
from .common import CURSOR, LIMIT, READ_ERRORS, WRITE_ERRORS
from .errors import ApiError

router = Router(tags=["imports"])


class JobOut(Schema):
    id: int
    commune_id: int
    files: list[str]
    dry_run: bool
    status: str
    status_vi: str
    status_en: str
    finished: bool
    progress: int
    message: str
    counts: dict[str, Any]
    error_total: int
    attempt: int
    created_at: datetime
    started_at: Optional[datetime]
    finished_at: Optional[datetime]


class JobPage(Page):
    items: list[JobOut]


class ImportErrorOut(Schema):
    sheet: str
    row: Optional[int]
    column: str
    value: str = ""
    reason: str


class ImportErrorPage(Schema):
    items: list[ImportErrorOut]
    next_cursor: Optional[str]
    limit: int
    total: int


def _job(job: ImportJob, lang: str = "vi") -> dict:
    live = actions.describe(job, lang)
    return {"id": job.id, "commune_id": job.commune_id, "files": [f["name"] for f in job.files],
            "dry_run": job.dry_run, "status": job.status, "status_vi": job.get_status_display(),
            "status_en": job.status_en, "finished": job.finished, "progress": live["progress"],
            "message": live["message"], "counts": job.counts, "error_total": job.error_total,
            "attempt": job.attempt, "created_at": job.created_at, "started_at": job.started_at,
            "finished_at": job.finished_at}


def _jobs(user):
    return ImportJob.objects.filter(user=user)


@router.get("/imports", response={200: JobPage, 304: None, **READ_ERRORS}, url_name="imports")
def list_imports(request, cursor: Optional[str] = CURSOR, limit: int = LIMIT):
    """Your import jobs, by id."""
    rows, nxt = page(_jobs(request.auth), cursor, limit)
    return {"items": [_job(j) for j in rows], "next_cursor": nxt, "limit": limit}


@router.get("/imports/{int:job_id}", response={200: JobOut, 304: None, **READ_ERRORS}, url_name="import")
def get_import(request, job_id: int):
    """Status and progress of a job; when done, the counts created / updated / unchanged."""
    return _job(get_object_or_404(_jobs(request.auth), pk=job_id))


@router.get("/imports/{int:job_id}/errors", response={200: ImportErrorPage, 304: None, **READ_ERRORS},
            url_name="import_errors")
def list_import_errors(request, job_id: int, cursor: Optional[str] = CURSOR, limit: int = LIMIT):
    """The per-row errors of a refused file (sheet, row numbered as in the spreadsheet, column,
    value — citizen ID numbers masked — and the reason in Vietnamese)."""
    from .base import _decode, _encode
    job = get_object_or_404(_jobs(request.auth), pk=job_id)
    start = _decode(cursor, 1)[0] if cursor else 0
    start = max(0, start)
    chunk = job.errors[start:start + limit]
    items = [{"sheet": str(e[0]), "row": e[1] if isinstance(e[1], int) else None, "column": str(e[2]),
              "value": "" if e[3] is None else str(e[3]), "reason": str(e[4])} for e in chunk]
    nxt = _encode([start + limit]) if start + limit < len(job.errors) else None
    return {"items": items, "next_cursor": nxt, "limit": limit, "total": job.error_total}


@router.post("/imports", response={202: JobOut, **WRITE_ERRORS}, url_name="import_create")
@write
def create_import(request, commune: int = Form(..., ge=1, le=2 ** 62), dry_run: bool = Form(False),
                  files: list[UploadedFile] = File(...)):
    """Upload 1–3 files (.xlsx or .csv, template of the import page) into a commune: the job is
    queued (202) and runs in the worker, all or nothing; follow it at /imports/{id}."""
    user = request.auth
    unit = unit_for_user(user, commune)
    if unit.level != Unit.COMMUNE or unit.system != Unit.SYSTEM_2025:
        raise ApiError(400, "invalid", "Chỉ nhập được vào một xã/phường", "Import into a commune only",
                       [("commune", "Phải là một xã/phường (2025)", "Must be a 2025 commune")])
    actions.check_commune(user, unit)          # role and area: 403
    problems = []
    if not files:
        problems.append(("files", "Hãy chọn tệp .xlsx hoặc .csv", "Choose an .xlsx or .csv file"))
    if len(files) > MAX_FILES:
        problems.append(("files", f"Tối đa {MAX_FILES} tệp một lần", f"At most {MAX_FILES} files at once"))
    for f in files:
        if Path(f.name or "").suffix.lower() not in ALLOWED:
            problems.append(("files", f"Tệp '{f.name}': chỉ nhận .xlsx hoặc .csv", f"'{f.name}': .xlsx or .csv only"))
        elif f.size > MAX_BYTES:
            problems.append(("files", f"Tệp '{f.name}' quá lớn (tối đa 200 MB)", f"'{f.name}' is too large"))
    if problems:
        raise ApiError(400, "invalid", problems[0][1], problems[0][2], problems)
    job = actions.create_job(user, unit, files, dry_run=dry_run)
    return Status(202, _job(job))

"""Import households, members and review answers into one commune: all or nothing.

:func:`run_import` is the one entry point (the web job and the CLI both call it): it checks
the acting user's area, reads and validates every row, and then either writes everything in
ONE transaction (plus one audit event without personal data) or writes nothing and returns
the per-row error report. Re-importing the same file changes nothing.

Web imports run in a background thread (:func:`start_job`): one worker per web process, so
imports queue behind each other and never hold a request thread; the page polls
``/import/jobs/<id>.json`` for the progress kept in memory by :data:`LIVE`.
"""
from __future__ import annotations

import logging
import shutil
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import close_old_connections, connections, transaction
from django.utils import timezone

from chungtay.accounts.access import scope_for
from chungtay.accounts.models import AuditEvent
from chungtay.accounts.roles import assigned_units, require
from chungtay.core import fmt
from chungtay.units.models import Unit

from . import engine, reader, spec
from .models import ImportJob
from .reader import Problem

log = logging.getLogger(__name__)
SHEET_ORDER = {"Ho": 0, "NhanKhau": 1, "RaSoat": 2}
INTERRUPTED_AFTER_MIN = 15


@dataclass
class Outcome:
    ok: bool
    dry_run: bool
    counts: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    problem_total: int = 0
    rows_read: dict = field(default_factory=dict)
    ignored_columns: dict = field(default_factory=dict)
    seconds: dict = field(default_factory=dict)
    audit_id: int | None = None

    @property
    def changed(self) -> int:
        return sum(c["created"] + c["updated"] for c in self.counts.values())


class _Rollback(Exception):
    pass


def check_commune(actor, commune: Unit) -> None:
    require(actor, "import_households", commune)
    if commune.system != Unit.SYSTEM_2025 or commune.level != Unit.COMMUNE:
        raise PermissionDenied("Chỉ nhập được vào một xã/phường")
    if not scope_for(actor).covers(commune):
        raise PermissionDenied("Xã này nằm ngoài địa bàn được giao")


def communes_for(user):
    """The communes a user may import into (for the choice on the upload page): the role
    matrix (accounts/roles.py) gives import to the commune poverty officer of the commune."""
    qs = Unit.objects.filter(system=Unit.SYSTEM_2025, level=Unit.COMMUNE)
    ids = assigned_units(user, "import_households")
    if ids is None:
        return qs.order_by("parent__name", "name")
    from django.db.models import Q
    return qs.filter(Q(id__in=ids) | Q(parent_id__in=ids)).order_by("parent__name", "name")


def run_import(actor, commune: Unit, files: list[tuple[str | Path, str]], *, dry_run: bool = False,
               progress=None, on_stage=None, source: str = "cli") -> Outcome:
    """Validate ``files`` ([(path, name shown to the user)]) and, unless ``dry_run``, apply them.

    ``progress(percent, message)`` is called as the work advances; ``on_stage(stage)`` with
    "validating" / "applying" just before each phase (outside any transaction).
    """
    check_commune(actor, commune)
    try:
        return _run(actor, commune, files, dry_run, progress, on_stage, source)
    finally:
        engine.clear_caches()       # a long-running web process keeps nothing of the file


def _run(actor, commune, files, dry_run, progress, on_stage, source) -> Outcome:
    progress = progress or (lambda p, m="": None)
    on_stage = on_stage or (lambda s: None)
    secs: dict[str, float] = {}
    t0 = time.perf_counter()
    on_stage(ImportJob.VALIDATING)
    progress(1, "Đang đọc tệp")
    problems = engine.Problems()
    try:
        tables, read_problems = reader.read_files(files, lambda f, msg: progress(1 + 19 * f, msg))
    except reader.ReadError as e:
        tables, read_problems = {}, e.problems
    problems.extend(read_problems)
    secs["read"] = time.perf_counter() - t0
    progress(20, "Đã đọc tệp")
    names = [name for _, name in files]
    if not tables:
        return _outcome(False, dry_run, None, problems, {}, {}, secs)

    t1 = time.perf_counter()
    villages = engine.Villages.of(commune)
    province_code = commune.parent.code if commune.parent_id else None
    checked = engine.check_file(tables, villages, province_code, problems, progress)
    secs["check"] = time.perf_counter() - t1
    actor_id = actor.pk if getattr(actor, "pk", None) else None
    label = f"Nhập từ tệp {', '.join(names)}"[:300]

    if problems or dry_run:
        # nothing will be written: compare with the database read-only, to report everything at once
        t2 = time.perf_counter()
        changes = engine.match(checked, commune, villages, actor_id, problems, progress, label)
        secs["match"] = time.perf_counter() - t2
        secs["total"] = time.perf_counter() - t0
        return _outcome(not problems, dry_run, changes, problems, checked.rows_read, checked.ignored_columns, secs)

    on_stage(ImportJob.APPLYING)
    t2 = time.perf_counter()
    try:
        with transaction.atomic():
            # Take the write lock first: on SQLite the audit row's INSERT makes this the only
            # writer until commit (readers go on, WAL), so what match() reads cannot change
            # under it; on PostgreSQL a row lock on the commune serialises imports into it.
            list(Unit.objects.select_for_update(no_key=True).filter(pk=commune.pk).values_list("id"))
            event = AuditEvent.objects.create(
                actor=actor if actor_id else None, action="import.apply", object_type="import",
                object_id=source[:40], unit=commune, changes={"files": names, "dry_run": False})
            changes = engine.match(checked, commune, villages, actor_id, problems, progress, label)
            secs["match"] = time.perf_counter() - t2
            if problems:
                raise _Rollback
            t3 = time.perf_counter()
            engine.write(changes, commune, progress)
            event.changes = {"files": names, "counts": changes.counts,
                             "rows": checked.rows_read}
            event.save(update_fields=["changes"])
            secs["write"] = time.perf_counter() - t3
            t4 = time.perf_counter()
        # (PostgreSQL checks the deferred foreign keys of every new row here)
        secs["commit"] = time.perf_counter() - t4
    except _Rollback:
        secs["total"] = time.perf_counter() - t0
        return _outcome(False, False, changes, problems, checked.rows_read, checked.ignored_columns, secs)
    secs["total"] = time.perf_counter() - t0
    progress(100, "Hoàn tất")
    out = _outcome(True, False, changes, problems, checked.rows_read, checked.ignored_columns, secs)
    out.audit_id = event.pk
    return out


def _outcome(ok, dry_run, changes, problems: engine.Problems, rows_read, ignored, secs) -> Outcome:
    return Outcome(ok=ok, dry_run=dry_run, counts=changes.counts if changes else {},
                   problems=problems.sorted(SHEET_ORDER), problem_total=problems.total, rows_read=rows_read,
                   ignored_columns=ignored, seconds={k: round(v, 3) for k, v in secs.items()})


# ---------------------------------------------------------------------------------------
# Background jobs (web)
# ---------------------------------------------------------------------------------------

EXECUTOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="chungtay-import")
LIVE: dict[int, tuple[int, str]] = {}          # job id -> (progress, message), this process
FUTURES: dict[int, Future] = {}
_lock = threading.Lock()


def upload_dir() -> Path:
    d = Path(settings.DATA_DIR) / "imports"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    return d


def create_job(user, commune: Unit, uploads, dry_run: bool = False) -> ImportJob:
    """Store the uploaded files (Django UploadedFile objects) and record a queued job."""
    import uuid
    check_commune(user, commune)
    folder = upload_dir() / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    files = []
    for i, up in enumerate(uploads):
        name = Path(up.name).name[:120] or f"file{i}"
        ext = Path(name).suffix.lower()
        target = folder / f"{i}{ext}"
        with open(target, "wb") as fh:
            for chunk in up.chunks():
                fh.write(chunk)
        files.append({"name": name, "path": str(target.relative_to(settings.DATA_DIR)), "size": up.size})
    return ImportJob.objects.create(user=user, commune=commune, files=files, dry_run=dry_run)


def start_job(job: ImportJob) -> Future:
    """Run the job in the background worker thread of this process."""
    with _lock:
        LIVE[job.pk] = (0, "Đang chờ")
        fut = EXECUTOR.submit(_run_in_thread, job.pk)
        FUTURES[job.pk] = fut
    return fut


def _run_in_thread(job_id: int) -> None:
    close_old_connections()
    try:
        run_job(job_id)
    finally:
        connections.close_all()        # this thread's connections only
        with _lock:
            LIVE.pop(job_id, None)


def run_job(job_id: int) -> ImportJob:
    """Run one job to its end (synchronously); the result is stored on the job."""
    job = ImportJob.objects.select_related("user", "commune__parent").get(pk=job_id)
    def progress(p, msg=""):
        # in memory only: during the write transaction another connection could not write the
        # job row on SQLite (one writer at a time); the JSON endpoint reads LIVE
        LIVE[job_id] = (int(p), msg)

    def on_stage(stage):
        job.status, job.message = stage, dict(ImportJob.STATUSES)[stage]
        job.progress = LIVE.get(job_id, (job.progress,))[0]
        if job.started_at is None:
            job.started_at = timezone.now()
        job.save(update_fields=["status", "message", "progress", "started_at"])
        LIVE[job_id] = (job.progress, job.message)

    paths = [(Path(settings.DATA_DIR) / f["path"], f["name"]) for f in job.files]
    try:
        out = run_import(job.user, job.commune, paths, dry_run=job.dry_run, progress=progress,
                         on_stage=on_stage, source=f"job:{job.pk}")
    except PermissionDenied as e:
        out = Outcome(ok=False, dry_run=job.dry_run,
                      problems=[Problem("", 0, "", "", str(e) or "Không có quyền nhập vào xã này")],
                      problem_total=1)
    except Exception as e:  # noqa: BLE001 - the job must end, and say so
        log.exception("import job %s failed", job_id)
        out = Outcome(ok=False, dry_run=job.dry_run,
                      problems=[Problem("", 0, "", "", f"Lỗi hệ thống, chưa ghi gì: {type(e).__name__}")],
                      problem_total=1)
    finally:
        _remove_files(paths)
    job.status = ImportJob.DONE if out.ok else ImportJob.FAILED
    job.progress = 100
    job.message = _summary_message(out)
    job.counts = out.counts
    job.errors = [p.as_list() for p in out.problems]
    job.error_total = out.problem_total
    job.stats = {"rows": out.rows_read, "ignored_columns": out.ignored_columns, "seconds": out.seconds,
                 "audit_id": out.audit_id}
    job.finished_at = timezone.now()
    job.save()
    return job


def _remove_files(paths) -> None:
    folders = {Path(p).parent for p, _ in paths}
    for p, _ in paths:
        Path(p).unlink(missing_ok=True)
    for d in folders:
        if d.parent == upload_dir():
            shutil.rmtree(d, ignore_errors=True)


def _summary_message(out: Outcome) -> str:
    if not out.ok:
        return f"Không nhập được: {fmt.number(out.problem_total)} lỗi, chưa ghi gì"
    if out.dry_run:
        return "Kiểm tra xong, tệp hợp lệ (chưa ghi gì)"
    if out.changed == 0:
        return "Không có gì thay đổi: dữ liệu trong tệp đã có đủ"
    return "Đã nhập xong"


def live_progress(job: ImportJob) -> tuple[int, str, bool]:
    """(progress, message, interrupted) — from memory while the job runs in this process."""
    if job.finished:
        return job.progress, job.message, False
    if job.pk in LIVE:
        p, m = LIVE[job.pk]
        return p, m, False
    fut = FUTURES.get(job.pk)
    if fut is not None and not fut.done():
        return job.progress, job.message, False
    # running according to the database, yet no worker of this process has it for a long
    # while: the server was restarted during the import (which then wrote nothing)
    stale = timezone.now() - job.created_at > timedelta(minutes=INTERRUPTED_AFTER_MIN)
    return job.progress, job.message, stale


def mark_interrupted(job: ImportJob) -> None:
    job.status = ImportJob.FAILED
    job.message = "Bị gián đoạn (máy chủ khởi động lại), chưa ghi gì: hãy nhập lại"
    job.errors = [["", 0, "", "", job.message]]
    job.error_total = 1
    job.finished_at = timezone.now()
    job.save()
    for f in job.files:
        (Path(settings.DATA_DIR) / f["path"]).unlink(missing_ok=True)


__all__ = ["Outcome", "run_import", "create_job", "start_job", "run_job", "communes_for", "check_commune",
           "spec"]

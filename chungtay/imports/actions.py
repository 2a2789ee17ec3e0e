"""Import households, members and review answers into one commune: all or nothing.

:func:`run_import` is the one entry point (the web job and the CLI both call it): it checks
the acting user's area, reads and validates every row, and then either writes everything in
ONE transaction (plus one audit event without personal data) or writes nothing and returns
the per-row error report. Re-importing the same file changes nothing.

Web imports are background jobs (:func:`create_job` enqueues a django-tasks task that
``chungtay worker`` runs: docs/jobs.md); the page polls ``/import/jobs/<id>.json`` for the
progress stored on the job's row.
"""
from __future__ import annotations

import logging
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from chungtay.accounts.access import scope_for
from chungtay.accounts.models import AuditEvent
from chungtay.accounts.roles import assigned_units, require
from chungtay.bulk import collector_paused
from chungtay.core import fmt
from chungtay.jobs.hooks import pause_point
from chungtay.units.models import Unit

from . import engine, reader, spec
from .models import ImportJob
from .reader import Problem

log = logging.getLogger(__name__)
SHEET_ORDER = {"Ho": 0, "NhanKhau": 1, "RaSoat": 2}


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
        return qs.order_by("parent__sort_name", "sort_name")
    from django.db.models import Q
    return qs.filter(Q(id__in=ids) | Q(parent_id__in=ids)).order_by("parent__sort_name", "sort_name")


def run_import(actor, commune: Unit, files: list[tuple[str | Path, str]], *, dry_run: bool = False,
               progress=None, on_stage=None, source: str = "cli") -> Outcome:
    """Validate ``files`` ([(path, name shown to the user)]) and, unless ``dry_run``, apply them.

    ``progress(percent, message)`` is called as the work advances; ``on_stage(stage)`` with
    "validating" / "applying" just before each phase (outside any transaction).
    """
    check_commune(actor, commune)
    try:
        with collector_paused():
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
            pause_point("applying")      # tests only (CHUNGTAY_JOB_PAUSE_AT): killed here, nothing commits
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
# Background jobs (web): run by `chungtay worker` (chungtay/imports/tasks.py, docs/jobs.md)
# ---------------------------------------------------------------------------------------

def upload_dir() -> Path:
    """DATA_DIR/imports, readable by the app's user only (the files hold ID numbers in clear)."""
    d = Path(settings.DATA_DIR) / "imports"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    if d.stat().st_mode & 0o077:
        d.chmod(0o700)
    return d


def create_job(user, commune: Unit, uploads, dry_run: bool = False, start: bool = True) -> ImportJob:
    """Store the uploaded files (Django UploadedFile objects; folder 0700, files 0600) and record a
    queued job; ``start``: enqueue its task in the same transaction."""
    import uuid
    check_commune(user, commune)
    folder = upload_dir() / uuid.uuid4().hex
    folder.mkdir(mode=0o700)
    files = []
    for i, up in enumerate(uploads):
        name = Path(up.name).name[:120] or f"file{i}"
        ext = Path(name).suffix.lower()
        target = folder / f"{i}{ext}"
        with os.fdopen(os.open(target, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600), "wb") as fh:
            for chunk in up.chunks():
                fh.write(chunk)
        files.append({"name": name, "path": str(target.relative_to(settings.DATA_DIR)), "size": up.size})
    with transaction.atomic():      # the files are written first: no write lock held while copying
        job = ImportJob.objects.create(user=user, commune=commune, files=files, dry_run=dry_run)
        if start:
            start_job(job)
    return job


def start_job(job: ImportJob) -> None:
    """Enqueue the job's task (a row of django-tasks' queue table, in the caller's transaction)."""
    from .tasks import run_import_job
    result = run_import_job.enqueue(job.pk)
    job.task_id = str(result.id)
    job.save(update_fields=["task_id"])


def _row_writer(job_id: int):
    def write(p, msg):
        ImportJob.objects.filter(pk=job_id, status__in=ImportJob.RUNNING).update(progress=p, message=msg)
    return write


def run_job(job_id: int, attempt: int = 1) -> ImportJob:
    """Run one job to its end (synchronously); the result is stored on the job.

    The job is claimed first (queued → validating, one UPDATE): a job already running or finished
    is left alone, so a job never runs twice at the same time.
    """
    from chungtay.jobs.progress import Progress
    now = timezone.now()
    claimed = ImportJob.objects.filter(pk=job_id, status=ImportJob.QUEUED).update(
        status=ImportJob.VALIDATING, attempt=attempt, progress=0, message=dict(ImportJob.STATUSES)[ImportJob.VALIDATING],
        started_at=Coalesce("started_at", Value(now)))
    job = ImportJob.objects.select_related("user", "commune__parent").get(pk=job_id)
    if not claimed:
        return job
    progress = Progress(_row_writer(job_id), f"import-{job_id}")
    progress.clear()                 # a killed earlier try may have left its progress file

    def on_stage(stage):
        ImportJob.objects.filter(pk=job_id).update(status=stage, message=dict(ImportJob.STATUSES)[stage],
                                                   progress=progress.latest[0])
        job.status = stage
        if stage == ImportJob.VALIDATING:
            pause_point("validating")    # tests only (CHUNGTAY_JOB_PAUSE_AT): killed while validating
        if stage == ImportJob.APPLYING:
            progress.side(True)      # inside the write transaction: progress to the side file

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
        progress.side(False)
    job.status = ImportJob.DONE if out.ok else ImportJob.FAILED
    job.progress = 100
    job.message = _summary_message(out)
    job.counts = out.counts
    job.errors = [p.as_list() for p in out.problems]
    job.error_total = out.problem_total
    job.stats = {"rows": out.rows_read, "ignored_columns": out.ignored_columns, "seconds": out.seconds,
                 "audit_id": out.audit_id}
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "message", "counts", "errors", "error_total", "stats",
                            "finished_at"])
    _remove_files(paths)     # after the result is saved: killed in between, housekeeping deletes them
    return job


def _remove_files(paths) -> None:
    folders = {Path(p).parent for p, _ in paths}
    for p, _ in paths:
        Path(p).unlink(missing_ok=True)
    for d in folders:
        if d.parent == upload_dir():
            shutil.rmtree(d, ignore_errors=True)


def remove_job_files(job: ImportJob) -> None:
    _remove_files([(Path(settings.DATA_DIR) / f["path"], f["name"]) for f in job.files])


def _summary_message(out: Outcome) -> str:
    if not out.ok:
        return f"Không nhập được: {fmt.number(out.problem_total)} lỗi, chưa ghi gì"
    if out.dry_run:
        return "Kiểm tra xong, tệp hợp lệ (chưa ghi gì)"
    if out.changed == 0:
        return "Không có gì thay đổi: dữ liệu trong tệp đã có đủ"
    return "Đã nhập xong"


# --- interrupted jobs (the worker died): chungtay.jobs.recovery calls imports.tasks.interrupted ---

def retry_message(interruptions: int, attempt: int, lang: str = "vi") -> str:
    from chungtay.jobs.recovery import MAX_ATTEMPTS
    if lang == "en":
        return f"Interrupted (the server restarted) – retrying (attempt {attempt}/{MAX_ATTEMPTS})"
    return f"Bị gián đoạn (máy chủ khởi động lại) – đang thử lại (lần {attempt}/{MAX_ATTEMPTS})"


def gave_up_message(interruptions: int, lang: str = "vi") -> str:
    if lang == "en":
        return f"Not completed: interrupted {interruptions} times, nothing was written — import the file again"
    return f"Không hoàn thành: bị gián đoạn {interruptions} lần, chưa ghi gì — hãy nhập lại"


SYSTEM_ERROR = "Lỗi hệ thống, chưa ghi gì: hãy nhập lại"


def give_up(job: ImportJob, system_error: bool = False) -> None:
    """End a job that will not be retried: failed, nothing written, its files deleted."""
    job.status, job.progress = ImportJob.FAILED, 100
    job.message = SYSTEM_ERROR if system_error else gave_up_message(job.interruptions)
    job.errors, job.error_total = [["", 0, "", "", job.message]], 1
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "progress", "message", "errors", "error_total", "finished_at",
                            "interruptions"])
    remove_job_files(job)


def finish_if_committed(job: ImportJob) -> bool:
    """A worker killed after the import's commit but before it recorded the result: the audit
    event (written in the same transaction) proves the commit; record the job as done."""
    event = AuditEvent.objects.filter(action="import.apply", object_type="import", object_id=f"job:{job.pk}").first()
    if event is None:
        return False
    job.status, job.progress, job.message = ImportJob.DONE, 100, "Đã nhập xong"
    job.counts = event.changes.get("counts", {})
    job.stats = {"rows": event.changes.get("rows", {}), "audit_id": event.pk}
    job.errors, job.error_total, job.finished_at = [], 0, timezone.now()
    job.save(update_fields=["status", "progress", "message", "counts", "stats", "errors", "error_total",
                            "finished_at"])
    remove_job_files(job)
    return True


_EN = {"Đang chờ": "Queued", "Đang kiểm tra": "Validating", "Đang ghi": "Writing", "Hoàn tất": "Done",
       "Đang đọc tệp": "Reading the file", "Đã đọc tệp": "File read",
       "Đã kiểm tra bảng Ho": "Households sheet checked", "Đã kiểm tra bảng NhanKhau": "Members sheet checked",
       "Đã kiểm tra bảng RaSoat": "Review sheet checked", "Đối chiếu hộ": "Matching households",
       "Đã đối chiếu nhân khẩu": "Members matched", "Đã đối chiếu kết quả rà soát": "Review results matched",
       "Đang ghi hộ": "Writing households", "Đang ghi nhân khẩu": "Writing members",
       "Đang ghi kết quả rà soát": "Writing review results", "Cập nhật bảng tổng hợp": "Updating the summaries",
       "Kiểm tra xong, tệp hợp lệ (chưa ghi gì)": "Checked: the file is valid (nothing written)",
       "Không có gì thay đổi: dữ liệu trong tệp đã có đủ": "Nothing changed: the data of the file were all there",
       "Đã nhập xong": "Imported", SYSTEM_ERROR: "System error, nothing was written: import the file again"}


def message_in(lang: str, message: str) -> str:
    """A stored progress/result message (Vietnamese) in the user's language."""
    if lang != "en" or not message:
        return message
    if message in _EN:
        return _EN[message]
    if message.startswith("Đang đọc bảng "):
        return "Reading sheet " + message[len("Đang đọc bảng "):]
    if message.startswith("Đang đọc "):
        return "Reading " + message[len("Đang đọc "):]
    if message.startswith("Không nhập được: ") and message.endswith(" lỗi, chưa ghi gì"):
        return f"Not imported: {message[len('Không nhập được: '):-len(' lỗi, chưa ghi gì')]} errors, nothing written"
    return message


def describe(job: ImportJob, lang: str = "vi") -> dict:
    """What the job page and its JSON say: progress, message and a note on interruptions."""
    from chungtay.jobs import liveness, recovery
    from chungtay.jobs.progress import read_side
    progress, message, note, waiting = job.progress, job.message, "", False
    if job.finished:
        if job.status == ImportJob.FAILED and job.interruptions and job.message.startswith("Không hoàn thành"):
            message = gave_up_message(job.interruptions, lang)
        elif job.interruptions:         # done (or failed on its own) after interrupted tries: say so
            note = (f"Interrupted {job.interruptions} time(s) before; this was attempt {job.attempt}" if lang == "en"
                    else f"Đã bị gián đoạn {job.interruptions} lần trước đó; đây là lần thử thứ {job.attempt}")
        return {"progress": progress, "message": message_in(lang, message), "note": note, "waiting": False}
    if job.interruptions:
        note = retry_message(job.interruptions, job.interruptions + 1, lang)
    task_status, worker = recovery.worker_of(job.task_id)
    dead = job.status != ImportJob.QUEUED and task_status == "RUNNING" and bool(worker) and not liveness.alive(worker)
    if dead:                 # its transaction was rolled back: the last progress it reported means nothing
        note = ("Interrupted (the server restarted) – waiting to retry" if lang == "en"
                else "Bị gián đoạn (máy chủ khởi động lại) – đang chờ thử lại")
        waiting = True
    elif job.status == ImportJob.APPLYING and (side := read_side(f"import-{job.pk}")) is not None:
        progress, message = side
    if job.status == ImportJob.QUEUED or waiting:
        waiting = not liveness.running_workers()
    return {"progress": progress, "message": message_in(lang, message), "note": note, "waiting": waiting}


__all__ = ["Outcome", "run_import", "create_job", "start_job", "run_job", "communes_for", "check_commune",
           "spec", "describe"]

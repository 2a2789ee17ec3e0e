"""Files prepared in the background: large exports and reports (docs/jobs.md).

An output that can take more than about a second (a province's posting lists, every commune's
summary) is not built in the web request. The user asks for it (:func:`request_file`: a
``PreparedFile`` row and its task, in one transaction, and an audit event); ``chungtay worker``
builds it (:func:`run_file`); the user's page shows the progress and then a download link.

* **No half file is ever served.** The builder writes ``DATA_DIR/files/<token>.part`` (mode
  0600, folder 0700); only a complete file is renamed (atomically) to its final name, and only
  then is the row marked done. The download serves a done row's final file, nothing else. A
  worker killed while building leaves the ``.part`` file: the recovery deletes it and retries
  the job (up to three tries), or fails it saying why.
* **Scoped.** A file is its requester's alone (another user gets 404), and is served only while
  the unit is still in the requester's area (``unit_for_user``).
* **Kept RETENTION** after it was made, then deleted by the worker's housekeeping; the row says so
  ("Đã xóa tệp") and the user can ask again. Rows older than KEEP_ROWS are deleted.
* **Audited:** who asked for which file (``file.request``) and each download (``file.download``),
  with the kind, unit and year — never a name.

Kinds of file are registered by the apps that know how to build them (:func:`register`;
chungtay/reports/prepared.py registers the province's posting lists and summaries).
"""
from __future__ import annotations

import logging
import os
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from chungtay.accounts.models import AuditEvent

from .hooks import pause_point
from .models import PreparedFile
from .progress import Progress

log = logging.getLogger(__name__)
RETENTION = timedelta(hours=24)          # a prepared file is deleted this long after it was made
KEEP_ROWS = timedelta(days=30)           # the job rows (no file, no personal data) after that
ORPHANS_AFTER = timedelta(hours=1)       # a stored file no job row names (crash in between)


@dataclass(frozen=True)
class Kind:
    """A kind of prepared file. ``build(user, unit, params, out, progress)`` writes the whole file
    to the open binary file ``out`` and calls ``progress(percent, message)`` as it goes; it raises
    ``Http404``/``PermissionDenied`` (message shown to the user) when the file cannot be made."""
    name: str
    title: tuple[str, str]                       # (Vietnamese, English)
    ext: str                                     # "zip", "xlsx", "pdf"
    content_type: str
    units: tuple[tuple[str, str], ...]           # (system, level) of the units it is made for
    build: Callable
    filename: Callable                           # (unit, params) -> ASCII file name
    check: Callable | None = None                # (user, unit) -> None or raise PermissionDenied
    description: tuple[str, str] = ("", "")
    params: tuple[str, ...] = field(default=("year",))


KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    KINDS[kind.name] = kind
    return kind


def kinds_for(unit, params: tuple[str, ...] = ("year",)) -> list[Kind]:
    """The kinds made for this unit that are asked for with ``params`` (the reports page asks by
    year; the fund's statements are asked by published period, from the fund's page)."""
    return [k for k in KINDS.values() if (unit.system, unit.level) in k.units and k.params == params]


def folder() -> Path:
    d = Path(settings.DATA_DIR) / "files"
    d.mkdir(parents=True, exist_ok=True, mode=0o700)
    if d.stat().st_mode & 0o077:
        d.chmod(0o700)
    return d


def final_path(f: PreparedFile) -> Path:
    return folder() / f"{f.token}.{KINDS[f.kind].ext if f.kind in KINDS else 'bin'}"


def part_path(f: PreparedFile) -> Path:
    return folder() / f"{f.token}.part"


# ----------------------------------------------------------------------------- asking

def request_file(user, kind_name: str, unit, params: dict) -> PreparedFile:
    """Record the request and queue its task (one transaction), audited. The caller has already
    scoped ``unit`` to the user (``unit_for_user``). A request equal to one of the user's that is
    still queued or running returns that one (a double click prepares one file)."""
    kind = KINDS.get(kind_name)
    if kind is None or (unit.system, unit.level) not in kind.units:
        raise Http404("Không có loại tệp này cho đơn vị này")
    if kind.check:
        kind.check(user, unit)
    with transaction.atomic():
        same = (PreparedFile.objects.filter(user=user, kind=kind.name, unit=unit, params=params,
                                            status__in=PreparedFile.RUNNING_STATES).first())
        if same is not None:
            return same
        f = PreparedFile.objects.create(user=user, unit=unit, kind=kind.name, params=params,
                                        filename=kind.filename(unit, params)[:200], token=secrets.token_hex(16),
                                        message=PreparedFile.STATUS_VI[PreparedFile.QUEUED])
        from .tasks import build_prepared_file
        f.task_id = str(build_prepared_file.enqueue(f.pk).id)
        f.save(update_fields=["task_id"])
        AuditEvent.objects.create(actor=user, action="file.request", object_type="prepared_file",
                                  object_id=str(f.pk), unit=unit, changes={"kind": kind.name, **params})
    return f


def record_download(user, f: PreparedFile) -> None:
    PreparedFile.objects.filter(pk=f.pk).update(downloads=F("downloads") + 1)
    AuditEvent.objects.create(actor=user, action="file.download", object_type="prepared_file",
                              object_id=str(f.pk), unit_id=f.unit_id, changes={"kind": f.kind, **f.params})


# ----------------------------------------------------------------------------- building (worker)

def _row_writer(pk: int):
    def write(p, msg):
        PreparedFile.objects.filter(pk=pk, status=PreparedFile.RUNNING).update(progress=p, message=msg)
    return write


def run_file(pk: int, attempt: int = 1) -> PreparedFile | None:
    """Build one prepared file (the worker's task). Claimed first (queued → running in one UPDATE),
    so a file is never built twice at the same time."""
    claimed = PreparedFile.objects.filter(pk=pk, status=PreparedFile.QUEUED).update(
        status=PreparedFile.RUNNING, attempt=attempt, progress=0, message=PreparedFile.STATUS_VI[PreparedFile.RUNNING],
        started_at=Coalesce("started_at", Value(timezone.now())))
    f = PreparedFile.objects.select_related("user", "unit").filter(pk=pk).first()
    if f is None or not claimed:
        return f
    kind = KINDS.get(f.kind)
    part, final = part_path(f), final_path(f)
    progress = Progress(_row_writer(pk), f"file-{pk}")
    halfway = [False]

    def report(p, msg=""):
        progress(p, msg)
        if p >= 50 and not halfway[0]:
            halfway[0] = True
            pause_point("file-half")     # tests only (CHUNGTAY_JOB_PAUSE_AT): killed with half a file written

    try:
        if kind is None:
            raise Http404("Loại tệp này không còn được hỗ trợ")
        from chungtay.accounts.access import unit_for_user
        unit_for_user(f.user, f.unit_id)       # still in the user's area
        if kind.check:
            kind.check(f.user, f.unit)
        part.unlink(missing_ok=True)
        fd = os.open(part, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "wb") as out:
            kind.build(f.user, f.unit, dict(f.params), out, report)
            out.flush()
            os.fsync(out.fileno())
        size = part.stat().st_size
        os.replace(part, final)                # the complete file appears at once, under its final name
        pause_point("file-renamed")            # tests only: killed after the rename, before the row says done
    except (Http404, PermissionDenied) as e:
        part.unlink(missing_ok=True)
        return _finish(f, PreparedFile.FAILED, f"Không tạo được tệp: {e}" if str(e) else "Không tạo được tệp")
    except Exception as e:  # noqa: BLE001 - the job must end, and say so
        log.exception("prepared file %s failed", pk)
        part.unlink(missing_ok=True)
        return _finish(f, PreparedFile.FAILED, f"Lỗi hệ thống, không tạo được tệp ({type(e).__name__}): hãy thử lại")
    return _finish(f, PreparedFile.DONE, "Tệp đã sẵn sàng", size=size)


def _finish(f: PreparedFile, status: str, message: str, size: int = 0) -> PreparedFile:
    now = timezone.now()
    f.status, f.progress, f.message, f.finished_at = status, 100, message[:200], now
    f.size = size
    f.expires_at = now + RETENTION if status == PreparedFile.DONE else None
    f.save(update_fields=["status", "progress", "message", "finished_at", "size", "expires_at"])
    return f


# ----------------------------------------------------------------------------- interrupted, cleanup

def retry_message(attempt: int, lang: str = "vi") -> str:
    from .recovery import MAX_ATTEMPTS
    if lang == "en":
        return f"Interrupted (the server restarted) – retrying (attempt {attempt}/{MAX_ATTEMPTS})"
    return f"Bị gián đoạn (máy chủ khởi động lại) – đang thử lại (lần {attempt}/{MAX_ATTEMPTS})"


def gave_up_message(interruptions: int, lang: str = "vi") -> str:
    if lang == "en":
        return f"Not completed: interrupted {interruptions} times — ask for the file again"
    return f"Không hoàn thành: bị gián đoạn {interruptions} lần — hãy yêu cầu tạo lại tệp"


def interrupted(pk: int, *, attempts: int, gave_up: bool) -> str:
    """The worker building this file died: delete its part file; retry, or fail after three tries.
    (Killed after the rename but before the row said done: the complete file is there — done.)"""
    from . import recovery
    f = PreparedFile.objects.select_for_update().filter(pk=pk).first()
    if f is None:
        return recovery.FAILED
    part_path(f).unlink(missing_ok=True)
    if f.finished:
        return recovery.DONE
    f.interruptions += 1
    final = final_path(f)
    if final.exists():
        f.save(update_fields=["interruptions"])
        _finish(f, PreparedFile.DONE, "Tệp đã sẵn sàng", size=final.stat().st_size)
        return recovery.DONE
    if gave_up:
        f.save(update_fields=["interruptions"])
        _finish(f, PreparedFile.FAILED, gave_up_message(f.interruptions))
        return recovery.FAILED
    f.status, f.progress, f.message = PreparedFile.QUEUED, 0, retry_message(attempts + 1)
    f.save(update_fields=["status", "progress", "message", "interruptions"])
    return recovery.RETRY


def cleanup(now=None) -> dict:
    """Housekeeping: delete files RETENTION after they were made (the row says "Đã xóa tệp"),
    part files and stored files no running or ready job names, and rows older than KEEP_ROWS."""
    now = now or timezone.now()
    done = {"expired": 0, "orphans": 0, "rows": 0}
    for f in PreparedFile.objects.filter(status=PreparedFile.DONE, expires_at__lt=now):
        final_path(f).unlink(missing_ok=True)
        PreparedFile.objects.filter(pk=f.pk).update(status=PreparedFile.EXPIRED, message="Tệp đã bị xóa", size=0)
        done["expired"] += 1
    running = set(PreparedFile.objects.filter(status__in=PreparedFile.RUNNING_STATES).values_list("token", flat=True))
    ready = set(PreparedFile.objects.filter(status=PreparedFile.DONE).values_list("token", flat=True))
    d = Path(settings.DATA_DIR) / "files"
    if d.is_dir():
        old = now.timestamp() - ORPHANS_AFTER.total_seconds()
        for p in d.iterdir():
            token = p.name.split(".", 1)[0]
            needed = token in running if p.suffix == ".part" else token in running | ready
            if not needed and p.stat().st_mtime < old:
                p.unlink(missing_ok=True)
                done["orphans"] += 1
    done["rows"] = PreparedFile.objects.filter(created_at__lt=now - KEEP_ROWS).exclude(
        status__in=PreparedFile.RUNNING_STATES).delete()[0]
    return done


# ----------------------------------------------------------------------------- what the page says

def describe(f: PreparedFile, lang: str = "vi") -> dict:
    """Progress, message, an interruption note and "no worker is running" for the page and JSON."""
    from . import liveness, recovery
    message = f.message
    if lang == "en":
        message = _EN.get(message, message)
        if f.status == PreparedFile.FAILED and message.startswith("Không hoàn thành"):
            message = gave_up_message(f.interruptions, "en")
        elif message.startswith("Bị gián đoạn"):
            message = retry_message(f.attempt + 1, "en")
    note, waiting = "", False
    if f.finished:
        if f.interruptions and f.status == PreparedFile.DONE:
            note = (f"Interrupted {f.interruptions} time(s) before; made on attempt {f.attempt}" if lang == "en"
                    else f"Đã bị gián đoạn {f.interruptions} lần trước đó; tạo xong ở lần thử thứ {f.attempt}")
        return {"progress": f.progress, "message": message, "note": note, "waiting": False}
    if f.interruptions:
        note = retry_message(f.interruptions + 1, lang)
    task_status, worker = recovery.worker_of(f.task_id)
    if f.status == PreparedFile.RUNNING and task_status == "RUNNING" and worker and not liveness.alive(worker):
        note = ("Interrupted (the server restarted) – waiting to retry" if lang == "en"
                else "Bị gián đoạn (máy chủ khởi động lại) – đang chờ thử lại")
        waiting = True
    if f.status == PreparedFile.QUEUED or waiting:
        waiting = not liveness.running_workers()
    return {"progress": f.progress, "message": message, "note": note, "waiting": waiting}


_EN = {"Đang chờ": "Queued", "Đang tạo tệp": "Preparing", "Tệp đã sẵn sàng": "The file is ready",
       "Tệp đã bị xóa": "The file was deleted", "Không tạo được tệp": "The file could not be made"}


__all__ = ["Kind", "KINDS", "register", "kinds_for", "request_file", "run_file", "record_download",
           "interrupted", "cleanup", "describe", "RETENTION"]

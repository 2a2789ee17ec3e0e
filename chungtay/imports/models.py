"""An import run from the web page: its files, progress and result (counts or the error report).
The worker (``chungtay worker``) runs it and writes its progress here, where the web process reads it."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportJob(models.Model):
    QUEUED, VALIDATING, APPLYING, DONE, FAILED = "queued", "validating", "applying", "done", "failed"
    STATUSES = [(QUEUED, "Đang chờ"), (VALIDATING, "Đang kiểm tra"), (APPLYING, "Đang ghi"),
                (DONE, "Hoàn tất"), (FAILED, "Không nhập được")]
    STATUS_EN = {QUEUED: "Queued", VALIDATING: "Validating", APPLYING: "Writing", DONE: "Done",
                 FAILED: "Not imported"}
    RUNNING = (QUEUED, VALIDATING, APPLYING)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs")
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    # [{"name": file name as uploaded, "path": stored path relative to DATA_DIR, "size": bytes}];
    # the stored files are deleted when the job ends (they hold citizen ID numbers in clear).
    files = models.JSONField(default=list)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(max_length=12, choices=STATUSES, default=QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)          # 0–100
    message = models.CharField(max_length=200, blank=True)
    counts = models.JSONField(default=dict)      # {"households": {"created", "updated", "unchanged"}, ...}
    errors = models.JSONField(default=list)      # [[sheet, row, column, value, reason], ...] (first 20,000)
    error_total = models.PositiveIntegerField(default=0)
    stats = models.JSONField(default=dict)       # rows read, ignored columns, seconds per phase
    # the background task (django-tasks' DBTaskResult id) and its tries: a job whose worker dies is
    # retried up to chungtay.jobs.recovery.MAX_ATTEMPTS times (docs/jobs.md)
    task_id = models.CharField(max_length=64, blank=True, default="")
    attempt = models.PositiveSmallIntegerField(default=0)           # the try running or last run (1, 2, 3)
    interruptions = models.PositiveSmallIntegerField(default=0)     # tries ended by a dead worker
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"])]

    def __str__(self) -> str:
        return f"import #{self.pk} ({self.status})"

    @property
    def finished(self) -> bool:
        return self.status in (self.DONE, self.FAILED)

    @property
    def file_names(self) -> str:
        return ", ".join(f["name"] for f in self.files)

    @property
    def status_en(self) -> str:
        return self.STATUS_EN[self.status]

    def status_label(self, lang: str = "vi") -> str:
        return self.STATUS_EN[self.status] if lang == "en" else self.get_status_display()

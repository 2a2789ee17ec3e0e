"""Jobs of the worker that are not imports: files prepared in the background (large exports and
reports) and the demo's data load. The worker writes their state and progress here; the web
process reads it (docs/jobs.md)."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class JobState(models.Model):
    """What every job row holds: its state, progress and tries (django-tasks' task id)."""
    QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
    RUNNING_STATES = (QUEUED, RUNNING)

    status = models.CharField(max_length=12, default=QUEUED)
    progress = models.PositiveSmallIntegerField(default=0)          # 0–100
    message = models.CharField(max_length=200, blank=True)
    task_id = models.CharField(max_length=64, blank=True, default="")
    attempt = models.PositiveSmallIntegerField(default=0)           # the try running or last run (1, 2, 3)
    interruptions = models.PositiveSmallIntegerField(default=0)     # tries ended by a dead worker
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    @property
    def finished(self) -> bool:
        return self.status not in self.RUNNING_STATES


class PreparedFile(JobState):
    """A large export or report built by the worker for one user and one unit.

    The file lives under ``DATA_DIR/files/`` (folder 0700, file 0600), is written under a temporary
    name and renamed when complete, is served only to the user who asked for it (and only while
    the unit is still in their area), and is deleted ``RETENTION`` after it was made
    (chungtay.jobs.files)."""
    EXPIRED = "expired"
    STATUS_VI = {JobState.QUEUED: "Đang chờ", JobState.RUNNING: "Đang tạo tệp", JobState.DONE: "Sẵn sàng",
                 JobState.FAILED: "Không tạo được", EXPIRED: "Đã xóa tệp"}
    STATUS_EN = {JobState.QUEUED: "Queued", JobState.RUNNING: "Preparing", JobState.DONE: "Ready",
                 JobState.FAILED: "Failed", EXPIRED: "File deleted"}

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="prepared_files")
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=60)                 # a registered kind (chungtay.jobs.files.KINDS)
    params = models.JSONField(default=dict)                # {"year": 2025}
    filename = models.CharField(max_length=200)            # the download's name (ASCII)
    token = models.CharField(max_length=40, unique=True)   # the stored file's name: DATA_DIR/files/<token>.<ext>
    size = models.PositiveBigIntegerField(default=0)
    expires_at = models.DateTimeField(null=True, blank=True)
    downloads = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "created_at"]), models.Index(fields=["status", "expires_at"])]

    def __str__(self) -> str:
        return f"file #{self.pk} {self.kind} ({self.status})"

    def status_label(self, lang: str = "vi") -> str:
        return (self.STATUS_EN if lang == "en" else self.STATUS_VI).get(self.status, self.status)


class DemoLoad(JobState):
    """The demo's data load (``chungtay demo``): generate the synthetic province and load it."""
    households = models.PositiveIntegerField()
    seed = models.BigIntegerField()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"demo load #{self.pk} ({self.status})"

"""One row per field submission (ODK Collect / KoboToolbox) written into a review round.

The submission's instance ID (``meta/instanceID``, Central's ``KEY``/``__id``, Kobo's ``_uuid``,
always stored without the ``uuid:`` prefix) is unique: importing the same submission again finds
it here and writes nothing (docs/field.md)."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class FieldSubmission(models.Model):
    FILE, CENTRAL = "file", "central"
    SOURCES = [(FILE, "Tệp tải lên (ODK Central / KoboToolbox)"), (CENTRAL, "Đồng bộ từ ODK Central")]

    instance_id = models.CharField(max_length=200, unique=True)
    round = models.ForeignKey("reviews.ReviewRound", on_delete=models.PROTECT, related_name="field_submissions")
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")
    assessment = models.ForeignKey("households.Assessment", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=8, choices=SOURCES, default=FILE)
    file_name = models.CharField(max_length=200, blank=True)
    submitted_at = models.CharField(max_length=40, blank=True)    # as the server wrote it (ISO 8601)
    imported_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["round", "household"])]

    def __str__(self) -> str:
        return f"{self.instance_id} → {self.household_id}"

"""A snapshot of the database in Parquet (the analysts' export plus pledges and the households that
ended) and the national figures computed from it. Counts only: no name, ID number or health detail."""
from __future__ import annotations

from django.db import models


class Snapshot(models.Model):
    BUILDING, READY, FAILED, REPLACED = "building", "ready", "failed", "replaced"
    STATUSES = [(s, s) for s in (BUILDING, READY, FAILED, REPLACED)]
    status = models.CharField(max_length=10, choices=STATUSES, default=BUILDING)
    started_at = models.DateTimeField()                # the data is as of this moment (docs/analysis.md)
    finished_at = models.DateTimeField(null=True)
    checked_at = models.DateTimeField(null=True)       # the last time the data was found unchanged since
    stamp = models.CharField(max_length=200, blank=True)
    assessments = models.BigIntegerField(default=0)    # rows written
    supports = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)
    years = models.JSONField(default=list)             # the review years it holds, oldest first
    parts = models.JSONField(default=dict)             # "kind/year/province id" → the stamp its file was written at
    reused = models.IntegerField(default=0)            # files linked unchanged from the snapshot before
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "id"], name="analysis_snapshot_status")]
        # one build at a time, however many workers check at the same moment
        constraints = [models.UniqueConstraint(fields=["status"], condition=models.Q(status="building"),
                                               name="analysis_one_building")]

    def __str__(self) -> str:
        return f"snapshot {self.pk} ({self.status})"


class NationalFigure(models.Model):
    """The nation's radar (counted by province) or outcomes for one set of parameters, from one
    snapshot; ``payload`` is empty while the worker computes it (``computed_at`` None)."""
    RADAR, OUTCOMES = "radar", "outcomes"
    snapshot = models.ForeignKey(Snapshot, on_delete=models.CASCADE, related_name="figures")
    kind = models.CharField(max_length=10, choices=[(RADAR, RADAR), (OUTCOMES, OUTCOMES)])
    params = models.CharField(max_length=200)
    payload = models.JSONField(default=dict)
    queued_at = models.DateTimeField()
    computed_at = models.DateTimeField(null=True)
    seconds = models.FloatField(default=0)
    message = models.CharField(max_length=300, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["snapshot", "kind", "params"], name="national_figure_once")]

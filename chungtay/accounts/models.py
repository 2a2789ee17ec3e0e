"""Who may see what (assignments to units) and who did what (audit trail)."""
from __future__ import annotations

from django.conf import settings
from django.db import models


class Assignment(models.Model):
    """A user works for a unit and sees only its subtree (province, commune or village)."""
    ROLES = [("national", "Trung ương"), ("province_officer", "Cán bộ tỉnh"),
             ("commune_officer", "Cán bộ xã"), ("commune_chairman", "Chủ tịch UBND xã"),
             ("village_head", "Trưởng thôn"),
             ("front_committee", "Ủy ban MTTQ Việt Nam")]
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="assignments")
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.CASCADE)
    role = models.CharField(max_length=20, choices=ROLES)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "unit"], name="assignment_once")]


class AuditEvent(models.Model):
    """One row per write. ``changes`` names fields and non-personal values only."""
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.SET_NULL)
    changes = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["object_type", "object_id"])]

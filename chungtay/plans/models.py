"""Plans and their targets, and official figures entered from reports (with their source)."""
from __future__ import annotations

from django.conf import settings
from django.db import models

METRICS = [
    ("poverty_rate", "Tỷ lệ hộ nghèo (%)", "Poverty rate (%)", -1),
    ("near_poverty_rate", "Tỷ lệ hộ cận nghèo (%)", "Near-poverty rate (%)", -1),
    ("multidimensional_rate", "Tỷ lệ hộ nghèo và cận nghèo (%)", "Poor + near-poor rate (%)", -1),
    ("poor_count", "Số hộ nghèo", "Number of poor households", -1),
    ("poor_income", "Thu nhập bình quân hộ nghèo (đ/người/tháng)", "Income per person of poor households", +1),
    ("villages_without_poor", "Số thôn không còn hộ nghèo", "Villages with no poor household", +1),
    ("communes_criterion_11", "Số xã đạt tiêu chí 11 (nghèo đa chiều) NTM", "Communes meeting new-rural criterion 11", +1),
]
METRIC_NAMES = {m[0]: (m[1], m[2]) for m in METRICS}
DIRECTION = {m[0]: m[3] for m in METRICS}
PERCENT_METRICS = {"poverty_rate", "near_poverty_rate", "multidimensional_rate"}


class Plan(models.Model):
    title = models.CharField(max_length=300)
    document_no = models.CharField(max_length=60, blank=True)        # e.g. 2736/KH-UBND
    issued_on = models.DateField(null=True, blank=True)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="plans")   # issuing unit
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.document_no} {self.title}".strip()


class Target(models.Model):
    POINTS, LEVEL, MULTIPLE = "points_per_year", "level_by", "multiple_of_baseline"
    KINDS = [(POINTS, "Giảm/tăng … điểm % mỗi năm"), (LEVEL, "Đạt mức … vào năm"),
             (MULTIPLE, "Gấp … lần so với năm gốc")]
    GROUPS = [("all", "Tất cả các hộ"), ("ethnic_minority", "Hộ dân tộc thiểu số")]
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="targets")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="derived")
    metric = models.CharField(max_length=30, choices=[(m[0], m[1]) for m in METRICS])
    # Scope: one unit, or the units carrying a tag (e.g. poor districts) inside the unit.
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    unit_tag = models.CharField(max_length=40, blank=True)
    population = models.CharField(max_length=20, choices=GROUPS, default="all")
    kind = models.CharField(max_length=24, choices=KINDS, default=POINTS)
    low = models.FloatField()
    high = models.FloatField(null=True, blank=True)
    counted = models.FloatField(help_text="the figure the plan counts against (3–4 counted as 3.5)")
    threshold = models.FloatField(null=True, blank=True, help_text="criterion 11: poverty rate at most")
    baseline_year = models.PositiveSmallIntegerField()
    baseline_value = models.FloatField(null=True, blank=True)     # entered; else computed from the registry
    baseline_source = models.CharField(max_length=300, blank=True)
    end_year = models.PositiveSmallIntegerField()
    published_change = models.FloatField(null=True, blank=True)   # a figure published in a report, to check
    published_year = models.PositiveSmallIntegerField(null=True, blank=True)   # the year it refers to
    published_source = models.CharField(max_length=300, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["id"]


class OfficialFigure(models.Model):
    """A figure from an official report for a year without household data (e.g. 2015)."""
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    unit_tag = models.CharField(max_length=40, blank=True)
    population = models.CharField(max_length=20, default="all")
    year = models.PositiveSmallIntegerField()
    metric = models.CharField(max_length=30)
    value = models.FloatField()
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    source = models.CharField(max_length=300)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)

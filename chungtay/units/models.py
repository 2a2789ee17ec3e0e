"""Administrative units: today's two levels, the pre-2025 three levels, villages, tags."""
from __future__ import annotations

from django.db import models

from chungtay.core.fmt import sort_string


class Unit(models.Model):
    # Two hierarchies live side by side: "2025" (province → commune → village) and
    # "legacy" (province → district → commune, before 1 July 2025). Codes repeat across
    # them (a new commune often keeps an old commune's code), so (system, level, code) is the key.
    SYSTEM_2025, SYSTEM_LEGACY = "2025", "legacy"
    SYSTEMS = [(SYSTEM_2025, "2025"), (SYSTEM_LEGACY, "trước 2025")]
    PROVINCE, DISTRICT, COMMUNE, VILLAGE = "province", "district", "commune", "village"
    LEVELS = [(PROVINCE, "tỉnh"), (DISTRICT, "huyện"), (COMMUNE, "xã"), (VILLAGE, "thôn")]

    system = models.CharField(max_length=8, choices=SYSTEMS)
    level = models.CharField(max_length=10, choices=LEVELS)
    code = models.CharField(max_length=20)
    name = models.CharField(max_length=120)
    full_name = models.CharField(max_length=160)
    kind = models.CharField(max_length=12, blank=True)   # tinh, thanh_pho, xa, phuong, thon, ...
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="children")
    # Only villages: the pre-2025 commune the village belonged to.
    legacy_parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="legacy_children")
    is_urban = models.BooleanField(default=False)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    lat = models.FloatField(null=True, blank=True)
    lon = models.FloatField(null=True, blank=True)
    # fmt.sort_string(name): ORDER BY this, not name, for Vietnamese order ("Đ" after "D")
    sort_name = models.CharField(max_length=600, blank=True, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["system", "level", "code"], name="unit_key")]
        indexes = [models.Index(fields=["parent", "name"])]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        self.sort_name = sort_string(self.name)
        super().save(*args, **kwargs)

    @property
    def is_legacy(self) -> bool:
        return self.system == self.SYSTEM_LEGACY


class UnitTag(models.Model):
    """A classification that changes over time (poor district, especially difficult, ...)."""
    POOR_DISTRICT = "poor_district"
    ESPECIALLY_DIFFICULT_COMMUNE = "especially_difficult_commune"
    ESPECIALLY_DIFFICULT_VILLAGE = "especially_difficult_village"
    ETHNIC_MINORITY_AREA = "ethnic_minority_area"
    COASTAL = "coastal"
    TAGS = [
        (POOR_DISTRICT, "Huyện nghèo"),
        (ESPECIALLY_DIFFICULT_COMMUNE, "Xã đặc biệt khó khăn"),
        (ESPECIALLY_DIFFICULT_VILLAGE, "Thôn đặc biệt khó khăn"),
        (ETHNIC_MINORITY_AREA, "Vùng đồng bào DTTS và miền núi"),
        (COASTAL, "Xã ven biển, hải đảo"),
    ]
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="tags")
    tag = models.CharField(max_length=40, choices=TAGS)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    source = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["tag", "start_year"])]

    def applies(self, year: int) -> bool:
        return self.start_year <= year and (self.end_year is None or year <= self.end_year)


class UnitMapping(models.Model):
    """Old (pre-2025) commune → new commune(s). A split commune has several rows, one default."""
    legacy = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="maps_to")
    new = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="maps_from")
    is_default = models.BooleanField(default=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["legacy", "new"], name="unit_mapping_pair")]

"""Households, members and their yearly assessments."""
from __future__ import annotations

from django.conf import settings
from django.db import models

from chungtay.core.standards import CATEGORIES, CATEGORY_NAMES

from . import protect

CATEGORY_CHOICES = [(c, CATEGORY_NAMES[c][0]) for c in CATEGORIES]
MAX_INDICATORS = 12
KINH = "Kinh"


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user):
        """The one entry point for lists, exports and APIs: rows within the user's area."""
        from chungtay.accounts.access import scope_for
        return self.filter(scope_for(user).q())


class Household(models.Model):
    STATUS = [("active", "Đang cư trú"), ("moved_away", "Chuyển đi"), ("merged", "Nhập hộ"),
              ("died_out", "Không còn thành viên")]
    code = models.CharField(max_length=40, unique=True)
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="households")
    # Denormalised from the village so every scoped query is one indexed column (the commune's is the
    # (commune, village) index below, which leads with it: no index of its own).
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+", db_index=False)
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    address = models.CharField(max_length=200, blank=True)
    is_urban = models.BooleanField(default=False)
    head_name = models.CharField(max_length=120, blank=True)
    # Rule (statistics.md): a household is ethnic-minority when its head belongs to an ethnic
    # group other than Kinh (the 53 minorities of Decree 05/2011/NĐ-CP, Hoa included).
    ethnic_minority = models.BooleanField(default=False)
    search_text = models.CharField(max_length=400, blank=True, db_index=False)
    status = models.CharField(max_length=12, choices=STATUS, default="active")
    start_year = models.PositiveSmallIntegerField(null=True, blank=True)
    end_year = models.PositiveSmallIntegerField(null=True, blank=True)
    split_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who brought the household in: only the synthetic demo population may be replaced by
    # `chungtay generate --load --replace`; imported and registered households never are.
    DEMO, IMPORT, USER = "demo", "import", "user"
    SOURCES = [(DEMO, "Dữ liệu mẫu (tổng hợp)"), (IMPORT, "Nhập từ tệp"), (USER, "Đăng ký trên hệ thống")]
    source = models.CharField(max_length=8, choices=SOURCES, default=USER, db_default=USER)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        # (province: the foreign key's own index; a second one on the same column was dropped)
        indexes = [models.Index(fields=["commune", "village"]),
                   # the ended households of a province, counted by the prepared radar's stamp
                   models.Index(fields=["province"], condition=~models.Q(status="active"), name="household_ended_province")]

    def __str__(self) -> str:
        return f"{self.code} – {self.head_name}"


class Member(models.Model):
    RELATIONS = [("head", "Chủ hộ"), ("spouse", "Vợ/chồng"), ("child", "Con"), ("parent", "Bố/mẹ"),
                 ("grandchild", "Cháu"), ("other", "Khác")]
    SEX = [("M", "Nam"), ("F", "Nữ")]
    SCHOOLING = [("none", "Chưa đi học"), ("primary", "Tiểu học"), ("lower_secondary", "THCS"),
                 ("upper_secondary", "THPT"), ("higher", "Trên THPT"), ("in_school", "Đang đi học")]
    WORK = [("farming", "Nông nghiệp"), ("wage", "Làm công"), ("self_employed", "Tự làm"),
            ("unemployed", "Thất nghiệp"), ("student", "Học sinh, sinh viên"), ("retired", "Nghỉ hưu"),
            ("none", "Không làm việc")]
    RELATION_EN = {"head": "Head", "spouse": "Spouse", "child": "Child", "parent": "Parent",
                   "grandchild": "Grandchild", "other": "Other"}
    SEX_EN = {"M": "Male", "F": "Female"}
    SCHOOLING_EN = {"none": "No schooling", "primary": "Primary", "lower_secondary": "Lower secondary",
                    "upper_secondary": "Upper secondary", "higher": "Above upper secondary", "in_school": "In school"}
    WORK_EN = {"farming": "Farming", "wage": "Wage work", "self_employed": "Self-employed", "unemployed": "Unemployed",
               "student": "Student", "retired": "Retired", "none": "Not working"}
    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="members")
    member_no = models.PositiveSmallIntegerField(default=1)
    full_name = models.CharField(max_length=120)
    sex = models.CharField(max_length=1, choices=SEX)
    birth_year = models.PositiveSmallIntegerField()
    ethnicity = models.CharField(max_length=40, default=KINH)
    relation = models.CharField(max_length=12, choices=RELATIONS)
    citizen_id_encrypted = models.TextField(blank=True)
    citizen_id_digest = models.CharField(max_length=64, blank=True, db_index=True)
    health_insurance = models.BooleanField(default=False)
    schooling = models.CharField(max_length=20, choices=SCHOOLING, blank=True)
    disability = models.BooleanField(default=False)
    work = models.CharField(max_length=20, choices=WORK, blank=True)

    class Meta:
        ordering = ["member_no"]

    def set_citizen_id(self, value: str) -> None:
        v = protect.validate_citizen_id(value, self.sex, self.birth_year)
        self.citizen_id_encrypted = protect.encrypt(v)
        self.citizen_id_digest = protect.digest(v)

    @property
    def citizen_id_masked(self) -> str:
        return protect.mask(protect.decrypt(self.citizen_id_encrypted)) if self.citizen_id_encrypted else ""


class Assessment(models.Model):
    """One household's result in one review round. Never edited: a correction is a new
    version and only the newest version of a round has ``is_current``."""
    PERIODIC, REGULAR = "periodic", "regular"
    KINDS = [(PERIODIC, "Rà soát định kỳ"), (REGULAR, "Rà soát thường xuyên")]
    # no index of its own: the (household, year) index below leads with it
    household = models.ForeignKey(Household, on_delete=models.PROTECT, related_name="assessments", db_index=False)
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=KINDS, default=PERIODIC)
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    standard = models.CharField(max_length=40)
    area = models.CharField(max_length=5)          # rural / urban at the time
    basis = models.CharField(max_length=8)         # income / score_a: which one was recorded
    income = models.BigIntegerField(null=True, blank=True)
    score_a = models.FloatField(null=True, blank=True)
    # dep_i: deprived in the i-th indicator of ``standard`` (legal order); columns rather than
    # JSON so that "poor households deprived in each indicator" is one GROUP BY.
    dep_1 = models.BooleanField(default=False)
    dep_2 = models.BooleanField(default=False)
    dep_3 = models.BooleanField(default=False)
    dep_4 = models.BooleanField(default=False)
    dep_5 = models.BooleanField(default=False)
    dep_6 = models.BooleanField(default=False)
    dep_7 = models.BooleanField(default=False)
    dep_8 = models.BooleanField(default=False)
    dep_9 = models.BooleanField(default=False)
    dep_10 = models.BooleanField(default=False)
    dep_11 = models.BooleanField(default=False)
    dep_12 = models.BooleanField(default=False)
    deprivation_count = models.PositiveSmallIntegerField()
    category = models.CharField(max_length=14, choices=CATEGORY_CHOICES)
    explanation_vi = models.TextField(blank=True)
    explanation_en = models.TextField(blank=True)
    # Where the household lived and whether it was ethnic-minority at assessment time, in both
    # hierarchies, so that a year's figures group by any level without joins.
    ethnic_minority = models.BooleanField(default=False)
    pledged_escape = models.BooleanField(default=False)
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    legacy_commune = models.ForeignKey("units.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    district = models.ForeignKey("units.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    legacy_province = models.ForeignKey("units.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    recorded_at = models.DateTimeField(auto_now_add=True)
    reason = models.CharField(max_length=300, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["household", "year", "kind", "version"],
                                               name="assessment_version"),
                       # one current result per household, year and kind (two saves at once cannot
                       # both leave theirs current)
                       models.UniqueConstraint(fields=["household", "year", "kind"], condition=models.Q(is_current=True),
                                               name="assessment_one_current")]
        indexes = [
            models.Index(fields=["year", "province", "is_current", "kind"]),
            models.Index(fields=["year", "commune", "is_current"]),
            models.Index(fields=["year", "legacy_province", "is_current"]),
            # (a household's results by year: the leading columns of assessment_version's own index)
        ]
        ordering = ["-year", "-version"]

    def deprived_codes(self, standard) -> list[str]:
        return [c for i, c in enumerate(standard.indicator_codes, 1) if getattr(self, f"dep_{i}")]



class YearSummary(models.Model):
    """Counts of current periodic results per (year, village, location at the time).

    Kept up to date by :func:`chungtay.households.summary.refresh` inside the same transaction
    as every assessment write, so the drill-down reads a few hundred rows instead of
    re-counting every household — and a new result shows in the next request.
    """
    year = models.PositiveSmallIntegerField()
    village = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    legacy_commune = models.ForeignKey("units.Unit", null=True, on_delete=models.CASCADE, related_name="+")
    district = models.ForeignKey("units.Unit", null=True, on_delete=models.CASCADE, related_name="+")
    legacy_province = models.ForeignKey("units.Unit", null=True, on_delete=models.CASCADE, related_name="+")
    total = models.IntegerField(default=0)
    poor = models.IntegerField(default=0)
    near_poor = models.IntegerField(default=0)
    average = models.IntegerField(default=0)
    above_average = models.IntegerField(default=0)
    em_total = models.IntegerField(default=0)
    em_poor = models.IntegerField(default=0)
    d1 = models.IntegerField(default=0)
    d2 = models.IntegerField(default=0)
    d3 = models.IntegerField(default=0)
    d4 = models.IntegerField(default=0)
    d5 = models.IntegerField(default=0)
    d6 = models.IntegerField(default=0)
    d7 = models.IntegerField(default=0)
    d8 = models.IntegerField(default=0)
    d9 = models.IntegerField(default=0)
    d10 = models.IntegerField(default=0)
    d11 = models.IntegerField(default=0)
    d12 = models.IntegerField(default=0)
    # income per person of poor households measured by income (not by score A)
    poor_income_sum = models.BigIntegerField(default=0)
    poor_income_n = models.IntegerField(default=0)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        # One row per year and village: the village determines the other location columns
        # (summary.refresh groups by year and village). Not on the nullable legacy columns:
        # NULLs are distinct in a unique constraint, so they would not stop duplicates.
        constraints = [models.UniqueConstraint(fields=["year", "village"], name="year_summary_once")]
        indexes = [models.Index(fields=["year", "province"]), models.Index(fields=["year", "commune"]),
                   models.Index(fields=["year", "legacy_province"])]

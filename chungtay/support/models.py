"""Support that reaches households (issue 10, parts 1–3).

- ``ProgrammePart`` / ``FundingSource``: the catalogue, loaded from the data files in
  ``chungtay/support/programmes/*.json`` (``catalogue.load``); never typed in pages.
- ``SupportEntry`` + ``Support``: the ledger. An entry is one support given (or planned) to a
  household or one of its members; its facts live in versions. A correction or a cancellation
  is a new version (``version`` n+1, ``is_current`` moves to it); no version is ever edited
  or deleted. Later models (revolving assets, groups, outcomes) refer to the entry.
- ``SupportFunding``: the funding sources of one version, as integer VND amounts that sum to
  the value, with integer percentage shares that sum to 100.
- ``Distribution``: one decision, many households (46 cows to 46 households), recorded at once.
- ``Evidence``: an uploaded photo or scan, stored 0600 under the data folder.
- ``Partner``, ``Pairing``, ``Pledge``: who helps whom, and the households' pledges to escape.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from chungtay.households.models import ScopedQuerySet

KINDS = [
    ("cash", "Tiền mặt", "Cash"),
    ("livestock", "Con giống, vật nuôi", "Livestock"),
    ("seed", "Giống cây trồng", "Seed and seedlings"),
    ("fertiliser", "Phân bón, vật tư", "Fertiliser and inputs"),
    ("tools", "Máy móc, công cụ sản xuất", "Tools and machines"),
    ("barn", "Chuồng trại", "Barn"),
    ("house", "Nhà ở (xây, sửa)", "House (building, repair)"),
    ("health_card", "Thẻ bảo hiểm y tế", "Health-insurance card"),
    ("scholarship", "Học bổng, hỗ trợ học tập", "Scholarship"),
    ("training", "Đào tạo nghề", "Vocational training"),
    ("job", "Kết nối việc làm", "Job connection"),
    ("loan", "Vay vốn", "Loan"),
]
KIND_CHOICES = [(k, vi) for k, vi, _ in KINDS]
KIND_NAMES = {k: (vi, en) for k, vi, en in KINDS}

PLANNED, DELIVERED, CANCELLED = "planned", "delivered", "cancelled"
STATUSES = [(PLANNED, "Dự kiến", "Planned"), (DELIVERED, "Đã trao", "Delivered"),
            (CANCELLED, "Thu hồi / hủy", "Returned / cancelled")]
STATUS_CHOICES = [(k, vi) for k, vi, _ in STATUSES]
STATUS_NAMES = {k: (vi, en) for k, vi, en in STATUSES}


class ProgrammePart(models.Model):
    """A programme (or another source of support), a project or a sub-project. ``code`` is the
    full dotted code (``GNBV2125.DA3.TDA1``) and never changes meaning."""
    PROGRAMME, PROJECT, SUBPROJECT = "programme", "project", "subproject"
    LEVELS = [(PROGRAMME, "Chương trình"), (PROJECT, "Dự án"), (SUBPROJECT, "Tiểu dự án")]
    code = models.CharField(max_length=60, unique=True)
    level = models.CharField(max_length=12, choices=LEVELS)
    kind = models.CharField(max_length=30)            # national_target_programme / other_source
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    programme = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    name_vi = models.CharField(max_length=400)
    name_en = models.CharField(max_length=400)
    start_year = models.PositiveSmallIntegerField()
    end_year = models.PositiveSmallIntegerField()
    legal_basis = models.TextField(blank=True)
    provisional = models.BooleanField(default=False)
    verified = models.BooleanField(default=True)      # the name is in the sources read
    note = models.TextField(blank=True)
    position = models.PositiveIntegerField(default=0)
    data_file = models.CharField(max_length=80)
    file_version = models.CharField(max_length=20)
    in_catalogue = models.BooleanField(default=True)  # False: gone from the data files (kept for old supports)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_vi}"

    @property
    def root(self) -> "ProgrammePart":
        return self.programme or self


class FundingSource(models.Model):
    code = models.CharField(max_length=20, unique=True)
    name_vi = models.CharField(max_length=200)
    name_en = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code


class CatalogueFile(models.Model):
    """Which data file was loaded, with its version and content digest (the loader is idempotent)."""
    name = models.CharField(max_length=80, unique=True)
    file_version = models.CharField(max_length=20)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now=True)


class PartnerQuerySet(models.QuerySet):
    def for_user(self, user):
        """Partners of the user's area: those registered in the user's province or commune, and
        the province's own partners (a provincial Women's Union helps in every commune)."""
        from chungtay.accounts.access import scope_for
        from chungtay.units.models import Unit
        scope = scope_for(user)
        if scope.everything:
            return self
        communes, provinces = set(scope.commune_ids), set()
        for u in Unit.objects.filter(pk__in=scope.commune_ids | scope.village_ids).select_related("parent"):
            if u.level == Unit.VILLAGE:
                communes.add(u.parent_id)
                provinces.add(u.parent.parent_id)
            else:
                provinces.add(u.parent_id)
        return self.filter(Q(province_id__in=scope.province_ids) | Q(commune_id__in=communes)
                           | Q(commune__isnull=True, province_id__in=provinces))


class Partner(models.Model):
    """An organisation (or a person) taking part: departments, mass organisations, enterprises,
    armed-forces units, schools, individuals. Registered at a province or a commune; a
    province's partners are seen by everyone in the province."""
    KINDS = [("department", "Sở, ban, ngành", "Department or agency"),
             ("fatherland_front", "Mặt trận Tổ quốc", "Fatherland Front"),
             ("womens_union", "Hội Liên hiệp Phụ nữ", "Women's Union"),
             ("farmers_association", "Hội Nông dân", "Farmers' Association"),
             ("youth_union", "Đoàn Thanh niên", "Youth Union"),
             ("veterans_association", "Hội Cựu chiến binh", "Veterans' Association"),
             ("enterprise", "Doanh nghiệp", "Enterprise"),
             ("armed_forces", "Đơn vị lực lượng vũ trang", "Armed-forces unit"),
             ("school", "Trường học", "School"),
             ("red_cross", "Hội Chữ thập đỏ", "Red Cross"),
             ("ngo", "Tổ chức phi chính phủ", "NGO"),
             ("individual", "Cá nhân", "Individual"),
             ("other", "Khác", "Other")]
    KIND_CHOICES = [(k, vi) for k, vi, _ in KINDS]
    KIND_EN = {k: en for k, _, en in KINDS}
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=24, choices=KIND_CHOICES)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")   # where registered
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    contact = models.CharField(max_length=200, blank=True)      # an office, a representative's title
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = PartnerQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="partner_once_per_unit")]

    def __str__(self) -> str:
        return self.name


class Distribution(models.Model):
    """One decision that gives the same support to many households at once (all or nothing)."""
    decision_no = models.CharField(max_length=60)
    decision_date = models.DateField()
    title = models.CharField(max_length=300)
    unit = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")    # the deciding unit
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    households = models.PositiveIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decision_date", "-id"]


class Evidence(models.Model):
    """A photo or scan kept under DATA_DIR/support-evidence (mode 0600), served only to users
    whose area holds the household."""
    stored_name = models.CharField(max_length=80, unique=True)
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()


class SupportEntry(models.Model):
    """The identity of one support across its versions (what later models refer to)."""
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="support_entries")
    distribution = models.ForeignKey(Distribution, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="entries")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class Support(models.Model):
    """One version of a support. Never edited: see the module docstring."""
    entry = models.ForeignKey(SupportEntry, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveSmallIntegerField(default=1)
    is_current = models.BooleanField(default=True)
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="supports")
    member = models.ForeignKey("households.Member", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    part = models.ForeignKey(ProgrammePart, on_delete=models.PROTECT, related_name="supports")
    programme = models.ForeignKey(ProgrammePart, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    description = models.CharField(max_length=200, blank=True)
    quantity = models.DecimalField(max_digits=14, decimal_places=3)
    unit_of_measure = models.CharField(max_length=30)
    value_vnd = models.BigIntegerField()
    date = models.DateField()
    year = models.PositiveSmallIntegerField()
    provider_unit = models.ForeignKey("units.Unit", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    provider_partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="supports")
    document_no = models.CharField(max_length=60, blank=True)
    evidence = models.ForeignKey(Evidence, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    status = models.CharField(max_length=10, choices=STATUS_CHOICES)
    reason = models.CharField(max_length=300, blank=True)        # why this version (a correction, a cancellation)
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=12, default="form")    # form / distribution / import
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "version"], name="support_version"),
            models.UniqueConstraint(fields=["entry"], condition=Q(is_current=True), name="support_one_current"),
            models.CheckConstraint(condition=Q(value_vnd__gte=0), name="support_value_not_negative"),
        ]
        indexes = [models.Index(fields=["commune", "year", "is_current"]),
                   models.Index(fields=["province", "year", "is_current"]),
                   models.Index(fields=["household", "is_current"]),
                   models.Index(fields=["province", "id"], name="support_province_id")]   # prepared.stamp
        ordering = ["-date", "-id"]

    @property
    def provider_name(self) -> str:
        if self.provider_partner_id:
            return self.provider_partner.name
        return self.provider_unit.full_name if self.provider_unit_id else ""


class SupportFunding(models.Model):
    support = models.ForeignKey(Support, on_delete=models.PROTECT, related_name="funding")
    source = models.ForeignKey(FundingSource, on_delete=models.PROTECT, related_name="+")
    share = models.PositiveSmallIntegerField()         # integer percent; the shares of a version sum to 100
    amount_vnd = models.BigIntegerField()              # integer VND; the amounts sum to the value

    class Meta:
        ordering = ["-share", "id"]
        constraints = [models.UniqueConstraint(fields=["support", "source"], name="funding_source_once")]


class Pairing(models.Model):
    """A partner or an officer paired with a household or a village, for a period, with
    written commitments (giúp đỡ theo địa chỉ)."""
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.PROTECT, related_name="pairings")
    officer = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                related_name="support_pairings")
    household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="pairings")
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    start_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    commitments = models.TextField()
    document_no = models.CharField(max_length=60, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    ended_reason = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "-id"]
        constraints = [models.CheckConstraint(condition=Q(partner__isnull=False) | Q(officer__isnull=False),
                                              name="pairing_has_helper")]

    @property
    def helper_name(self) -> str:
        if self.partner_id:
            return self.partner.name
        o = self.officer
        return (o.get_full_name() or o.username) if o else ""

    def active_on(self, day) -> bool:
        if self.ended_on and self.ended_on <= day:
            return False
        return self.start_date <= day and (self.end_date is None or day <= self.end_date)


class Pledge(models.Model):
    """A household registers to escape poverty (or near-poverty) in ``year``: its plan and the
    support it asks for. Whether it was kept is derived from the review (``pledges.outcome``)."""
    ESCAPE_POVERTY, ESCAPE_NEAR = "escape_poverty", "escape_near_poverty"
    GOALS = [(ESCAPE_POVERTY, "Thoát nghèo", "Escape poverty"),
             (ESCAPE_NEAR, "Thoát cận nghèo", "Escape near-poverty")]
    GOAL_CHOICES = [(k, vi) for k, vi, _ in GOALS]
    GOAL_EN = {k: en for k, _, en in GOALS}
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="pledges")
    year = models.PositiveSmallIntegerField()
    goal = models.CharField(max_length=20, choices=GOAL_CHOICES, default=ESCAPE_POVERTY)
    plan = models.TextField()
    support_asked = models.TextField(blank=True)
    kinds_asked = models.JSONField(default=list)       # support kinds asked for (codes of KINDS)
    registered_on = models.DateField()
    village = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        constraints = [models.UniqueConstraint(fields=["household", "year"], name="pledge_once_a_year")]
        indexes = [models.Index(fields=["province", "id"], name="pledge_province_id"),     # prepared.stamp
                   # the province's list, newest year first: only the first year's rows are sorted
                   models.Index(fields=["province", "-year"], name="pledge_province_year")]


class PreparedAnalysis(models.Model):
    """A province's radar or outcomes, computed, with the stamp of the data it was computed from
    (``support/prepared.py``): read while the stamp still matches, recomputed when it has moved.
    Aggregates and household ids only, as on the pages; no personal data."""
    RADAR, OUTCOMES = "radar", "outcomes"
    kind = models.CharField(max_length=10, choices=[(RADAR, RADAR), (OUTCOMES, OUTCOMES)])
    unit = models.ForeignKey("units.Unit", on_delete=models.CASCADE, related_name="+")
    params = models.CharField(max_length=200)
    stamp = models.CharField(max_length=200)
    payload = models.JSONField()
    computed_at = models.DateTimeField()
    seconds = models.FloatField(default=0)             # how long the computation took
    read_at = models.DateTimeField()                   # the last page or API read (the worker keeps recent ones fresh)
    asked_at = models.DateTimeField(null=True)         # a page found the stamp moved and asked the worker to recompute

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "unit", "params"], name="prepared_analysis_once")]

"""Revolving models (luân chuyển, issue 10 part 4).

- ``RevolvingModel``: one model run by a commune (breeding goats, a capital tranche, coffee
  bio-fertiliser), its rule as data (``{"type": "offspring"|"rotate", "months": N}``, see
  chungtay/core/revolving.py), its start date, the planned households in order
  (``PlannedHousehold``) and, optionally, the support entry of the initial support.
- ``Asset``: one animal or one capital tranche (integer VND), with its parent when born in the model.
- ``Event``: append-only. A hand-over (first holder), a transfer / pass-on (with witness and the
  village decision), a birth (creates the newborn asset), a death, a sale (amount; optionally the
  replacement bought, given to a household). A correction is a new ``void`` event with a reason
  that names the event it cancels (then the right event is recorded again); no row is edited.

Holders over time, obligations (due dates), generations and health are computed from the
events by the pure core; nothing derived is stored.
"""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

KINDS = [("livestock", "Con giống, vật nuôi", "Livestock"),
         ("capital", "Vốn luân chuyển", "Revolving capital"),
         ("fertiliser", "Phân bón, vật tư", "Fertiliser and inputs"),
         ("seed", "Giống cây trồng", "Seed and seedlings"),
         ("other", "Khác", "Other")]
KIND_CHOICES = [(k, vi) for k, vi, _ in KINDS]
KIND_NAMES = {k: (vi, en) for k, vi, en in KINDS}

RULE_TYPES = [("offspring", "Con cái đầu tiên chuyển cho hộ tiếp theo (con đực bán, mua con cái)",
               "First female offspring passes on (a male is sold to buy a female)"),
              ("rotate", "Hoàn trả theo hạn rồi cho hộ khác vay / nhận tiếp",
               "Repaid on schedule, then lent again")]
RULE_NAMES = {k: (vi, en) for k, vi, en in RULE_TYPES}

HANDOVER, TRANSFER, BIRTH, DEATH, SALE, VOID = "handover", "transfer", "birth", "death", "sale", "void"
EVENT_KINDS = [(HANDOVER, "Giao lần đầu", "First hand-over"), (TRANSFER, "Luân chuyển", "Pass-on"),
               (BIRTH, "Sinh", "Birth"), (DEATH, "Chết, mất", "Death, loss"), (SALE, "Bán", "Sale"),
               (VOID, "Hủy ghi nhận (đính chính)", "Voided (correction)")]
EVENT_NAMES = {k: (vi, en) for k, vi, en in EVENT_KINDS}


class ModelQuerySet(models.QuerySet):
    def for_user(self, user):
        """Models of the user's area: by province or commune; a village head sees the models of
        the commune whose plan or holders include a household of the village."""
        from chungtay.accounts.access import scope_for
        scope = scope_for(user)
        if scope.everything:
            return self
        q = Q(pk__in=[])
        if scope.province_ids:
            q |= Q(province_id__in=scope.province_ids)
        if scope.commune_ids:
            q |= Q(commune_id__in=scope.commune_ids)
        if scope.village_ids:
            q |= Q(pk__in=PlannedHousehold.objects.filter(household__village_id__in=scope.village_ids)
                   .values("model_id"))
            q |= Q(pk__in=Event.objects.filter(to_household__village_id__in=scope.village_ids).values("model_id"))
        return self.filter(q)


class RevolvingModel(models.Model):
    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=12, choices=KIND_CHOICES)
    commune = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    province = models.ForeignKey("units.Unit", on_delete=models.PROTECT, related_name="+")
    rule = models.JSONField(default=dict)               # {"type": "offspring"|"rotate", "months": N, "note": "..."}
    start_date = models.DateField()
    support_entry = models.ForeignKey("support.SupportEntry", null=True, blank=True, on_delete=models.PROTECT,
                                      related_name="revolving_models")
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ModelQuerySet.as_manager()

    class Meta:
        ordering = ["-start_date", "code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class PlannedHousehold(models.Model):
    """The plan: the households meant to receive, in order."""
    model = models.ForeignKey(RevolvingModel, on_delete=models.PROTECT, related_name="planned")
    position = models.PositiveIntegerField()
    household = models.ForeignKey("households.Household", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["position"]
        constraints = [models.UniqueConstraint(fields=["model", "household"], name="revolving_plan_once"),
                       models.UniqueConstraint(fields=["model", "position"], name="revolving_plan_position")]


class Asset(models.Model):
    """An animal or a capital tranche. Its holders, state and obligations come from the events."""
    FEMALE, MALE = "female", "male"
    SEXES = [("", "–"), (FEMALE, "Cái"), (MALE, "Đực")]
    model = models.ForeignKey(RevolvingModel, on_delete=models.PROTECT, related_name="assets")
    code = models.CharField(max_length=40)
    description = models.CharField(max_length=200, blank=True)
    sex = models.CharField(max_length=6, choices=SEXES, blank=True)
    value_vnd = models.BigIntegerField()
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="offspring")
    origin = models.CharField(max_length=10, default="initial")     # initial / birth / purchase
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["model", "code"], name="revolving_asset_code"),
                       models.CheckConstraint(condition=Q(value_vnd__gte=0), name="revolving_asset_value")]

    def __str__(self) -> str:
        return self.code


class Event(models.Model):
    """Append-only: never edited or deleted (see the module docstring)."""
    model = models.ForeignKey(RevolvingModel, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(max_length=10, choices=[(k, vi) for k, vi, _ in EVENT_KINDS])
    date = models.DateField()
    asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.PROTECT, related_name="events")
    from_household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+")
    to_household = models.ForeignKey("households.Household", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    new_asset = models.ForeignKey(Asset, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amount_vnd = models.BigIntegerField(null=True, blank=True)      # a sale
    witness = models.CharField(max_length=200, blank=True)
    decision_no = models.CharField(max_length=60, blank=True)       # the village decision
    note = models.CharField(max_length=300, blank=True)
    voids = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT, related_name="voided_by")
    reason = models.CharField(max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]
        constraints = [models.CheckConstraint(condition=Q(amount_vnd__isnull=True) | Q(amount_vnd__gte=0),
                                              name="revolving_event_amount")]
        indexes = [models.Index(fields=["model", "date"])]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise RuntimeError("revolving events are append-only")
        super().save(*args, **kwargs)
